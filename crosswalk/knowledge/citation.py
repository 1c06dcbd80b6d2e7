"""Turning loosely typed citations into canonical clause ids.

Users write "Art. 9(2)(a) AI Act", "Article 9 paragraph 2 point (a)", "ISO 31000 6.4.2",
"ISO/IEC 23894:2023 clause 6.4.2.3", "GB/T 24353—2022 第6.4条" or
"TC260 framework 3.1.1(b)". :func:`parse_citation` finds the framework (by prefix, short
name or alias) and the local id; the knowledge base then checks that the clause exists
and otherwise names the closest valid ids.

Before any of that, :func:`citation_problem` refuses text that could resolve to the
wrong clause: invisible (format) and control characters (a zero-width space inside
``6.4.2`` would otherwise cut it to ``6``; a right-to-left override makes ``6.4.2``
display as ``2.4.6``), and numbers broken by a comma or a space (``6.4,2``, ``6.4 .2``),
which would resolve to the broader ``6.4``. A citation never resolves to a broader
clause than its text names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "AliasIndex",
    "Citation",
    "citation_problem",
    "normalise_text",
    "parse_citation",
    "shown_characters",
]

_LINE_BREAKS = frozenset("\t\n\r")
"""Control characters read as spaces (a spreadsheet cell may wrap a citation)."""

_BROKEN_NUMBER = re.compile(r"\d(?:,\d|\s+\.\s*\d|\.\s+\d)")
"""A clause number broken by a comma or a space: 6.4,2 / 6.4 .2 / 6.4. 2."""


def _suspicious(character: str) -> bool:
    category = unicodedata.category(character)
    return category == "Cf" or (category == "Cc" and character not in _LINE_BREAKS)


def shown_characters(characters: Iterable[str]) -> str:
    """Characters named so that a person can see them: ``U+200B ZERO WIDTH SPACE``."""
    named = dict.fromkeys(
        f"U+{ord(c):04X} {unicodedata.name(c, 'control character')}" for c in characters
    )
    return ", ".join(named)


def citation_problem(text: str) -> str | None:
    """Why ``text`` may not be resolved (it could name the wrong clause), or None.

    Invisible and control characters are refused, named by code point; so is a clause
    number broken by a comma or a space, shown as it reads. Spaces of any kind between
    words (a no-break space, an ideographic space) and full-width digits are harmless.
    """
    hidden = [c for c in text if _suspicious(c)]
    if hidden:
        return (
            f"it contains invisible or control characters ({shown_characters(hidden)}); "
            "retype the citation without them"
        )
    broken = _BROKEN_NUMBER.search(normalise_text(text))
    if broken:
        start = max(0, broken.start() - 8)
        fragment = normalise_text(text)[start : broken.end() + 8].strip()
        spaces = [c for c in text if c.isspace() and c != " "]
        named = f" ({shown_characters(spaces)})" if spaces else ""
        return (
            f"the clause number in {fragment!r} is broken by a comma or a space{named}; "
            "write it as one number such as 6.4.2"
        )
    return None


_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _roman_to_int(text: str) -> int | None:
    text = text.lower()
    if not text or any(ch not in _ROMAN for ch in text):
        return None
    total = 0
    for index, ch in enumerate(text):
        value = _ROMAN[ch]
        if index + 1 < len(text) and _ROMAN[text[index + 1]] > value:
            total -= value
        else:
            total += value
    return total


def normalise_text(text: str) -> str:
    """NFKC-normalise, unify dashes and spaces, and lower-case a citation."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u2010-\u2015\u2212\uff0d]", "-", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip().lower()


def _squash(text: str) -> str:
    return re.sub(r"[\s/\-_:.]", "", normalise_text(text))


@dataclass(frozen=True)
class Citation:
    """A parsed citation: the framework prefix and the local id it names."""

    prefix: str
    local: str | None
    text: str
    rest: str = ""

    @property
    def id(self) -> str:
        """The canonical id (``prefix:`` alone when no number could be read)."""
        return f"{self.prefix}:{self.local or ''}"

    def tokens(self) -> list[str]:
        """Words of the text after the framework name, as candidate local ids."""
        return [t.strip(".,;:()[]") for t in self.rest.split() if t.strip(".,;:()[]")]


class AliasIndex:
    """Names of frameworks (prefix, short name, aliases) for citation parsing."""

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        pairs: dict[str, str] = {}
        for name, prefix in names:
            if name and name.strip():
                pairs.setdefault(normalise_text(name), prefix)
        # longest first so that "ISO/IEC 23894:2023" wins over "ISO/IEC 23894"
        self.names = sorted(pairs.items(), key=lambda item: -len(item[0]))
        self.squashed = {_squash(name): prefix for name, prefix in pairs.items()}

    def find(self, text: str) -> tuple[str, str] | None:
        """Return (prefix, remaining text) if a framework name occurs in ``text``."""
        lowered = normalise_text(text)
        for name, prefix in self.names:
            pattern = r"(?<![a-z0-9])" + re.escape(name) + r"(?![0-9])"
            match = re.search(pattern, lowered)
            if match:
                rest = lowered[: match.start()] + " " + lowered[match.end() :]
                rest = re.sub(r"^[\s:,-]*(?:-?\d{4}\b)?", " ", rest)
                return prefix, rest
        # squashed forms: "GBT24353", "iso/iec23894"
        for token in re.findall(r"[a-z][a-z/\-_ ]*\d+", lowered):
            squashed = self.squashed.get(_squash(token))
            if squashed:
                return squashed, lowered.replace(token, " ", 1)
        return None


