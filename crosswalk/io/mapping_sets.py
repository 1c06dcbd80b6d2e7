"""Reading mapping files into mapping sets, and the equalities an adoption declares.

Shape and per-file rules are checked here (subjects and object of the set's frameworks,
one row per pair, known sources); references and kinds are the knowledge base's checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from crosswalk.io.catalogue import (
    display_path,
    item_lines,
    pydantic_problems,
    read_yaml,
    record_problem,
)
from crosswalk.io.grammar import (
    MappingEntry,
    MappingSetEntry,
)
from crosswalk.model.errors import Problem
from crosswalk.model.records import (
    Clause,
    Framework,
    Mapping,
    MappingSet,
    RecordError,
    Review,
    Source,
)

__all__ = [
    "adoption_mapping_sets",
    "build_mapping_sets",
    "mapping_id",
]


def mapping_id(set_id: str, subjects: Sequence[str], obj: str) -> str:
    """A stable id for a mapping, independent of its position in the file."""
    digest = hashlib.sha1(("|".join(subjects) + ">" + obj).encode()).hexdigest()[:10]
    return f"{set_id}/{digest}"


def build_mapping_sets(  # noqa: C901 - one pass that collects every problem of every row; each branch is one rule
    files: Iterable[Path], problems: list[Problem], *, documents: dict[Path, Any] | None = None
) -> list[MappingSet]:
    """Turn mapping files into mapping sets (shape and per-file rules only)."""
    documents = documents if documents is not None else {}
    sets: list[MappingSet] = []
    seen_ids: dict[str, Path] = {}
    for path in files:
        document = documents.get(path) or read_yaml(path, problems)
        if document is None:
            continue
        if not isinstance(document, dict) or "mapping_set" not in document:
            problems.append(
                Problem(str(path), "", "mapping-shape", "a mapping file starts with `mapping_set:`")
            )
            continue
        for key in sorted(set(document) - {"mapping_set", "mappings"}):
            problems.append(Problem(str(path), "", "extra_forbidden", f"unknown key {key!r}"))
        try:
            header = MappingSetEntry.model_validate(document["mapping_set"])
        except ValidationError as error:
            problems.extend(pydantic_problems(error, str(path), "mapping_set"))
            continue
        if header.id in seen_ids:
            problems.append(
                Problem(
                    str(path),
                    "mapping_set.id",
                    "unique-set",
                    f"set id {header.id!r} is also used by {seen_ids[header.id]}",
                )
            )
            continue
        seen_ids[header.id] = path
        set_sources = {s.id for s in header.sources} | {"crosswalk-curation", header.source}
        shown = display_path(path)
        raw_mappings = document.get("mappings") or []
        if not isinstance(raw_mappings, list):
            problems.append(Problem(str(path), "mappings", "mapping-shape", "must be a list"))
            raw_mappings = []
        lines: list[int] | None = None
        mappings: list[Mapping] = []
        pairs: dict[tuple[tuple[str, ...], str], int] = {}
        for index, raw in enumerate(raw_mappings):

            def where(path: Path = path, index: int = index) -> str:
                nonlocal lines
                if lines is None:
                    lines = item_lines(path, "mappings")
                line = f"line {lines[index]}, " if index < len(lines) else ""
                return f"{line}mappings[{index}]"

            try:
                entry = MappingEntry.model_validate(raw)
            except ValidationError as error:
                problems.extend(pydantic_problems(error, str(path), where()))
                continue
            subjects = (entry.subject,) if isinstance(entry.subject, str) else tuple(entry.subject)
            bad = False
            for subject in subjects:
                if subject.split(":", 1)[0] != header.subject_framework:
                    problems.append(
                        Problem(
                            str(path),
                            where(),
                            "subject-framework",
                            f"subject {subject!r} is not a {header.subject_framework} clause",
                        )
                    )
                    bad = True
            if entry.object.split(":", 1)[0] != header.object_framework:
                problems.append(
                    Problem(
                        str(path),
                        where(),
                        "object-framework",
                        f"object {entry.object!r} is not a {header.object_framework} clause",
                    )
                )
                bad = True
            if len(set(subjects)) != len(subjects):
                problems.append(
                    Problem(str(path), where(), "union-distinct", "a union lists a subject twice")
                )
                bad = True
            key = (tuple(sorted(subjects)), entry.object)
            if key in pairs:
                problems.append(
                    Problem(
                        str(path),
                        where(),
                        "one-row-per-pair",
                        f"{' ∪ '.join(subjects)} -> {entry.object} is already stated in mappings[{pairs[key]}]",
                    )
                )
                bad = True
            source = entry.source or header.source
            if source not in set_sources:
                problems.append(
                    Problem(
                        str(path),
                        where(),
                        "known-source",
                        f"source {source!r} is not in mapping_set.sources",
                    )
                )
            if entry.review and entry.review.source and entry.review.source not in set_sources:
                problems.append(
                    Problem(
                        str(path),
                        where(),
                        "known-source",
                        f"review source {entry.review.source!r} is not in mapping_set.sources",
                    )
                )
            if bad:
                continue
            pairs[key] = index
            try:
                mappings.append(
                    Mapping(
                        id=mapping_id(header.id, key[0], entry.object),
                        subjects=subjects,
                        relation=entry.relation,
                        object=entry.object,
                        strength=entry.strength,
                        rationale=entry.rationale,
                        justification=entry.justification,
                        source=source,
                        author=entry.author or header.author,
                        date=entry.date or header.date,
                        confidence=entry.confidence,
                        scope=entry.scope,
                        review=Review(**entry.review.model_dump()) if entry.review else None,
                        mapping_set=header.id,
                        path=shown,
                        index=index,
                    )
                )
            except RecordError as error:
                problems.append(record_problem(error, str(path), where()))
        data = header.model_dump(exclude={"sources"})
        sets.append(
            MappingSet(
                **data,
                sources=tuple(Source(**s.model_dump()) for s in header.sources),
                mappings=tuple(mappings),
                path=shown,
            )
        )
    return sets


def adoption_mapping_sets(
    frameworks: Iterable[Framework], clauses: Iterable[Clause]
) -> list[MappingSet]:
    """The `equal` mappings implied by adoption declarations (never hand-copied)."""
    by_framework: dict[str, list[Clause]] = {}
    for clause in clauses:
        by_framework.setdefault(clause.framework, []).append(clause)
    result = []
    for framework in frameworks:
        adoption = framework.adoption_of
        if adoption is None:
            continue
        set_id = f"{framework.prefix}-{adoption.framework}-adoption"
        source = framework.source(adoption.source)
        confidence = 1.0 if adoption.status == "confirmed" else 0.9
        mappings = tuple(
            Mapping(
                id=mapping_id(set_id, (clause.id,), f"{adoption.framework}:{clause.local}"),
                subjects=(clause.id,),
                relation="equal",
                object=f"{adoption.framework}:{clause.local}",
                strength=10,
                rationale="syntactic",
                justification=(
                    f"{framework.short_name} declares itself an adoption of "
                    f"{adoption.framework}; clause {clause.local} carries the same number "
                    f"and requirements ({adoption.status})."
                ),
                source=adoption.source,
                author="crosswalk (derived from the adoption declaration)",
                date=dt.date(2026, 11, 25),
                confidence=confidence,
                review=adoption.review,
                mapping_set=set_id,
                path=framework.path,
                index=index,
            )
            for index, clause in enumerate(by_framework.get(framework.prefix, []))
        )
        result.append(
            MappingSet(
                id=set_id,
                title=f"{framework.short_name} adopts {adoption.framework}",
                description="Generated from the adoption declaration in the catalogue.",
                subject_framework=framework.prefix,
                object_framework=adoption.framework,
                source=adoption.source,
                author="crosswalk",
                date=dt.date(2026, 11, 25),
                sources=(source,) if source else (),
                mappings=mappings,
                path=framework.path,
                derived=True,
            )
        )
    return result
