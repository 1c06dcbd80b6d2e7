"""The grammar of the data files, as pydantic models (documented in mappings/README.md).

These models describe what a YAML file may say; :mod:`crosswalk.io.catalogue` turns them
into the resolved model of :mod:`crosswalk.model.records`. ``mappings/schema/*.json`` is
generated from them (``crosswalk schema``) and a test checks it is up to date.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from crosswalk.model.ids import LOCAL_PATTERN, PREFIX_PATTERN
from crosswalk.model.records import (
    Addressee,
    Category,
    ClauseKind,
    ProvisionType,
    Rationale,
    RelationName,
    ScopeCondition,
    Status,
    SummaryAuthor,
)

__all__ = [
    "AdoptedClauseEntry",
    "AdoptionEntry",
    "CatalogueFile",
    "CataloguePartFile",
    "CategoryDatesEntry",
    "ClauseEntry",
    "DatesEntry",
    "EndDatesEntry",
    "FrameworkEntry",
    "GraceDatesEntry",
    "MappingEntry",
    "MappingFile",
    "MappingSetEntry",
    "ReviewEntry",
    "SourceEntry",
    "json_schemas",
]

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)
_LOCAL = f"^{LOCAL_PATTERN}$"


class SourceEntry(BaseModel):
    """A source: where numbers and headings were confirmed, or a cited crosswalk."""

    model_config = _STRICT
    id: str = Field(min_length=1, description="Key cited by clauses and mappings.")
    title: str = Field(min_length=1, description="Title of the source.")
    url: str | None = Field(None, description="Where it can be read.")
    accessed: dt.date | None = Field(None, description="When it was consulted.")
    note: str | None = Field(None, description="What it confirms and what not.")


class ReviewEntry(BaseModel):
    """`review:` of a covering mapping (or an adoption): the second reviewer's check."""

    model_config = _STRICT
    by: str = Field(
        min_length=1, description="Who checked it (a person, or a named review session)."
    )
    date: dt.date = Field(description="When it was checked.")
    evidence: str = Field(
        min_length=1,
        description="The source passages that show the containment, by reference and in our words.",
    )
    source: str | None = Field(None, description="Id of the source consulted (from `sources:`).")


class AdoptionEntry(BaseModel):
    """Declares that this framework adopts another one clause by clause."""

    model_config = _STRICT
    framework: str = Field(pattern=f"^{PREFIX_PATTERN}$", description="Adopted framework.")
    relation: Literal["equal"] = Field("equal", description="Relation of clause N to clause N.")
    status: Status = Field(description="confirmed or provisional.")
    source: str = Field(description="Source id of the adoption declaration.")
    note: str | None = Field(None, description="Why the adoption is believed identical.")
    review: ReviewEntry | None = Field(None, description="Second review of the adoption.")


class FrameworkEntry(BaseModel):
    """The `framework:` block of a catalogue file."""

    model_config = _STRICT
    prefix: str = Field(pattern=f"^{PREFIX_PATTERN}$", description="Id prefix.")
    title: str = Field(min_length=1, description="Official title (English).")
    title_zh: str | None = Field(None, description="Official title (Chinese).")
    short_name: str = Field(min_length=1, description="Usual citation form.")
    edition: str | None = Field(None, description="Edition or version.")
    publisher: str | None = Field(None, description="Publisher.")
    kind: Literal["standard", "regulation", "guidance", "policy"] = Field(description="Kind.")
    official_url: str | None = Field(None, description="Official text.")
    iri_base: str | None = Field(None, description="IRI prefix of its clauses.")
    aliases: list[str] = Field(default_factory=list, description="Names for the resolver.")
    copyright: str | None = Field(None, description="Copyright note.")
    summaries: SummaryAuthor = Field(
        "ours",
        description="Whose words the clause summaries are: ours (a paraphrase), or the official "
        "text where it may be quoted (public-domain publications).",
    )
    adoption_of: AdoptionEntry | None = Field(None, description="Adoption declaration.")


class CategoryDatesEntry(BaseModel):
    """Dates of one system category inside `applies_from.by_category`."""

    model_config = _STRICT
    original: dt.date | None = Field(None, description="Date under Art 113 for this category.")
    omnibus: dt.date | None = Field(None, description="Date as amended by the Digital Omnibus.")


class GraceDatesEntry(BaseModel):
    """`applies_from.grace`: later dates for systems placed on the market before a cut-off."""

    model_config = _STRICT
    placed_before: dt.date = Field(description="Cut-off: systems placed on the market before it.")
    original: dt.date | None = Field(None, description="Their date under Art 113, if it differs.")
    omnibus: dt.date | None = Field(
        None, description="Their date as amended by the Digital Omnibus."
    )


class EndDatesEntry(BaseModel):
    """`applies_from.ends`: when an amendment deleted the provision, per regime."""

    model_config = _STRICT
    original: dt.date | None = Field(None, description="No longer applies from (Art 113 text).")
    omnibus: dt.date | None = Field(
        None, description="No longer applies from, as amended by the Digital Omnibus."
    )


