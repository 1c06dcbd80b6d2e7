"""Controls from records: every field checked, every citation resolved, every problem kept.

A record is one control as a mapping of the columns of :data:`CONTROL_COLUMNS` (a YAML
entry, a CSV row, a worksheet row); :func:`inventory_from_records` turns records into an
:class:`~crosswalk.model.inventory.Inventory` or raises one
:class:`~crosswalk.model.errors.InventoryError` naming each problem's file, sheet, row
and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from crosswalk.io.limits import limit
from crosswalk.io.profile import profile_from_mapping
from crosswalk.io.text import shown
from crosswalk.model.errors import CitationError, InventoryError, Problem
from crosswalk.model.inventory import (
    CONTROL_STATUSES,
    ClauseRef,
    Control,
    Inventory,
    Profile,
    UnresolvedCitation,
)
from crosswalk.model.records import Clause

__all__ = [
    "CONTROL_COLUMNS",
    "LIMITS",
    "REPORTED",
    "CitationResolver",
    "inventory_from_records",
]


CONTROL_COLUMNS = (
    "id",
    "title",
    "description",
    "owner",
    "status",
    "maturity",
    "evidence",
    "implements",
    "partially_implements",
)


LIMITS = {
    "file_bytes": limit("inventory_file_bytes"),
    "uncompressed_bytes": limit("workbook_uncompressed_bytes"),
    "rows": limit("rows"),
    "cell_chars": limit("cell_chars"),
}
"""The inventory readers' bounds, taken from the one table in :mod:`crosswalk.io.limits`."""


class _Reported:
    """The value of a cell whose problem is already recorded (a formula, an error value)."""

    def __repr__(self) -> str:
        return "REPORTED"


REPORTED: Any = _Reported()
"""Stands for a cell already reported: no further problem is raised about it."""


class CitationResolver(Protocol):
    """What reading an inventory needs of a knowledge base: turning citations into clauses.

    ``resolve`` returns the clause a citation names or raises
    :class:`~crosswalk.model.errors.CitationError` (with the closest ids).
    """

    def resolve(self, text: str) -> Clause:
        """The clause ``text`` cites."""
        ...


@dataclass(frozen=True)
class Record:
    """A raw control record with where it came from."""

    values: Mapping[str, Any]
    sheet: str | None
    row: int | None
    columns: Mapping[str, str]  # field -> column letter or name
    label: str | None = None  # e.g. "controls[3]" for YAML


def _place(record: Record, field: str | None = None) -> str:
    parts = [record.label] if record.label else []
    if record.sheet:
        parts.append(f"sheet {record.sheet!r}")
    if record.row is not None:
        parts.append(f"row {record.row}")
    if field:
        column = record.columns.get(field)
        parts.append(f"column {column}" if column and column != field else f"field {field!r}")
    return ", ".join(parts)


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value)
    return [part.strip() for part in text.replace("\n", ";").split(";") if part.strip()]


def _text(value: Any, record: Record, field: str, file: str, problems: list[Problem]) -> str | None:
    if value is None or value is REPORTED:
        return None
    if isinstance(value, dt.datetime | dt.date | dt.time | list | tuple | Mapping):
        problems.append(
            Problem(
                file,
                _place(record, field),
                "text-expected",
                f"expected text, found {shown(value)}",
            )
        )
        return None
    if isinstance(value, bool | int | float) and field in ("title", "description", "owner", "id"):
        value = str(value)
    text = str(value).strip()
    if len(text) > LIMITS["cell_chars"]:
        problems.append(
            Problem(
                file,
                _place(record, field),
                "cell-size",
                f"{len(text)} characters is over the {LIMITS['cell_chars']} limit",
            )
        )
        return None
    if text.startswith("#") and text.rstrip("!?/0").upper() in {
        "#REF",
        "#VALUE",
        "#DIV",
        "#N/A",
        "#NAME",
        "#NUM",
        "#NULL",
    }:
        problems.append(
            Problem(
                file,
                _place(record, field),
                "error-value",
                f"the cell holds a spreadsheet error value {text}",
            )
        )
        return None
    return text or None


@dataclass
class _Reading:
    """What reading the records has found so far: problems, and where each id was first seen."""

    kb: CitationResolver
    file: str
    strict: bool
    problems: list[Problem]
    seen: dict[str, str]

    def add(self, record: Record, field: str | None, rule: str, message: str) -> None:
        self.problems.append(Problem(self.file, _place(record, field), rule, message))


def inventory_from_records(
    records: Iterable[Record] | Iterable[Mapping[str, Any]],
    *,
    kb: CitationResolver,
    file: str = "<records>",
    organisation: str | None = None,
    description: str | None = None,
    profile: Profile | Mapping[str, Any] | None = None,
    problems: list[Problem] | None = None,
    strict: bool = False,
) -> Inventory:
    """Build an inventory from control records (dicts), resolving every citation.

    Each record has the keys of :data:`CONTROL_COLUMNS`; ``implements`` may also be a list
    of ``{clause, coverage}`` mappings. A citation that names no loaded framework (ISO/IEC
    27001, an internal policy) is kept as unresolved, or is a problem when ``strict``.
    Raises InventoryError listing every problem.
    """
    reading = _Reading(kb, file, strict, problems if problems is not None else [], {})
    controls: list[Control] = []
    count = 0
    for raw in records:
        count += 1
        record = raw if isinstance(raw, Record) else Record(raw, None, count, {})
        control = _control(record, count, reading)
        if control is not None:
            controls.append(control)
    if count == 0:
        reading.problems.append(Problem(file, "", "empty", "the inventory has no controls"))
    if isinstance(profile, Mapping):
        profile = profile_from_mapping(profile, file=file, problems=reading.problems)
    if reading.problems:
        raise InventoryError(
            reading.problems,
            title=f"{file}: {len(reading.problems)} problem(s) in the inventory; nothing was changed",
        )
    return Inventory(
        organisation=organisation,
        description=description,
        profile=profile,
        controls=tuple(controls),
        path=file if file != "<records>" else None,
    )


