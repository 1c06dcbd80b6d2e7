"""Records rebuilt from the cache's JSON without validation are the validated records.

:mod:`crosswalk.model.trusted` replaces a second validation of cached records; these check
that what it builds compares, hashes, dumps and reports its set fields exactly as the
record the model validates from the same JSON, for every record of the bundled data.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel, ConfigDict

from crosswalk.api import KnowledgeBase
from crosswalk.model.records import Clause, Framework, MappingSet
from crosswalk.model.trusted import builder


def _records(kb: KnowledgeBase) -> list[BaseModel]:
    return [*kb.frameworks.values(), *kb.clauses.values(), *kb.mapping_sets]


def test_every_bundled_record_comes_back_as_validation_gives_it(kb: KnowledgeBase) -> None:
    records = _records(kb)
    assert {type(r) for r in records} == {Framework, Clause, MappingSet}
    for record in records:
        dumped = record.model_dump(mode="json", exclude_defaults=True)
        validated = type(record).model_validate_json(record.model_dump_json(exclude_defaults=True))
        rebuilt = builder(type(record))(dumped)
        assert rebuilt == validated == record
        assert hash(rebuilt) == hash(validated)
        assert rebuilt.model_dump_json() == validated.model_dump_json()
        assert rebuilt.model_fields_set == validated.model_fields_set


def test_nested_values_get_their_types_back(kb: KnowledgeBase) -> None:
    mapping = next(m for s in kb.mapping_sets for m in s.mappings if m.review is not None)
    rebuilt = builder(MappingSet)(
        {
            **kb.mapping_sets[0].model_dump(mode="json"),
            "mappings": [mapping.model_dump(mode="json")],
        }
    ).mappings[0]
    assert isinstance(rebuilt.subjects, tuple) and isinstance(rebuilt.date, dt.date)
    review = rebuilt.review
    assert review is not None
    assert isinstance(review.date, dt.date)
    assert review == mapping.review
    dated = next(c for c in kb.clauses.values() if c.applies_from is not None)
    again = builder(Clause)(dated.model_dump(mode="json"))
    assert again.applies_from == dated.applies_from and isinstance(again.addressees, tuple)


@pytest.mark.parametrize(
    "change", [{"prefix": None}, {"unknown": 1}], ids=["missing field", "unknown field"]
)
def test_a_record_of_another_shape_is_refused(kb: KnowledgeBase, change: dict[str, object]) -> None:
    data = next(iter(kb.frameworks.values())).model_dump(mode="json")
    data.update(change)
    if change.get("prefix", 0) is None:
        del data["prefix"]
    with pytest.raises(ValueError, match="not a Framework record"):
        builder(Framework)(data)
    with pytest.raises(AttributeError):
        builder(MappingSet)({**kb.mapping_sets[0].model_dump(mode="json"), "mappings": ["x"]})


def test_a_model_it_cannot_rebuild_faithfully_is_refused_at_once() -> None:
    class Loose(BaseModel):
        model_config = ConfigDict(extra="forbid")
        value: int | str

    class Lax(BaseModel):
        value: int

    with pytest.raises(TypeError, match="one type"):
        builder(Loose)
    with pytest.raises(TypeError, match="forbid extra"):
        builder(Lax)
