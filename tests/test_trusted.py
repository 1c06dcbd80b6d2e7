"""Records rebuilt from the cache's JSON without checks are the records that were written.

:mod:`crosswalk.model.trusted` rebuilds cached records without pydantic; these check that
what it builds compares, hashes and dumps exactly as the record it was dumped from, and as
the record pydantic validates from the same JSON, for every record of the bundled data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from crosswalk.api import KnowledgeBase
from crosswalk.model.records import Clause, Framework, MappingSet, to_dict
from crosswalk.model.trusted import builder
from crosswalk.model.validation import validated


def _records(kb: KnowledgeBase) -> list[Framework | Clause | MappingSet]:
    return [*kb.frameworks.values(), *kb.clauses.values(), *kb.mapping_sets]


def test_every_bundled_record_comes_back_as_it_was_written(kb: KnowledgeBase) -> None:
    records = _records(kb)
    assert {type(r) for r in records} == {Framework, Clause, MappingSet}
    for record in records:
        kind: type = type(record)
        dumped = json.loads(json.dumps(to_dict(record, json=True, exclude_defaults=True)))
        rebuilt = builder(kind)(dumped)
        checked: object = validated(kind, dumped)
        assert rebuilt == checked == record
        assert hash(rebuilt) == hash(checked) == hash(record)
        assert to_dict(rebuilt) == to_dict(record)


def test_nested_values_get_their_types_back(kb: KnowledgeBase) -> None:
    mapping = next(m for s in kb.mapping_sets for m in s.mappings if m.review is not None)
    rebuilt = builder(MappingSet)(
        {
            **to_dict(kb.mapping_sets[0], json=True),
            "mappings": [to_dict(mapping, json=True)],
        }
    ).mappings[0]
    assert isinstance(rebuilt.subjects, tuple) and isinstance(rebuilt.date, dt.date)
    review = rebuilt.review
    assert review is not None
    assert isinstance(review.date, dt.date)
    assert review == mapping.review
    dated = next(c for c in kb.clauses.values() if c.applies_from is not None)
    again = builder(Clause)(to_dict(dated, json=True))
    assert again.applies_from == dated.applies_from and isinstance(again.addressees, tuple)


@pytest.mark.parametrize(
    "change", [{"prefix": None}, {"unknown": 1}], ids=["missing field", "unknown field"]
)
def test_a_record_of_another_shape_is_refused(kb: KnowledgeBase, change: dict[str, object]) -> None:
    data = to_dict(next(iter(kb.frameworks.values())), json=True)
    data.update(change)
    if change.get("prefix", 0) is None:
        del data["prefix"]
    with pytest.raises(ValueError, match="not a Framework record"):
        builder(Framework)(data)
    with pytest.raises(AttributeError):
        builder(MappingSet)({**to_dict(kb.mapping_sets[0], json=True), "mappings": ["x"]})


def test_a_class_it_cannot_rebuild_faithfully_is_refused_at_once() -> None:
    @dataclasses.dataclass(frozen=True)
    class Loose:
        value: int | str

    @dataclasses.dataclass(frozen=True)
    class Listed:
        values: list[int] = dataclasses.field(default_factory=list)

    class Plain:
        value: int

    with pytest.raises(TypeError, match="one type"):
        builder(Loose)
    with pytest.raises(TypeError, match="default factories"):
        builder(Listed)
    with pytest.raises(TypeError, match="only dataclass"):
        builder(Plain)
