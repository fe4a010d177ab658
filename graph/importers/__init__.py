"""Importers: public datasets into ordinary vendor data files that people review and commit
(`stackmap import`). Matching a dataset's names to the vendors already in the data (`names`),
Epoch AI's tables (`epoch`), the generated files (`writer`) and the run (`run`).

Imports: `source`, `runtime`.
"""
