"""The file grammar agrees with the records, field by field.

Each file entry of :mod:`crosswalk.io.grammar` is checked against the record it becomes:
the keys a file may write are exactly the record's fields, minus those only the loader
fills in, plus those only a file writes — both listed here, with the reason. A field they
share has one type, one description, one set of constraints and one default, unless
listed below as meaning something else in a file. A field added to one side and forgotten
on the other, or a description or constraint changed on one side only, fails here.
"""

from __future__ import annotations

import types
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

ENTRY_OF: dict[type[BaseModel], type[BaseModel]] = {
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

PAIRS: list[tuple[type[BaseModel], type[BaseModel]]] = [
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


def _shared(entry: type[BaseModel], record: type[BaseModel]) -> list[str]:
    return [name for name in entry.model_fields if name in record.model_fields]


@pytest.mark.parametrize(("entry", "record"), PAIRS, ids=lambda c: c.__name__)
def test_a_file_writes_exactly_the_record_fields_it_can_hold(
    entry: type[BaseModel], record: type[BaseModel]
) -> None:
    writable = set(record.model_fields) - RESOLVED_ONLY.get(entry, set())
    assert set(entry.model_fields) == writable | FILE_ONLY.get(entry, set())


@pytest.mark.parametrize(("entry", "record"), PAIRS, ids=lambda c: c.__name__)
def test_shared_fields_have_one_description_and_the_same_checks(
    entry: type[BaseModel], record: type[BaseModel]
) -> None:
    for name in _shared(entry, record):
        if (entry, name) in OWN_MEANING:
            continue
        ours, theirs = entry.model_fields[name], record.model_fields[name]
        assert ours.description == theirs.description, f"{entry.__name__}.{name}"
        extra = FILE_CHECKS.get((entry, name))
        expected = theirs.metadata + (extra.metadata if extra is not None else [])
        assert ours.metadata == expected, f"{entry.__name__}.{name}"


@pytest.mark.parametrize(("entry", "record"), PAIRS, ids=lambda c: c.__name__)
def test_shared_fields_have_the_same_type_and_default(
    entry: type[BaseModel], record: type[BaseModel]
) -> None:
    for name in _shared(entry, record):
        if (entry, name) in OWN_MEANING or (entry, name) in RESHAPED:
            continue
        ours, theirs = entry.model_fields[name], record.model_fields[name]
        where = f"{entry.__name__}.{name}"
        assert _record_type(ours.annotation) == theirs.annotation, where
        default = _default(ours)
        if isinstance(default, list):
            default = tuple(default)
        assert default == _default(theirs), where


def test_every_exception_names_a_real_shared_field() -> None:
    """A stale entry in the tables above would hide nothing, but would mislead a reader."""
    record_of = dict(PAIRS)
    for entry, name in [*RESHAPED, *OWN_MEANING, *FILE_CHECKS]:
        assert name in entry.model_fields and name in record_of[entry].model_fields, name
    for entry, names in RESOLVED_ONLY.items():
        assert names <= set(record_of[entry].model_fields), entry.__name__


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


@pytest.mark.parametrize(("entry", "record"), PAIRS, ids=lambda c: c.__name__)
def test_entries_and_records_refuse_unknown_keys_and_strip_whitespace_alike(
    entry: type[BaseModel], record: type[BaseModel]
) -> None:
    for key in ("extra", "str_strip_whitespace", "frozen"):
        assert entry.model_config.get(key) == record.model_config.get(key), key
    assert entry.model_config.get("extra") == "forbid"
