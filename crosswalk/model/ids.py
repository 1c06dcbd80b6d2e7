"""Identifiers: clause ids, union node names and the IRIs every export gives them.

A clause id is ``prefix:local`` (``iso31000:6.4.2``, ``euaiact:art9.2.a``). A union of
clauses that a mapping names (``subject: [a, b]``) is the node ``∪(a,b)``. Every clause
has one IRI, used by every format that writes IRIs: ``iri_base`` + local id, or, under
an ELI act base (the EU AI Act), the ELI subdivision IRI of the Publications Office.
This module is the only place that spells these forms.

>>> split_id("euaiact:art9.2.a")
('euaiact', 'art9.2.a')
>>> union_node(["t:b", "t:a"])
'∪(t:a,t:b)'
>>> clause_iri("http://data.europa.eu/eli/reg/2024/1689/", "art9.2.a")
'http://data.europa.eu/eli/reg/2024/1689/art_9/par_2/pnt_a/oj'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

if TYPE_CHECKING:
    import curies

__all__ = [
    "BASE",
    "CLAUSE_ID_PATTERN",
    "LEGACY_MAPPING_SET_IRI",
    "LEGACY_VOCABULARY_IRI",
    "LOCAL_PATTERN",
    "MAPPING_IRI",
    "MAPPING_SET_IRI",
    "PREFIX_PATTERN",
    "UNION_PREFIX",
    "VOCABULARY_IRI",
    "clause_curie",
    "clause_id_from_iri",
    "clause_iri",
    "converter",
    "default_iri_base",
    "eli_subdivision_iri",
    "framework_iri",
    "is_eli_act",
    "is_union_node",
    "malformed_id",
    "mapping_iri",
    "mapping_set_iri",
    "own_prefix",
    "segment",
    "split_id",
    "union_node",
]

PREFIX_PATTERN = r"[a-z][a-z0-9_]*"
"""A framework prefix: lower case, starting with a letter."""
LOCAL_PATTERN = r"[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*"
"""A local id as the framework numbers it: ``6.4.2``, ``art9.2.a``, ``A.6``."""
CLAUSE_ID_PATTERN = rf"{PREFIX_PATTERN}:{LOCAL_PATTERN}"
"""A canonical clause id, ``prefix:local``."""
_CLAUSE_ID = re.compile(rf"^{CLAUSE_ID_PATTERN}$")
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~:-]*")
"""Characters that :func:`urllib.parse.quote` never encodes (``:`` is always safe here)."""

UNION_PREFIX = "∪("
"""How the node name of a union of clauses starts (no clause id can start so)."""

BASE = "https://w3id.org/crosswalk/"
"""The namespace of everything crosswalk names itself."""
VOCABULARY_IRI = BASE + "ontology#"
"""crosswalk's vocabulary (``ontologies/crosswalk.ttl``): relations, classes, properties."""
MAPPING_IRI = BASE + "mapping/"
"""Mapping ``<set id>/<hash>`` is ``MAPPING_IRI`` + its id."""
MAPPING_SET_IRI = BASE + "mappingset/"
"""Mapping set ``<id>`` is ``MAPPING_SET_IRI`` + its id."""
LEGACY_VOCABULARY_IRI = BASE + "vocab#"
"""Where SSSOM files before 0.2 put crosswalk's terms; read as :data:`VOCABULARY_IRI`."""
LEGACY_MAPPING_SET_IRI = BASE + "mapping-set/"
"""Where SSSOM files before 0.2 put mapping sets; read as :data:`MAPPING_SET_IRI`."""
_DEFAULT_CLAUSE_BASE = BASE + "clause/{prefix}/"

_ELI_ACT = re.compile(r"^http://data\.europa\.eu/eli/[a-z_]+/\d{4}/\d+/$")
_ELI_HEAD = re.compile(r"^(art|annex|rec)(\d+)([a-z]*)$")
_ELI_SEGMENT = re.compile(r"^[0-9a-z]+$")
_ELI_FIRST = re.compile(r"^(art|anx|rct)_([0-9]+|[IVXLCDM]+)([a-z]*)$")
_ELI_REST = re.compile(r"^(par|pnt)_([0-9a-z]+)$")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_DEFAULT_BASE = re.compile(re.escape(BASE) + r"clause/(" + PREFIX_PATTERN + r")/")
_OWN_PREFIXES = {"crosswalk": VOCABULARY_IRI, "crosswalkmapping": MAPPING_IRI}


