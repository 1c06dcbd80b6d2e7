"""The records: frameworks, clauses, mappings and mapping sets.

All models are frozen pydantic models that forbid unknown fields. They hold resolved
data (canonical ids, inherited applicability); the grammar of the data files lives in
:mod:`crosswalk.io.grammar`, and the step between the two in :mod:`crosswalk.io.catalogue`.
A field that a record shares with a file entry takes its type, constraints and
description from :mod:`crosswalk.model.fields`; the vocabularies are in
:mod:`crosswalk.model.vocabularies` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from crosswalk.model.fields import (
    ADOPTION_OF,
    ADOPTION_REVIEW,
    BY_CATEGORY,
    CITED_SOURCES,
    CLAUSE_ADDRESSEES,
    CLAUSE_CATEGORIES,
    CLAUSE_DATES,
    ENDS,
    FRAMEWORK_IRI_BASE,
    GRACE,
    MAPPING_REVIEW,
    AdoptedFramework,
    AdoptionNote,
    AdoptionRelation,
    AdoptionSource,
    AdoptionStatus,
    CategoryDatesFields,
    ClauseAliases,
    ClauseAppliesWith,
    ClauseKindField,
    ClauseNote,
    ClauseSource,
    ClauseStatus,
    ClauseTitle,
    ClauseTitleZh,
    ClauseUrl,
    Confidence,
    Copyright,
    DatesNote,
    DatesOmnibus,
    DatesOriginal,
    Edition,
    EndDatesFields,
    Exhaustive,
    FrameworkAliases,
    FrameworkKind,
    FrameworkPrefix,
    FrameworkTitle,
    FrameworkTitleZh,
    GraceDatesFields,
    Justification,
    MappingObject,
    MappingRationale,
    MappingRelation,
    MappingScope,
    Normative,
    ObjectFramework,
    OfficialUrl,
    Publisher,
    ReviewFields,
    SetAuthor,
    SetDate,
    SetDescription,
    SetId,
    SetLicense,
    SetSource,
    SetTitle,
    ShortName,
    SourceFields,
    Strength,
    SubjectFramework,
    Summaries,
    Summary,
)
from crosswalk.model.ids import CLAUSE_ID_PATTERN, split_id
from crosswalk.model.vocabularies import (
    COUNTED_PROVISIONS,
    PROVISION_OF_KIND,
    RISK_KINDS,
    Addressee,
    Category,
    ClauseKind,
    ProvisionType,
    Rationale,
    RelationName,
    Role,
    ScopeCondition,
    Status,
    SummaryAuthor,
)

__all__ = [
    "COUNTED_PROVISIONS",
    "PROVISION_OF_KIND",
    "RISK_KINDS",
    "Addressee",
    "Adoption",
    "ApplicationDates",
    "Category",
    "CategoryDates",
    "Clause",
    "ClauseKind",
    "EndDates",
    "Framework",
    "GraceDates",
    "Mapping",
    "MappingSet",
    "ProvisionType",
    "Rationale",
    "RelationName",
    "Review",
    "Role",
    "ScopeCondition",
    "Source",
    "Status",
    "SummaryAuthor",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True)


class Source(SourceFields):
    """Where a clause's number and heading were confirmed, or a cited crosswalk."""


class Review(ReviewFields):
    """A second reviewer's check of a mapping that can make a clause covered."""


class Adoption(BaseModel):
    """A framework that adopts another one clause by clause (GB/T 24353 = ISO 31000)."""

    model_config = _FROZEN
    framework: AdoptedFramework
    relation: AdoptionRelation = "equal"
    status: AdoptionStatus
    source: AdoptionSource
    note: AdoptionNote = None
    review: Annotated[Review | None, ADOPTION_REVIEW] = None


class CategoryDates(CategoryDatesFields):
    """Application dates that differ for one system category (e.g. Annex I products)."""

    category: Category = Field(description="The system category these dates are for.")


class GraceDates(GraceDatesFields):
    """Later dates for systems placed on the market before a cut-off date.

    A grace period, e.g. the Digital Omnibus's for Art 50(2).
    """


class EndDates(EndDatesFields):
    """When a provision stops applying because an amendment deleted it, per regime.

    E.g. Art 10(5), deleted by the Digital Omnibus: ``omnibus: 2026-07-27`` and no
    ``original`` date (the original text never deletes it).
    """

    def date_for(self, regime: Literal["original", "omnibus"]) -> dt.date | None:
        """The end date under the chosen regime (None: it does not end)."""
        return self.omnibus if regime == "omnibus" else self.original


class ApplicationDates(BaseModel):
    """When a provision applies: under Art 113 and as amended by the Digital Omnibus."""

    model_config = _FROZEN
    original: DatesOriginal = None
    omnibus: DatesOmnibus = None
    note: DatesNote = None
    by_category: Annotated[tuple[CategoryDates, ...], BY_CATEGORY] = ()
    grace: Annotated[GraceDates | None, GRACE] = None
    ends: Annotated[EndDates | None, ENDS] = None

    @property
    def only_amended(self) -> bool:
        """True for a provision that an amendment added: no date under the original text."""
        return (
            self.original is None
            and self.omnibus is not None
            and not any(special.original for special in self.by_category)
        )

    def date_for(
        self,
        regime: Literal["original", "omnibus"],
        category: str | None = None,
        placed_on_market: dt.date | None = None,
    ) -> dt.date | None:
        """The application date under the chosen regime (Omnibus falls back to original).

        The date is ``category``'s when the provision has dates of its own for it, and
        that of systems placed on the market on ``placed_on_market`` when a grace period
        covers them.
        """
        dates: ApplicationDates | CategoryDates | GraceDates = self
        for special in self.by_category:
            if special.category == category:
                dates = special
        grace = self.grace
        if (
            grace is not None
            and placed_on_market is not None
            and placed_on_market < grace.placed_before
        ):
            if regime == "omnibus" and grace.omnibus is not None:
                return grace.omnibus
            if grace.original is not None:
                return grace.original
        if regime == "omnibus" and dates.omnibus is not None:
            return dates.omnibus
        return dates.original


