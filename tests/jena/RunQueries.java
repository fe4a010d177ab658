// Runs SPARQL query files on an Apache Jena TDB2 store with the union default graph, in one JVM, and
// prints each query's results as SPARQL results JSON, one query per line after a line "== NAME".
// Usage: java -cp JENA-CLASSPATH RunQueries.java STORE-FOLDER QUERY.rq...
// (the test of tests/query/test_plain_files.py; the same as `tdb2.tdbquery --loc STORE-FOLDER
// --set tdb:unionDefaultGraph=true --query QUERY.rq`, without starting Java once per query)

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.TDB2;
import org.apache.jena.tdb2.TDB2Factory;

public class RunQueries {
    public static void main(String[] args) {
        Dataset dataset = TDB2Factory.connectDataset(args[0]);
        dataset.getContext().set(TDB2.symUnionDefaultGraph, true);
        for (int i = 1; i < args.length; i++) {
            final String file = args[i];
            Query query = QueryFactory.read(file);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Txn.executeRead(dataset, () -> {
                try (QueryExecution execution = QueryExecutionFactory.create(query, dataset)) {
                    if (query.isSelectType()) {
                        ResultSetFormatter.outputAsJSON(out, execution.execSelect());
                    } else if (query.isAskType()) {
                        ResultSetFormatter.outputAsJSON(out, execution.execAsk());
                    } else {
                        throw new IllegalArgumentException(file + ": only SELECT and ASK");
                    }
                }
            });
            System.out.println("== " + file);
            System.out.println(out.toString(StandardCharsets.UTF_8).replace("\n", " "));
        }
    }
}
