"""Importers: turn public datasets into ordinary vendor data files (see `stackmap import`)."""
