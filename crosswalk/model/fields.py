"""The fields of the data files' grammar, each declared once.

A field's type, constraints and description live here, as an ``Annotated`` alias (or, where
the entries that hold it differ, as a ``Field`` used by each). The file grammar of
:mod:`crosswalk.io.grammar` annotates its entries with these, so the JSON Schema a user's
editor shows and the check a file gets cannot drift apart. The records of
:mod:`crosswalk.model.records` are plain dataclasses that load without pydantic;
``tests/test_grammar.py`` checks that every field a file may write is a record field of the
same type and default (or is listed as file-only).

Defaults stay at the declaration site (``= None``): type checkers read them there. An
optional field's alias includes ``| None``, so that its description stays on the field and
does not move inside the JSON Schema's ``anyOf``.

A file is checked more strictly than a record built by an importer (a CSV row, an RDF
graph), which gets the record's types and its own checks: the file's extra checks are
stacked in the grammar, e.g. ``Annotated[SourceTitle, NON_EMPTY]``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from crosswalk.model.ids import PREFIX_PATTERN
from crosswalk.model.vocabularies import (
    ClauseKind,
    DocumentKind,
    Rationale,
    RelationName,
    ScopeCondition,
    Status,
    SummaryAuthor,
)

__all__ = [
    "ADOPTION_OF",
    "ADOPTION_REVIEW",
    "BY_CATEGORY",
    "CITED_SOURCES",
    "CLAUSE_ADDRESSEES",
    "CLAUSE_CATEGORIES",
    "CLAUSE_DATES",
    "ENDS",
    "FRAMEWORK_IRI_BASE",
    "GRACE",
    "MAPPING_REVIEW",
    "NON_EMPTY",
    "PREFIX",
    "AccessedOn",
    "AdoptedFramework",
    "AdoptionNote",
    "AdoptionRelation",
    "AdoptionSource",
    "AdoptionStatus",
    "ClauseAliases",
    "ClauseAppliesWith",
    "ClauseKindField",
    "ClauseNote",
    "ClauseSource",
    "ClauseStatus",
    "ClauseTitle",
    "ClauseTitleZh",
    "ClauseUrl",
    "Confidence",
    "Copyright",
    "DatesNote",
    "DatesOmnibus",
    "DatesOriginal",
    "Edition",
    "Exhaustive",
    "FrameworkAliases",
    "FrameworkKind",
    "FrameworkPrefix",
    "FrameworkTitle",
    "FrameworkTitleZh",
    "Justification",
    "MappingObject",
    "MappingRationale",
    "MappingRelation",
    "MappingScope",
    "Normative",
    "ObjectFramework",
    "OfficialUrl",
    "Publisher",
    "SetAuthor",
    "SetDate",
    "SetDescription",
    "SetId",
    "SetLicense",
    "SetSource",
    "SetTitle",
    "ShortName",
    "SourceKey",
    "SourceNote",
    "SourceTitle",
    "SourceUrl",
    "Strength",
    "SubjectFramework",
    "Summaries",
    "Summary",
]

NON_EMPTY = Field(min_length=1)
"""A check a file entry adds: the value may not be empty."""
PREFIX = Field(pattern=f"^{PREFIX_PATTERN}$")
"""A check a file entry adds: the value is a framework prefix."""

# -- sources and reviews ---------------------------------------------------------------

SourceKey = Annotated[
    str, Field(description="Short key used by clauses and mappings to cite the source.")
]
SourceTitle = Annotated[str, Field(description="Human-readable title of the source.")]
SourceUrl = Annotated[str | None, Field(description="Where the source can be read.")]
AccessedOn = Annotated[dt.date | None, Field(description="When the source was consulted.")]
SourceNote = Annotated[str | None, Field(description="What the source does and does not confirm.")]


# -- frameworks and adoptions ------------------------------------------------------------

AdoptedFramework = Annotated[str, Field(description="Prefix of the adopted framework.")]
AdoptionRelation = Annotated[
    Literal["equal"], Field(description="Relation of each clause N here to clause N there.")
]
AdoptionStatus = Annotated[
    Status, Field(description="Whether the identical adoption is confirmed.")
]
AdoptionSource = Annotated[str, Field(description="Source id that declares the adoption.")]
AdoptionNote = Annotated[str | None, Field(description="Why we believe the adoption holds.")]
ADOPTION_REVIEW = Field(description="Second review of the clause-by-clause equality.")
"""The adoption's ``review`` (a record's ``Review``, a file's ``ReviewEntry``)."""

FrameworkPrefix = Annotated[
    str, Field(pattern=f"^{PREFIX_PATTERN}$", description="Prefix of its clause ids.")
]
FrameworkTitle = Annotated[str, Field(description="Official title (English).")]
FrameworkTitleZh = Annotated[
    str | None, Field(description="Official title (Chinese), where it has one.")
]
ShortName = Annotated[str, Field(description="How people cite it, e.g. 'ISO 31000:2018'.")]
Edition = Annotated[str | None, Field(description="Edition or version.")]
Publisher = Annotated[str | None, Field(description="Who publishes it.")]
FrameworkKind = Annotated[DocumentKind, Field(description="What sort of document it is.")]
OfficialUrl = Annotated[str | None, Field(description="Where the official text is.")]
FRAMEWORK_IRI_BASE = Field(
    description="IRI prefix of its clauses (local id appended); a file may leave it out "
    "for the default."
)
"""The framework's ``iri_base`` (resolved in a record, optional in a file)."""
FrameworkAliases = Annotated[
    tuple[str, ...], Field(description="Other names the citation resolver accepts.")
]
Copyright = Annotated[str | None, Field(description="What may and may not be shipped.")]
ADOPTION_OF = Field(description="Clause-by-clause adoption of another framework, if any.")
"""The framework's ``adoption_of`` (a record's ``Adoption``, a file's ``AdoptionEntry``)."""

