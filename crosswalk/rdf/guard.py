r"""What an in-process query may do, decided on the parsed query, never on its text.

A query that crosswalk runs itself may only read the graph it is given. It must not
fetch anything: ``SERVICE`` (federated query; Oxigraph evaluates it with its own HTTP
client, out of reach of Python's audit hooks), ``FROM`` / ``FROM NAMED`` (rdflib loads
a dataset it does not hold) and ``LOAD`` or any other update are refused before either
engine sees the query. The decision is taken on the query as rdflib's SPARQL 1.1 parser
reads it — after ``\u`` escapes are decoded, with comments, prefixed names such as
``ex:a\#`` and ``SILENT`` understood as the grammar says — so no spelling of the
keywords slips through. What the parser cannot read is refused too (fail closed).

>>> inspect_query("SELECT * WHERE { ?s ?p ?o }").form
'SELECT'
>>> inspect_query("select * where { service <http://x/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
crosswalk.model.errors.QueryError: SERVICE <http://x/> is not allowed in a query crosswalk runs itself: ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from crosswalk.model.errors import QueryError, first_line

__all__ = ["QueryShape", "check_query", "ends_with_values", "inspect_query"]

_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_REMOTE = "; query a SPARQL endpoint for that (crosswalk sparql --endpoint URL, query_endpoint())"


@dataclass(frozen=True)
class QueryShape:
    """What the parser found in a query crosswalk may run."""

    form: str
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    has_values: bool
    """Whether the query ends with a VALUES clause of its own."""


def _part(node: Any, key: str, default: Any = None) -> Any:
    """A named part of a parse-tree node, or ``default``.

    Not ``node.get(key)``: rdflib's ``CompValue.get`` answers the key itself when it is absent.
    """
    return node[key] if key in node else default  # noqa: SIM401


def _services(tree: Any) -> list[str]:
    """Every SERVICE of a parse tree, in patterns and in expressions (FILTER EXISTS)."""
    from rdflib.plugins.sparql.algebra import traverse
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            term = _part(node, "term")
            found.append(f"?{term}" if isinstance(term, Variable) else _show(term))

    traverse(tree, visitPre=visit)
    return found


def _show(term: Any) -> str:
    """A term as the refusal names it: ``<iri>`` or the prefixed name written."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, CompValue) and term.name == "pname":
        return f"{_part(term, 'prefix', '')}:{_part(term, 'localname', '')}"
    return str(term)


def _update_names(text: str) -> list[str] | None:
    """The operations of a SPARQL update (``LOAD``, ``INSERT DATA`` …), or None if it is none."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = parseUpdate(text)
    except (ParseException, ValueError, TypeError):
        return None
    names = []
    for operation in _part(parsed, "request", []):
        name = getattr(operation, "name", "update")
        names.append("".join(f" {c}" if c.isupper() else c for c in name).strip().upper())
    return names or ["an empty update"]


_KEYWORDS = re.compile(r"(?<![\w:?$])(SERVICE|FROM|LOAD)(?![\w:])", re.IGNORECASE)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _decode(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group()


def _mentions(text: str) -> str:
    """A hint for a query the parser refused: the network keywords it spells, if any."""
    decoded = _UNICODE_ESCAPE.sub(_decode, text)
    words = sorted({m.group(1).upper() for m in _KEYWORDS.finditer(decoded)})
    if not words:
        return ""
    return f" (it also spells {', '.join(words)}, which crosswalk never runs in process)"


@lru_cache(maxsize=512)
def inspect_query(text: str) -> QueryShape:
    """Parse a query and refuse what an in-process query must not do.

    Raises :class:`~crosswalk.model.errors.QueryError` for SERVICE, FROM, FROM NAMED, any
    update (LOAD, INSERT …) and anything rdflib's SPARQL 1.1 parser cannot read.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
    except (ParseException, ValueError, TypeError, KeyError) as error:
        updates = _update_names(text)
        if updates is not None:
            raise QueryError(
                f"{', '.join(updates)} is a SPARQL update: a query crosswalk runs itself "
                f"only reads{_REMOTE}"
            ) from None
        message = first_line(error)
        raise QueryError(
            f"malformed SPARQL (crosswalk reads every query with rdflib's SPARQL 1.1 parser "
            f"before running it): {message}{_mentions(text)}"
        ) from None
    query = parsed[1]
    form = _FORMS.get(getattr(query, "name", ""), "")
    if not form:
        raise QueryError(f"not a SPARQL query form crosswalk runs: {getattr(query, 'name', '?')}")
    dataset = _part(query, "datasetClause")
    for clause in dataset or []:
        kind = "FROM NAMED" if "named" in clause else "FROM"
        iri = clause["named"] if "named" in clause else clause["default"]
        raise QueryError(
            f"{kind} {_show(iri)} is not allowed in a query crosswalk runs itself: it names "
            f"a dataset to load (maybe from the network){_REMOTE}"
        )
    services = _services(query)
    if services:
        raise QueryError(
            f"SERVICE {services[0]} is not allowed in a query crosswalk runs itself: it "
            f"would query another endpoint over the network{_REMOTE}"
        )
    return QueryShape(form=form, has_values="valuesClause" in query)


def check_query(text: str) -> QueryShape:
    """Alias of :func:`inspect_query` that reads as a check at call sites."""
    return inspect_query(text)


def ends_with_values(text: str) -> bool:
    """Whether a query has a trailing VALUES clause of its own (False if it does not parse).

    Only the shape is read here, no policy: a query for a remote endpoint may use SERVICE.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return "valuesClause" in parseQuery(text)[1]
    except (ParseException, ValueError, TypeError, KeyError, IndexError):
        return False
