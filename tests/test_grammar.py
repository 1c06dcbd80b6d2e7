"""The file grammar agrees with the records, field by field.

Each file entry of :mod:`crosswalk.io.grammar` (a pydantic model) is checked against the
record it becomes (a plain dataclass): the keys a file may write are exactly the record's
fields, minus those only the loader fills in, plus those only a file writes — both listed
here, with the reason. A field they share has one type and one default, unless listed below
as meaning something else in a file, and a value the file refuses the record refuses too
(when an importer validates it), unless the check is listed as the file's own. A field
added to one side and forgotten on the other fails here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from crosswalk.io import grammar
from crosswalk.io.grammar import (
    AdoptedClauseEntry,
    AdoptionEntry,
    CategoryDatesEntry,
    ClauseEntry,
    DatesEntry,
    EndDatesEntry,
    FrameworkEntry,
    GraceDatesEntry,
    MappingEntry,
    MappingSetEntry,
    ReviewEntry,
    SourceEntry,
)
from crosswalk.model import fields
from crosswalk.model.records import (
    Adoption,
    ApplicationDates,
    CategoryDates,
    Clause,
    EndDates,
    Framework,
    GraceDates,
    Mapping,
    MappingSet,
    Review,
    Source,
)
from crosswalk.model.validation import failures, validated

ENTRY_OF: dict[type[BaseModel], type] = {
    SourceEntry: Source,
    ReviewEntry: Review,
    AdoptionEntry: Adoption,
    FrameworkEntry: Framework,
    CategoryDatesEntry: CategoryDates,
    GraceDatesEntry: GraceDates,
    EndDatesEntry: EndDates,
    DatesEntry: ApplicationDates,
    ClauseEntry: Clause,
    MappingEntry: Mapping,
    MappingSetEntry: MappingSet,
}
"""Every file entry and the record it becomes."""

_FROM_THE_ADOPTED_CLAUSE = {
    "parent",
    "kind",
    "provision",
    "summary",
    "normative",
    "url",
    "exhaustive",
    "aliases",
    "addressees",
    "categories",
    "applies_from",
    "applies_with",
}

RESOLVED_ONLY: dict[type[BaseModel], set[str]] = {
    # the catalogue's `sources:` sits beside `framework:`; path is where it was read
    FrameworkEntry: {"sources", "path"},
    # the category is the key of `by_category:`
    CategoryDatesEntry: {"category"},
    # prefix, local id, document order and depth follow from the file and the parent
    ClauseEntry: {"framework", "local", "order", "depth"},
    # an overlay gives headings only; everything else comes from the adopted clause
    AdoptedClauseEntry: {"framework", "local", "order", "depth", *_FROM_THE_ADOPTED_CLAUSE},
    # the id follows from the set and the pair; `subject` becomes `subjects`
    MappingEntry: {"id", "subjects", "mapping_set", "path", "index"},
    # the mappings are the file's `mappings:` list; derived sets are generated
    MappingSetEntry: {"mappings", "path", "derived"},
}
"""Record fields that a file never writes: the loader fills them in."""

FILE_ONLY: dict[type[BaseModel], set[str]] = {
    MappingEntry: {"subject"},  # one id or a list; the record holds `subjects`
}
"""File keys that no record field of the same name holds."""

RESHAPED: dict[tuple[type[BaseModel], str], str] = {
    (FrameworkEntry, "iri_base"): "a file may leave it out; the record holds the default",
    (DatesEntry, "by_category"): "keyed by category in a file, a tuple in the record",
    (ClauseEntry, "addressees"): "left out in a file means the parent's",
    (ClauseEntry, "categories"): "left out in a file means the parent's",
    (MappingSetEntry, "source"): "a file may leave it out (crosswalk-curation)",
}
"""Shared fields whose type or default differ in a file (description and checks agree)."""

OWN_MEANING: dict[tuple[type[BaseModel], str], str] = {
    (ClauseEntry, "id"): "the local id in a file, the canonical prefix:local in the record",
    (ClauseEntry, "parent"): "the local id in a file, the canonical id in the record",
    (ClauseEntry, "provision"): "left out in a file means the default of the kind",
    (AdoptedClauseEntry, "id"): "the local id of the adopted clause",
    (AdoptedClauseEntry, "title"): "only where the heading differs from the adopted one",
    (MappingEntry, "source"): "overrides the set's source in a file",
    (MappingEntry, "author"): "overrides the set's author in a file",
    (MappingEntry, "date"): "overrides the set's date in a file",
}
"""Shared field names that mean something else in a file: nothing is compared."""

FILE_CHECKS: dict[tuple[type[BaseModel], str], FieldInfo] = {
    (SourceEntry, "id"): fields.NON_EMPTY,
    (SourceEntry, "title"): fields.NON_EMPTY,
    (AdoptionEntry, "framework"): fields.PREFIX,
    (FrameworkEntry, "title"): fields.NON_EMPTY,
    (FrameworkEntry, "short_name"): fields.NON_EMPTY,
    (ClauseEntry, "title"): fields.NON_EMPTY,
    (ClauseEntry, "source"): fields.NON_EMPTY,
    (AdoptedClauseEntry, "source"): fields.NON_EMPTY,
    (MappingSetEntry, "id"): grammar._SET_ID,
    (MappingSetEntry, "title"): fields.NON_EMPTY,
    (MappingSetEntry, "subject_framework"): fields.PREFIX,
    (MappingSetEntry, "object_framework"): fields.PREFIX,
    (MappingSetEntry, "author"): fields.NON_EMPTY,
}
"""Checks a file adds to a shared field (importers build records that need not pass them)."""

PAIRS: list[tuple[type[BaseModel], type]] = [
    *ENTRY_OF.items(),
    (AdoptedClauseEntry, Clause),
]


def _record_type(annotation: Any) -> Any:
    """An entry's annotation as the record would spell it: records for entries, tuples for lists."""
    if isinstance(annotation, type) and annotation in ENTRY_OF:
        return ENTRY_OF[annotation]
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is None or origin is Literal:
        return annotation
    if origin is list:
        return tuple[_record_type(args[0]), ...]  # type: ignore[misc]
    if origin in (Union, types.UnionType):
        return Union[tuple(_record_type(a) for a in args)]  # noqa: UP007 - built from a tuple
    return origin[tuple(_record_type(a) for a in args)]