def _control(record: Record, count: int, reading: _Reading) -> Control | None:
    """One control from its record, or None when the record has a problem (recorded)."""
    raw = dict(record.values)
    reported = {name for name, value in raw.items() if value is REPORTED}
    values = {name: (None if value is REPORTED else value) for name, value in raw.items()}
    for key in sorted(set(values) - set(CONTROL_COLUMNS)):
        reading.add(
            record,
            None,
            "unknown-field",
            f"unknown field {shown(key)} (expected: {', '.join(CONTROL_COLUMNS)})",
        )
    texts = {
        name: _text(values.get(name), record, name, reading.file, reading.problems)
        for name in ("id", "title", "description", "owner", "status")
    }
    control_id, title = texts["id"], texts["title"]
    if not control_id and "id" not in reported:
        reading.add(record, "id", "required", "every control needs an id")
    elif control_id in reading.seen:
        reading.add(
            record,
            "id",
            "unique-id",
            f"control id {control_id!r} is also used at {reading.seen[control_id]}",
        )
    elif control_id:
        reading.seen[control_id] = _place(record) or f"record {count}"
    if not title and "title" not in reported:
        reading.add(record, "title", "required", "every control needs a title")
    status = (texts["status"] or "").lower().replace(" ", "_").replace("-", "_")
    if status not in CONTROL_STATUSES and "status" not in reported:
        typed = shown(values.get("status")) if values.get("status") is not None else "(empty)"
        reading.add(
            record,
            "status",
            "status",
            f"status {typed} is not one of {', '.join(CONTROL_STATUSES)}",
        )
    maturity = _maturity(values.get("maturity"), record, reading)
    refs, unresolved = _references(values, record, reading)
    if not (control_id and title and status in CONTROL_STATUSES) or reported:
        return None
    return Control(
        id=control_id,
        title=title,
        description=texts["description"],
        owner=texts["owner"],
        status=status,
        maturity=maturity,
        evidence=tuple(_split(values.get("evidence"))),
        implements=tuple(refs),
        unresolved=tuple(unresolved),
    )


def _maturity(value: Any, record: Record, reading: _Reading) -> int | None:
    if value in (None, ""):
        return None
    if not isinstance(value, bool) and isinstance(value, int | float | str):
        try:
            number = float(str(value).strip())
        except ValueError:
            number = 0.0
        if number.is_integer() and 1 <= number <= 5:
            return int(number)
    reading.add(
        record,
        "maturity",
        "maturity",
        f"maturity {shown(value)} is not a whole number from 1 to 5",
    )
    return None


def _references(
    values: Mapping[str, Any], record: Record, reading: _Reading
) -> tuple[list[ClauseRef], list[UnresolvedCitation]]:
    """The clauses a record cites, resolved; citations of frameworks not loaded kept apart."""
    refs: list[ClauseRef] = []
    unresolved: list[UnresolvedCitation] = []
    wanted: list[tuple[Any, str, str]] = [
        (item, "full", "implements") for item in as_list(values.get("implements"))
    ]
    wanted += [
        (item, "partial", "partially_implements")
        for item in as_list(values.get("partially_implements"))
    ]
    for item, default, field in wanted:
        cited, coverage = _citation(item, default, field, record, reading)
        if cited is None:
            continue
        try:
            clause = reading.kb.resolve(cited)
        except CitationError as error:
            if not error.names_framework and not reading.strict:
                unresolved.append(UnresolvedCitation(cited=cited, coverage=coverage))
                continue
            hint = f"; closest: {', '.join(error.suggestions)}" if error.suggestions else ""
            rule = "known-clause" if error.names_framework else "known-framework"
            strict = "" if error.names_framework else " (--strict: every citation must resolve)"
            reading.add(record, field, rule, f"{cited!r}: {error.reason}{hint}{strict}")
            continue
        refs.append(ClauseRef(clause=clause.id, coverage=coverage, cited=cited))
    return refs, unresolved


def _citation(
    item: Any, coverage: str, field: str, record: Record, reading: _Reading
) -> tuple[str | None, Any]:
    """The citation text and coverage of one reference, or (None, …) after a problem."""
    cited = item
    if isinstance(item, Mapping):
        cited = item.get("clause")
        coverage = str(item.get("coverage", coverage)).strip().lower()
        extra = set(item) - {"clause", "coverage"}
        if extra:
            reading.add(
                record,
                field,
                "unknown-field",
                f"unknown key(s) {sorted(map(str, extra))} in a clause reference",
            )
        if coverage not in ("full", "partial"):
            reading.add(
                record, field, "coverage", f"coverage {shown(coverage)} is not full or partial"
            )
            return None, coverage
    if cited is REPORTED:
        return None, coverage
    if not isinstance(cited, str) or not cited.strip():
        reading.add(
            record, field, "clause-ref", f"expected a clause id or citation, found {shown(cited)}"
        )
        return None, coverage
    return cited, coverage


def as_list(value: Any) -> list[Any]:
    """A cell or field as a list: a list stays, a mapping is one item, text splits on ``;``."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, Mapping):
        return [value]
    return _split(value)
