"""SPARQL over a knowledge base in process (rdflib or Oxigraph), and the named queries.

User values never enter a query as raw text: they are bindings, turned into RDF terms
and handed to rdflib as ``initBindings`` or, for Oxigraph and remote endpoints, written
as a trailing ``VALUES`` clause from escaped, validated terms. Both give the same answers
when a bound variable is used in triple patterns, as every named query does. Named
queries live in ``ontologies/queries/<name>.rq``; each opens with a comment block:

.. code-block:: text

    # <title>
    #
    # <what it answers, one or more lines>
    #
    # Parameters:
    #   <name> (required|optional): <meaning, with an example>
    #   (or "# Parameters: none")
    #
    # Columns: <the columns it returns>

>>> import crosswalk
>>> from crosswalk.rdf.sparql import query
>>> query(crosswalk.load(), "clauses-by-framework", framework="iso31000").clause.iloc[0]
'iso31000:1'
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib.util
import re
import weakref
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from crosswalk.io.resources import ontologies_dir
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import QueryError
from crosswalk.rdf.parse import offline, parse_graph
from crosswalk.rdf.write import to_graph

if TYPE_CHECKING:
    import pandas as pd
    import pyoxigraph

__all__ = [
    "ENGINES",
    "NamedQuery",
    "QueryParameter",
    "get_named_query",
    "named_queries",
    "query",
    "run_query",
    "to_store",
]

ENGINES = ("auto", "rdflib", "oxigraph")
"""Engine names of :func:`run_query`: ``auto`` picks Oxigraph where installed (see there)."""

_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# strings, IRIs and comments, so that keywords are only looked for in the query proper
_LEXEMES = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*",
)
_NETWORK_KEYWORDS = re.compile(r"(?<![\w:?$])(SERVICE|FROM)(?![\w:])", re.IGNORECASE)
_UPDATE_KEYWORDS = re.compile(
    r"(?<![\w:?$])(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)(?![\w:])", re.IGNORECASE
)
TRAILING_VALUES = re.compile(r"\}\s*VALUES\s*(\([^{}]*\)|[?$]\w+)\s*\{[^{}]*\}\s*$", re.IGNORECASE)

_GRAPHS: weakref.WeakKeyDictionary[KnowledgeBase, Graph] = weakref.WeakKeyDictionary()
_STORES: weakref.WeakKeyDictionary[KnowledgeBase, Any] = weakref.WeakKeyDictionary()


# -- terms ------------------------------------------------------------------------------


def scrub(text: str) -> str:
    """The query with strings, IRIs and comments blanked out."""
    return _LEXEMES.sub(" ", text)


def _check_query(text: str) -> None:
    """Refuse what an in-process query must not do: fetch data or change the graph."""
    body = scrub(text)
    network = _NETWORK_KEYWORDS.search(body)
    if network:
        raise QueryError(
            f"{network.group(1).upper()} is not allowed in an in-process query (it would fetch "
            "remote data); query the endpoint with query_endpoint() instead"
        )
    update = _UPDATE_KEYWORDS.search(body)
    if update:
        raise QueryError(f"{update.group(1).upper()} is a SPARQL update; run_query only reads")


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


def _has_oxigraph() -> bool:
    return importlib.util.find_spec("pyoxigraph") is not None


def to_store(source: KnowledgeBase | Graph) -> pyoxigraph.Store:
    """An in-memory Oxigraph store holding the knowledge base's export (or a graph)."""
    import pyoxigraph

    graph = graph_of(source)
    store = pyoxigraph.Store()
    store.load(
        graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES
    )
    return store


def graph_of(source: Any) -> Graph:
    if isinstance(source, Graph):
        return source
    if isinstance(source, KnowledgeBase):
        graph = _GRAPHS.get(source)
        if graph is None:
            graph = _GRAPHS[source] = to_graph(source, store="SimpleMemory")
        return graph
    if type(source).__name__ == "Store" and type(source).__module__.startswith("pyoxigraph"):
        import pyoxigraph

        data = source.dump(
            format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()
        )
        return parse_graph(data, format="nt", store="SimpleMemory")
    raise QueryError(
        f"cannot query a {type(source).__name__}: pass a KnowledgeBase, an rdflib Graph or a pyoxigraph Store"
    )


