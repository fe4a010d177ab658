"""Stage 3, the model: the checked dataset projected onto the networkx graph of offerings that every
analysis reads, and its compiled integer form (`projection`). Nothing else edits that graph.

Imports: `source`, `runtime`.
"""
