"""SPARQL over a knowledge base in process (rdflib or Oxigraph), safely and within limits.

User values never enter a query as raw text: they are bindings, turned into RDF terms
and handed to rdflib as ``initBindings`` or, for Oxigraph and remote endpoints, written
as a trailing ``VALUES`` clause from escaped, validated terms. Both give the same answers
when a bound variable is used in triple patterns, as every named query does.

A query runs only after :mod:`crosswalk.rdf.guard` has parsed it and found nothing that
fetches data or writes (SERVICE, FROM, FROM NAMED, LOAD and other updates), and it runs
in a forked child (:mod:`crosswalk.rdf.sandbox`) that can open no socket or file, is
stopped at ``timeout`` seconds and stops reading solutions after ``limit`` rows. The
named queries of ``ontologies/queries/`` are described in :mod:`crosswalk.rdf.named`.

This module is the entry point and holds what every query goes through (prefixes,
bindings, the check, the sandbox). Beside it: :mod:`crosswalk.rdf.values` (bindings in,
Python values out), :mod:`crosswalk.rdf.engines` (what each engine runs over and how it
answers) and :mod:`crosswalk.rdf.extra` (user RDF files added to the knowledge base).

>>> import crosswalk
>>> from crosswalk.rdf.sparql import query
>>> query(crosswalk.load(), "clauses-by-framework", framework="iso31000").clause.iloc[0]
'iso31000:1'
"""

from __future__ import annotations

import re
from collections.abc import Mapping as MappingABC
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import QueryError
from crosswalk.rdf.engines import (
    Answer,
    choose_engine,
    graph_of,
    oxigraph_answer,
    rdflib_answer,
    store_of,
)
from crosswalk.rdf.guard import check_query
from crosswalk.rdf.named import NamedQuery, QueryParameter, get_named_query, named_queries
from crosswalk.rdf.sandbox import QueryTimeoutError, run_sandboxed
from crosswalk.rdf.values import bindings_of, frame_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_TIMEOUT",
    "NamedQuery",
    "QueryParameter",
    "QueryTimeoutError",
    "get_named_query",
    "named_queries",
    "query",
    "run_query",
]

DEFAULT_TIMEOUT = 60.0
"""Seconds an in-process query may run before it is stopped (``timeout=None``: no limit)."""


STANDARD_PREFIXES = {
    "cw": "https://w3id.org/crosswalk/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
}
"""Prefixes a query may use without declaring them."""


def with_standard_prefixes(query: str) -> str:
    """Declare the standard prefixes a query uses but does not declare itself."""
    declared = {m.lower() for m in re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z][\w-]*)\s*:", query)}
    missing = [
        f"PREFIX {name}: <{iri}>"
        for name, iri in STANDARD_PREFIXES.items()
        if name not in declared and re.search(rf"(?<![\w<]){name}:", query)
    ]
    return "\n".join([*missing, query]) if missing else query


def run_query(
    graph_or_kb: KnowledgeBase | Graph | Any,
    query: str,
    *,
    bindings: MappingABC[str, Any] | None = None,
    engine: str = "auto",
    timeout: float | None = DEFAULT_TIMEOUT,
    limit: int | None = None,
) -> pd.DataFrame:
    """Run a SPARQL query in process; one column per variable (ASK: ``ask``; CONSTRUCT: s, p, o).

    ``graph_or_kb`` is a KnowledgeBase (exported once and cached), an rdflib Graph or a
    pyoxigraph Store (:func:`~crosswalk.rdf.extra.with_rdf` adds RDF files to a knowledge
    base). ``bindings`` maps variable names to values (str, int, float, bool, date, or
    rdflib URIRef/Literal) that the engine substitutes before evaluation. ``engine="auto"`` uses Oxigraph,
    except for an rdflib Graph (which rdflib queries without a copy); both engines give
    the same table. Values are Python objects: str for IRIs and strings, int, float,
    bool, date.

    SERVICE, FROM, FROM NAMED and updates are refused (:mod:`crosswalk.rdf.guard`): an
    in-process query never touches the network. A query still running after ``timeout``
    seconds is stopped (:class:`QueryTimeoutError`); with ``limit``, at most that many
    rows are read, and ``frame.attrs["truncated"]`` says whether more were left.

    >>> import crosswalk
    >>> kb = crosswalk.load()
    >>> run_query(kb, "ASK { ?m a <https://w3id.org/crosswalk/ontology#Mapping> }").ask.tolist()
    [True]
    >>> run_query(kb, "SELECT ?p WHERE { ?f <https://w3id.org/crosswalk/ontology#prefix> ?p }",
    ...           bindings={"p": "iso31000"}).p.tolist()
    ['iso31000']
    """
    if limit is not None and limit < 0:
        raise QueryError(f"limit must be 0 or more, not {limit}")
    text = with_standard_prefixes(query)
    terms = bindings_of(bindings)
    shape = check_query(text)
    if terms and shape.has_values and choose_engine(engine, graph_or_kb) == "oxigraph":
        raise QueryError(
            "bindings cannot be added to a query that already ends with a VALUES clause"
        )
    if choose_engine(engine, graph_or_kb) == "oxigraph":
        store = store_of(graph_or_kb)

        def work() -> Answer:
            return oxigraph_answer(store, text, terms, limit)

    else:
        graph = graph_of(graph_or_kb)

        def work() -> Answer:
            return rdflib_answer(graph, text, terms, limit)

    columns, rows, truncated = run_sandboxed(work, timeout=timeout)
    frame = frame_of(columns, rows)
    frame.attrs["truncated"] = truncated
    return frame


def query(
    graph_or_kb: KnowledgeBase | Graph | Any,
    name: str,
    *,
    engine: str = "auto",
    timeout: float | None = DEFAULT_TIMEOUT,
    limit: int | None = None,
    kb: KnowledgeBase | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Run a named query with its parameters as bindings.

    Clause parameters take citations as well as ids, resolved by the knowledge base
    (``graph_or_kb`` itself, or ``kb`` when querying a graph or store).

    >>> import crosswalk
    >>> query(crosswalk.load(), "mappings-of-clause", clause="ISO 31000 6.4.2").empty
    False
    """
    named = get_named_query(name)
    checker = (
        kb if kb is not None else graph_or_kb if isinstance(graph_or_kb, KnowledgeBase) else None
    )
    return run_query(
        graph_or_kb,
        named.text,
        bindings=named.bindings(params, kb=checker),
        engine=engine,
        timeout=timeout,
        limit=limit,
    )
