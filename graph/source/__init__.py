"""Stage 1, the sources: data files into quads. The ontology and the vocabulary read from it
(`ontology`, `vocab`), where the shipped files are (`paths`), one YAML or Turtle file into the quads
of its named graph with the line of every fact (`yaml_reader`, `turtle_reader`, `facts`), a whole
data folder into one Oxigraph store (`loader`), and the problems found on the way (`problems`).

Imports: `runtime`.
"""
