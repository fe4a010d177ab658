"""Stage 5, rendering: what people read, made from the analyses' results without recomputing them.
The interactive HTML view (the package `html`: `texts`, `drawn_graph`, `layout`, `page_data`, `page`
and `templates/`), the report and its figures (`report`, `report_figures`, `report_numbers`,
`source_support`), the layer colours (`palette`), the dataset serialised (`export`), and opening a
page in the browser (`browser`).

Imports: `analysis`, `model`, `source`, `runtime`.
"""
