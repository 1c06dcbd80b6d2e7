"""The crosswalk matrix: an Excel workbook a reviewer edits, and reading the edits back.

>>> import crosswalk, tempfile, pathlib
>>> kb = crosswalk.load()
>>> path = pathlib.Path(tempfile.mkdtemp()) / "matrix.xlsx"
>>> _ = write_crosswalk_matrix(kb, "iso23894", "iso31000", path)
>>> edited = read_crosswalk_matrix(path, kb=kb)
>>> original = next(s for s in kb.mapping_sets if s.id == edited.id)
>>> edited.id, len(edited.mappings) == len(original.mappings)
('iso23894-iso31000', True)

Layout of the sheet ``Matrix``: row 1 holds the object framework's clause ids (from
column C), row 2 their headings; column A holds the subject framework's clause ids (from
row 3; a union subject is written ``a ∪ b``), column B their headings. Panes are frozen
at C3. Each cell holds the relation asserted from its row's clause to its column's clause;
an empty cell asserts nothing. Inferred relations (optional) are grey italics ending in
``(inferred)`` and are ignored when the workbook is read back. A hidden sheet
``Relations`` lists the relation names, offered as a drop-down on every matrix cell. The
sheet ``Legend`` states the cell grammar (:data:`CELL_GRAMMAR`). Text is never written as
a formula: a value starting with ``= + - @`` is stored as text.

Reading back (:func:`read_crosswalk_matrix`) gives the mapping set of the framework pair:
an unchanged cell keeps its mapping, provenance and second review; a cell whose relation is new or
changed becomes a mapping by ``matrix import`` (rationale ``semantic``, strength 5 unless
the cell says ``relation:strength``, and a placeholder justification to be written); a
cell that only changes the strength keeps its justification, with author ``matrix
import``. Every invalid cell and header is reported at once, with sheet,
cell reference and rule, in one :class:`~crosswalk.model.errors.DataError`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.interop.references import reference_problems
from crosswalk.interop.vocabulary import RELATION_NAMES
from crosswalk.io.atomic import atomic_path
from crosswalk.io.files import file_problem, zip_problem
from crosswalk.io.limits import limit
from crosswalk.io.mapping_sets import mapping_id
from crosswalk.model.errors import DataError, Problem
from crosswalk.model.records import Mapping, MappingSet
from crosswalk.reasoning.relations import ALL, EMPTY, RelationSet

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "CELL_GRAMMAR",
    "IMPORT_AUTHOR",
    "LEGEND_SHEET",
    "MATRIX_SHEET",
    "RELATIONS_SHEET",
    "read_crosswalk_matrix",
    "write_crosswalk_matrix",
]

MATRIX_SHEET = "Matrix"
LEGEND_SHEET = "Legend"
RELATIONS_SHEET = "Relations"
IMPORT_AUTHOR = "matrix import"
_FIRST_ROW = 3
_FIRST_COLUMN = 3
_UNION = " ∪ "
_INFERRED = "(inferred)"
_DEFAULT_STRENGTH = 5
_DEFAULT_RATIONALE = "semantic"
_PART_SET_SUFFIX = ".parts"  # mappings/README.md, "Requirement parts"
_CELL = re.compile(r"^(?P<relation>[a-z_]+)\s*(?::\s*(?P<strength>\S+))?$")

CELL_GRAMMAR = (
    "A cell holds one relation name, optionally followed by a colon and a strength "
    "from 1 to 10: `subset_of` or `subset_of:7`. Valid names: "
    + ", ".join(RELATION_NAMES)
    + ". An empty cell asserts nothing (clearing a cell removes its mapping). Grey "
    "cells ending in `(inferred)` are what crosswalk derives from other mappings; they "
    "are ignored on import unless you overwrite them with a relation name."
)

_MEANINGS = {
    "equal": "A = B: both ask for the same outcomes",
    "subset_of": "A ⊂ B: B asks for more than A",
    "superset_of": "A ⊃ B: A asks for more than B",
    "intersects_with": "they overlap; neither contains the other",
    "no_relationship": "disjoint: no shared outcome (an explicit negative)",
    "addresses": "A (a requirement or measure) mitigates the risk source B",
}


def _text(cell: Any, value: Any) -> None:
    """Put a value in a cell; text that Excel would take as a formula stays text."""
    cell.value = value
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"
        cell.quotePrefix = True


def _pair_mappings(kb: KnowledgeBase, subject: str, target: str) -> list[Mapping]:
    """The asserted mappings from one framework to another, in set order.

    Part-level sets (``<subject>-<object>.parts``) are left out: they are edited in their
    own files, and the matrix shows what they prove as inferred cells.
    """
    return [
        m
        for m in kb.mappings
        if m.object.split(":", 1)[0] == target
        and all(s.split(":", 1)[0] == subject for s in m.subjects)
        and not _part_level(m.mapping_set)
    ]


def _part_level(set_id: str) -> bool:
    return set_id.endswith(_PART_SET_SUFFIX)


def write_crosswalk_matrix(
    kb: KnowledgeBase,
    subject_prefix: str,
    object_prefix: str,
    path: str | os.PathLike[str],
    *,
    inferred: bool = True,
) -> Path:
    """Write the crosswalk matrix of two frameworks (rows: subject; columns: object).

    With ``inferred``, empty cells show what inference proves about the pair, in grey
    italics. The file is written atomically. Returns the path.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    rows: list[tuple[str, ...]] = [(c.id,) for c in kb.clauses_of(subject_prefix)]
    columns = [c.id for c in kb.clauses_of(object_prefix)]
    asserted = _pair_mappings(kb, subject_prefix, object_prefix)
    rows += sorted({m.subjects for m in asserted if m.is_union})
    row_of = {subjects: _FIRST_ROW + i for i, subjects in enumerate(rows)}
    column_of = {clause_id: _FIRST_COLUMN + j for j, clause_id in enumerate(columns)}

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = MATRIX_SHEET
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    _text(sheet.cell(1, 1), f"{subject_prefix} \\ {object_prefix}")
    sheet.cell(1, 1).font = bold
    _text(sheet.cell(1, 2), "heading")
    for clause_id, column in column_of.items():
        _text(sheet.cell(1, column), clause_id)
        _text(sheet.cell(2, column), kb.clauses[clause_id].title)
        sheet.cell(1, column).font = bold
        sheet.cell(1, column).fill = header_fill
        sheet.cell(2, column).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = 16
    for subjects, row in row_of.items():
        _text(sheet.cell(row, 1), _UNION.join(subjects))
        _text(sheet.cell(row, 2), _UNION.join(kb.clauses[s].title for s in subjects))
        sheet.cell(row, 1).font = bold
        sheet.cell(row, 1).fill = header_fill
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 40
    sheet.row_dimensions[2].height = 60
    sheet.freeze_panes = sheet.cell(_FIRST_ROW, _FIRST_COLUMN)

    for mapping in asserted:
        cell = sheet.cell(row_of[mapping.subjects], column_of[mapping.object])
        _text(cell, mapping.relation)
        review = mapping.review
        reviewed = f"\nreviewed by {review.by}, {review.date.isoformat()}" if review else ""
        cell.comment = Comment(
            f"strength {mapping.strength}, {mapping.rationale}; {mapping.source}, "
            f"{mapping.author}, {mapping.date.isoformat()}{reviewed}\n{mapping.justification}",
            "crosswalk",
        )
    if inferred:
        grey = Font(italic=True, color="808080")
        for row, column, text in _inferred_cells(kb, rows, columns, row_of, column_of, asserted):
            cell = sheet.cell(row, column)
            _text(cell, text)
            cell.font = grey

    lists = workbook.create_sheet(RELATIONS_SHEET)
    for index, name in enumerate(RELATION_NAMES, start=1):
        _text(lists.cell(index, 1), name)
    lists.sheet_state = "hidden"
    validation = DataValidation(
        type="list",
        formula1=f"={RELATIONS_SHEET}!$A$1:$A${len(RELATION_NAMES)}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Not a relation name",
        error="Use a relation name, optionally with a strength: subset_of or subset_of:7.",
        promptTitle="Relation",
        prompt="Pick a relation (strength: type e.g. subset_of:7).",
    )
    if rows and columns:
        last = f"{get_column_letter(_FIRST_COLUMN + len(columns) - 1)}{_FIRST_ROW + len(rows) - 1}"
        validation.add(f"{get_column_letter(_FIRST_COLUMN)}{_FIRST_ROW}:{last}")
        sheet.add_data_validation(validation)

    _legend(workbook.create_sheet(LEGEND_SHEET, 1), kb, subject_prefix, object_prefix, bold)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return Path(path)


