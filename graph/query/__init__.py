"""Querying: the guard that refuses what a read-only local query may not do (`guard`), guarded
queries on the store with time, memory and row limits (`sparql`), the shipped named queries
(`named`, `queries/*.rq`) and result formats for the terminal and files (`formats`).

Imports: `source`, `runtime`.
"""
