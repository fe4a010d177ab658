"""The analysis graph: the RDF dataset projected onto a networkx DiGraph of offerings.

Nodes are offerings; a vendor with no offering stands as one node. An edge u -> v means u depends on
v. Its `relations` attribute maps each dependency kind (the YAML key, e.g. `runs_on`) to a `Link`:
the part of u's supply of that kind that v provides (`weight`), the share the data states, and the
sources. The projection follows these rules, and nothing else edits the graph:

- A dependency stated on a vendor applies to each of its offerings that does not state that kind
  itself (a vendor with no offering keeps it).
- A dependency that names a vendor stands for each of the vendor's offerings in the kind's supplier
  layers (`sm:supplierLayer`): they are alternatives, and share that reference's part equally.
- Weights within one kind: stated shares are kept; references without a share split what is left
  equally; when every reference has a share and they total less than 1, they are scaled to 1 (the
  data names only the suppliers it knows). So the weights of every kind of a node add up to 1.
- Different kinds of one node are all required (AND); the suppliers within a kind are alternatives (OR).

Applications are the nodes of the `applications` top layer. Vendor results aggregate their nodes.
`SupplyIndex` is the same graph compiled to integer lists, numbered suppliers first, for the
analyses that simulate removals many times.

This module is the model's public face; the types live in `types`, the SPARQL read in `read`, and
the integer index in `index`.
"""

from __future__ import annotations

from .index import APPLICATIONS, SupplyIndex, compile_index, supplier_order
from .read import LARGE_STORE, project
from .types import LARGE_GRAPH, Figure, Link, MoatClaim, Projection, ProjectionError, Source, Tie, Vendor, top_layer_of

__all__ = [
    "APPLICATIONS",
    "LARGE_GRAPH",
    "LARGE_STORE",
    "Figure",
    "Link",
    "MoatClaim",
    "Projection",
    "ProjectionError",
    "Source",
    "SupplyIndex",
    "Tie",
    "Vendor",
    "compile_index",
    "project",
    "supplier_order",
    "top_layer_of",
]
