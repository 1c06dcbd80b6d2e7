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
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from crosswalk.io.files import read_bytes
from crosswalk.io.limits import limit
from crosswalk.model.errors import CitationError, DataError, InventoryError, Problem
from crosswalk.model.inventory import CONTROL_STATUSES, ClauseRef, Control, Inventory, Profile
from crosswalk.model.records import Clause

__all__ = [
    "CONTROL_COLUMNS",
    "LIMITS",
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
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        problems.append(
            Problem(
                file,
                _place(record, field),
                "text-expected",
                f"expected text, found a date ({value})",
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


def inventory_from_records(  # noqa: C901 - one pass that collects every problem of every record; each branch is one rule
    records: Iterable[Record] | Iterable[Mapping[str, Any]],
    *,
    kb: CitationResolver,
    file: str = "<records>",
    organisation: str | None = None,
    description: str | None = None,
    profile: Profile | Mapping[str, Any] | None = None,
    problems: list[Problem] | None = None,
) -> Inventory:
    """Build an inventory from control records (dicts), resolving every citation.

    Each record has the keys of :data:`CONTROL_COLUMNS`; ``implements`` may also be a list
    of ``{clause, coverage}`` mappings. Raises InventoryError listing every problem.
    """
    problems = problems if problems is not None else []
    controls: list[Control] = []
    seen: dict[str, str] = {}
    count = 0
    for raw in records:
        count += 1
        record = raw if isinstance(raw, Record) else Record(raw, None, count, {})
        values = dict(record.values)
        unknown = set(values) - set(CONTROL_COLUMNS)
        for key in sorted(unknown):
            problems.append(
                Problem(
                    file,
                    _place(record),
                    "unknown-field",
                    f"unknown field {key!r} (expected: {', '.join(CONTROL_COLUMNS)})",
                )
            )
        texts = {
            f: _text(values.get(f), record, f, file, problems)
            for f in ("id", "title", "description", "owner")
        }
        control_id, title = texts["id"], texts["title"]
        if not control_id:
            problems.append(
                Problem(file, _place(record, "id"), "required", "every control needs an id")
            )
        elif control_id in seen:
            problems.append(
                Problem(
                    file,
                    _place(record, "id"),
                    "unique-id",
                    f"control id {control_id!r} is also used at {seen[control_id]}",
                )
            )
        else:
            seen[control_id] = _place(record) or f"record {count}"
        if not title:
            problems.append(
                Problem(file, _place(record, "title"), "required", "every control needs a title")
            )
        status_raw = _text(values.get("status"), record, "status", file, problems)
        status = (status_raw or "").lower().replace(" ", "_").replace("-", "_")
        if status not in CONTROL_STATUSES:
            problems.append(
                Problem(
                    file,
                    _place(record, "status"),
                    "status",
                    f"status {status_raw!r} is not one of {', '.join(CONTROL_STATUSES)}",
                )
            )
        maturity_raw = values.get("maturity")
        maturity: int | None = None
        if maturity_raw not in (None, ""):
            try:
                maturity = int(str(maturity_raw).strip())
                if not 1 <= maturity <= 5:
                    raise ValueError
                if isinstance(maturity_raw, float) and not maturity_raw.is_integer():
                    raise ValueError
            except (ValueError, TypeError):
                problems.append(
                    Problem(
                        file,
                        _place(record, "maturity"),
                        "maturity",
                        f"maturity {maturity_raw!r} is not a whole number from 1 to 5",
                    )
                )
                maturity = None
        evidence = tuple(_split(values.get("evidence")))
        refs: list[ClauseRef] = []
        wanted: list[tuple[Any, str]] = [
            (item, "full") for item in as_list(values.get("implements"))
        ]
        wanted += [(item, "partial") for item in as_list(values.get("partially_implements"))]
        for item, coverage in wanted:
            field = "implements" if coverage == "full" else "partially_implements"
            if isinstance(item, Mapping):
                cited = item.get("clause")
                coverage = str(item.get("coverage", coverage)).strip().lower()
                extra = set(item) - {"clause", "coverage"}
                if extra:
                    problems.append(
                        Problem(
                            file,
                            _place(record, field),
                            "unknown-field",
                            f"unknown key(s) {sorted(extra)} in a clause reference",
                        )
                    )
                if coverage not in ("full", "partial"):
                    problems.append(
                        Problem(
                            file,
                            _place(record, field),
                            "coverage",
                            f"coverage {coverage!r} is not full or partial",
                        )
                    )
                    continue
            else:
                cited = item
            if not isinstance(cited, str) or not cited.strip():
                problems.append(
                    Problem(
                        file,
                        _place(record, field),
                        "clause-ref",
                        f"expected a clause id or citation, found {cited!r}",
                    )
                )
                continue
            try:
                clause = kb.resolve(cited)
            except CitationError as error:
                hint = f"; closest: {', '.join(error.suggestions)}" if error.suggestions else ""
                problems.append(
                    Problem(
                        file,
                        _place(record, field),
                        "known-clause",
                        f"{cited!r}: {error.reason}{hint}",
                    )
                )
                continue
            refs.append(ClauseRef(clause=clause.id, coverage=coverage, cited=cited))
        if control_id and title and status in CONTROL_STATUSES:
            controls.append(
                Control(
                    id=control_id,
                    title=title,
                    description=texts["description"],
                    owner=texts["owner"],
                    status=status,
                    maturity=maturity,
                    evidence=evidence,
                    implements=tuple(refs),
                )
            )
    if count == 0:
        problems.append(Problem(file, "", "empty", "the inventory has no controls"))
    if isinstance(profile, Mapping):
        try:
            profile = Profile.model_validate(profile)
        except ValidationError as error:
            for detail in error.errors():
                where = "profile." + ".".join(str(p) for p in detail["loc"])
                problems.append(Problem(file, where, detail["type"], detail["msg"]))
            profile = None
    if problems:
        raise InventoryError(
            problems,
            title=f"{file}: {len(problems)} problem(s) in the inventory; nothing was changed",
        )
    return Inventory(
        organisation=organisation,
        description=description,
        profile=profile,
        controls=tuple(controls),
        path=file if file != "<records>" else None,
    )


def as_list(value: Any) -> list[Any]:
    """A cell or field as a list: a list stays, a mapping is one item, text splits on ``;``."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, Mapping):
        return [value]
    return _split(value)


def decode_text(path: Path) -> str:
    """The file's text (UTF-8, or UTF-16 with a byte-order mark); InventoryError otherwise.

    Read with a bound: a regular file of at most the inventory size limit.
    """
    try:
        data = read_bytes(path, limit=LIMITS["file_bytes"])
    except DataError as error:
        raise InventoryError(error.problems) from None
    for encoding in (
        ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",)
    ):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InventoryError(
            [
                Problem(
                    str(path),
                    f"byte {error.start}",
                    "encoding",
                    "the file is not UTF-8 text (save it as UTF-8)",
                )
            ]
        ) from None
