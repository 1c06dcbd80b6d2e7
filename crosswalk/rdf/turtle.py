"""Turtle written straight from the N-Triples lines of an export, without an RDF library.

Every N-Triples term is also a Turtle term, so the Turtle of an export is its N-Triples
lines grouped by subject (``;`` between a subject's predicates), with IRIs shortened to
prefixed names where the prefix is declared and the local part is a plain name, and
``rdf:type`` written ``a``. Parsing 100,000 triples into an RDF library's objects and
serialising them again took most of a second for the bundled data; this is one pass over
strings. Subjects and each subject's triples come in the sorted order of
:meth:`~crosswalk.rdf.sinks.NTriplesSink.data`, and the ``@prefix`` lines sorted and
only for prefixes used, so the same data always gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from crosswalk.rdf.sinks import NTriplesSink

__all__ = ["turtle"]

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
"""A local name that needs no escape in a prefixed name (a subset of Turtle's PN_LOCAL)."""


class _Names:
    """IRIs as Turtle terms: prefixed names where they may be, ``<iri>`` otherwise."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefix_of = {iri: name for name, iri in sorted(prefixes.items(), reverse=True)}
        self.terms: dict[str, str] = {}
        self.used: set[str] = set()

    def iri(self, iri: str) -> str:
        """The term of an IRI (given without its angle brackets)."""
        term = self.terms.get(iri)
        if term is None:
            term = self.terms[iri] = self._shortened(iri)
        return term

    def _shortened(self, iri: str) -> str:
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        name = self.prefix_of.get(iri[:cut])
        local = iri[cut:]
        if name is None or (local and _PLAIN_LOCAL.fullmatch(local) is None):
            return f"<{iri}>"
        self.used.add(name)
        return f"{name}:{local}"

    def object(self, term: str) -> str:
        """An N-Triples object term in Turtle: an IRI shortened, a literal's datatype too."""
        if term[0] == "<":
            return self.iri(term[1:-1])
        if term[-1] == ">":  # "lexical"^^<datatype>: quotes inside the lexical are escaped
            mark = term.rfind('"^^<')
            return f"{term[: mark + 3]}{self.iri(term[mark + 4 : -1])}"
        return term


def turtle(sink: NTriplesSink, prefixes: Mapping[str, str]) -> bytes:
    """The triples a sink collected, as a Turtle document (UTF-8).

    ``prefixes`` maps prefix names to namespace IRIs; those used are declared. A
    namespace shortens an IRI only when it ends where the IRI's last ``/`` or ``#`` is.
    """
    names = _Names(prefixes)
    predicates: dict[str, str] = {_RDF_TYPE: "a"}
    fragments: dict[str, str] = {}  # many lines recur: `a cw:Clause`, a relation, an author
    blocks: list[str] = []
    for subject in sorted(sink.by_subject):
        parts = []
        for line in sorted(set(sink.by_subject[subject])):
            fragment = fragments.get(line)
            if fragment is None:
                end = line.index("> ") + 1  # a predicate IRI holds no ">"
                predicate = line[:end]
                short = predicates.get(predicate)
                if short is None:
                    short = predicates[predicate] = names.iri(predicate[1:-1])
                fragment = fragments[line] = f"{short} {names.object(line[end + 1 : -2])}"
            parts.append(fragment)
        blocks.append(f"{names.iri(subject)} " + " ;\n\t".join(parts) + " .\n")
    head = sorted(f"@prefix {name}: <{prefixes[name]}> .\n" for name in names.used)
    return "".join(head + blocks).encode("utf-8")
