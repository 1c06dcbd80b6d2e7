"""crosswalk's own mapping file (YAML, mappings/README.md §2): write and read one set.

>>> import crosswalk, tempfile, pathlib
>>> kb = crosswalk.load()
>>> mapping_set = next(s for s in kb.mapping_sets if s.id == "iso23894-iso31000")
>>> path = write_mapping_yaml(mapping_set, pathlib.Path(tempfile.mkdtemp()) / "x.yaml")
>>> back = read_mapping_yaml(path)
>>> [m.relation for m in back.mappings] == [m.relation for m in mapping_set.mappings]
True

The writer emits the canonical layout of the bundled files: the ``mapping_set`` header,
then ``mappings`` in the set's order, each with ``subject`` (a list for a union),
``relation``, ``object``, ``strength``, ``rationale``, ``justification`` (folded when
long), then ``confidence`` and ``scope`` where set, ``source``, ``author`` and ``date``
only where they differ from the set's defaults, and the second ``review`` where there is
one. Mapping ids are not written: they derive from the set id and the pair
(:func:`crosswalk.io.mapping_sets.mapping_id`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.interop.references import reference_problems
from crosswalk.io.atomic import write_text_atomic
from crosswalk.io.canonical import canonical_of
from crosswalk.io.mapping_sets import build_mapping_sets
from crosswalk.io.yaml_text import dump_mapping_file
from crosswalk.model.errors import DataError, Problem
from crosswalk.model.records import Mapping, MappingSet, to_dict

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = ["read_mapping_yaml", "to_mapping_document", "write_mapping_yaml"]


def to_mapping_document(mapping_set: MappingSet) -> dict[str, Any]:
    """The mapping file of a set as plain data (keys in the canonical order)."""
    header = to_dict(mapping_set, exclude={"mappings", "path", "derived"}, exclude_none=True)
    header["sources"] = [to_dict(s, exclude_none=True) for s in mapping_set.sources]
    if not header["sources"]:
        del header["sources"]
    return {
        "mapping_set": header,
        "mappings": [_entry(m, mapping_set) for m in mapping_set.mappings],
    }


def _entry(mapping: Mapping, mapping_set: MappingSet) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "subject": mapping.subjects[0] if not mapping.is_union else list(mapping.subjects),
        "relation": mapping.relation,
        "object": mapping.object,
        "strength": mapping.strength,
        "rationale": mapping.rationale,
        "justification": mapping.justification,
    }
    if mapping.confidence is not None:
        entry["confidence"] = mapping.confidence
    if mapping.scope is not None:
        entry["scope"] = mapping.scope
    if mapping.source != mapping_set.source:
        entry["source"] = mapping.source
    if mapping.author != mapping_set.author:
        entry["author"] = mapping.author
    if mapping.date != mapping_set.date:
        entry["date"] = mapping.date
    if mapping.review is not None:
        entry["review"] = to_dict(mapping.review, exclude_none=True)
    return entry


def write_mapping_yaml(mapping_set: MappingSet, path: str | os.PathLike[str]) -> Path:
    """Write a mapping set as a crosswalk mapping file (atomically); returns the path."""
    head = (
        f"# {' '.join(mapping_set.title.split())}\n"
        "# Grammar: mappings/README.md §2. Relations read each clause as the set of outcomes\n"
        "# it asks for (docs/design.md, Relations).\n"
    )
    body = dump_mapping_file(to_mapping_document(mapping_set))
    # in the form `crosswalk format` keeps, so `crosswalk format --check` accepts the file
    return write_text_atomic(path, canonical_of(head + body))


def read_mapping_yaml(
    path: str | os.PathLike[str], *, kb: KnowledgeBase | None = None
) -> MappingSet:
    """Read one crosswalk mapping file; with ``kb``, check its ids and kinds too."""
    problems: list[Problem] = []
    sets = build_mapping_sets([Path(path)], problems)
    if any(p.severity == "error" for p in problems) or not sets:
        raise DataError(problems or [Problem(str(path), "", "mapping-shape", "no mapping set")])
    mapping_set = sets[0]
    if kb is not None:
        locations = [f"mappings[{m.index}]" for m in mapping_set.mappings]
        problems = reference_problems(mapping_set, locations, kb, str(path))
        if any(p.severity == "error" for p in problems):
            raise DataError(problems)
    return mapping_set