class DatesEntry(BaseModel):
    """`applies_from:` of a provision."""

    model_config = _STRICT
    original: dt.date | None = Field(None, description="Date under Art 113.")
    omnibus: dt.date | None = Field(None, description="Date as amended by the Digital Omnibus.")
    note: str | None = Field(None, description="Caveats.")
    by_category: dict[Category, CategoryDatesEntry] | None = Field(
        None, description="Different dates for some system categories (e.g. high_risk_annex1)."
    )
    grace: GraceDatesEntry | None = Field(
        None, description="Later dates for systems placed on the market before a cut-off date."
    )
    ends: EndDatesEntry | None = Field(
        None, description="When the provision stops applying (deleted by an amendment)."
    )


class ClauseEntry(BaseModel):
    """One entry of `clauses:` in a catalogue file."""

    model_config = _STRICT
    id: str = Field(pattern=_LOCAL, description="Local id.")
    parent: str | None = Field(None, pattern=_LOCAL, description="Local id of the parent.")
    kind: ClauseKind = Field(description="Kind of element.")
    provision: ProvisionType | None = Field(
        None,
        description="What the provision does (default: from `kind`; a `part` takes its parent's).",
    )
    title: str = Field(min_length=1, description="Official heading or our short title.")
    title_zh: str | None = Field(None, description="Chinese heading.")
    summary: str | None = Field(None, description="Our own paraphrase.")
    normative: bool = Field(True, description="False for informative material.")
    status: Status = Field(description="confirmed or provisional.")
    source: str = Field(min_length=1, description="Source id.")
    url: str | None = Field(None, description="Deep link to the official text.")
    note: str | None = Field(None, description="Remarks.")
    exhaustive: bool = Field(False, description="Children split it exhaustively.")
    aliases: list[str] = Field(default_factory=list, description="Other local ids.")
    addressees: list[Addressee] | None = Field(None, description="Who must comply.")
    categories: list[Category] | None = Field(None, description="System categories.")
    applies_from: DatesEntry | None = Field(None, description="Application dates.")


class AdoptedClauseEntry(BaseModel):
    """An overlay entry of an adopting framework: headings only, numbers come from the
    adopted framework.
    """  # noqa: D205 - this docstring is the JSON Schema's description, kept word for word

    model_config = _STRICT
    id: str = Field(pattern=_LOCAL, description="Local id (as in the adopted framework).")
    title: str | None = Field(None, description="English heading if it differs.")
    title_zh: str | None = Field(None, description="Chinese heading.")
    status: Status = Field(description="confirmed or provisional.")
    source: str = Field(min_length=1, description="Source id.")
    note: str | None = Field(None, description="Remarks.")


class CatalogueFile(BaseModel):
    """A catalogue file: `catalogues/<prefix>.yaml`."""

    model_config = _STRICT
    framework: FrameworkEntry
    sources: list[SourceEntry] = Field(default_factory=list)
    clauses: list[ClauseEntry | AdoptedClauseEntry] = Field(default_factory=list)


class CataloguePartFile(BaseModel):
    """A continuation of a catalogue: `catalogues/<prefix>.<part>.yaml`."""

    model_config = _STRICT
    sources: list[SourceEntry] = Field(default_factory=list)
    clauses: list[ClauseEntry] = Field(default_factory=list)


class MappingEntry(BaseModel):
    """One entry of `mappings:` in a mapping file."""

    model_config = _STRICT
    subject: str | list[str] = Field(description="Subject id, or a list meaning their union.")
    relation: RelationName = Field(description="Relation.")
    object: str = Field(description="Object id.")
    strength: int = Field(ge=1, le=10, description="1–10.")
    rationale: Rationale = Field(description="syntactic | semantic | functional.")
    justification: str = Field(min_length=1, description="Why, in our own words.")
    confidence: float | None = Field(None, ge=0, le=1, description="0–1.")
    scope: ScopeCondition | None = Field(
        None, description="Condition under which the relation holds."
    )
    review: ReviewEntry | None = Field(None, description="Second review (covering relations).")
    source: str | None = Field(None, description="Overrides the set's source.")
    author: str | None = Field(None, description="Overrides the set's author.")
    date: dt.date | None = Field(None, description="Overrides the set's date.")


class MappingSetEntry(BaseModel):
    """The `mapping_set:` block of a mapping file."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", description="Set id.")
    title: str = Field(min_length=1, description="Title.")
    description: str | None = Field(None, description="Scope and method.")
    subject_framework: str = Field(pattern=f"^{PREFIX_PATTERN}$", description="Subject prefix.")
    object_framework: str = Field(pattern=f"^{PREFIX_PATTERN}$", description="Object prefix.")
    source: str = Field("crosswalk-curation", description="Default source.")
    author: str = Field(min_length=1, description="Default author.")
    date: dt.date = Field(description="Default date.")
    license: str | None = Field(None, description="Licence.")
    sources: list[SourceEntry] = Field(default_factory=list, description="Cited crosswalks.")


class MappingFile(BaseModel):
    """A mapping file: `crosswalks/<subject>-<object>.yaml`."""

    model_config = _STRICT
    mapping_set: MappingSetEntry
    mappings: list[MappingEntry] = Field(default_factory=list)


def json_schemas() -> dict[str, dict[str, object]]:
    """The JSON Schemas of the three file kinds, keyed by file name."""
    return {
        "catalogue.schema.json": CatalogueFile.model_json_schema(),
        "catalogue-part.schema.json": CataloguePartFile.model_json_schema(),
        "mapping-set.schema.json": MappingFile.model_json_schema(),
    }
