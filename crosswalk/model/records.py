"""The records: frameworks, clauses, mappings and mapping sets, with their vocabularies.

All models are frozen pydantic models that forbid unknown fields. They hold resolved
data (canonical ids, inherited applicability); the grammar of the data files lives in
:mod:`crosswalk.io.grammar`, and the step between the two in :mod:`crosswalk.io.catalogue`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from crosswalk.model.ids import CLAUSE_ID_PATTERN, PREFIX_PATTERN, split_id

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

ClauseKind = Literal[
    "section",
    "clause",
    "principle",
    "requirement",
    "obligation",
    "prohibition",
    "objective",
    "risk_source",
    "risk_category",
    "measure",
    "guideline",
    "capability_domain",
    "capability_item",
    "capability_level",
    "annex",
    "definition",
    "front_matter",
    "part",
]
RISK_KINDS: frozenset[str] = frozenset({"risk_source", "risk_category"})
Status = Literal["confirmed", "provisional"]
Role = Literal[
    "provider",
    "deployer",
    "importer",
    "distributor",
    "authorised_representative",
    "product_manufacturer",
]
Addressee = Literal[
    "provider",
    "deployer",
    "importer",
    "distributor",
    "authorised_representative",
    "product_manufacturer",
    "commission",
    "ai_office",
    "member_state",
    "notified_body",
    "market_surveillance_authority",
    "ai_board",
    "edps",
    "affected_person",
]
"""Who a provision addresses: the operator roles (:data:`Role`), the public bodies, and
the persons whose rights a provision states (``affected_person``: affected persons, test
subjects, anyone who may complain)."""
Category = Literal[
    "any",
    "prohibited_practice",
    "high_risk_annex1",
    "high_risk_annex3",
    "gpai",
    "gpai_systemic_risk",
    "transparency",
]
RelationName = Literal[
    "equal", "subset_of", "superset_of", "intersects_with", "no_relationship", "addresses"
]
Rationale = Literal["syntactic", "semantic", "functional"]

ProvisionType = Literal[
    "obligation",
    "prohibition",
    "guidance",
    "principle",
    "definition",
    "scope",
    "classification",
    "condition",
    "permission",
    "procedure",
    "transitional",
    "application",
    "penalty",
    "informative",
    "risk",
    "structure",
]
"""What a provision does (mappings/README.md, "Provision types"). Only the types in
:data:`COUNTED_PROVISIONS` ask an organisation for an outcome; a gap analysis shows the
others as "not an obligation", with their type, never as gaps."""

COUNTED_PROVISIONS: frozenset[str] = frozenset({"obligation", "prohibition", "guidance"})
"""Provision types that bind or guide the organisation itself: the only gap-analysis targets."""

PROVISION_OF_KIND: dict[str, str] = {
    "section": "structure",
    "front_matter": "scope",
    "definition": "definition",
    "risk_source": "risk",
    "risk_category": "risk",
    "capability_level": "definition",
    "obligation": "obligation",
    "prohibition": "prohibition",
    "principle": "principle",
}
"""The provision type of a clause whose catalogue entry states none; any other kind is
``guidance``, and a ``part`` takes its parent's type."""

ScopeCondition = Literal["ai_risk_only", "systems_in_scope"]
"""A condition under which a covering mapping holds (mappings/README.md, "Scope policy"):
``ai_risk_only`` — for AI-related risk only (ISO/IEC 23894 applies the organisation-wide
ISO 31000 to AI); ``systems_in_scope`` — only for the AI systems inside the subject's
management-system scope (ISO/IEC 42001 against the per-system EU AI Act)."""

_FROZEN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Source(BaseModel):
    """Where a clause's number and heading were confirmed, or a cited crosswalk."""

    model_config = _FROZEN
    id: str = Field(description="Short key used by clauses and mappings to cite the source.")
    title: str = Field(description="Human-readable title of the source.")
    url: str | None = Field(None, description="Where the source can be read.")
    accessed: dt.date | None = Field(None, description="When the source was consulted.")
    note: str | None = Field(None, description="What the source does and does not confirm.")


