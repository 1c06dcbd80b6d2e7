"""Reading an edited crosswalk matrix back into the mapping set of its framework pair.

The workbook's layout and what reading keeps or changes are described in
:mod:`crosswalk.interop.matrix`; every invalid cell and header is reported at once.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from crosswalk.interop.matrix_layout import (
    CELL,
    CELL_GRAMMAR,
    FIRST_COLUMN,
    FIRST_ROW,
    IMPORT_AUTHOR,
    INFERRED,
    MATRIX_SHEET,
    UNION,
    pair_mappings,
    part_level,
)
from crosswalk.interop.references import reference_problems
from crosswalk.interop.vocabulary import DEFAULT_RATIONALE, DEFAULT_STRENGTH, RELATION_NAMES
from crosswalk.io.files import file_problem, zip_problem
from crosswalk.io.limits import limit
from crosswalk.io.mapping_sets import mapping_id
from crosswalk.model.errors import DataError, Problem
from crosswalk.model.records import Mapping, MappingSet, RelationName, Source, to_dict

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = ["read_crosswalk_matrix"]


def read_crosswalk_matrix(  # noqa: C901 - one pass over sheet, headers and cells collects every problem
    path: str | os.PathLike[str], *, kb: KnowledgeBase
) -> MappingSet:
    """Turn a (reviewed) crosswalk matrix into the mapping set of its framework pair.

    Raises :class:`~crosswalk.model.errors.DataError` listing every invalid header and cell
    (sheet, cell reference, rule) at once.
    """
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    file = str(path)
    found = file_problem(Path(path), limit("data_file_bytes")) or zip_problem(
        Path(path), limit("workbook_uncompressed_bytes")
    )
    if found is not None:
        raise DataError([found])
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise DataError(
            [Problem(file, "", "xlsx-readable", f"not a readable .xlsx workbook: {error}")]
        ) from error
    try:
        if MATRIX_SHEET not in workbook.sheetnames:
            raise DataError([Problem(file, "", "matrix-sheet", f"no sheet named {MATRIX_SHEET!r}")])
        grid = _grid(workbook[MATRIX_SHEET], file)
    finally:
        workbook.close()

    problems: list[Problem] = []

    def ref(row: int, column: int) -> str:
        return f"{MATRIX_SHEET}!{get_column_letter(column)}{row}"

    def value(row: int, column: int) -> Any:
        if row - 1 < len(grid) and column - 1 < len(grid[row - 1]):
            return grid[row - 1][column - 1]
        return None

    width = max((len(r) for r in grid), default=0)
    columns: dict[int, str] = {}
    for column in range(FIRST_COLUMN, width + 1):
        header = value(1, column)
        if header is None or str(header).strip() == "":
            continue
        ids = _clause_ids(str(header), kb, ref(1, column), file, problems)
        if ids is not None and len(ids) != 1:
            problems.append(
                Problem(
                    file,
                    ref(1, column),
                    "one-object",
                    "a column header names one clause, not a union",
                )
            )
        elif ids is not None:
            columns[column] = ids[0]
    rows: dict[int, tuple[str, ...]] = {}
    for row in range(FIRST_ROW, len(grid) + 1):
        header = value(row, 1)
        if header is None or str(header).strip() == "":
            continue
        ids = _clause_ids(str(header), kb, ref(row, 1), file, problems)
        if ids is not None:
            rows[row] = ids
    _axis_problems(columns, lambda c: ref(1, c), "column", file, problems)
    _axis_problems(rows, lambda r: ref(r, 1), "row", file, problems)
    subject = _prefix(c for ids in rows.values() for c in ids)
    target = _prefix(columns.values())

    cells: list[tuple[tuple[str, ...], str, RelationName, int | None, str]] = []
    for row in range(FIRST_ROW, len(grid) + 1):
        for column in range(FIRST_COLUMN, width + 1):
            raw = value(row, column)
            if raw is None or str(raw).strip() == "":
                continue
            text = str(raw).strip()
            if text.endswith(INFERRED):
                continue
            if row not in rows or column not in columns:
                if (value(row, 1) in (None, "")) or (value(1, column) in (None, "")):
                    problems.append(
                        Problem(
                            file,
                            ref(row, column),
                            "cell-outside-matrix",
                            f"{text!r} has no clause header for its row or column",
                        )
                    )
                continue
            parsed = _parse_cell(text, file, ref(row, column), problems)
            if parsed is not None:
                cells.append((rows[row], columns[column], parsed[0], parsed[1], ref(row, column)))

    if problems or subject is None or target is None:
        if subject is None or target is None:
            problems.append(
                Problem(
                    file,
                    f"{MATRIX_SHEET}!A1",
                    "matrix-headers",
                    "the matrix needs clause ids in row 1 (from C1) and column A (from A3)",
                )
            )
        raise DataError(
            problems, title=f"{file}: {len(problems)} problem(s) in the crosswalk matrix"
        )

    mapping_set = _mapping_set(kb, subject, target, cells, file)
    problems.extend(reference_problems(mapping_set, [c[4] for c in cells], kb, file))
    if any(p.severity == "error" for p in problems):
        raise DataError(
            problems, title=f"{file}: {len(problems)} problem(s) in the crosswalk matrix"
        )
    return mapping_set


def _grid(sheet: Any, file: str) -> list[list[Any]]:
    """The cells of the sheet, whatever its ``<dimension>`` claims, within the limits.

    The dimension a workbook declares is not trusted: too small, it would cut rows and
    columns off silently; too large, it would pad every row to it. It is reset, so every
    cell written is read and no more.
    """
    sheet.reset_dimensions()
    rows_limit, cells_limit = limit("rows"), limit("matrix_cells")
    grid: list[list[Any]] = []
    cells = 0
    for row in sheet.iter_rows(values_only=True):
        cells += len(row)
        if len(grid) >= rows_limit or cells > cells_limit:
            raise DataError(
                [
                    Problem(
                        file,
                        f"{MATRIX_SHEET}!row {len(grid) + 1}",
                        "matrix-size",
                        f"the sheet is larger than {rows_limit:,} rows or {cells_limit:,} cells",
                    )
                ]
            )
        grid.append(list(row))
    return grid


def _clause_ids(
    header: str, kb: KnowledgeBase, where: str, file: str, problems: list[Problem]
) -> tuple[str, ...] | None:
    ids = []
    for part in re.split(r"\s*[∪|]\s*", header.strip()):
        clause = kb.find_clause(part)
        if clause is None:
            close = kb.suggest(part)
            hint = f"; closest: {', '.join(close)}" if close else ""
            problems.append(
                Problem(file, where, "known-clause", f"unknown clause id {part!r}{hint}")
            )
            return None
        ids.append(clause.id)
    return tuple(ids)


def _axis_problems(
    axis: dict[int, Any], place: Any, name: str, file: str, problems: list[Problem]
) -> None:
    seen: dict[Any, int] = {}
    for position, ids in axis.items():
        key = ids if isinstance(ids, tuple) else (ids,)
        if key in seen:
            problems.append(
                Problem(
                    file,
                    place(position),
                    "unique-header",
                    f"{UNION.join(key)} already heads {name} {place(seen[key])}",
                )
            )
        seen.setdefault(key, position)
    prefixes = sorted(
        {
            c.split(":", 1)[0]
            for ids in axis.values()
            for c in (ids if isinstance(ids, tuple) else (ids,))
        }
    )
    if len(prefixes) > 1:
        problems.append(
            Problem(
                file,
                f"{MATRIX_SHEET}!{name}s",
                "one-framework-per-axis",
                f"the {name} headers mix frameworks: {', '.join(prefixes)}",
            )
        )


def _prefix(ids: Iterable[str]) -> str | None:
    prefixes = {c.split(":", 1)[0] for c in ids}
    return prefixes.pop() if len(prefixes) == 1 else None


def _parse_cell(
    text: str, file: str, where: str, problems: list[Problem]
) -> tuple[RelationName, int | None] | None:
    match = CELL.match(text)
    if match is None or match["relation"] not in RELATION_NAMES:
        problems.append(
            Problem(file, where, "relation-name", f"{text!r} is not a relation; {CELL_GRAMMAR}")
        )
        return None
    relation = cast("RelationName", match["relation"])  # one of RELATION_NAMES
    if match["strength"] is None:
        return relation, None
    if not match["strength"].isdigit() or not 1 <= int(match["strength"]) <= 10:
        problems.append(
            Problem(
                file,
                where,
                "strength",
                f"strength {match['strength']!r} in {text!r} must be a whole number from 1 to 10",
            )
        )
        return None
    return relation, int(match["strength"])


def _mapping_set(
    kb: KnowledgeBase,
    subject: str,
    target: str,
    cells: Sequence[tuple[tuple[str, ...], str, RelationName, int | None, str]],
    file: str,
) -> MappingSet:
    curated = [
        s
        for s in kb.mapping_sets
        if s.subject_framework == subject
        and s.object_framework == target
        and not s.derived
        and not part_level(s.id)
    ]
    today = dt.date.today()
    sources: list[Source] = []
    if curated:
        header = to_dict(curated[0], exclude={"mappings", "path", "derived", "sources"})
        sources = list(curated[0].sources)
    else:
        header = {
            "id": f"{subject}-{target}",
            "title": f"{kb.framework(subject).short_name} to {kb.framework(target).short_name}",
            "description": f"Imported from the crosswalk matrix {Path(file).name}.",
            "subject_framework": subject,
            "object_framework": target,
            "source": "crosswalk-curation",
            "author": IMPORT_AUTHOR,
            "date": today,
        }
    set_id = header["id"]
    existing = {
        (tuple(sorted(m.subjects)), m.object): m for m in pair_mappings(kb, subject, target)
    }
    mappings = []
    for index, (subjects, clause_id, relation, strength, _) in enumerate(cells):
        key = (tuple(sorted(subjects)), clause_id)
        before = existing.get(key)
        common = {
            "id": mapping_id(set_id, key[0], clause_id),
            "mapping_set": set_id,
            "path": None,
            "index": index,
        }
        if before is not None and before.relation == relation:
            kept = {**common, "subjects": before.subjects}
            if strength not in (None, before.strength):  # re-weighed: the argument still holds
                kept |= {"strength": strength, "author": IMPORT_AUTHOR, "date": today}
            mappings.append(replace(before, **kept))
            continue
        mappings.append(
            Mapping(
                **common,
                subjects=tuple(subjects),
                relation=relation,  # checked against RELATION_NAMES
                object=clause_id,
                strength=strength or DEFAULT_STRENGTH,
                rationale=DEFAULT_RATIONALE,
                justification=f"Stated in the crosswalk matrix {Path(file).name}; "
                "justification to be written.",
                source="crosswalk-curation",
                author=IMPORT_AUTHOR,
                date=today,
            )
        )
    cited = {source.id: source for s in kb.mapping_sets for source in s.sources}
    for mapping in mappings:
        known = {s.id for s in sources}
        if (
            mapping.source not in known | {"crosswalk-curation", header["source"]}
            and mapping.source in cited
        ):
            sources.append(cited[mapping.source])
    return MappingSet(**header, sources=tuple(sources), mappings=tuple(mappings), derived=False)
