"""Importers: public datasets into ordinary vendor data files that people review and commit
(`stackmap import`). Names and ids (`names`), the vendors and offerings of one import matched to those
already in the data (`registry`), Epoch AI's tables (`tables`) and what each becomes (`models`,
`hardware`, `clusters`, `companies`), the plan of a whole import (`epoch`), what it read and did
(`summary`), the generated files (`writer`) and the run (`run`).

Imports: `source`, `runtime`.
"""
