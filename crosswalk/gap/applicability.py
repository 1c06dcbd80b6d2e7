"""Which clauses apply to an organisation, and why the others do not.

Clauses that carry applicability data (addressees, system categories, application and end
dates — the EU AI Act's provisions) can be out of scope, and so can any clause the profile
excludes (an ISO/IEC 42001 Statement of Applicability); other clauses of standards always
apply. The reason is always stated so that a report can show it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, get_args

from crosswalk.model.inventory import Exclusion, Profile
from crosswalk.model.records import Clause, Role
from crosswalk.model.vocabularies import expand_categories

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "OPERATOR_ROLES",
    "Applicability",
    "applicability",
    "applicability_in",
    "matched_categories",
    "with_resolved_exclusions",
]

OPERATOR_ROLES: frozenset[str] = frozenset(get_args(Role))
"""The operators of the Act (Art 3(8)); every other addressee is an authority or a person."""


@dataclass(frozen=True)
class Applicability:
    """Whether a clause applies to a profile, with the reason."""

    applies: bool
    reason: str

    def __bool__(self) -> bool:
        return self.applies


def _date(clause: Clause, profile: Profile) -> dt.date | None:
    """The earliest date at which the clause applies to one of the profile's categories."""
    dates = clause.applies_from
    assert dates is not None
    relevant: list[str | None] = [*sorted(matched_categories(clause, profile))] or [None]
    found = [
        d
        for d in (dates.date_for(profile.regime, c, profile.placed_on_market) for c in relevant)
        if d is not None
    ]
    return min(found) if found else None


def matched_categories(clause: Clause, profile: Profile | None) -> frozenset[str]:
    """The profile's system categories the clause names (coarse words expanded on both sides).

    A clause or profile saying ``transparency`` matches every Art 50 case, as it always did.
    """
    if profile is None:
        return frozenset()
    return expand_categories(clause.categories) & profile.system_categories


def applicability(clause: Clause, profile: Profile | None) -> Applicability:
    """Decide whether ``clause`` applies to an organisation with ``profile``.

    >>> from crosswalk.model.records import Clause, ApplicationDates
    >>> import datetime as dt
    >>> art = Clause(id="euaiact:art26", framework="euaiact", local="art26", kind="obligation",
    ...     title="Obligations of deployers", status="confirmed", source="S",
    ...     addressees=("deployer",), categories=("high_risk_annex3",))
    >>> applicability(art, Profile(roles=("provider",), categories=("high_risk_annex3",))).reason
    'addressed to deployer; the profile has the role(s) provider'
    """
    if profile is None:
        return Applicability(True, "no profile given: every clause counts")
    exclusion = profile.exclusion(clause.id)
    if exclusion is not None:
        return Applicability(False, f"excluded by the organisation: {exclusion.reason}")
    for check in (_addressed, _in_category, _in_force):
        verdict = check(clause, profile)
        if verdict is not None:
            return verdict
    if clause.applies_from is not None and profile.as_of is not None:
        date = _date(clause, profile)
        return Applicability(True, f"applies since {date.isoformat()}" if date else "applies")
    return Applicability(True, "applies")


def applicability_in(kb: KnowledgeBase, clause: Clause, profile: Profile | None) -> Applicability:
    """Like :func:`applicability`, and a clause that serves others only where one of them applies.

    A clause with ``applies_with`` is not applicable unless one of the provisions it names
    applies to the profile. Art 50(5) says how the information of Art 50(1)-(4) is given: it binds whoever owes
    that information, so a deployer of a chatbot (whose Art 50(1) duty is the provider's)
    owes nothing under it.
    """
    verdict = applicability(clause, profile)
    if not verdict or not clause.applies_with or profile is None:
        return verdict
    served = [kb.clauses[other] for other in clause.applies_with if other in kb.clauses]
    if any(applicability_in(kb, other, profile) for other in served):
        return verdict
    names = ", ".join(other.local for other in served)
    return Applicability(
        False, f"serves {names}, none of which applies to the profile (their rows say why)"
    )


def _addressed(clause: Clause, profile: Profile) -> Applicability | None:
    """Not applicable when no addressee is one of the profile's roles."""
    if not clause.addressees:
        return None
    addressed = set(clause.addressees)
    operators = addressed & OPERATOR_ROLES
    if not operators:
        return Applicability(
            False, f"addressed to {', '.join(sorted(addressed))}, not to operators"
        )
    if not operators & set(profile.roles):
        roles = ", ".join(profile.roles) or "none"
        return Applicability(
            False,
            f"addressed to {', '.join(sorted(operators))}; the profile has the role(s) {roles}",
        )
    return None


def _in_category(clause: Clause, profile: Profile) -> Applicability | None:
    """Not applicable when the clause's system categories miss the profile's."""
    if (
        clause.categories
        and "any" not in clause.categories
        and not matched_categories(clause, profile)
    ):
        categories = ", ".join(profile.categories) or "none"
        return Applicability(
            False,
            f"applies to {', '.join(clause.categories)} systems; the profile's categories: {categories}",
        )
    return None


def _in_force(clause: Clause, profile: Profile) -> Applicability | None:
    """Not applicable before its date, after its deletion, or outside the text it belongs to."""
    dates = clause.applies_from
    if dates is None:
        return None
    if profile.regime == "original" and dates.only_amended:
        return Applicability(
            False,
            "added by the Digital Omnibus: not in the original text (the profile counts the "
            "original Art 113 dates)",
        )
    end = dates.ends.date_for(profile.regime) if dates.ends is not None else None
    if end is not None and (profile.as_of is None or profile.as_of >= end):
        return Applicability(
            False,
            f"deleted by the Digital Omnibus: no longer applies from {end.isoformat()}",
        )
    if profile.as_of is None:
        return None
    date = _date(clause, profile)
    if date is not None and profile.as_of < date:
        regime = (
            "as amended by the Digital Omnibus"
            if profile.regime == "omnibus" and dates.omnibus
            else "under Art 113"
        )
        return Applicability(
            False,
            f"applies from {date.isoformat()} ({regime}); not yet on {profile.as_of.isoformat()}",
        )
    return None


def with_resolved_exclusions(kb: KnowledgeBase, profile: Profile | None) -> Profile | None:
    """``profile`` with each excluded clause as a canonical id, its descendants excluded too.

    A citation is resolved like an inventory's (an unknown one raises the citation error
    with the closest ids); a clause below an excluded one gets the same reason, naming it.
    """
    if profile is None or not profile.excluded:
        return profile
    resolved: dict[str, Exclusion] = {}
    for exclusion in profile.excluded:
        clause = kb.find_clause(exclusion.clause) or kb.resolve(exclusion.clause)
        resolved[clause.id] = Exclusion(clause=clause.id, reason=exclusion.reason)
        for below in kb.descendants(clause.id):
            resolved.setdefault(
                below, Exclusion(clause=below, reason=f"{exclusion.reason} (with {clause.id})")
            )
    return profile.model_copy(update={"excluded": tuple(resolved.values())})
