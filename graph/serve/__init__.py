"""Serving and stores: the read-only SPARQL endpoint (`server`) with its killable query workers
(`pool`) and content negotiation (`media`); pushing the dataset to a triple store (`push`) and
querying one (`remote`) over HTTP (`http_client`).

Imports: `query`, `source`, `runtime`.
"""
