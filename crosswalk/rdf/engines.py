"""The two in-process engines: which one runs, what it runs over, and how it answers.

``auto`` is Oxigraph, except for an rdflib Graph, which rdflib queries without a copy.
A knowledge base is exported once per engine and kept (an rdflib graph or an Oxigraph
store, held weakly beside it). Each engine's answer is read into the same shape,
:data:`Answer` — columns, rows of Python values, and whether rows were left out — so the
two give the same table. Checking a query and sandboxing its run are the caller's
(:func:`crosswalk.rdf.sparql.run_query`); this module only evaluates.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rdflib import Graph
from rdflib.term import Identifier

from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import QueryError, first_line
from crosswalk.rdf.parse import offline, parse_graph
from crosswalk.rdf.values import from_oxigraph, python_value, with_values
from crosswalk.rdf.write import to_graph, to_ntriples

if TYPE_CHECKING:
    import pyoxigraph

__all__ = [
    "ENGINES",
    "Answer",
    "choose_engine",
    "graph_of",
    "oxigraph_answer",
    "rdflib_answer",
    "store_of",
    "to_store",
]

ENGINES = ("auto", "rdflib", "oxigraph")
"""Engine names of :func:`~crosswalk.rdf.sparql.run_query`: ``auto`` is Oxigraph, except for an rdflib Graph."""

_GRAPHS: weakref.WeakKeyDictionary[KnowledgeBase, Graph] = weakref.WeakKeyDictionary()
_STORES: weakref.WeakKeyDictionary[KnowledgeBase, Any] = weakref.WeakKeyDictionary()

Answer = tuple[list[str], list[list[Any]], bool]
"""What a query gives back from its process: columns, rows, and whether rows were left out."""


def choose_engine(engine: str, source: Any) -> str:
    """The engine that runs over ``source``: ``engine`` itself, or what ``auto`` means there."""
    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if engine == "auto":
        return "rdflib" if isinstance(source, Graph) else "oxigraph"
    return engine


# -- what a query runs over -------------------------------------------------------------


def _is_store(source: Any) -> bool:
    return type(source).__name__ == "Store" and type(source).__module__.startswith("pyoxigraph")


def to_store(source: KnowledgeBase | Graph) -> pyoxigraph.Store:
    """An in-memory Oxigraph store holding the knowledge base's export (or a graph)."""
    import pyoxigraph

    if isinstance(source, KnowledgeBase):
        data = to_ntriples(source)
    else:
        data = graph_of(source).serialize(format="nt", encoding="utf-8")
    store = pyoxigraph.Store()
    store.load(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def graph_of(source: Any) -> Graph:
    """The rdflib graph of a knowledge base (built once and kept), a graph, or a store."""
    if isinstance(source, Graph):
        return source
    if isinstance(source, KnowledgeBase):
        graph = _GRAPHS.get(source)
        if graph is None:
            graph = _GRAPHS[source] = to_graph(source, store="SimpleMemory")
        return graph
    if _is_store(source):
        import pyoxigraph

        data = source.dump(
            format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()
        )
        return parse_graph(data, format="nt", store="SimpleMemory")
    raise QueryError(
        f"cannot query a {type(source).__name__}: pass a KnowledgeBase, an rdflib Graph or a pyoxigraph Store"
    )


def store_of(source: Any) -> Any:
    """The Oxigraph store of a knowledge base (built once and kept), a store, or a graph."""
    if _is_store(source):
        return source
    if isinstance(source, KnowledgeBase):
        store = _STORES.get(source)
        if store is None:
            store = _STORES[source] = to_store(source)
        return store
    return to_store(source)


# -- answers ----------------------------------------------------------------------------


def _first(rows: Iterable[list[Any]], limit: int | None) -> tuple[list[list[Any]], bool]:
    """The first ``limit`` rows (all if None), and whether there were more; reads one past."""
    if limit is None:
        return list(rows), False
    taken = list(itertools.islice(rows, limit + 1))
    return taken[:limit], len(taken) > limit


def rdflib_answer(
    graph: Graph, text: str, terms: dict[str, Identifier], limit: int | None
) -> Answer:
    """Evaluate a checked query with rdflib, the terms bound as ``initBindings``."""
    try:
        with offline():
            result = graph.query(text, initBindings=terms)
            if result.type == "ASK":
                return ["ask"], [[bool(result.askAnswer)]], False
            if result.type in ("CONSTRUCT", "DESCRIBE"):
                assert result.graph is not None
                triples = ([python_value(t) for t in triple] for triple in result.graph)
                return ["subject", "predicate", "object"], *_first(triples, limit)
            columns = [str(v) for v in result.vars or []]
            solutions = (
                [python_value(row[i]) for i in range(len(columns))]  # type: ignore[index]
                for row in result
            )
            return columns, *_first(solutions, limit)
    except QueryError:
        raise
    except PermissionError as error:
        raise QueryError(str(error)) from error
    except Exception as error:  # pyparsing and rdflib evaluation errors have no common base
        raise QueryError(f"the query failed in rdflib: {first_line(error)}") from error


def oxigraph_answer(
    store: Any, text: str, terms: dict[str, Identifier], limit: int | None
) -> Answer:
    """Evaluate a checked query with Oxigraph, the terms bound by a trailing VALUES clause."""
    import pyoxigraph

    # pyoxigraph's `substitutions` only binds projected variables, so bindings travel as
    # a trailing VALUES clause of escaped terms, exactly as to an endpoint
    text = with_values(text, terms)
    try:
        with offline():
            result = store.query(text)
            if isinstance(result, pyoxigraph.QueryBoolean):
                return ["ask"], [[bool(result)]], False
            if isinstance(result, pyoxigraph.QueryTriples):
                triples = ([python_value(from_oxigraph(t)) for t in triple] for triple in result)
                return ["subject", "predicate", "object"], *_first(triples, limit)
            variables = list(result.variables)
            solutions = (
                [python_value(from_oxigraph(solution[v])) for v in variables] for solution in result
            )
            return [v.value for v in variables], *_first(solutions, limit)
    except SyntaxError as error:
        raise QueryError(f"malformed SPARQL: {first_line(error)}") from error
    except PermissionError as error:
        raise QueryError(str(error)) from error
    except OSError as error:
        raise QueryError(f"the query failed in Oxigraph: {first_line(error)}") from error
