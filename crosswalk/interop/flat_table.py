"""Mappings as one flat CSV table (every field of every mapping): write and read.

One row per mapping, columns :data:`COLUMNS`; a union subject is written ``a ∪ b``
(``a | b`` is accepted too). The file is RFC 4180 CSV (CRLF line ends), UTF-8 with a
byte-order mark so that Excel shows non-Latin text correctly. Set headers (title,
licence, cited sources) are not in the table: reading takes them from the knowledge
base when it holds a set of that id, and otherwise builds a minimal header (id as
title, the most common source, author and date as defaults).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from crosswalk.interop.references import canonical_ids, reference_problems
from crosswalk.interop.vocabulary import RELATION_NAMES
from crosswalk.io.atomic import write_text_atomic
from crosswalk.io.csv_cells import neutralise_cell, restore_cell
from crosswalk.io.files import read_text
from crosswalk.io.limits import limit
from crosswalk.io.mapping_sets import mapping_id
from crosswalk.model.errors import DataError, Problem
from crosswalk.model.records import Mapping, MappingSet, to_dict
from crosswalk.model.validation import failures, validated

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = ["COLUMNS", "read_mapping_csv", "read_mapping_csv_sets", "write_mapping_csv"]

COLUMNS = (
    "mapping_set",
    "id",
    "subject",
    "relation",
    "object",
    "strength",
    "rationale",
    "justification",
    "confidence",
    "scope",
    "source",
    "author",
    "date",
    "review_by",
    "review_date",
    "review_evidence",
    "review_source",
)
_REQUIRED = (
    "mapping_set",
    "subject",
    "relation",
    "object",
    "strength",
    "rationale",
    "justification",
)
_UNION = " ∪ "


def write_mapping_csv(
    mapping_sets: MappingSet | Sequence[MappingSet],
    path: str | os.PathLike[str],
    *,
    raw: bool = False,
) -> Path:
    """Write every mapping of one or several sets as one CSV table; returns the path.

    Text cells that a spreadsheet would run as formulas are neutralised
    (:mod:`crosswalk.io.csv_cells`; :func:`read_mapping_csv` restores them) unless ``raw``.
    """
    sets = [mapping_sets] if isinstance(mapping_sets, MappingSet) else list(mapping_sets)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180; fields with \r get quoted
    writer.writerow(COLUMNS)
    cell: Callable[[Any], Any] = (lambda value: value) if raw else neutralise_cell
    for mapping_set in sets:
        for m in mapping_set.mappings:
            row = (
                m.mapping_set,
                m.id,
                _UNION.join(m.subjects),
                m.relation,
                m.object,
                m.strength,
                m.rationale,
                m.justification,
                "" if m.confidence is None else repr(m.confidence),
                m.scope or "",
                m.source,
                m.author,
                m.date.isoformat(),
                *_review_cells(m),
            )
            writer.writerow([cell(value) for value in row])
    return write_text_atomic(path, "\ufeff" + buffer.getvalue())


def _review_cells(mapping: Mapping) -> list[str]:
    review = mapping.review
    if review is None:
        return ["", "", "", ""]
    return [review.by, review.date.isoformat(), review.evidence, review.source or ""]


def read_mapping_csv(
    path: str | os.PathLike[str], *, kb: KnowledgeBase | None = None
) -> MappingSet:
    """Read a CSV table of one mapping set (see :func:`read_mapping_csv_sets` for several)."""
    sets = read_mapping_csv_sets(path, kb=kb)
    if len(sets) != 1:
        names = ", ".join(s.id for s in sets) or "none"
        raise DataError(
            [
                Problem(
                    str(path),
                    "",
                    "one-mapping-set",
                    f"expected the mappings of one set, found {len(sets)} ({names})",
                )
            ]
        )
    return sets[0]


def read_mapping_csv_sets(
    path: str | os.PathLike[str], *, kb: KnowledgeBase | None = None
) -> list[MappingSet]:
    """Read a CSV table into mapping sets, one per value of ``mapping_set``.

    Every problem (file, row, column, rule) is collected and raised once as a
    :class:`~crosswalk.model.errors.DataError`.
    """
    file = str(path)
    text = read_text(path, limit=limit("data_file_bytes"))  # \r in fields kept; bounded
    reader = csv.DictReader(io.StringIO(text))
    try:
        records = [(record, reader.line_num) for record in reader]
    except csv.Error as error:  # a field over csv.field_size_limit(), a NUL byte, ...
        raise DataError(
            [Problem(file, f"row {reader.line_num}", "csv-syntax", f"unreadable row: {error}")]
        ) from None
    missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(
            [
                Problem(
                    file,
                    "row 1 (header)",
                    "csv-columns",
                    f"missing column(s) {', '.join(missing)}; columns are {', '.join(COLUMNS)}",
                )
            ]
        )
    problems: list[Problem] = []
    rows: dict[str, list[tuple[dict[str, str], str]]] = {}
    for record, number in records:
        row = {k: restore_cell((v or "").strip()) for k, v in record.items() if k is not None}
        rows.setdefault(row["mapping_set"], []).append((row, f"row {number}"))
    sets = []
    for set_id, entries in rows.items():
        header = _header(set_id, [r for r, _ in entries], kb)
        mappings: list[Mapping] = []
        locations: list[str] = []
        for row, where in entries:
            mapping = _mapping(row, header, len(mappings), file, where, problems)
            if mapping is not None:
                mappings.append(mapping)
                locations.append(where)
        if kb is not None:
            mappings = canonical_ids(mappings, kb)
        mapping_set = validated(MappingSet, {**header, "mappings": tuple(mappings), "path": file})
        if kb is not None:
            problems.extend(reference_problems(mapping_set, locations, kb, file))
        sets.append(mapping_set)
    if any(p.severity == "error" for p in problems):
        raise DataError(problems, title=f"{file}: {len(problems)} problem(s) in the CSV table")
    return sets


def _header(
    set_id: str, rows: Sequence[dict[str, str]], kb: KnowledgeBase | None
) -> dict[str, Any]:
    known = next((s for s in kb.mapping_sets if s.id == set_id), None) if kb is not None else None
    if known is not None:
        return to_dict(known, exclude={"mappings", "path"})

    def common(column: str, default: str) -> str:
        values = Counter(r.get(column, "") for r in rows if r.get(column))
        return values.most_common(1)[0][0] if values else default

    subject = common("subject", "unknown:x").split(":", 1)[0]
    dates = [r["date"] for r in rows if re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.get("date", ""))]
    return {
        "id": set_id or "imported",
        "title": set_id or "imported mappings",
        "subject_framework": subject,
        "object_framework": common("object", "unknown:x").split(":", 1)[0],
        "source": common("source", "crosswalk-curation"),
        "author": common("author", "csv import"),
        "date": Counter(dates).most_common(1)[0][0] if dates else dt.date.today(),
    }


def _review(row: dict[str, str]) -> dict[str, str | None] | None:
    """The second review the review_* columns name, if any (validated with the mapping)."""
    if not any(row.get(f"review_{f}") for f in ("by", "date", "evidence", "source")):
        return None
    return {
        "by": row.get("review_by", ""),
        "date": row.get("review_date", ""),
        "evidence": row.get("review_evidence", ""),
        "source": row.get("review_source") or None,
    }


def _mapping(
    row: dict[str, str],
    header: dict[str, Any],
    index: int,
    file: str,
    where: str,
    problems: list[Problem],
) -> Mapping | None:
    if row["relation"] not in RELATION_NAMES:
        problems.append(
            Problem(
                file,
                f"{where}, column relation",
                "relation-name",
                f"{row['relation']!r} is not a relation; valid: {', '.join(RELATION_NAMES)}",
            )
        )
        return None
    subjects = tuple(s for s in re.split(r"\s*[∪|]\s*", row["subject"]) if s)
    try:
        return validated(
            Mapping,
            {
                "id": row.get("id") or mapping_id(header["id"], sorted(subjects), row["object"]),
                "subjects": subjects,
                "relation": row["relation"],
                "object": row["object"],
                "strength": row["strength"],
                "rationale": row["rationale"],
                "justification": row["justification"],
                "confidence": row.get("confidence") or None,
                "scope": row.get("scope") or None,
                "source": row.get("source") or header["source"],
                "author": row.get("author") or header["author"],
                "date": row.get("date") or header["date"],
                "review": _review(row),
                "mapping_set": header["id"],
                "path": file,
                "index": index,
            },
        )
    except ValidationError as error:
        for field_path, _, message in failures(error):
            loc = field_path.split(".")
            field = "_".join(loc[:2]) if loc[:1] == ["review"] else loc[0]
            column = {"subjects": "subject"}.get(field, field)
            problems.append(Problem(file, f"{where}, column {column}", f"valid-{column}", message))
        return None