def _default(info: FieldInfo) -> Any:
    if info.default_factory is not None:
        return info.default_factory()  # type: ignore[call-arg]
    return info.default


def _fields(record: type) -> dict[str, tuple[Any, Any]]:
    """A record's fields: name → (type, default), ``MISSING`` for a required field."""
    hints = typing.get_type_hints(record)
    return {f.name: (hints[f.name], f.default) for f in dataclasses.fields(record)}


def _shared(entry: type[BaseModel], record: type) -> list[str]:
    return [name for name in entry.model_fields if name in _fields(record)]


@pytest.mark.parametrize(("entry", "record"), PAIRS, ids=lambda c: c.__name__)
def test_a_file_writes_exactly_the_record_fields_it_can_hold(
    entry: type[BaseModel], record: type
) -> None:
    writable = set(_fields(record)) - RESOLVED_ONLY.get(entry, set())
    assert set(entry.model_fields) == writable | FILE_ONLY.get(entry, set())


@pytest.mark.parametrize(("entry", "record"), PAIRS, ids=lambda c: c.__name__)
def test_shared_fields_have_the_same_type_and_default(entry: type[BaseModel], record: type) -> None:
    known = _fields(record)
    for name in _shared(entry, record):
        if (entry, name) in OWN_MEANING or (entry, name) in RESHAPED:
            continue
        ours = entry.model_fields[name]
        kind, default = known[name]
        where = f"{entry.__name__}.{name}"
        assert _record_type(ours.annotation) == kind, where
        mine = _default(ours)
        if isinstance(mine, list):
            mine = tuple(mine)
        if ours.is_required():
            assert default is dataclasses.MISSING, where
        else:
            assert mine == default, where


def test_every_exception_names_a_real_shared_field() -> None:
    """A stale entry in the tables above would hide nothing, but would mislead a reader."""
    record_of = dict(PAIRS)
    for entry, name in [*RESHAPED, *OWN_MEANING, *FILE_CHECKS]:
        assert name in entry.model_fields and name in _fields(record_of[entry]), name
    for entry, names in RESOLVED_ONLY.items():
        assert names <= set(_fields(record_of[entry])), entry.__name__


def test_every_entry_model_of_the_grammar_is_paired() -> None:
    entries = {
        value
        for value in vars(grammar).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__name__.endswith("Entry")
    }
    assert entries == {entry for entry, _ in PAIRS}


_VALID: dict[type[BaseModel], dict[str, Any]] = {
    SourceEntry: {"id": "S", "title": "A source"},
    AdoptionEntry: {"framework": "iso31000", "status": "confirmed", "source": "S"},
    MappingSetEntry: {
        "id": "a-b",
        "title": "A to B",
        "subject_framework": "a",
        "object_framework": "b",
        "author": "x",
        "date": "2026-01-01",
    },
    MappingEntry: {
        "subject": "a:1",
        "relation": "equal",
        "object": "b:1",
        "strength": 8,
        "rationale": "semantic",
        "justification": "Both ask for the same thing.",
    },
    ClauseEntry: {"id": "1", "kind": "clause", "title": "T", "status": "confirmed", "source": "S"},
}


@pytest.mark.parametrize("entry", list(_VALID), ids=lambda c: c.__name__)
def test_the_valid_examples_are_valid(entry: type[BaseModel]) -> None:
    entry.model_validate(_VALID[entry])