def _inferred_cells(
    kb: KnowledgeBase,
    rows: Sequence[tuple[str, ...]],
    columns: Sequence[str],
    row_of: dict[tuple[str, ...], int],
    column_of: dict[str, int],
    asserted: Iterable[Mapping],
) -> Iterable[tuple[int, int, str]]:
    taken = {(row_of[m.subjects], column_of[m.object]) for m in asserted}
    closure = kb.unchecked_closure  # a contradiction elsewhere must not block the matrix
    index = kb.network.index
    for subjects in rows:
        if len(subjects) != 1 or subjects[0] not in index:
            continue
        left = index[subjects[0]]
        for clause_id in columns:
            place = (row_of[subjects], column_of[clause_id])
            if place in taken:
                continue
            mask = closure.mask(left, index[clause_id])
            if mask == ALL:
                continue
            text = "contradiction" if mask == EMPTY else str(RelationSet(mask))
            yield (*place, f"{text} {_INFERRED}")


def _legend(sheet: Any, kb: KnowledgeBase, subject: str, target: str, bold: Any) -> None:
    from openpyxl.styles import Alignment

    lines: list[tuple[str, str]] = [
        (
            "Crosswalk matrix",
            (
                f"{kb.framework(subject).short_name} (rows) to "
                f"{kb.framework(target).short_name} (columns)"
            ),
        ),
        ("", ""),
        (
            "How to read a cell",
            (
                "The cell says how the row's clause relates to the column's clause, each read as "
                "the set of outcomes it asks for (NIST IR 8477 set-theory relations)."
            ),
        ),
        ("Cell grammar", CELL_GRAMMAR),
        (
            "Strength",
            "1–10: how strong the overlap is. New cells get 5 unless written relation:strength.",
        ),
        (
            "Comments",
            (
                "A cell's comment shows the strength, rationale, source, author, date, second "
                "review and justification of the mapping."
            ),
        ),
        (
            "Import",
            (
                "`crosswalk import this.xlsx -o mapping.yaml` turns the edited matrix into a "
                "mapping file; every invalid cell is reported with its reference."
            ),
        ),
        ("", ""),
        ("relation", "meaning"),
    ]
    lines += [(name, _MEANINGS[name]) for name in RELATION_NAMES]
    for row, (term, text) in enumerate(lines, start=1):
        _text(sheet.cell(row, 1), term)
        _text(sheet.cell(row, 2), text)
        sheet.cell(row, 1).font = bold
        sheet.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100


