"""Where the triples of an export go: N-Triples lines or an rdflib graph.

Both sinks receive the same calls from :class:`crosswalk.rdf.triples.TripleWriter`, so
every format holds the same graph. :class:`NTriplesSink` is the fast path (Turtle is
written from its sorted lines, Oxigraph loads them); :class:`RdflibSink` builds the graph
for rdflib's other formats.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Protocol

__all__ = ["NTriplesSink", "RdflibSink", "Sink", "nt_literal"]

XSD = "http://www.w3.org/2001/XMLSchema#"


class Sink(Protocol):
    """Receives the triples of an export."""

    def link(self, subject: str, predicate: str, target: str) -> None:
        """A triple whose object is an IRI."""

    def value(self, subject: str, predicate: str, value: Any, kind: str = "") -> None:
        """A triple whose object is a literal: ``kind`` is a language tag, ``"uri"`` or ``""``."""


_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t]')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(text: str) -> str:
    return _NEEDS_ESCAPE.sub(lambda match: _ESCAPES[match.group()], text)


def nt_literal(value: Any, kind: str = "") -> str:
    r"""A literal in N-Triples syntax (the datatype follows the Python type, as in rdflib).

    >>> nt_literal('say "hi"', "en")
    '"say \\"hi\\""@en'
    >>> nt_literal(3)
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if type(value) is str:
        text = _escape(value) if _NEEDS_ESCAPE.search(value) else value
        if not kind:
            return f'"{text}"'
        return f'"{text}"^^<{XSD}anyURI>' if kind == "uri" else f'"{text}"@{kind}'
    if isinstance(value, bool):
        return f'"{"true" if value else "false"}"^^<{XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    if isinstance(value, Decimal):
        return f'"{value}"^^<{XSD}decimal>'
    if isinstance(value, dt.datetime):
        return f'"{value.isoformat()}"^^<{XSD}dateTime>'
    if isinstance(value, dt.date):
        return f'"{value.isoformat()}"^^<{XSD}date>'
    return nt_literal(str(value), kind)


class NTriplesSink:
    """Collects triples by subject; :meth:`data` writes them sorted and without repeats."""

    def __init__(self) -> None:
        self.by_subject: dict[str, list[str]] = {}

    def link(self, subject: str, predicate: str, target: str) -> None:
        """A triple whose object is an IRI."""
        found = self.by_subject.get(subject)
        if found is None:
            found = self.by_subject[subject] = []
        found.append(f"<{predicate}> <{target}> .")

    def value(self, subject: str, predicate: str, value: Any, kind: str = "") -> None:
        """A triple whose object is a literal."""
        found = self.by_subject.get(subject)
        if found is None:
            found = self.by_subject[subject] = []
        found.append(f"<{predicate}> {nt_literal(value, kind)} .")

    def data(self) -> bytes:
        """The N-Triples document: subjects sorted, each one's triples sorted, no repeats."""
        lines: list[str] = []
        for subject in sorted(self.by_subject):
            head = f"<{subject}> "
            lines.extend(head + rest for rest in sorted(set(self.by_subject[subject])))
        return ("\n".join(lines) + "\n").encode("utf-8")


class RdflibSink:
    """Adds rdflib terms to a graph."""

    def __init__(self, graph: Any) -> None:
        from rdflib import XSD as RDFLIB_XSD
        from rdflib import Literal, URIRef

        self._add = graph.add
        self._iri: dict[str, Any] = {}
        self._uri = URIRef
        self._literal = Literal
        self._any_uri = RDFLIB_XSD.anyURI

    def _term(self, iri: str) -> Any:
        term = self._iri.get(iri)
        if term is None:
            term = self._iri[iri] = self._uri(iri)
        return term

    def link(self, subject: str, predicate: str, target: str) -> None:
        """A triple whose object is an IRI."""
        self._add((self._term(subject), self._term(predicate), self._term(target)))

    def value(self, subject: str, predicate: str, value: Any, kind: str = "") -> None:
        """A triple whose object is a literal."""
        if kind == "uri":
            literal = self._literal(value, datatype=self._any_uri)
        elif kind:
            literal = self._literal(value, lang=kind)
        else:
            literal = self._literal(value)
        self._add((self._term(subject), self._term(predicate), literal))
