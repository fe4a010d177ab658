"""Stage 5, rendering: what people read, made from the analyses' results without recomputing them.
The interactive HTML view (the package `html`: `texts`, `drawn_graph`, `layout`, `page_data`, `network`,
`page` and `templates/`), the report (the package `report`: `blocks`, `names`, `layers`, a module per
section, `summary`, `stack`, `value_flow`, `concentration`, `chokepoints`, `moats`, `sources`, and
the writers `markdown` and `html`) with its figures and numbers (`report_figures`, `timeline_figure`,
`report_numbers`) and the facts per source (`source_support`), the layer colours (`palette`), the
dataset serialised (`export`, with `trig_converter` making the build's TriG in a converter process),
and opening a page in the browser (`browser`).

Imports: `analysis`, `model`, `source`, `runtime`.
"""