class Review(BaseModel):
    """A second reviewer's check of a mapping that can make a clause covered."""

    model_config = _FROZEN
    by: str = Field(
        min_length=1, description="Who checked it (a person, or a named review session)."
    )
    date: dt.date = Field(description="When it was checked.")
    evidence: str = Field(
        min_length=1,
        description="Where the containment shows: source passages by reference (clause, table, "
        "page), in our words, never quoted ISO/IEC or GB/T body text.",
    )
    source: str | None = Field(None, description="Id of the source consulted, where it has one.")


class Adoption(BaseModel):
    """A framework that adopts another one clause by clause (GB/T 24353 = ISO 31000)."""

    model_config = _FROZEN
    framework: str = Field(description="Prefix of the adopted framework.")
    relation: Literal["equal"] = Field(
        "equal", description="Relation of each clause N here to clause N there."
    )
    status: Status = Field(description="Whether the identical adoption is confirmed.")
    source: str = Field(description="Source id that declares the adoption.")
    note: str | None = Field(None, description="Why we believe the adoption holds.")
    review: Review | None = Field(
        None, description="Second review of the clause-by-clause equality."
    )


class CategoryDates(BaseModel):
    """Application dates that differ for one system category (e.g. Annex I products)."""

    model_config = _FROZEN
    category: Category = Field(description="The system category these dates are for.")
    original: dt.date | None = Field(None, description="Date under Art 113 for this category.")
    omnibus: dt.date | None = Field(None, description="Date as amended by the Digital Omnibus.")


class GraceDates(BaseModel):
    """Later dates for systems placed on the market before a cut-off date.

    A grace period, e.g. the Digital Omnibus's for Art 50(2).
    """

    model_config = _FROZEN
    placed_before: dt.date = Field(
        description="Systems placed on the market before this date get these dates."
    )
    original: dt.date | None = Field(None, description="Their date under Art 113, if it differs.")
    omnibus: dt.date | None = Field(
        None, description="Their date as amended by the Digital Omnibus."
    )


class EndDates(BaseModel):
    """When a provision stops applying because an amendment deleted it, per regime.

    E.g. Art 10(5), deleted by the Digital Omnibus: ``omnibus: 2026-07-27`` and no
    ``original`` date (the original text never deletes it).
    """

    model_config = _FROZEN
    original: dt.date | None = Field(None, description="No longer applies from (Art 113 text).")
    omnibus: dt.date | None = Field(
        None, description="No longer applies from, as amended by the Digital Omnibus."
    )

    def date_for(self, regime: Literal["original", "omnibus"]) -> dt.date | None:
        """The end date under the chosen regime (None: it does not end)."""
        return self.omnibus if regime == "omnibus" else self.original


class ApplicationDates(BaseModel):
    """When a provision applies: under Art 113 and as amended by the Digital Omnibus."""

    model_config = _FROZEN
    original: dt.date | None = Field(None, description="Date under Art 113 of Reg. 2024/1689.")
    omnibus: dt.date | None = Field(
        None, description="Date as amended by the Digital Omnibus on AI, where it changed."
    )
    note: str | None = Field(None, description="Caveats, e.g. the source of the Omnibus date.")
    by_category: tuple[CategoryDates, ...] = Field(
        (), description="Other dates for some system categories (Annex I products: Art 113(c))."
    )
    grace: GraceDates | None = Field(
        None, description="Later dates for systems placed on the market before a cut-off date."
    )
    ends: EndDates | None = Field(
        None, description="When the provision stops applying (deleted by an amendment), per regime."
    )

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


SummaryAuthor = Literal["ours", "official"]
"""Whose words a framework's clause summaries are: ``ours`` (a paraphrase; the rule for
copyrighted standards) or ``official`` (the publisher's own text, where it may be quoted,
e.g. NIST's public-domain publications)."""