def malformed_id(clause_id: str) -> str:
    """What is wrong with a malformed clause id (the message of :func:`split_id`)."""
    return (
        f"{clause_id!r} is not a canonical clause id (expected prefix:local, "
        "e.g. iso31000:6.4.2 or euaiact:art9.2.a)"
    )


def split_id(clause_id: str) -> tuple[str, str]:
    """Split a canonical id into (prefix, local); raise ValueError if malformed."""
    if not _CLAUSE_ID.match(clause_id):
        raise ValueError(malformed_id(clause_id))
    prefix, local = clause_id.split(":", 1)
    return prefix, local


def union_node(members: Sequence[str]) -> str:
    """The node name of the union of several clauses (members sorted)."""
    return UNION_PREFIX + ",".join(sorted(members)) + ")"


def is_union_node(name: str) -> bool:
    """True for the name of a union node, False for a clause id."""
    return name.startswith(UNION_PREFIX)


def segment(text: str, *, safe: str = "") -> str:
    """``text`` percent-encoded for one IRI path segment (``:`` kept)."""
    if _UNRESERVED.fullmatch(text):  # most ids: nothing to encode (and quote() is slow)
        return text
    return _quote(text, safe + ":")


_quote = lru_cache(maxsize=4096)(quote)
"""An export quotes the same few names (authors, sources) thousands of times."""


def default_iri_base(prefix: str) -> str:
    """The IRI base of a framework whose catalogue names none."""
    return _DEFAULT_CLAUSE_BASE.format(prefix=prefix)


def framework_iri(prefix: str) -> str:
    """The IRI of a framework (a ``skos:ConceptScheme`` in RDF)."""
    return f"{BASE}framework/{segment(prefix)}"


def mapping_iri(mapping_id: str) -> str:
    """The IRI of a mapping (its id keeps its ``set/hash`` shape)."""
    return MAPPING_IRI + segment(mapping_id, safe="/")


def mapping_set_iri(set_id: str) -> str:
    """The IRI of a mapping set."""
    return MAPPING_SET_IRI + segment(set_id)


def _roman(number: int) -> str:
    numerals = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ]  # fmt: skip
    result = ""
    for value, letters in numerals:
        while number >= value:
            result += letters
            number -= value
    return result


def is_eli_act(iri_base: str) -> bool:
    """True when ``iri_base`` is the ELI of an EU act (its clauses get ELI subdivision IRIs)."""
    return bool(_ELI_ACT.match(iri_base))


def eli_subdivision_iri(act_base: str, local: str) -> str | None:
    """The ELI-style IRI of a subdivision of an EU act, or None for an unknown shape.

    The scheme follows the Publications Office's subdivision names: the first segment
    ``artN`` → ``art_N``, ``annexN`` → ``anx_<Roman N>``, ``recN`` → ``rct_N``; under an
    article a segment starting with a digit is a paragraph (``par_N``); every other
    segment is a point (``pnt_x``: letters, Roman sub-points, annex items). ``/oj``
    closes the IRI, as for the act itself.

    >>> eli_subdivision_iri("http://data.europa.eu/eli/reg/2024/1689/", "art9.2.a")
    'http://data.europa.eu/eli/reg/2024/1689/art_9/par_2/pnt_a/oj'
    >>> eli_subdivision_iri("http://data.europa.eu/eli/reg/2024/1689/", "annex3.1.a")
    'http://data.europa.eu/eli/reg/2024/1689/anx_III/pnt_1/pnt_a/oj'
    """
    segments = local.split(".")
    head = _ELI_HEAD.match(segments[0])
    if head is None:
        return None
    kind, number, suffix = head.groups()
    if kind == "annex":
        parts = [f"anx_{_roman(int(number))}{suffix}"]
    elif kind == "rec":
        parts = [f"rct_{number}{suffix}"]
    else:
        parts = [f"art_{number}{suffix}"]
    for position, part in enumerate(segments[1:]):
        if not _ELI_SEGMENT.match(part):
            return None
        if kind == "art" and position == 0 and part[0].isdigit():
            parts.append(f"par_{part}")
        else:
            parts.append(f"pnt_{part}")
    return act_base + "/".join(parts) + "/oj"


def clause_iri(iri_base: str, local: str, prefix: str | None = None) -> str:
    """The IRI of a clause: ELI-style under an ELI act base, else ``iri_base + local``.

    A clause of an ELI-addressed act that is no subdivision of the act (a requirement
    part, our own decomposition) is never given an IRI in the act's namespace: with
    ``prefix`` it gets crosswalk's own (:func:`default_iri_base`).

    >>> clause_iri("http://data.europa.eu/eli/reg/2024/1689/", "art9.1-p1", "euaiact")
    'https://w3id.org/crosswalk/clause/euaiact/art9.1-p1'
    """
    if is_eli_act(iri_base):
        eli = eli_subdivision_iri(iri_base, local)
        if eli is not None:
            return eli
        if prefix is not None:
            return default_iri_base(prefix) + segment(local)
    return iri_base + segment(local)