def _store(source: Any) -> Any:
    if type(source).__name__ == "Store" and type(source).__module__.startswith("pyoxigraph"):
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
    if engine == "oxigraph" and not _has_oxigraph():
        raise QueryError("engine 'oxigraph' needs pyoxigraph: pip install 'crosswalk[oxigraph]'")
    if engine == "auto":
        return "oxigraph" if _has_oxigraph() and not isinstance(source, Graph) else "rdflib"
    return engine


def frame_of(columns: list[str], rows: list[list[Any]]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def _run_rdflib(graph: Graph, text: str, terms: dict[str, Identifier]) -> pd.DataFrame:
    try:
        with offline():
            result = graph.query(text, initBindings=terms)
            if result.type == "ASK":
                return frame_of(["ask"], [[bool(result.askAnswer)]])
            if result.type in ("CONSTRUCT", "DESCRIBE"):
                assert result.graph is not None
                return frame_of(
                    ["subject", "predicate", "object"],
                    [[python_value(t) for t in triple] for triple in result.graph],
                )
            columns = [str(v) for v in result.vars or []]
            rows = [[python_value(row[i]) for i in range(len(columns))] for row in result]  # type: ignore[index]
    except QueryError:
        raise
    except PermissionError as error:
        raise QueryError(str(error)) from error
    except Exception as error:  # pyparsing and rdflib evaluation errors have no common base
        raise QueryError(f"the query failed in rdflib: {_first_line(error)}") from error
    return frame_of(columns, rows)


def _run_oxigraph(store: Any, text: str, terms: dict[str, Identifier]) -> pd.DataFrame:
    import pyoxigraph

    # pyoxigraph's `substitutions` only binds projected variables, so bindings travel as
    # a trailing VALUES clause of escaped terms, exactly as to an endpoint
    text = with_values(text, terms)
    try:
        with offline():
            result = store.query(text)
            if isinstance(result, pyoxigraph.QueryBoolean):
                return frame_of(["ask"], [[bool(result)]])
            if isinstance(result, pyoxigraph.QueryTriples):
                return frame_of(
                    ["subject", "predicate", "object"],
                    [[python_value(_from_oxigraph(t)) for t in triple] for triple in result],
                )
            variables = list(result.variables)
            columns = [v.value for v in variables]
            rows = [
                [python_value(_from_oxigraph(solution[v])) for v in variables]
                for solution in result
            ]
    except SyntaxError as error:
        raise QueryError(f"malformed SPARQL: {_first_line(error)}") from error
    except PermissionError as error:
        raise QueryError(str(error)) from error
    except OSError as error:
        raise QueryError(f"the query failed in Oxigraph: {_first_line(error)}") from error
    return frame_of(columns, rows)


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
    import re

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
) -> pd.DataFrame:
    """Run a SPARQL query in process; one column per variable (ASK: ``ask``; CONSTRUCT: s, p, o).

    ``graph_or_kb`` is a KnowledgeBase (exported once and cached), an rdflib Graph or a
    pyoxigraph Store. ``bindings`` maps variable names to values (str, int, float, bool,
    date, or rdflib URIRef/Literal) that the engine substitutes before evaluation.
    ``engine="auto"`` uses Oxigraph when pyoxigraph is installed, except for an rdflib
    Graph (which rdflib queries without a copy); both engines give the same table.
    Values are Python objects: str for IRIs and strings, int, float, bool, date.
    SERVICE, FROM and updates are refused: an in-process query never touches the network.

    >>> import crosswalk
    >>> kb = crosswalk.load()
    >>> run_query(kb, "ASK { ?m a <https://w3id.org/crosswalk/ontology#Mapping> }").ask.tolist()
    [True]
    >>> run_query(kb, "SELECT ?p WHERE { ?f <https://w3id.org/crosswalk/ontology#prefix> ?p }",
    ...           bindings={"p": "iso31000"}).p.tolist()
    ['iso31000']
    """
    _check_query(query)
    query = with_standard_prefixes(query)
    terms = bindings_of(bindings)
    chosen = _choose(engine, graph_or_kb)
    if chosen == "oxigraph":
        return _run_oxigraph(_store(graph_or_kb), query, terms)
    return _run_rdflib(graph_of(graph_or_kb), query, terms)


# -- named queries ----------------------------------------------------------------------