@pytest.mark.parametrize(
    ("entry", "key", "value"),
    [
        (SourceEntry, "title", " "),
        (SourceEntry, "id", ""),
        (AdoptionEntry, "framework", "ISO 31000"),
        (MappingSetEntry, "id", "a b"),
        (MappingSetEntry, "subject_framework", "A"),
        (MappingSetEntry, "author", ""),
        (MappingEntry, "strength", 11),
        (MappingEntry, "confidence", 1.5),
        (MappingEntry, "justification", "  "),
        (ClauseEntry, "status", "draft"),
        (ClauseEntry, "source", ""),
        (ClauseEntry, "parent", "1 2"),
    ],
)
def test_a_file_that_was_refused_is_still_refused(
    entry: type[BaseModel], key: str, value: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        entry.model_validate({**_VALID[entry], key: value})
    assert {error["loc"][0] for error in caught.value.errors()} == {key}


_RECORD: dict[type, dict[str, Any]] = {
    Source: {"id": "S", "title": "A source"},
    Review: {"by": "R", "date": "2026-01-01", "evidence": "6.4.2 asks for the same steps."},
    Adoption: {"framework": "iso31000", "status": "confirmed", "source": "S"},
    Framework: {
        "prefix": "a",
        "title": "A",
        "short_name": "A",
        "kind": "standard",
        "iri_base": "https://example.org/a/",
    },
    MappingSet: {
        "id": "a-b",
        "title": "A to B",
        "subject_framework": "a",
        "object_framework": "b",
        "source": "crosswalk-curation",
        "author": "x",
        "date": "2026-01-01",
    },
    Mapping: {
        "id": "a-b#1",
        "subjects": ["a:1"],
        "relation": "equal",
        "object": "b:1",
        "strength": 8,
        "rationale": "semantic",
        "justification": "Both ask for the same thing.",
        "source": "crosswalk-curation",
        "author": "x",
        "date": "2026-01-01",
        "mapping_set": "a-b",
    },
    Clause: {
        "id": "a:1",
        "framework": "a",
        "local": "1",
        "kind": "clause",
        "title": "T",
        "status": "confirmed",
        "source": "S",
    },
}


@pytest.mark.parametrize("record", list(_RECORD), ids=lambda c: c.__name__)
def test_a_valid_record_is_read_and_converted(record: type) -> None:
    built: object = validated(record, _RECORD[record])
    assert isinstance(built, record)
    for name, (kind, _) in _fields(record).items():  # dates and tuples converted
        if name in _RECORD[record] and kind in (dt.date, tuple[str, ...]):
            assert isinstance(getattr(built, name), get_origin(kind) or kind), name


@pytest.mark.parametrize(
    ("record", "key", "value"),
    [
        (Review, "by", " "),
        (Review, "evidence", ""),
        (Review, "date", "yesterday"),
        (Framework, "prefix", "ISO 31000"),
        (Framework, "kind", "law"),
        (Mapping, "strength", 11),
        (Mapping, "strength", 0),
        (Mapping, "confidence", 1.5),
        (Mapping, "justification", "  "),
        (Mapping, "subjects", []),
        (Mapping, "subjects", ["a 1"]),
        (Mapping, "object", "b"),
        (Mapping, "relation", "same"),
        (Clause, "status", "draft"),
        (Clause, "id", "a:1 2"),
        (Clause, "kind", "paragraph"),
        (Source, "accessed", "2026-13-01"),
    ],
)
def test_an_imported_record_is_refused_naming_the_field(record: type, key: str, value: Any) -> None:
    """What a file entry refuses, a record an importer reads is refused for too (same field)."""
    with pytest.raises(ValidationError) as caught:
        validated(record, {**_RECORD[record], key: value})
    assert {field.split(".")[0] for field, _, _ in failures(caught.value)} == {key}


@pytest.mark.parametrize(("entry", "record"), PAIRS, ids=lambda c: c.__name__)
def test_entries_and_records_refuse_unknown_keys_and_strip_whitespace_alike(
    entry: type[BaseModel], record: type
) -> None:
    config = record.__pydantic_config__  # type: ignore[attr-defined]
    for key in ("extra", "str_strip_whitespace"):
        assert entry.model_config.get(key) == config.get(key), key
    assert entry.model_config.get("extra") == "forbid"
    assert entry.model_config.get("frozen") and record.__dataclass_params__.frozen  # type: ignore[attr-defined]


@pytest.mark.parametrize("record", list(_RECORD), ids=lambda c: c.__name__)
def test_an_imported_record_loses_stray_whitespace_and_refuses_unknown_keys(record: type) -> None:
    data = _RECORD[record]
    text_key = next(k for k in data if _fields(record)[k][0] is str and k != "id")
    built: object = validated(record, {**data, text_key: f"  {data[text_key]} "})
    assert getattr(built, text_key) == data[text_key]
    with pytest.raises(ValidationError):
        validated(record, {**data, "unknown": 1})