# -- application dates (EU AI Act) -------------------------------------------------------

DatesOriginal = Annotated[
    dt.date | None, Field(description="Date under Art 113 of Reg. 2024/1689.")
]
DatesOmnibus = Annotated[
    dt.date | None,
    Field(description="Date as amended by the Digital Omnibus on AI, where it changed."),
]
DatesNote = Annotated[
    str | None, Field(description="Caveats, e.g. the source of the Omnibus date.")
]
BY_CATEGORY = Field(
    description="Other dates for some system categories (Annex I products: Art 113(c))."
)
"""``by_category``: a tuple of ``CategoryDates`` in a record, keyed by category in a file."""
GRACE = Field(description="Later dates for systems placed on the market before a cut-off date.")
"""``grace``: a record's ``GraceDates``, a file's ``GraceDatesEntry``."""


ENDS = Field(description="When the provision stops applying (deleted by an amendment), per regime.")
"""``ends``: a record's ``EndDates``, a file's ``EndDatesEntry``."""
Summaries = Annotated[
    SummaryAuthor,
    Field(
        description="Whose words the clause summaries are: ours (a paraphrase), or the official "
        "text where it may be quoted (public-domain publications)."
    ),
]


# -- clauses -----------------------------------------------------------------------------

ClauseKindField = Annotated[ClauseKind, Field(description="What sort of element it is.")]
ClauseTitle = Annotated[str, Field(description="Official heading (English) or our short title.")]
ClauseTitleZh = Annotated[str | None, Field(description="Official heading (Chinese).")]
Summary = Annotated[str | None, Field(description="Our own paraphrase, never the body text.")]
Normative = Annotated[bool, Field(description="False for informative annexes and notes.")]
ClauseStatus = Annotated[
    Status, Field(description="Whether number and heading were seen in `source`.")
]
ClauseSource = Annotated[str, Field(description="Id of the framework source that confirms it.")]
ClauseUrl = Annotated[str | None, Field(description="Deep link to the official text.")]
ClauseNote = Annotated[str | None, Field(description="Remarks, e.g. why it is provisional.")]
Exhaustive = Annotated[bool, Field(description="Its children split it exhaustively.")]
ClauseAliases = Annotated[tuple[str, ...], Field(description="Other local ids it is known by.")]
ClauseAppliesWith = Annotated[
    tuple[str, ...],
    Field(
        description="Provisions it serves: it applies only where one of them applies to the "
        "profile (e.g. Art 50(5), how the information of Art 50(1)-(4) is given)."
    ),
]
CLAUSE_ADDRESSEES = Field(description="Who must comply (regulations).")
"""``addressees``: resolved in a record; in a file, left out means its parent's."""
CLAUSE_CATEGORIES = Field(description="System categories it applies to.")
"""``categories``: resolved in a record; in a file, left out means its parent's."""
CLAUSE_DATES = Field(description="When it applies.")
"""``applies_from``: resolved in a record; in a file, left out means its parent's."""

# -- mappings and mapping sets -----------------------------------------------------------

MappingRelation = Annotated[RelationName, Field(description="STRM relation, or `addresses`.")]
MappingObject = Annotated[str, Field(description="Object clause id.")]
Strength = Annotated[int, Field(ge=1, le=10, description="How strong the relation is, 1–10.")]
MappingRationale = Annotated[Rationale, Field(description="NIST IR 8477 rationale.")]
Justification = Annotated[str, Field(min_length=1, description="Why, in our own words.")]
Confidence = Annotated[float | None, Field(ge=0, le=1, description="Confidence, 0–1.")]
MappingScope = Annotated[
    ScopeCondition | None, Field(description="Condition under which the relation holds.")
]
MAPPING_REVIEW = Field(description="Second review (required where it can make a clause covered).")
"""A mapping's ``review`` (a record's ``Review``, a file's ``ReviewEntry``)."""

SetId = Annotated[str, Field(description="Set id (the file name without extension).")]
SetTitle = Annotated[str, Field(description="Human-readable title.")]
SetDescription = Annotated[str | None, Field(description="Scope and method.")]
SubjectFramework = Annotated[str, Field(description="Prefix of every subject.")]
ObjectFramework = Annotated[str, Field(description="Prefix of every object.")]
SetSource = Annotated[str, Field(description="Default source of its mappings.")]
SetAuthor = Annotated[str, Field(description="Default author.")]
SetDate = Annotated[dt.date, Field(description="Default date.")]
SetLicense = Annotated[str | None, Field(description="Licence of the mapping data.")]
CITED_SOURCES = Field(description="Public crosswalks it cites.")
"""A mapping set's ``sources`` (``Source`` records, ``SourceEntry`` in a file)."""
