"""The grammar of the data files, as pydantic models (documented in mappings/README.md).

These models describe what a YAML file may say; :mod:`crosswalk.io.catalogue` turns them
into the resolved model of :mod:`crosswalk.model.records`. ``mappings/schema/*.json`` is
generated from them (``crosswalk schema``) and a test checks it is up to date.

A field an entry shares with its record takes its type, constraints and description from
:mod:`crosswalk.model.fields`; declared here are only the checks a file adds (stacked on
the shared alias) and the fields that mean something else in a file (a local id, an
override, "left out: the parent's"). ``tests/test_grammar.py`` lists both.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

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
    NON_EMPTY,
    PREFIX,
    AccessedOn,
    AdoptedFramework,
    AdoptionNote,
    AdoptionRelation,
    AdoptionSource,
    AdoptionStatus,
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
    Exhaustive,
    FrameworkAliases,
    FrameworkKind,
    FrameworkPrefix,
    FrameworkTitle,
    FrameworkTitleZh,
    Justification,
    MappingObject,
    MappingRationale,
    MappingRelation,
    MappingScope,
    Normative,
    ObjectFramework,
    OfficialUrl,
    Publisher,
    SetAuthor,
    SetDate,
    SetDescription,
    SetId,
    SetLicense,
    SetSource,
    SetTitle,
    ShortName,
    SourceKey,
    SourceNote,
    SourceTitle,
    SourceUrl,
    Strength,
    SubjectFramework,
    Summaries,
    Summary,
)
from crosswalk.model.ids import LOCAL_PATTERN
from crosswalk.model.vocabularies import Addressee, Category, ProvisionType

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
_SET_ID = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
"""A check a file adds to a mapping set's id: it names the file, so no spaces or slashes."""


class SourceEntry(BaseModel):
    """A source: where numbers and headings were confirmed, or a cited crosswalk."""

    model_config = _STRICT
    id: Annotated[SourceKey, NON_EMPTY]
    title: Annotated[SourceTitle, NON_EMPTY]
    url: SourceUrl = None
    accessed: AccessedOn = None
    note: SourceNote = None


class ReviewEntry(BaseModel):
    """`review:` of a covering mapping (or an adoption): the second reviewer's check."""

    model_config = _STRICT
    by: str = Field(
        min_length=1, description="Who checked it (a person, or a named review session)."
    )
    date: dt.date = Field(description="When it was checked.")
    evidence: str = Field(
        min_length=1,
        description="Where the containment shows: source passages by reference (clause, table, "
        "page), in our words, never quoted ISO/IEC or GB/T body text.",
    )
    source: str | None = Field(
        None, description="Id of the source consulted (from `sources:`), where it has one."
    )


class AdoptionEntry(BaseModel):
    """Declares that this framework adopts another one clause by clause."""

    model_config = _STRICT
    framework: Annotated[AdoptedFramework, PREFIX]
    relation: AdoptionRelation = "equal"
    status: AdoptionStatus
    source: AdoptionSource
    note: AdoptionNote = None
    review: Annotated[ReviewEntry | None, ADOPTION_REVIEW] = None


class FrameworkEntry(BaseModel):
    """The `framework:` block of a catalogue file."""

    model_config = _STRICT
    prefix: FrameworkPrefix
    title: Annotated[FrameworkTitle, NON_EMPTY]
    title_zh: FrameworkTitleZh = None
    short_name: Annotated[ShortName, NON_EMPTY]
    edition: Edition = None
    publisher: Publisher = None
    kind: FrameworkKind
    official_url: OfficialUrl = None
    iri_base: Annotated[str | None, FRAMEWORK_IRI_BASE] = None
    aliases: FrameworkAliases = ()
    copyright: Copyright = None
    summaries: Summaries = "ours"
    adoption_of: Annotated[AdoptionEntry | None, ADOPTION_OF] = None


class CategoryDatesEntry(BaseModel):
    """Dates of one system category inside `applies_from.by_category`."""

    model_config = _STRICT
    original: dt.date | None = Field(None, description="Date under Art 113 for this category.")
    omnibus: dt.date | None = Field(None, description="Date as amended by the Digital Omnibus.")


class GraceDatesEntry(BaseModel):
    """`applies_from.grace`: later dates for systems placed on the market before a cut-off."""

    model_config = _STRICT
    placed_before: dt.date = Field(
        description="Systems placed on the market before this date get these dates."
    )
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
    original: DatesOriginal = None
    omnibus: DatesOmnibus = None
    note: DatesNote = None
    by_category: Annotated[dict[Category, CategoryDatesEntry] | None, BY_CATEGORY] = None
    grace: Annotated[GraceDatesEntry | None, GRACE] = None
    ends: Annotated[EndDatesEntry | None, ENDS] = None


class ClauseEntry(BaseModel):
    """One entry of `clauses:` in a catalogue file."""

    model_config = _STRICT
    id: str = Field(pattern=_LOCAL, description="Local id.")
    parent: str | None = Field(None, pattern=_LOCAL, description="Local id of the parent.")
    kind: ClauseKindField
    provision: ProvisionType | None = Field(
        None,
        description="What the provision does (default: from `kind`; a `part` takes its parent's).",
    )
    title: Annotated[ClauseTitle, NON_EMPTY]
    title_zh: ClauseTitleZh = None
    summary: Summary = None
    normative: Normative = True
    status: ClauseStatus
    source: Annotated[ClauseSource, NON_EMPTY]
    url: ClauseUrl = None
    note: ClauseNote = None
    exhaustive: Exhaustive = False
    aliases: ClauseAliases = ()
    addressees: Annotated[list[Addressee] | None, CLAUSE_ADDRESSEES] = None
    categories: Annotated[list[Category] | None, CLAUSE_CATEGORIES] = None
    applies_from: Annotated[DatesEntry | None, CLAUSE_DATES] = None
    applies_with: ClauseAppliesWith = ()


class AdoptedClauseEntry(BaseModel):
    """An overlay entry of an adopting framework: headings only, numbers come from the
    adopted framework.
    """  # noqa: D205 - this docstring is the JSON Schema's description, kept word for word

    model_config = _STRICT
    id: str = Field(pattern=_LOCAL, description="Local id (as in the adopted framework).")
    title: str | None = Field(None, description="English heading if it differs.")
    title_zh: ClauseTitleZh = None
    status: ClauseStatus
    source: Annotated[ClauseSource, NON_EMPTY]
    note: ClauseNote = None


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
    relation: MappingRelation
    object: MappingObject
    strength: Strength
    rationale: MappingRationale
    justification: Justification
    confidence: Confidence = None
    scope: MappingScope = None
    review: Annotated[ReviewEntry | None, MAPPING_REVIEW] = None
    source: str | None = Field(None, description="Overrides the set's source.")
    author: str | None = Field(None, description="Overrides the set's author.")
    date: dt.date | None = Field(None, description="Overrides the set's date.")


class MappingSetEntry(BaseModel):
    """The `mapping_set:` block of a mapping file."""

    model_config = _STRICT
    id: Annotated[SetId, _SET_ID]
    title: Annotated[SetTitle, NON_EMPTY]
    description: SetDescription = None
    subject_framework: Annotated[SubjectFramework, PREFIX]
    object_framework: Annotated[ObjectFramework, PREFIX]
    source: SetSource = "crosswalk-curation"
    author: Annotated[SetAuthor, NON_EMPTY]
    date: SetDate
    license: SetLicense = None
    sources: Annotated[list[SourceEntry], CITED_SOURCES] = []


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
