"""Compatibility name: SPARQL over a knowledge base lives in :mod:`crosswalk.rdf.sparql`."""

from __future__ import annotations

from crosswalk.rdf.endpoint import publish, query_endpoint
from crosswalk.rdf.engines import ENGINES, to_store
from crosswalk.rdf.sparql import (
    NamedQuery,
    QueryParameter,
    get_named_query,
    named_queries,
    query,
    run_query,
)

__all__ = [
    "ENGINES",
    "NamedQuery",
    "QueryParameter",
    "get_named_query",
    "named_queries",
    "publish",
    "query",
    "query_endpoint",
    "run_query",
    "to_store",
]
