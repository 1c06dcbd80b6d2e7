"""Referential checks of imported mappings against a knowledge base.

Every reader of :mod:`crosswalk.interop` knows where each mapping came from (a TSV row,
a JSON path, a worksheet cell); this module runs the knowledge base's own reference
rules (known clause ids, `addresses` targets a risk, like with like) over the imported
mappings and reports each problem at that place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from collections.abc import Mapping as MappingABC
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from crosswalk.model.errors import Problem
from crosswalk.model.records import Mapping, MappingSet
from crosswalk.model.validation import failures, validated

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = ["canonical_ids", "reference_problems", "validated_mapping"]


def validated_mapping(
    values: MappingABC[str, Any],
    problem: Callable[[str, str], None],
    column_of: MappingABC[str, str] | None = None,
) -> Mapping | None:
    """The mapping ``values`` describe, or None after reporting each invalid field.

    Each is reported through ``problem(rule, message)``, named as the imported format
    names it (via ``column_of``).
    """
    try:
        return validated(Mapping, values)
    except ValidationError as error:
        for field, _, message in failures(error):
            problem(f"valid-{field}", f"{(column_of or {}).get(field, field)}: {message}")
        return None


def canonical_ids(mappings: Sequence[Mapping], kb: KnowledgeBase) -> list[Mapping]:
    """The mappings with every clause alias replaced by its canonical id."""
    result = []
    for mapping in mappings:
        subjects = tuple(_canonical(s, kb) for s in mapping.subjects)
        target = _canonical(mapping.object, kb)
        if subjects != mapping.subjects or target != mapping.object:
            mapping = replace(mapping, subjects=subjects, object=target)
        result.append(mapping)
    return result


def _canonical(clause_id: str, kb: KnowledgeBase) -> str:
    found = kb.find_clause(clause_id)
    return found.id if found is not None else clause_id


def reference_problems(
    mapping_set: MappingSet, locations: Sequence[str], kb: KnowledgeBase, file: str
) -> list[Problem]:
    """Problems of ``mapping_set``'s mappings against ``kb``, each at its location.

    ``locations[i]`` says where mapping ``i`` was read (e.g. ``"row 7"``, ``"Matrix!D9"``).
    """
    from crosswalk.knowledge.base import KnowledgeBase

    indexed = tuple(replace(m, index=i) for i, m in enumerate(mapping_set.mappings))
    probe = KnowledgeBase(
        kb.frameworks.values(),
        kb.clauses.values(),
        [replace(mapping_set, mappings=indexed)],
    )
    where = {f"mappings[{i}]": place for i, place in enumerate(locations)}
    return [
        Problem(file, where.get(p.location, p.location), p.rule, p.message, p.severity)
        for p in probe.reference_problems()
    ]