class Framework(BaseModel):
    """A clause catalogue: a standard, regulation, guidance or a user's own policy."""

    model_config = _FROZEN

    if TYPE_CHECKING:

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    prefix: str = Field(pattern=f"^{PREFIX_PATTERN}$", description="Prefix of its clause ids.")
    title: str = Field(description="Official title (English).")
    title_zh: str | None = Field(None, description="Official title (Chinese), where it has one.")
    short_name: str = Field(description="How people cite it, e.g. 'ISO 31000:2018'.")
    edition: str | None = Field(None, description="Edition or version.")
    publisher: str | None = Field(None, description="Who publishes it.")
    kind: Literal["standard", "regulation", "guidance", "policy"] = Field(
        description="What sort of document it is."
    )
    official_url: str | None = Field(None, description="Where the official text is.")
    iri_base: str = Field(description="IRI prefix of its clauses (local id appended).")
    aliases: tuple[str, ...] = Field((), description="Other names the citation resolver accepts.")
    copyright: str | None = Field(None, description="What may and may not be shipped.")
    summaries: SummaryAuthor = Field(
        "ours", description="Whose words the clause summaries are: ours, or the official text."
    )
    adoption_of: Adoption | None = Field(None, description="Clause-by-clause adoption, if any.")
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
    kind: ClauseKind = Field(description="What sort of element it is.")
    provision: ProvisionType = Field(
        "guidance",
        description="What the provision does; only obligations, prohibitions and guidance are gap targets.",
    )
    title: str = Field(description="Official heading (English) or our short title.")
    title_zh: str | None = Field(None, description="Official heading (Chinese).")
    summary: str | None = Field(None, description="Our own paraphrase, never the body text.")
    normative: bool = Field(True, description="False for informative annexes and notes.")
    status: Status = Field(description="Whether number and heading were seen in `source`.")
    source: str = Field(description="Id of the framework source that confirms it.")
    url: str | None = Field(None, description="Deep link to the official text.")
    note: str | None = Field(None, description="Remarks, e.g. why it is provisional.")
    exhaustive: bool = Field(False, description="Its children split it exhaustively.")
    aliases: tuple[str, ...] = Field((), description="Other local ids it is known by.")
    addressees: tuple[Addressee, ...] = Field((), description="Who must comply (regulations).")
    categories: tuple[Category, ...] = Field((), description="System categories it applies to.")
    applies_from: ApplicationDates | None = Field(None, description="When it applies.")
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
    relation: RelationName = Field(description="STRM relation, or `addresses`.")
    object: str = Field(description="Object clause id.")
    strength: int = Field(ge=1, le=10, description="How strong the relation is, 1–10.")
    rationale: Rationale = Field(description="NIST IR 8477 rationale.")
    justification: str = Field(min_length=1, description="Why, in our own words.")
    source: str = Field(description="Who asserted it: crosswalk-curation or a cited source.")
    author: str = Field(description="Who wrote the mapping.")
    date: dt.date = Field(description="When it was asserted.")
    confidence: float | None = Field(None, ge=0, le=1, description="Confidence, 0–1.")
    scope: ScopeCondition | None = Field(
        None, description="Condition under which the relation holds."
    )
    review: Review | None = Field(
        None, description="Second review (required where it can make a clause covered)."
    )
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

    id: str = Field(description="Set id (the file name without extension).")
    title: str = Field(description="Human-readable title.")
    description: str | None = Field(None, description="Scope and method.")
    subject_framework: str = Field(description="Prefix of every subject.")
    object_framework: str = Field(description="Prefix of every object.")
    source: str = Field(description="Default source of its mappings.")
    author: str = Field(description="Default author.")
    date: dt.date = Field(description="Default date.")
    license: str | None = Field(None, description="Licence of the mapping data.")
    sources: tuple[Source, ...] = Field((), description="Public crosswalks it cites.")
    mappings: tuple[Mapping, ...] = Field((), description="The mappings.")
    path: str | None = Field(None, description="File it was loaded from.")
    derived: bool = Field(False, description="Generated (e.g. from an adoption), not curated.")
