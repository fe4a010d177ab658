"""Stage 2, the check: is the loaded data valid? Ids and references across files (`references`),
the SHACL shapes compiled to SPARQL and run on the store (`shacl_compiler`), their results mapped
to `file:line` (`shacl`, which also runs pyshacl, the reference engine, with rdflib's SPARQL processor
preparing each query text once: `prepared_sparql`), and `check` with its one-line summary (`validate`).

Imports: `source`, `runtime`.
"""
