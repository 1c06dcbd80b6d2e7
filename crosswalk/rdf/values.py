r"""Values across the query boundary: user values in as RDF terms, solutions out as Python.

In: a caller's bindings become validated RDF terms (:func:`bindings_of`), never query
text; where an engine or an endpoint needs them as text, they are written escaped into a
trailing ``VALUES`` clause (:func:`with_values`). Out: the terms of a solution become the
Python values of a result table (:func:`python_value`, :func:`frame_of`).

Both the in-process engines (:mod:`crosswalk.rdf.engines`) and remote endpoints
(:mod:`crosswalk.rdf.endpoint`) convert this way, so this sits apart from either.

>>> print(with_values("SELECT ?c WHERE { ?c ?p ?n }", bindings_of({"n": 'say "hi"'})))
SELECT ?c WHERE { ?c ?p ?n }
VALUES (?n) { ("say \"hi\"") }
<BLANKLINE>
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping as MappingABC
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Identifier, Node

from crosswalk.model.errors import QueryError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "bindings_of",
    "frame_of",
    "from_oxigraph",
    "python_value",
    "sparql_text",
    "with_values",
]

_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


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
    oxigraph = from_oxigraph(value)
    if oxigraph is not None:
        return _term(name, oxigraph)
    if isinstance(value, bool | int | float | Decimal | dt.date | dt.datetime | str):
        return Literal(value)
    raise QueryError(
        f"binding {name!r}: cannot bind a {type(value).__name__}; use str, int, float, bool, "
        "date, datetime or an rdflib URIRef/Literal"
    )


def from_oxigraph(value: Any) -> Identifier | None:
    """The rdflib term of a pyoxigraph term (None for anything else)."""
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
    """Validated RDF terms for a caller's bindings (``?``/``$`` dropped; None values skipped)."""
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


def with_values(text: str, terms: dict[str, Identifier]) -> str:
    """The query with a trailing VALUES clause binding ``terms`` (escaped RDF terms)."""
    if not terms:
        return text
    names = " ".join(f"?{name}" for name in terms)
    values = " ".join(sparql_text(term) for term in terms.values())
    return f"{text.rstrip()}\nVALUES ({names}) {{ ({values}) }}\n"


def frame_of(columns: list[str], rows: list[list[Any]]) -> pd.DataFrame:
    """A result table: one column per variable, rows of Python values."""
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)