def own_prefix(prefix: str) -> str:
    """The CURIE prefix of a framework's clauses that carry crosswalk's own IRI (``euaiact.cw``)."""
    return prefix + ".cw"


def _from_roman(text: str) -> int:
    values = [_ROMAN[letter] for letter in text]
    return sum(-v if i + 1 < len(values) and values[i + 1] > v else v for i, v in enumerate(values))


def _eli_local(path: str) -> str | None:
    """The local id of an ELI subdivision path (``art_9/par_2/pnt_a/oj`` → ``art9.2.a``)."""
    parts = path.removesuffix("/oj").split("/")
    head = _ELI_FIRST.match(parts[0])
    if head is None or not path.endswith("/oj"):
        return None
    kind, number, suffix = head.groups()
    if kind == "anx":
        if not number.isalpha():
            return None
        local = [f"annex{_from_roman(number)}{suffix}"]
    elif number.isdigit():
        local = [f"{'art' if kind == 'art' else 'rec'}{number}{suffix}"]
    else:
        return None
    for part in parts[1:]:
        found = _ELI_REST.match(part)
        if found is None:
            return None
        local.append(found.group(2))
    return ".".join(local)


def clause_curie(prefix: str, local: str, iri_base: str) -> str:
    """The CURIE of a clause: the compact form of :func:`clause_iri` under ``prefix``.

    It is the clause id itself except under an ELI act base, where the ELI path stands
    after the prefix, so that expanding the CURIE by the prefix map gives the same IRI
    in every format.

    >>> clause_curie("euaiact", "art9.2.a", "http://data.europa.eu/eli/reg/2024/1689/")
    'euaiact:art_9/par_2/pnt_a/oj'
    >>> clause_curie("iso31000", "6.4.2", default_iri_base("iso31000"))
    'iso31000:6.4.2'
    """
    iri = clause_iri(iri_base, local, prefix)
    if not iri.startswith(iri_base):  # our own IRI for a clause the act does not number
        return own_prefix(prefix) + ":" + iri[len(default_iri_base(prefix)) :]
    return prefix + ":" + iri[len(iri_base) :]


def clause_id_from_iri(iri: str, bases: Mapping[str, str]) -> str | None:
    """The clause id an IRI names, or None: ``bases`` maps IRI bases to framework prefixes.

    Accepts the IRIs :func:`clause_iri` makes, the plain ``iri_base + local`` form under
    an ELI base that older SSSOM files used, and the default base of any prefix.

    >>> eli = "http://data.europa.eu/eli/reg/2024/1689/"
    >>> clause_id_from_iri(eli + "anx_III/pnt_1/pnt_a/oj", {eli: "euaiact"})
    'euaiact:annex3.1.a'
    >>> clause_id_from_iri(eli + "art9.2.a", {eli: "euaiact"})
    'euaiact:art9.2.a'
    """
    found = [base for base in bases if iri.startswith(base)]
    if found:
        base = max(found, key=len)
        prefix = bases[base]
    else:
        default = _DEFAULT_BASE.match(iri)
        if default is None:
            return None
        base, prefix = default.group(0), default.group(1)
    rest = unquote(iri[len(base) :])
    local = (_eli_local(rest) if is_eli_act(base) else None) or rest
    clause_id = f"{prefix}:{local}"
    return clause_id if _CLAUSE_ID.match(clause_id) else None


def converter(bases: Iterable[tuple[str, str]]) -> curies.Converter:
    """The converter between CURIEs and IRIs for frameworks given as (prefix, IRI base).

    crosswalk's own prefixes come with it: ``crosswalk:`` for its vocabulary,
    ``crosswalkmapping:`` for mappings.

    >>> c = converter([("euaiact", "http://data.europa.eu/eli/reg/2024/1689/")])
    >>> c.expand("euaiact:art_9/par_2/pnt_a/oj")
    'http://data.europa.eu/eli/reg/2024/1689/art_9/par_2/pnt_a/oj'
    """
    import curies  # about 0.2 s to import: only the formats that write CURIEs need it

    bases = list(bases)
    own = {
        own_prefix(prefix): default_iri_base(prefix) for prefix, base in bases if is_eli_act(base)
    }
    prefix_map = dict(bases) | own | _OWN_PREFIXES
    return curies.Converter.from_prefix_map(prefix_map)
