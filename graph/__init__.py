"""stackmap: a knowledge graph of the generative-AI stack.

The library behind the `stackmap` command; each concern has its own module (loading, validation,
SPARQL, export, build). Import the module you need: nothing heavy is imported here.
"""

__version__ = "0.1.0"
