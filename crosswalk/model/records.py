"""The records: frameworks, clauses, mappings and mapping sets.

Records are frozen, slotted dataclasses with keyword-only fields: plain data that loads
without pydantic, so a warm ``crosswalk.load()`` rebuilds them from the cache without
importing it. They hold resolved data (canonical ids, inherited applicability).

Checking happens at the edges. The grammar of the data files
(:mod:`crosswalk.io.grammar`, pydantic models whose fields are declared in
:mod:`crosswalk.model.fields`) checks a file entry before :mod:`crosswalk.io.catalogue`
builds the record; an importer that reads someone else's format (SSSOM, OSCAL, a CSV,
an RDF graph) builds its records with :func:`crosswalk.model.validation.validated`, which
lets pydantic check and convert every field from these annotations and each record's
``__pydantic_config__`` (unknown keys refused, whitespace stripped). Whoever constructs a
record, its ``__post_init__`` refuses what no record may hold: a malformed id, a mapping
without subjects, a strength outside 1-10. ``tests/test_grammar.py`` checks that every
field a file may write is a record field of the same type and default.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import MISSING, dataclass, fields
from typing import TYPE_CHECKING, Any, Literal

from crosswalk.model.ids import CLAUSE_ID_PATTERN, PREFIX_PATTERN, malformed_id
from crosswalk.model.vocabularies import (
    COUNTED_PROVISIONS,
    PROVISION_OF_KIND,
    RISK_KINDS,
    Addressee,
    Category,
    ClauseKind,
    DocumentKind,
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
    "DocumentKind",
    "EndDates",
    "Framework",
    "GraceDates",
    "Mapping",
    "MappingSet",
    "ProvisionType",
    "Rationale",
    "RecordError",
    "RelationName",
    "Review",
    "Role",
    "ScopeCondition",
    "Source",
    "Status",
    "SummaryAuthor",
    "to_dict",
]

_PYDANTIC: dict[str, Any] = {"extra": "forbid", "str_strip_whitespace": True}
"""How :func:`crosswalk.model.validation.validated` reads untrusted data into a record."""

_PREFIX = re.compile(PREFIX_PATTERN)
_CLAUSE_ID = re.compile(CLAUSE_ID_PATTERN)


class RecordError(ValueError):
    """A value that no record may hold, naming the field that holds it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where a clause's number and heading were confirmed, or a cited crosswalk.

    ``id`` is the short key clauses and mappings cite it by; ``note`` says what the source
    does and does not confirm; ``accessed`` is when it was consulted.
    """

    __pydantic_config__ = _PYDANTIC
    id: str
    title: str
    url: str | None = None
    accessed: dt.date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Review:
    """A second reviewer's check of a mapping (or an adoption) that can make a clause covered.

    ``evidence`` says where the containment shows (source passages by reference, in our
    words); ``source`` is the id of the source consulted, where it has one.
    """

    __pydantic_config__ = _PYDANTIC
    by: str
    date: dt.date
    evidence: str
    source: str | None = None

    def __post_init__(self) -> None:
        if not self.by.strip() or not self.evidence.strip():
            field = "by" if not self.by.strip() else "evidence"
            raise RecordError(field, "a review names who checked it and where it shows")


@dataclass(frozen=True, slots=True, kw_only=True)
class Adoption:
    """A framework that adopts another one clause by clause (GB/T 24353 = ISO 31000)."""

    __pydantic_config__ = _PYDANTIC
    framework: str
    relation: Literal["equal"] = "equal"
    status: Status
    source: str
    note: str | None = None
    review: Review | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryDates:
    """Application dates that differ for one system category (e.g. Annex I products)."""

    __pydantic_config__ = _PYDANTIC
    original: dt.date | None = None
    omnibus: dt.date | None = None
    category: Category


@dataclass(frozen=True, slots=True, kw_only=True)
class GraceDates:
    """Later dates for systems placed on the market before a cut-off date.

    A grace period, e.g. the Digital Omnibus's for Art 50(2).
    """

    __pydantic_config__ = _PYDANTIC
    placed_before: dt.date
    original: dt.date | None = None
    omnibus: dt.date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EndDates:
    """When a provision stops applying because an amendment deleted it, per regime.

    E.g. Art 10(5), deleted by the Digital Omnibus: ``omnibus: 2026-07-27`` and no
    ``original`` date (the original text never deletes it).
    """

    __pydantic_config__ = _PYDANTIC
    original: dt.date | None = None
    omnibus: dt.date | None = None

    def date_for(self, regime: Literal["original", "omnibus"]) -> dt.date | None:
        """The end date under the chosen regime (None: it does not end)."""
        return self.omnibus if regime == "omnibus" else self.original


@dataclass(frozen=True, slots=True, kw_only=True)
class ApplicationDates:
    """When a provision applies: under Art 113 and as amended by the Digital Omnibus."""

    __pydantic_config__ = _PYDANTIC
    original: dt.date | None = None
    omnibus: dt.date | None = None
    note: str | None = None
    by_category: tuple[CategoryDates, ...] = ()
    grace: GraceDates | None = None
    ends: EndDates | None = None

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


@dataclass(frozen=True, slots=True, kw_only=True)
class Framework:
    """A clause catalogue: a standard, regulation, guidance or a user's own policy.

    ``iri_base`` is resolved (a file may leave it out for the default); ``sources`` are
    the sources its clauses cite; ``path`` is the file it was loaded from.
    """

    if TYPE_CHECKING:

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    __pydantic_config__ = _PYDANTIC
    prefix: str
    title: str
    title_zh: str | None = None
    short_name: str
    edition: str | None = None
    publisher: str | None = None
    kind: DocumentKind
    official_url: str | None = None
    iri_base: str
    aliases: tuple[str, ...] = ()
    copyright: str | None = None
    summaries: SummaryAuthor = "ours"
    adoption_of: Adoption | None = None
    sources: tuple[Source, ...] = ()
    path: str | None = None

    def __post_init__(self) -> None:
        if not _PREFIX.fullmatch(self.prefix):
            raise RecordError("prefix", f"{self.prefix!r} is not a prefix ({PREFIX_PATTERN})")

    def source(self, source_id: str) -> Source | None:
        """Find a source of this framework by id (None if absent)."""
        return next((s for s in self.sources if s.id == source_id), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Clause:
    """One numbered element of a framework: a clause, article, point, item or annex.

    ``id`` is canonical (``prefix:local``); ``local`` is written as the framework numbers
    it. ``provision`` says what it does (only obligations, prohibitions and guidance are
    gap targets); ``status`` whether number and heading were seen in ``source``;
    ``summary`` is our own paraphrase, never the body text. ``addressees``,
    ``categories`` and ``applies_from`` are resolved (inherited from the parent where
    the file leaves them out); ``applies_with`` names the provisions it serves (it
    applies only where one of them does). ``order`` is its position in document order,
    ``depth`` 0 for a top-level clause.
    """

    if TYPE_CHECKING:

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    __pydantic_config__ = _PYDANTIC
    id: str
    framework: str
    local: str
    parent: str | None = None
    kind: ClauseKind
    provision: ProvisionType = "guidance"
    title: str
    title_zh: str | None = None
    summary: str | None = None
    normative: bool = True
    status: Status
    source: str
    url: str | None = None
    note: str | None = None
    exhaustive: bool = False
    aliases: tuple[str, ...] = ()
    addressees: tuple[Addressee, ...] = ()
    categories: tuple[Category, ...] = ()
    applies_from: ApplicationDates | None = None
    applies_with: tuple[str, ...] = ()
    order: int = 0
    depth: int = 0

    def __post_init__(self) -> None:
        if not _CLAUSE_ID.fullmatch(self.id):
            raise RecordError("id", malformed_id(self.id))

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


@dataclass(frozen=True, slots=True, kw_only=True)
class Mapping:
    """An asserted relation between clauses, with its provenance.

    ``subjects`` are clause ids (several mean their union); ``source`` says who asserted
    it (crosswalk-curation or a cited source), ``author`` who wrote it, ``justification``
    why, in our own words. ``id`` is stable: the mapping set's id and the pair;
    ``index`` is its position in its file.
    """

    if TYPE_CHECKING:

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    __pydantic_config__ = _PYDANTIC
    id: str
    subjects: tuple[str, ...]
    relation: RelationName
    object: str
    strength: int
    rationale: Rationale
    justification: str
    source: str
    author: str
    date: dt.date
    confidence: float | None = None
    scope: ScopeCondition | None = None
    review: Review | None = None
    mapping_set: str
    path: str | None = None
    index: int = 0

    def __post_init__(self) -> None:
        if not self.subjects:
            raise RecordError("subjects", "a mapping has at least one subject")
        for subject in self.subjects:
            if not _CLAUSE_ID.fullmatch(subject):
                raise RecordError("subjects", malformed_id(subject))
        if not _CLAUSE_ID.fullmatch(self.object):
            raise RecordError("object", malformed_id(self.object))
        if not 1 <= self.strength <= 10:
            raise RecordError("strength", f"{self.strength} is not between 1 and 10")
        if self.confidence is not None and not 0 <= self.confidence <= 1:
            raise RecordError("confidence", f"{self.confidence} is not between 0 and 1")
        if not self.justification.strip():
            raise RecordError("justification", "a mapping says why it holds")

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


@dataclass(frozen=True, slots=True, kw_only=True)
class MappingSet:
    """The mappings of one ordered framework pair, with set-level provenance.

    ``source``, ``author`` and ``date`` are the defaults of its mappings; ``sources`` the
    public crosswalks it cites; ``derived`` is true for a set generated (e.g. from an
    adoption), not curated.
    """

    if TYPE_CHECKING:

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    __pydantic_config__ = _PYDANTIC
    id: str
    title: str
    description: str | None = None
    subject_framework: str
    object_framework: str
    source: str
    author: str
    date: dt.date
    license: str | None = None
    sources: tuple[Source, ...] = ()
    mappings: tuple[Mapping, ...] = ()
    path: str | None = None
    derived: bool = False


def to_dict(
    record: Any,
    *,
    json: bool = False,
    exclude: frozenset[str] | set[str] = frozenset(),
    exclude_none: bool = False,
    exclude_defaults: bool = False,
) -> dict[str, Any]:
    """A record's fields as a dict, nested records as dicts, in field order.

    ``json`` gives JSON values (lists, ISO dates); ``exclude`` leaves out top-level
    fields; ``exclude_none`` and ``exclude_defaults`` leave out, at every level, fields
    that are None or equal to their default.

    >>> source = Source(id="S-OJ", title="Regulation (EU) 2024/1689", accessed=dt.date(2026, 12, 1))
    >>> to_dict(source, json=True, exclude_none=True)
    {'id': 'S-OJ', 'title': 'Regulation (EU) 2024/1689', 'accessed': '2026-12-01'}
    """
    result: dict[str, Any] = {}
    for name, default in _defaults(type(record)):
        if name in exclude:
            continue
        value = getattr(record, name)
        if (exclude_none and value is None) or (exclude_defaults and value == default):
            continue
        result[name] = _value(value, json, exclude_none, exclude_defaults)
    return result


def _value(value: Any, json: bool, exclude_none: bool, exclude_defaults: bool) -> Any:
    if isinstance(value, tuple):
        items = [_value(item, json, exclude_none, exclude_defaults) for item in value]
        return items if json else tuple(items)
    if json and isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return to_dict(
            value, json=json, exclude_none=exclude_none, exclude_defaults=exclude_defaults
        )
    return value


_MISSING = object()
_DEFAULTS: dict[type, tuple[tuple[str, Any], ...]] = {}


def _defaults(cls: type) -> tuple[tuple[str, Any], ...]:
    """Each field's name and default (a marker equal to nothing when it has none)."""
    known = _DEFAULTS.get(cls)
    if known is None:
        known = _DEFAULTS[cls] = tuple(
            (f.name, _MISSING if f.default is MISSING else f.default) for f in fields(cls)
        )
    return known
