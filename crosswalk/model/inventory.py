"""An organisation's controls and profile: the input of a gap analysis, as records.

Reading them from YAML, CSV or Excel is :mod:`crosswalk.io.inventory`'s job.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crosswalk.model.records import Category, Role
from crosswalk.model.vocabularies import COARSE_CATEGORIES, expand_categories

__all__ = [
    "CONTROL_STATUSES",
    "ClauseRef",
    "Control",
    "ControlStatus",
    "Coverage",
    "Exclusion",
    "Inventory",
    "Profile",
    "UnresolvedCitation",
]

ControlStatus = Literal["implemented", "partially_implemented", "planned", "not_implemented"]
Coverage = Literal["full", "partial"]
CONTROL_STATUSES: tuple[str, ...] = get_args(ControlStatus)
"""Every status a control may have, in order."""
_FROZEN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True)


class ClauseRef(BaseModel):
    """A clause a control implements, fully or partly."""

    model_config = _FROZEN
    clause: str = Field(description="Canonical clause id.")
    coverage: Coverage = Field("full", description="Whether the control implements all of it.")
    cited: str | None = Field(None, description="The citation as the user wrote it.")


class UnresolvedCitation(BaseModel):
    """A citation that names no loaded framework: kept and reported, never counted.

    ISO/IEC 27001 or an internal policy, say: the gap analysis cannot use it until that
    framework is loaded as a catalogue (``--data``), and ``--strict`` refuses it.
    """

    model_config = _FROZEN
    cited: str = Field(min_length=1, description="The citation as the user wrote it.")
    coverage: Coverage = Field("full", description="Whether the control claims all of it.")


class Control(BaseModel):
    """One control of the organisation."""

    model_config = _FROZEN
    id: str = Field(min_length=1, description="Unique id of the control.")
    title: str = Field(min_length=1, description="Short title.")
    description: str | None = Field(None, description="What the control does.")
    owner: str | None = Field(None, description="Who owns it.")
    status: ControlStatus = Field(description="Implementation status.")
    maturity: int | None = Field(None, ge=1, le=5, description="Maturity level 1–5, optional.")
    evidence: tuple[str, ...] = Field((), description="Evidence references.")
    implements: tuple[ClauseRef, ...] = Field((), description="Clauses it implements.")
    unresolved: tuple[UnresolvedCitation, ...] = Field(
        (), description="Citations of frameworks that are not loaded (reported, never counted)."
    )

    @property
    def effective(self) -> bool:
        """True when the control is in operation (implemented or partially)."""
        return self.status in ("implemented", "partially_implemented")

    def coverage_of(self, ref: ClauseRef) -> Coverage:
        """The coverage this control really gives a clause.

        Partial if either the control is only partially implemented or it implements only part of
        the clause.
        """
        if self.status == "partially_implemented":
            return "partial"
        return ref.coverage


class Exclusion(BaseModel):
    """A clause the organisation has excluded, with its reason.

    E.g. an ISO/IEC 42001 Annex A control excluded in the Statement of Applicability. A gap
    analysis reports the clause (and the clauses below it) as not applicable, with the reason.
    A bare clause id is read as an exclusion with the default reason.
    """

    model_config = _FROZEN
    clause: str = Field(min_length=1, description="Canonical id (or citation) of the clause.")
    reason: str = Field(
        "excluded in the Statement of Applicability", description="Why it is excluded."
    )

    @model_validator(mode="before")
    @classmethod
    def _bare_id(cls, value: object) -> object:
        return {"clause": value} if isinstance(value, str) else value


class Profile(BaseModel):
    """Who the organisation is under the EU AI Act, and as of when ."""

    model_config = _FROZEN
    roles: tuple[Role, ...] = Field((), description="EU AI Act operator roles.")
    categories: tuple[Category, ...] = Field((), description="AI system categories.")
    as_of: dt.date | None = Field(None, description="Date at which obligations are counted.")
    regime: Literal["omnibus", "original"] = Field(
        "omnibus", description="Application dates as amended by the Digital Omnibus, or original."
    )
    placed_on_market: dt.date | None = Field(
        None,
        description="When the profile's AI systems were first placed on the market (decides grace "
        "periods such as Art 50(2)'s; unknown means the earlier date counts).",
    )
    excluded: tuple[Exclusion, ...] = Field(
        (),
        description="Clauses excluded with a reason (e.g. an ISO/IEC 42001 Statement of "
        "Applicability); reported as not applicable.",
    )

    @property
    def system_categories(self) -> frozenset[str]:
        """The categories as matched against clauses: a coarse word stands for all it covers."""
        return expand_categories(self.categories)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a report should say about the profile itself (a coarse category, …)."""
        return tuple(
            f"category '{word}' is coarse: it counts every case it stands for "
            f"({', '.join(COARSE_CATEGORIES[word])}), so obligations of systems you may not "
            f"run are listed; name the cases that fit your systems instead"
            for word in self.categories
            if word in COARSE_CATEGORIES
        )

    def exclusion(self, clause_id: str) -> Exclusion | None:
        """The exclusion naming ``clause_id`` itself, if any."""
        return next((e for e in self.excluded if e.clause == clause_id), None)

    def describe(self) -> str:
        """One line for reports."""
        roles = ", ".join(self.roles) or "no role"
        categories = (
            ", ".join(
                f"{c} (coarse: every Art 50 case)" if c in COARSE_CATEGORIES else c
                for c in self.categories
            )
            or "no category"
        )
        when = self.as_of.isoformat() if self.as_of else "any date"
        text = f"roles: {roles}; categories: {categories}; as of {when} ({self.regime} dates)"
        if self.excluded:
            text += f"; {len(self.excluded)} clause(s) excluded"
        return text


class Inventory(BaseModel):
    """The controls of an organisation, with its profile."""

    model_config = _FROZEN
    organisation: str | None = Field(None, description="Name of the organisation.")
    description: str | None = Field(None, description="What the inventory covers.")
    profile: Profile | None = Field(None, description="EU AI Act profile.")
    controls: tuple[Control, ...] = Field((), description="The controls.")
    path: str | None = Field(None, description="File it was read from.")

    @property
    def unresolved(self) -> list[tuple[str, UnresolvedCitation]]:
        """(control id, citation) of every citation that names no loaded framework."""
        return [(c.id, u) for c in self.controls for u in c.unresolved]

    def control(self, control_id: str) -> Control:
        """Get a control by id (KeyError if absent)."""
        for control in self.controls:
            if control.id == control_id:
                return control
        raise KeyError(control_id)

    def with_control(self, control: Control) -> Inventory:
        """A new inventory with one more control (the original is unchanged)."""
        return self.model_copy(update={"controls": (*self.controls, control)})