class Framework(BaseModel):
    """A clause catalogue: a standard, regulation, guidance or a user's own policy."""

    model_config = _FROZEN

    if TYPE_CHECKING:

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    prefix: FrameworkPrefix
    title: FrameworkTitle
    title_zh: FrameworkTitleZh = None
    short_name: ShortName
    edition: Edition = None
    publisher: Publisher = None
    kind: FrameworkKind
    official_url: OfficialUrl = None
    iri_base: Annotated[str, FRAMEWORK_IRI_BASE]
    aliases: FrameworkAliases = ()
    copyright: Copyright = None
    summaries: Summaries = "ours"
    adoption_of: Annotated[Adoption | None, ADOPTION_OF] = None
    sources: tuple[Source, ...] = Field((), description="Sources cited by its clauses.")
    path: str | None = Field(None, description="The file it was loaded from.")

    def source(self, source_id: str) -> Source | None:
        """Find a source of this framework by id (None if absent)."""
        return next((s for s in self.sources if s.id == source_id), None)


class Clause(BaseModel):
    """One numbered element of a framework: a clause, article, point, item or annex."""

    model_config = _FROZEN

    if TYPE_CHECKING:

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    id: str = Field(pattern=f"^{CLAUSE_ID_PATTERN}$", description="Canonical id prefix:local.")
    framework: str = Field(description="Prefix of its framework.")
    local: str = Field(description="Local id, written as the framework numbers it.")
    parent: str | None = Field(None, description="Canonical id of the parent clause.")
    kind: ClauseKindField
    provision: ProvisionType = Field(
        "guidance",
        description="What the provision does; only obligations, prohibitions and guidance are gap targets.",
    )
    title: ClauseTitle
    title_zh: ClauseTitleZh = None
    summary: Summary = None
    normative: Normative = True
    status: ClauseStatus
    source: ClauseSource
    url: ClauseUrl = None
    note: ClauseNote = None
    exhaustive: Exhaustive = False
    aliases: ClauseAliases = ()
    addressees: Annotated[tuple[Addressee, ...], CLAUSE_ADDRESSEES] = ()
    categories: Annotated[tuple[Category, ...], CLAUSE_CATEGORIES] = ()
    applies_from: Annotated[ApplicationDates | None, CLAUSE_DATES] = None
    applies_with: ClauseAppliesWith = ()
    order: int = Field(0, description="Position in document order within its framework.")
    depth: int = Field(0, description="0 for top-level clauses, parent depth + 1 otherwise.")

    @property
    def is_risk(self) -> bool:
        """True for risk sources and risk categories (objects of `addresses`)."""
        return self.kind in RISK_KINDS

    @property
    def is_counted(self) -> bool:
        """True when the provision asks the organisation for an outcome (a gap target)."""
        return self.provision in COUNTED_PROVISIONS

    def label(self, language: str = "en") -> str:
        """A one-line label: id and heading (Chinese heading when asked and present)."""
        title = self.title_zh if language == "zh" and self.title_zh else self.title
        return f"{self.id} {title}"


class Mapping(BaseModel):
    """An asserted relation between clauses, with its provenance."""

    model_config = _FROZEN

    if TYPE_CHECKING:

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    id: str = Field(description="Stable id: mapping set id and position of the pair.")
    subjects: tuple[str, ...] = Field(
        min_length=1, description="Subject clause ids; several mean their union."
    )
    relation: MappingRelation
    object: MappingObject
    strength: Strength
    rationale: MappingRationale
    justification: Justification
    source: str = Field(description="Who asserted it: crosswalk-curation or a cited source.")
    author: str = Field(description="Who wrote the mapping.")
    date: dt.date = Field(description="When it was asserted.")
    confidence: Confidence = None
    scope: MappingScope = None
    review: Annotated[Review | None, MAPPING_REVIEW] = None
    mapping_set: str = Field(description="Id of the mapping set that holds it.")
    path: str | None = Field(None, description="File it was loaded from.")
    index: int = Field(0, description="Position in its file (0-based).")

    @field_validator("subjects", "object", mode="after")
    @classmethod
    def _canonical(cls, value: tuple[str, ...] | str) -> tuple[str, ...] | str:
        for item in (value,) if isinstance(value, str) else value:
            split_id(item)
        return value

    @property
    def subject(self) -> str:
        """The subject id, or ``a ∪ b`` for a union subject."""
        return " ∪ ".join(self.subjects)

    @property
    def is_union(self) -> bool:
        """True when the subject is a union of clauses."""
        return len(self.subjects) > 1

    @property
    def where(self) -> str:
        """File and position, for explanations and error messages."""
        return f"{self.path or self.mapping_set} mapping #{self.index + 1}"


class MappingSet(BaseModel):
    """The mappings of one ordered framework pair, with set-level provenance."""

    model_config = _FROZEN

    if TYPE_CHECKING:

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    id: SetId
    title: SetTitle
    description: SetDescription = None
    subject_framework: SubjectFramework
    object_framework: ObjectFramework
    source: SetSource
    author: SetAuthor
    date: SetDate
    license: SetLicense = None
    sources: Annotated[tuple[Source, ...], CITED_SOURCES] = ()
    mappings: tuple[Mapping, ...] = Field((), description="The mappings.")
    path: str | None = Field(None, description="File it was loaded from.")
    derived: bool = Field(False, description="Generated (e.g. from an adoption), not curated.")
