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

>>> import crosswalk
>>> from crosswalk.rdf.sparql import query
>>> query(crosswalk.load(), "clauses-by-framework", framework="iso31000").clause.iloc[0]
'iso31000:1'
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import weakref
from collections.abc import Iterable, Sequence
from collections.abc import Mapping as MappingABC
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import DataError, Problem, QueryError
from crosswalk.rdf.guard import check_query
from crosswalk.rdf.named import NamedQuery, QueryParameter, get_named_query, named_queries
from crosswalk.rdf.parse import offline, parse_graph, read_graph
from crosswalk.rdf.sandbox import QueryTimeoutError, run_sandboxed
from crosswalk.rdf.terms import MAX_RDF_BYTES, SUFFIX_FORMATS
from crosswalk.rdf.write import to_graph, to_ntriples

if TYPE_CHECKING:
    import pandas as pd
    import pyoxigraph

__all__ = [
    "DEFAULT_TIMEOUT",
    "ENGINES",
    "NamedQuery",
    "QueryParameter",
    "QueryTimeoutError",
    "get_named_query",
    "named_queries",
    "query",
    "run_query",
    "to_store",
    "with_rdf",
]

ENGINES = ("auto", "rdflib", "oxigraph")
"""Engine names of :func:`run_query`: ``auto`` is Oxigraph, except for an rdflib Graph."""
DEFAULT_TIMEOUT = 60.0
"""Seconds an in-process query may run before it is stopped (``timeout=None``: no limit)."""

_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')

_GRAPHS: weakref.WeakKeyDictionary[KnowledgeBase, Graph] = weakref.WeakKeyDictionary()
_STORES: weakref.WeakKeyDictionary[KnowledgeBase, Any] = weakref.WeakKeyDictionary()


# -- terms ------------------------------------------------------------------------------


def _term(name: str, value: Any) -> Identifier:
    """An RDF term for a binding value; strings become plain literals, never query text."""
    if isinstance(value, URIRef):
        if not str(value) or _BAD_IRI.search(str(value)):
            raise QueryError(f"binding {name!r}: {str(value)!r} is not a valid IRI")
        return value
    if isinstance(value, Literal):
        if value.language and not _LANGUAGE.match(value.language):
            raise QueryError(f"binding {name!r}: bad language tag {value.language!r}")
        if value.datatype is not None and _BAD_IRI.search(str(value.datatype)):
            raise QueryError(f"binding {name!r}: bad datatype IRI {value.datatype!r}")
        return value
    if isinstance(value, BNode | Node):
        raise QueryError(
            f"binding {name!r}: only IRIs and literals can be bound, not {type(value).__name__}"
        )
    oxigraph = _from_oxigraph(value)
    if oxigraph is not None:
        return _term(name, oxigraph)
    if isinstance(value, bool | int | float | Decimal | dt.date | dt.datetime | str):
        return Literal(value)
    raise QueryError(
        f"binding {name!r}: cannot bind a {type(value).__name__}; use str, int, float, bool, "
        "date, datetime or an rdflib URIRef/Literal"
    )


def _from_oxigraph(value: Any) -> Identifier | None:
    kind = type(value).__name__
    if type(value).__module__.split(".")[0] != "pyoxigraph":
        return None
    if kind == "NamedNode":
        return URIRef(value.value)
    if kind == "Literal":
        if value.language:
            return Literal(value.value, lang=value.language)
        datatype = value.datatype.value
        return Literal(
            value.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype)
        )
    if kind == "BlankNode":
        return BNode(value.value)
    return None


def bindings_of(bindings: MappingABC[str, Any] | None) -> dict[str, Identifier]:
    terms = {}
    for raw_name, value in (bindings or {}).items():
        name = raw_name.lstrip("?$")
        if not _VARIABLE.match(name):
            raise QueryError(f"{raw_name!r} is not a variable name (letters, digits and _)")
        if value is None:
            continue
        terms[name] = _term(name, value)
    return terms


def python_value(term: Node | None) -> Any:
    """The Python value shown in a result table (str for IRIs, typed values for literals)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.language or term.datatype is None or term.datatype == XSD.string:
            return str(term)
        value = term.toPython()
        if isinstance(value, Literal):  # an unknown datatype
            return str(term)
        return float(value) if isinstance(value, Decimal) else value
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def sparql_text(term: Identifier) -> str:
    """A term written in SPARQL syntax, escaped (for VALUES sent to an endpoint)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    assert isinstance(term, Literal)
    text = str(term)
    for raw, escaped in (
        ("\\", "\\\\"),
        ('"', '\\"'),
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\t", "\\t"),
        ("\b", "\\b"),
        ("\f", "\\f"),
    ):
        text = text.replace(raw, escaped)
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype is not None and term.datatype != XSD.string:
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


# -- engines ----------------------------------------------------------------------------


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


def _store(source: Any) -> Any:
    if _is_store(source):
        return source
    if isinstance(source, KnowledgeBase):
        store = _STORES.get(source)
        if store is None:
            store = _STORES[source] = to_store(source)
        return store
    return to_store(source)


def _choose(engine: str, source: Any) -> str:
    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if engine == "auto":
        return "rdflib" if isinstance(source, Graph) else "oxigraph"
    return engine


