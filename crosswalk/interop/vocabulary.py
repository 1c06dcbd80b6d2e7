"""How crosswalk's relations and identifiers are named in other tools' vocabularies.

One table (:data:`RELATION_TERMS`) says how each relation (docs/design.md, *Relations*) is written in
SSSOM, the OSCAL 1.2 mapping model and CISO Assistant; every reader and writer of
:mod:`crosswalk.interop` uses it, so no module compares relation strings of its own.

==================  ===========================  ===================  ===============
relation            SSSOM predicate (modifier)   OSCAL relationship   CISO Assistant
==================  ===========================  ===================  ===============
equal               skos:exactMatch              equivalent-to [1]_   equal
subset_of           skos:broadMatch              subset-of            subset
superset_of         skos:narrowMatch             superset-of          superset
intersects_with     skos:relatedMatch [2]_       intersects-with      intersect
no_relationship     skos:relatedMatch + ``Not``  no-relationship      not_related
addresses           crosswalk:addresses          addresses [3]_       (none) [4]_
==================  ===========================  ===================  ===============

.. [1] ``equal-to`` when the rationale is ``syntactic`` (OSCAL keeps "equal-to" for the
   same wording and "equivalent-to" for the same meaning); both read back as ``equal``.
.. [2] SKOS has no "overlaps": ``skos:relatedMatch`` is the closest term, and the exact
   relation travels in the ``ext_strm_relation`` slot. A foreign file's bare
   ``relatedMatch`` is therefore *not* read as ``intersects_with`` (that would claim an
   overlap nobody stated).
.. [3] qualified by ``ns`` = :data:`OSCAL_NAMESPACE`, as OSCAL allows for relationship
   names outside its own list.
.. [4] CISO Assistant has no supportive relation; `addresses` links are left out of
   its mapping libraries (and counted in the set's description).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import get_args

from crosswalk.model.ids import VOCABULARY_IRI
from crosswalk.model.records import Rationale, RelationName

__all__ = [
    "DEFAULT_RATIONALE",
    "DEFAULT_STRENGTH",
    "OSCAL_NAMESPACE",
    "RATIONALES",
    "RELATION_NAMES",
    "RELATION_TERMS",
    "VOCABULARY",
    "RelationTerms",
    "clause_id_from_token",
    "oscal_relationship",
    "oscal_token",
    "relation_from_ciso",
    "relation_from_oscal",
    "relation_from_sssom",
]

DEFAULT_STRENGTH = 5
"""The strength an imported mapping gets when its format or row gives none (mid-scale)."""
DEFAULT_RATIONALE: Rationale = "semantic"
"""The rationale an imported mapping gets when its format or row gives none."""

RELATION_NAMES: tuple[str, ...] = get_args(RelationName)
"""Every relation name a mapping may carry, in the canonical order."""
RATIONALES: tuple[str, ...] = get_args(Rationale)
"""The NIST IR 8477 rationales."""

VOCABULARY = VOCABULARY_IRI
"""Namespace of crosswalk's own terms (the `addresses` predicate, extension slots): the
ontology's, as in RDF (:mod:`crosswalk.model.ids`)."""
OSCAL_NAMESPACE = "https://w3id.org/crosswalk/ns/oscal"
"""``ns`` of the OSCAL props and relationship names that crosswalk adds."""


@dataclass(frozen=True)
class RelationTerms:
    """The names of one relation in the vocabularies of other tools."""

    sssom_predicate: str
    sssom_negated: bool
    oscal: str
    ciso: str | None


RELATION_TERMS: dict[str, RelationTerms] = {
    "equal": RelationTerms("skos:exactMatch", False, "equivalent-to", "equal"),
    "subset_of": RelationTerms("skos:broadMatch", False, "subset-of", "subset"),
    "superset_of": RelationTerms("skos:narrowMatch", False, "superset-of", "superset"),
    "intersects_with": RelationTerms("skos:relatedMatch", False, "intersects-with", "intersect"),
    "no_relationship": RelationTerms("skos:relatedMatch", True, "no-relationship", "not_related"),
    "addresses": RelationTerms("crosswalk:addresses", False, "addresses", None),
}
_OSCAL_EQUAL_SYNTACTIC = "equal-to"


def relation_from_sssom(predicate: str, negated: bool) -> str | None:
    """The relation a (predicate, modifier) pair states *unambiguously*, or None.

    ``skos:relatedMatch`` without ``Not`` is ambiguous (see the module notes) and gives
    None: the reader then needs the ``ext_strm_relation`` slot.
    """
    if predicate == "skos:relatedMatch" and not negated:
        return None
    for name, terms in RELATION_TERMS.items():
        if terms.sssom_predicate == predicate and terms.sssom_negated == negated:
            return name
    return None


def oscal_relationship(relation: str, rationale: str) -> str:
    """The OSCAL relationship token of a relation (``equal-to`` for syntactic equality)."""
    if relation == "equal" and rationale == "syntactic":
        return _OSCAL_EQUAL_SYNTACTIC
    return RELATION_TERMS[relation].oscal


def relation_from_oscal(relationship: str) -> str | None:
    """The relation of an OSCAL relationship token, or None if it is not one of ours."""
    if relationship == _OSCAL_EQUAL_SYNTACTIC:
        return "equal"
    return next((n for n, t in RELATION_TERMS.items() if t.oscal == relationship), None)


def relation_from_ciso(relationship: str) -> str | None:
    """The relation of a CISO Assistant relationship name, or None."""
    return next((n for n, t in RELATION_TERMS.items() if t.ciso == relationship), None)


_TOKEN = re.compile(r"^[a-z][a-z0-9_]*-[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$")


def oscal_token(clause_id: str) -> str:
    """The OSCAL token of a clause id: ``iso31000:6.4.2`` → ``iso31000-6.4.2``.

    OSCAL ids are XML NCName-like tokens, so the colon goes. A prefix never contains a
    hyphen, so the first hyphen always splits the token back into prefix and local id.

    >>> oscal_token("euaiact:art9.2.a")
    'euaiact-art9.2.a'
    """
    prefix, local = clause_id.split(":", 1)
    return f"{prefix}-{local}"


def clause_id_from_token(token: str) -> str | None:
    """The clause id of an OSCAL token made by :func:`oscal_token` (None if it is not one).

    >>> clause_id_from_token("euaiact-art9.2.a")
    'euaiact:art9.2.a'
    """
    if not _TOKEN.match(token):
        return None
    prefix, local = token.split("-", 1)
    return f"{prefix}:{local}"