_ARTICLE = re.compile(r"\b(?:art(?:icle|ikel)?s?\.?|§|第)\s*(\d+)\s*(?:条)?")
_ANNEX = re.compile(r"\b(?:annex|anhang|附件)\s*([ivxlc]+|\d+)\b")
_GROUP = re.compile(
    r"\(\s*([0-9]+|[a-z]{1,2}|[ivx]+)\s*\)|\b(?:paragraph|para\.?|par\.?|point|subparagraph)\s*\(?([0-9]+|[a-z]|[ivx]+)\)?"
)
_NUMBER = re.compile(
    r"(?<![0-9a-z])([a-z](?:\.\d+)+|\d+(?:\.\d+)*)(?:\s*(?:\(([a-z])\)|([a-z])\)|\.([a-z])\b)|\s+([a-z])(?![a-z0-9]))?"
)
_ANNEX_LETTER = re.compile(r"\bannex\s+([a-z])((?:\.\d+)*)(?![0-9a-z])")
_AFTER_NUMBER = re.compile(r"[0-9a-z]|[.,]\d")
"""What may not follow a clause number: it would be a longer number than the one read."""


def _regulation_local(rest: str) -> str | None:
    article = _ARTICLE.search(rest)
    annex = _ANNEX.search(rest)
    if article and (not annex or article.start() < annex.start()):
        head, tail = f"art{article.group(1)}", rest[article.end() :]
    elif annex:
        raw = annex.group(1)
        number = int(raw) if raw.isdigit() else _roman_to_int(raw)
        if number is None:
            return None
        head, tail = f"annex{number}", rest[annex.end() :]
    else:
        return None
    parts = [head]
    # Chinese legal style: 第2款 = paragraph 2, (f)项 / 第(f)项 = point f
    tail = re.sub(r"第\s*(\d+)\s*款", r" (\1)", tail)
    tail = re.sub(r"第?\s*\(?\s*([a-z]|[ivx]+)\s*\)?\s*项", r" (\1)", tail)
    # "9.2.a" written with dots after the article number
    dotted = re.match(r"^\s*((?:\.\s*[0-9a-z]+)+)", tail)
    if dotted:
        parts.extend(p.strip() for p in dotted.group(1).split(".") if p.strip())
        tail = tail[dotted.end() :]
    # "point 1(a)" for annexes: a bare number then groups
    bare = re.match(r"^\s*(?:point\s*)?(\d+)", tail)
    if bare and head.startswith("annex") and len(parts) == 1:
        parts.append(bare.group(1))
        tail = tail[bare.end() :]
    for match in _GROUP.finditer(tail):
        parts.append(match.group(1) or match.group(2))
    return ".".join(parts)


def _standard_local(rest: str) -> str | None:
    rest = re.sub(r"\b(?:clause|section|sub-?clause|item|条款|章节|节)\b", " ", rest)
    rest = rest.replace("第", " ").replace("条", " ")
    annex = _ANNEX_LETTER.search(rest)
    if annex:  # "Annex D", "annex a.2"
        return annex.group(1).upper() + annex.group(2)
    match = _NUMBER.search(rest)
    if not match or _AFTER_NUMBER.match(rest, match.end()):
        return None
    number = match.group(1).upper() if match.group(1)[0].isalpha() else match.group(1)
    letter = match.group(2) or match.group(3) or match.group(4) or match.group(5)
    tail = rest[match.end() :]
    local = number + (f".{letter}" if letter else "")
    more = re.match(r"^\s*\(([ivx]+|[a-z])\)", tail)
    if more:
        local += f".{more.group(1)}"
    return local


def parse_citation(text: str, aliases: AliasIndex, regulations: frozenset[str]) -> Citation | None:
    """Parse citation text into a framework prefix and a local id (unchecked).

    Returns None when no framework is named; ``local`` is None when no number can be read.
    """
    found = aliases.find(text)
    rest: str
    if found is None:
        lowered = normalise_text(text)
        if _ARTICLE.search(lowered) or _ANNEX.search(lowered):
            only = [p for p in regulations]
            if len(only) != 1:
                return None
            prefix, rest = only[0], lowered
        else:
            return None
    else:
        prefix, rest = found
    local = _regulation_local(rest) if prefix in regulations else _standard_local(rest)
    return Citation(prefix, local, text, rest)
