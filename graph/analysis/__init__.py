"""Stage 4, the analyses: one module per analysis, each a pure function of the projection with its
definition and a doctested example on a tiny graph in its docstring (`reach`, `survival`,
`capacity`, `detours`, `whatif`, `single_removals`, `chokepoints`, `node_removals`, `concentration`,
`value_flow`, `vertical_integration`, `moat_matrix`, `layer_leaders`); all of them in one call and
their results as JSON-ready data (`results`), as RDF (`rdf`), as terminal text (`text`), and the
card of one vendor (`vendor_card`).

Imports: `model`, `source`, `runtime`.
"""
