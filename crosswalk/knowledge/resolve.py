"""Resolving citation text to one clause, as organisations actually write citations.

The order of attempts, each exact (a clause is returned only when the text names it):

1. a canonical id or ``prefix:alias`` (``iso31000:6.4.2``, ``nistairmf:GOVERN 1.2``);
2. a clause alias or local id that is unique across every framework, case-insensitive,
   when the text names no framework (``GV-1.2``, ``GOVERN 1.2``, ``MAP 5.1``); an alias
   that several frameworks use is refused, naming the candidates;
3. a framework name, then what follows it as an alias or local id of that framework
   (``NIST AI RMF MAP 5.1``), as a clause number (``ISO/IEC 42001:2023 A.6.2.4``,
   ``42001 clause 6.1.2``, ``Art. 9(2)(a) AI Act``), or as a heading, quoted or not
   (``NIST AI 600-1 GAI risk 'Confabulation'``).

Text that could resolve to the wrong clause (invisible characters, broken numbers) and
text longer than the ``citation_chars`` limit are refused first, so every step is bounded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from crosswalk.io.limits import limit
from crosswalk.knowledge.citation import (
    AliasIndex,
    Citation,
    citation_problem,
    normalise_text,
    parse_citation,
)
from crosswalk.model.errors import CitationError
from crosswalk.model.ids import CLAUSE_ID_PATTERN
from crosswalk.model.records import Clause, Framework

__all__ = ["Resolver"]

_QUOTED = re.compile(r"[\"'‘’“”「」『』]\s*([^\"'‘’“”「」『』]+?)\s*[\"'‘’“”「」『』]")
_EDGES = " :-,.;()[]"


def _key(text: str) -> str:
    """The form aliases, local ids and headings are compared in."""
    return " ".join(normalise_text(text).strip(_EDGES).split())


@dataclass
class Resolver:
    """Indexes of names over one knowledge base's frameworks and clauses."""

    frameworks: Mapping[str, Framework]
    clauses: Mapping[str, Clause]
    suggest: Callable[[str], list[str]]
    by_name: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    """(prefix, key) → clause ids, for aliases and local ids of each framework."""
    anywhere: dict[str, set[str]] = field(default_factory=dict)
    """key → clause ids, for aliases and local ids holding a letter (``GV-1.2``)."""
    headings: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for clause in self.clauses.values():
            names = [clause.local, *clause.aliases]
            for name in names:
                key = _key(name)
                self.by_name.setdefault((clause.framework, key), set()).add(clause.id)
                if any(c.isalpha() for c in key):
                    self.anywhere.setdefault(key, set()).add(clause.id)
            for heading in (clause.title, clause.title_zh):
                if heading:
                    self.headings.setdefault((clause.framework, _key(heading)), set()).add(
                        clause.id
                    )

    def aliases(self) -> AliasIndex:
        """The framework names (prefix, short name, aliases) a citation may start with."""
        names: list[tuple[str, str]] = []
        for framework in self.frameworks.values():
            names.append((framework.prefix, framework.prefix))
            names.append((framework.short_name, framework.prefix))
            names.extend((alias, framework.prefix) for alias in framework.aliases)
        return AliasIndex(names)

    def _one(self, text: str, found: set[str] | None, what: str) -> Clause | None:
        """The clause when ``found`` holds exactly one; ambiguity is an error."""
        if not found:
            return None
        if len(found) > 1:
            raise CitationError(text, f"{what} is ambiguous; name the framework", sorted(found)[:8])
        return self.clauses[next(iter(found))]

    def resolve(
        self, text: str, aliases: AliasIndex, find: Callable[[str], Clause | None]
    ) -> Clause:
        """The clause ``text`` cites; CitationError (with the closest ids) otherwise."""
        if len(text) > limit("citation_chars"):
            raise CitationError(
                text[:60] + "…",
                f"{len(text)} characters is over the {limit('citation_chars')} character limit",
            )
        stripped = text.strip()
        if not stripped:
            raise CitationError(text, "empty citation")
        problem = citation_problem(text)
        if problem:
            raise CitationError(text, problem)
        direct = find(stripped) or find(stripped.lower()) or self._prefixed(stripped)
        if direct is not None:
            return direct
        if (
            re.fullmatch(CLAUSE_ID_PATTERN, stripped)
            and stripped.split(":", 1)[0] in self.frameworks
        ):
            # a canonical id that is not there: name the closest ids rather than guess at its words
            raise CitationError(text, f"{stripped} is not in the catalogue", self.suggest(stripped))
        regulations = frozenset(p for p, f in self.frameworks.items() if f.kind == "regulation")
        citation = parse_citation(stripped, aliases, regulations)
        if citation is None:
            bare = self._one(text, self.anywhere.get(_key(stripped)), repr(stripped))
            if bare is not None:
                return bare
            names = ", ".join(f.short_name for f in self.frameworks.values())
            raise CitationError(
                text,
                f"no framework named (known: {names})",
                self.suggest(stripped),
                names_framework=False,
            )
        return self._within(text, citation, find)

    def _prefixed(self, text: str) -> Clause | None:
        """``prefix:alias`` spelled in any case or spacing (``nistairmf:map 5.1``)."""
        prefix, colon, rest = text.partition(":")
        if not colon or prefix.strip().lower() not in self.frameworks:
            return None
        key = (prefix.strip().lower(), _key(rest))
        return self._one(text, self.by_name.get(key), repr(text))

    def _within(
        self, text: str, citation: Citation, find: Callable[[str], Clause | None]
    ) -> Clause:
        """Resolve what follows the framework name."""
        prefix, rest = citation.prefix, _key(citation.rest)
        named = self._one(text, self.by_name.get((prefix, rest)), repr(rest))
        if named is not None:
            return named
        # a word that is itself a local id or alias of that framework ("MS-2.2-001")
        for token in sorted(citation.tokens(), key=len, reverse=True):
            found = self._one(text, self.by_name.get((prefix, _key(token))), repr(token))
            # an id-like word only ("MS-2.2-001"): a plain word ("GAI") is rarely all the text names
            plausible = not token.isalpha() and (
                not token.isdigit() or citation.local in (None, token)
            )
            if (
                found is not None
                and plausible
                and (citation.local is None or len(token) >= len(citation.local))
            ):
                return found
        if citation.local is not None:
            found = find(citation.id)
            if found is not None:
                return found
        heading = self._heading(text, citation)
        if heading is not None:
            return heading
        if citation.local is None:
            raise CitationError(
                text,
                f"no clause number found after the name of {prefix}",
                self.suggest(f"{prefix}:{rest}"),
            )
        raise CitationError(
            text, f"{citation.id} is not in the catalogue", self.suggest(citation.id)
        )

    def _heading(self, text: str, citation: Citation) -> Clause | None:
        """A clause named by its heading: quoted, the whole rest, or (with no number) its end.

        ``GAI risk 'Confabulation'`` and ``GAI risk Confabulation`` both name the risk
        headed "Confabulation"; a heading that several clauses share is ambiguous when it
        is the whole text, and no answer when it is only the end of it.
        """
        prefix, rest = citation.prefix, citation.rest
        quoted = _QUOTED.search(rest)
        for whole in ([quoted.group(1)] if quoted else []) + [rest]:
            found = self._one(text, self.headings.get((prefix, _key(whole))), repr(whole))
            if found is not None:
                return found
        if citation.local is not None:
            return None
        words = _key(rest).split()
        for start in range(1, len(words)):
            ids = self.headings.get((prefix, " ".join(words[start:])), set())
            if len(ids) == 1:
                return self.clauses[next(iter(ids))]
        return None
