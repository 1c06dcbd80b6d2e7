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

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.interop.matrix_layout import (
    CELL_GRAMMAR,
    FIRST_COLUMN,
    FIRST_ROW,
    IMPORT_AUTHOR,
    INFERRED,
    LEGEND_SHEET,
    MATRIX_SHEET,
    MEANINGS,
    RELATIONS_SHEET,
    UNION,
    pair_mappings,
)
from crosswalk.interop.matrix_read import read_crosswalk_matrix
from crosswalk.interop.vocabulary import RELATION_NAMES
from crosswalk.io.atomic import atomic_path
from crosswalk.model.records import Mapping
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


def _text(cell: Any, value: Any) -> None:
    """Put a value in a cell; text that Excel would take as a formula stays text."""
    cell.value = value
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_crosswalk_matrix(
    kb: KnowledgeBase,
    subject_prefix: str,
    object_prefix: str,
    path: str | os.PathLike[str],
    *,
    inferred: bool = False,
) -> Path:
    """Write the crosswalk matrix of two frameworks (rows: subject; columns: object).

    By default only asserted relations are written; with ``inferred``, empty cells also show
    what inference proves about the pair, in grey italics. The file is written atomically. Returns the path.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    rows: list[tuple[str, ...]] = [(c.id,) for c in kb.clauses_of(subject_prefix)]
    columns = [c.id for c in kb.clauses_of(object_prefix)]
    asserted = pair_mappings(kb, subject_prefix, object_prefix)
    rows += sorted({m.subjects for m in asserted if m.is_union})
    row_of = {subjects: FIRST_ROW + i for i, subjects in enumerate(rows)}
    column_of = {clause_id: FIRST_COLUMN + j for j, clause_id in enumerate(columns)}

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = MATRIX_SHEET
    bold = Font(name="Calibri", bold=True)  # unnamed, LibreOffice prints it in a serif face
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    _text(sheet.cell(1, 1), f"{subject_prefix} \\ {object_prefix}")
    sheet.cell(1, 1).font = bold
    _text(sheet.cell(1, 2), "heading")
    for clause_id, column in column_of.items():
        _text(sheet.cell(1, column), clause_id)
        _text(sheet.cell(2, column), kb.clauses[clause_id].title)
        sheet.cell(1, column).font = bold
        sheet.cell(1, column).fill = header_fill
        sheet.cell(1, column).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(2, column).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = 16
    for subjects, row in row_of.items():
        _text(sheet.cell(row, 1), UNION.join(subjects))
        _text(sheet.cell(row, 2), UNION.join(kb.clauses[s].title for s in subjects))
        sheet.cell(row, 1).font = bold
        sheet.cell(row, 1).fill = header_fill
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 40
    sheet.row_dimensions[1].height = 30  # a long id wraps, in print too
    sheet.row_dimensions[2].height = 60
    sheet.freeze_panes = sheet.cell(FIRST_ROW, FIRST_COLUMN)

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
        last = f"{get_column_letter(FIRST_COLUMN + len(columns) - 1)}{FIRST_ROW + len(rows) - 1}"
        validation.add(f"{get_column_letter(FIRST_COLUMN)}{FIRST_ROW}:{last}")
        sheet.add_data_validation(validation)

    legend = workbook.create_sheet(LEGEND_SHEET, 1)
    _legend(legend, kb, subject_prefix, object_prefix, bold)
    label = f"crosswalk matrix: {subject_prefix} (rows) to {object_prefix} (columns)"
    _print_setup(sheet, label)
    sheet.print_title_rows = "1:2"  # every page shows the column clauses and their headings
    sheet.print_title_cols = "A:A"  # … and the row clauses
    _print_setup(legend, label)
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
            yield (*place, f"{text} {INFERRED}")


def _print_setup(sheet: Any, label: str) -> None:
    """Landscape A4, narrow margins, full size; every page names the pair and is numbered."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    margins = sheet.page_margins
    margins.left = margins.right = 0.4
    margins.top = margins.bottom = 0.6
    margins.header = margins.footer = 0.25
    sheet.oddHeader.right.text = label
    sheet.oddHeader.right.size = 8
    sheet.oddFooter.left.text = "&A"
    sheet.oddFooter.left.size = 8
    sheet.oddFooter.right.text = "Page &P of &N"
    sheet.oddFooter.right.size = 8


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
    lines += [(name, MEANINGS[name]) for name in RELATION_NAMES]
    for row, (term, text) in enumerate(lines, start=1):
        _text(sheet.cell(row, 1), term)
        _text(sheet.cell(row, 2), text)
        sheet.cell(row, 1).font = bold
        sheet.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100


# -- reading -------------------------------------------------------------------------