def frame_of(columns: list[str], rows: list[list[Any]]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


Answer = tuple[list[str], list[list[Any]], bool]
"""What a query gives back from its process: columns, rows, and whether rows were left out."""


def _first(rows: Iterable[list[Any]], limit: int | None) -> tuple[list[list[Any]], bool]:
    """The first ``limit`` rows (all if None), and whether there were more; reads one past."""
    if limit is None:
        return list(rows), False
    taken = list(itertools.islice(rows, limit + 1))
    return taken[:limit], len(taken) > limit


def _rdflib_answer(
    graph: Graph, text: str, terms: dict[str, Identifier], limit: int | None
) -> Answer:
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
        raise QueryError(f"the query failed in rdflib: {_first_line(error)}") from error


def _oxigraph_answer(
    store: Any, text: str, terms: dict[str, Identifier], limit: int | None
) -> Answer:
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
                triples = ([python_value(_from_oxigraph(t)) for t in triple] for triple in result)
                return ["subject", "predicate", "object"], *_first(triples, limit)
            variables = list(result.variables)
            solutions = (
                [python_value(_from_oxigraph(solution[v])) for v in variables]
                for solution in result
            )
            return [v.value for v in variables], *_first(solutions, limit)
    except SyntaxError as error:
        raise QueryError(f"malformed SPARQL: {_first_line(error)}") from error
    except PermissionError as error:
        raise QueryError(str(error)) from error
    except OSError as error:
        raise QueryError(f"the query failed in Oxigraph: {_first_line(error)}") from error


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


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
    pyoxigraph Store (:func:`with_rdf` adds RDF files to a knowledge base). ``bindings``
    maps variable names to values (str, int, float, bool, date, or rdflib URIRef/Literal)
    that the engine substitutes before evaluation. ``engine="auto"`` uses Oxigraph,
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
    if terms and shape.has_values and _choose(engine, graph_or_kb) == "oxigraph":
        raise QueryError(
            "bindings cannot be added to a query that already ends with a VALUES clause"
        )
    if _choose(engine, graph_or_kb) == "oxigraph":
        store = _store(graph_or_kb)

        def work() -> Answer:
            return _oxigraph_answer(store, text, terms, limit)

    else:
        graph = graph_of(graph_or_kb)

        def work() -> Answer:
            return _rdflib_answer(graph, text, terms, limit)

    columns, rows, truncated = run_sandboxed(work, timeout=timeout)
    frame = frame_of(columns, rows)
    frame.attrs["truncated"] = truncated
    return frame


# -- extra RDF beside the knowledge base ------------------------------------------------

_OXIGRAPH_SAFE = {"turtle": "TURTLE", "nt": "N_TRIPLES"}
"""Syntaxes Oxigraph may read directly: they can name no remote context and no entity."""


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_RDF_BYTES:
            raise DataError(
                [
                    Problem(
                        str(path),
                        "",
                        "file-size",
                        f"{size} bytes is over the {MAX_RDF_BYTES // 2**20} MB limit",
                    )
                ]
            )
        return path.read_bytes()
    except OSError as error:
        raise DataError([Problem(str(path), "", "readable", str(error))]) from error


def _format_of(path: Path) -> str:
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(SUFFIX_FORMATS))
        raise DataError(
            [Problem(str(path), "", "rdf-format", f"cannot tell the RDF format ({known})")]
        )
    return fmt


def _ntriples_of(path: Path) -> tuple[bytes, str]:
    """A file's triples for Oxigraph: (data, pyoxigraph format name), safely parsed."""
    fmt = _format_of(path)
    if fmt in _OXIGRAPH_SAFE:
        return _read_bytes(path), _OXIGRAPH_SAFE[fmt]
    graph = read_graph(path, format=fmt, store="SimpleMemory")  # entity and context checks
    return graph.serialize(format="nt", encoding="utf-8"), "N_TRIPLES"


def with_rdf(
    kb: KnowledgeBase, paths: Sequence[str | os.PathLike[str]], *, engine: str = "auto"
) -> Any:
    """The knowledge base's graph with the triples of RDF files added, ready for :func:`run_query`.

    A ``gap --rdf`` file (the knowledge base, an inventory and its findings) adds only its
    controls and findings: exports have no blank nodes, so repeated triples merge. Files
    are parsed without network access, external entities or remote JSON-LD contexts.
    Returns a pyoxigraph Store (``engine`` auto or oxigraph) or an rdflib Graph (rdflib).
    """
    files = [Path(p) for p in paths]
    if _choose(engine, kb) == "rdflib":
        graph = Graph(store="SimpleMemory")
        for triple in graph_of(kb):
            graph.add(triple)
        for path in files:
            for triple in read_graph(path, store="SimpleMemory"):
                graph.add(triple)
        return graph
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(to_ntriples(kb), format=pyoxigraph.RdfFormat.N_TRIPLES)
    for path in files:
        data, fmt = _ntriples_of(path)
        try:
            with offline():
                store.load(
                    data,
                    format=getattr(pyoxigraph.RdfFormat, fmt),
                    base_iri=path.resolve().as_uri(),
                )
        except SyntaxError as error:
            raise DataError(
                [Problem(str(path), "", "rdf-syntax", _first_line(error))],
                title=f"{path}: not valid RDF",
            ) from error
    return store


def ntriples_with_rdf(kb: KnowledgeBase, paths: Sequence[str | os.PathLike[str]]) -> bytes:
    """N-Triples of the knowledge base and of RDF files (safely parsed), for an upload."""
    if not paths:
        return to_ntriples(kb)
    import pyoxigraph

    store = with_rdf(kb, paths)
    dumped: bytes = store.dump(
        format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()
    )
    return dumped


# -- named queries ----------------------------------------------------------------------


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


def with_values(text: str, terms: dict[str, Identifier]) -> str:
    """The query with a trailing VALUES clause binding ``terms`` (escaped RDF terms)."""
    if not terms:
        return text
    names = " ".join(f"?{name}" for name in terms)
    values = " ".join(sparql_text(term) for term in terms.values())
    return f"{text.rstrip()}\nVALUES ({names}) {{ ({values}) }}\n"