@dataclass(frozen=True)
class QueryParameter:
    """A parameter of a named query: a variable the caller binds."""

    name: str
    required: bool
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A documented query from ``ontologies/queries/<name>.rq``."""

    name: str
    title: str
    description: str
    parameters: tuple[QueryParameter, ...]
    columns: tuple[str, ...]
    text: str
    path: Path

    def bindings(self, params: MappingABC[str, Any]) -> dict[str, Any]:
        """Check ``params`` against the declared parameters; raise QueryError naming what is wrong."""
        known = {p.name for p in self.parameters}
        unknown = sorted(set(params) - known)
        if unknown:
            hint = f"; it takes {', '.join(sorted(known))}" if known else "; it takes no parameters"
            raise QueryError(
                f"named query {self.name!r} has no parameter {', '.join(map(repr, unknown))}{hint}"
            )
        missing = [p.name for p in self.parameters if p.required and params.get(p.name) is None]
        if missing:
            details = "; ".join(
                f"{p.name}: {p.description}" for p in self.parameters if p.name in missing
            )
            raise QueryError(f"named query {self.name!r} needs {', '.join(missing)} ({details})")
        return {name: value for name, value in params.items() if value is not None}


_PARAMETER = re.compile(
    r"^\s+(?P<name>[A-Za-z_]\w*)\s+\((?P<need>required|optional)\):\s*(?P<text>.*)$"
)


def _parse_named_query(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line[1:].removeprefix(" "))
    if not header or not header[0].strip():
        raise QueryError(
            f"{path}: a named query opens with a comment block whose first line is its title"
        )
    title = header[0].strip()
    description: list[str] = []
    parameters: list[QueryParameter] = []
    columns: tuple[str, ...] = ()
    section = "description"
    for line in header[1:]:
        stripped = line.strip()
        if stripped.startswith("Parameters:"):
            section = "parameters"
            if stripped.removeprefix("Parameters:").strip().lower() not in ("", "none"):
                raise QueryError(
                    f"{path}: write 'Parameters: none' or list them on the lines below"
                )
            continue
        if stripped.startswith("Columns:"):
            columns = tuple(
                c.strip() for c in stripped.removeprefix("Columns:").split(",") if c.strip()
            )
            section = "columns"
            continue
        if section == "description":
            description.append(stripped)
        elif section == "parameters" and stripped:
            match = _PARAMETER.match(line)
            if match:
                parameters.append(
                    QueryParameter(
                        match["name"], match["need"] == "required", match["text"].strip()
                    )
                )
            elif parameters:
                last = parameters[-1]
                parameters[-1] = QueryParameter(
                    last.name, last.required, f"{last.description} {stripped}"
                )
            else:
                raise QueryError(
                    f"{path}: parameter line {line!r} is not '  name (required|optional): meaning'"
                )
    return NamedQuery(
        name=path.stem,
        title=title,
        description=" ".join(" ".join(description).split()),
        parameters=tuple(parameters),
        columns=columns,
        text=text,
        path=path,
    )


@cache
def _named_queries(directory: Path) -> dict[str, NamedQuery]:
    return {path.stem: _parse_named_query(path) for path in sorted(directory.glob("*.rq"))}


def named_queries() -> dict[str, NamedQuery]:
    """The bundled named queries by name (``ontologies/queries/*.rq``)."""
    return dict(_named_queries(ontologies_dir() / "queries"))


def get_named_query(name: str) -> NamedQuery:
    """Get a named query; raise QueryError naming the closest names if there is none."""
    queries = named_queries()
    try:
        return queries[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.4)
        hint = f"; closest: {', '.join(close)}" if close else f"; known: {', '.join(queries)}"
        raise QueryError(f"no named query {name!r}{hint}") from None


def query(
    graph_or_kb: KnowledgeBase | Graph | Any, name: str, *, engine: str = "auto", **params: Any
) -> pd.DataFrame:
    """Run a named query with its parameters as bindings.

    >>> import crosswalk
    >>> query(crosswalk.load(), "mappings-of-clause", clause="iso31000:6.4.2").empty
    False
    """
    named = get_named_query(name)
    return run_query(graph_or_kb, named.text, bindings=named.bindings(params), engine=engine)


def with_values(text: str, terms: dict[str, Identifier]) -> str:
    if not terms:
        return text
    if TRAILING_VALUES.search(scrub(text)):
        raise QueryError(
            "bindings cannot be added to a query that already ends with a VALUES clause"
        )
    names = " ".join(f"?{name}" for name in terms)
    values = " ".join(sparql_text(term) for term in terms.values())
    return f"{text.rstrip()}\nVALUES ({names}) {{ ({values}) }}\n"