# -- reading -------------------------------------------------------------------------


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
    for column in range(_FIRST_COLUMN, width + 1):
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
    for row in range(_FIRST_ROW, len(grid) + 1):
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

    cells: list[tuple[tuple[str, ...], str, str, int | None, str]] = []
    for row in range(_FIRST_ROW, len(grid) + 1):
        for column in range(_FIRST_COLUMN, width + 1):
            raw = value(row, column)
            if raw is None or str(raw).strip() == "":
                continue
            text = str(raw).strip()
            if text.endswith(_INFERRED):
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
                    f"{_UNION.join(key)} already heads {name} {place(seen[key])}",
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
) -> tuple[str, int | None] | None:
    match = _CELL.match(text)
    if match is None or match["relation"] not in RELATION_NAMES:
        problems.append(
            Problem(file, where, "relation-name", f"{text!r} is not a relation; {CELL_GRAMMAR}")
        )
        return None
    if match["strength"] is None:
        return match["relation"], None
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
    return match["relation"], int(match["strength"])


def _mapping_set(
    kb: KnowledgeBase,
    subject: str,
    target: str,
    cells: Sequence[tuple[tuple[str, ...], str, str, int | None, str]],
    file: str,
) -> MappingSet:
    curated = [
        s
        for s in kb.mapping_sets
        if s.subject_framework == subject
        and s.object_framework == target
        and not s.derived
        and not _part_level(s.id)
    ]
    today = dt.date.today()
    if curated:
        header = curated[0].model_dump(exclude={"mappings", "path", "derived"})
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
        (tuple(sorted(m.subjects)), m.object): m for m in _pair_mappings(kb, subject, target)
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
            mappings.append(before.model_copy(update=kept))
            continue
        mappings.append(
            Mapping(
                **common,
                subjects=subjects,
                relation=relation,  # checked against RELATION_NAMES
                object=clause_id,
                strength=strength or _DEFAULT_STRENGTH,
                rationale=_DEFAULT_RATIONALE,
                justification=f"Stated in the crosswalk matrix {Path(file).name}; "
                "justification to be written.",
                source="crosswalk-curation",
                author=IMPORT_AUTHOR,
                date=today,
            )
        )
    cited = {source.id: source for s in kb.mapping_sets for source in s.sources}
    sources = list(header.pop("sources", ()))
    for mapping in mappings:
        known = {s["id"] if isinstance(s, dict) else s.id for s in sources}
        if (
            mapping.source not in known | {"crosswalk-curation", header["source"]}
            and mapping.source in cited
        ):
            sources.append(cited[mapping.source])
    return MappingSet(**header, sources=tuple(sources), mappings=tuple(mappings), derived=False)
