"""Which clauses apply to an organisation, and why the others do not.

Only clauses that carry applicability data (addressees, system categories, application
dates — the EU AI Act's provisions) can be out of scope; clauses of standards always
apply. The reason is always stated so that a report can show it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crosswalk.model.inventory import Profile
from crosswalk.model.records import Clause

__all__ = ["OPERATOR_ROLES", "Applicability", "applicability"]

OPERATOR_ROLES = frozenset(
    {
        "provider",
        "deployer",
        "importer",
        "distributor",
        "authorised_representative",
        "product_manufacturer",
    }
)


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
    relevant: list[str | None] = [c for c in profile.categories if c in clause.categories] or [None]
    found = [
        d
        for d in (dates.date_for(profile.regime, c, profile.placed_on_market) for c in relevant)
        if d is not None
    ]
    return min(found) if found else None


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
    if clause.addressees:
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
    if (
        clause.categories
        and "any" not in clause.categories
        and not set(clause.categories) & set(profile.categories)
    ):
        categories = ", ".join(profile.categories) or "none"
        return Applicability(
            False,
            f"applies to {', '.join(clause.categories)} systems; the profile's categories: {categories}",
        )
    if clause.applies_from is not None and profile.as_of is not None:
        date = _date(clause, profile)
        if date is not None and profile.as_of < date:
            regime = (
                "as amended by the Digital Omnibus"
                if profile.regime == "omnibus" and clause.applies_from.omnibus
                else "under Art 113"
            )
            return Applicability(
                False,
                f"applies from {date.isoformat()} ({regime}); not yet on {profile.as_of.isoformat()}",
            )
    if clause.applies_from is not None and profile.as_of is not None:
        date = _date(clause, profile)
        return Applicability(True, f"applies since {date.isoformat()}" if date else "applies")
    return Applicability(True, "applies")
