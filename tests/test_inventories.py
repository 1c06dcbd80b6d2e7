"""Inventories as people keep them (issue 18 §5).

Organisation and profile in every format, citations of frameworks that are not loaded,
every problem of a workbook at once, and ``crosswalk check``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from crosswalk.api import KnowledgeBase
from crosswalk.cli import main
from crosswalk.io.inventory import read_inventory, read_profile
from crosswalk.model.errors import InventoryError


def _template(tmp_path: Path) -> Path:
    path = tmp_path / "inventory.xlsx"
    assert main(["-q", "template", str(path)]) == 0
    return path


def _answer(path: Path, answers: dict[str, object]) -> None:
    """Fill the template's Organisation sheet as a user would (Value column)."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Organisation"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in answers:
            row[1].value = answers[row[0].value]
    workbook.save(path)


def test_template_organisation_sheet_carries_the_profile(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = _template(tmp_path)
    sheet = openpyxl.load_workbook(path)["Organisation"]
    fields = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert fields[:5] == ["organisation", "description", "as_of", "regime", "placed_on_market"]
    assert "role: deployer" in fields and "category: interacts_with_persons" in fields
    assert "category: transparency" not in fields, "the coarse category is accepted, not offered"
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    lists = [dv.formula1 for dv in rules.values() if dv.type == "list"]
    assert '"omnibus,original"' in lists and '"yes,no"' in lists
    assert any(dv.type == "date" for dv in rules.values()), "as_of has a date drop-down"
    # untouched, the template has no profile: every clause counts
    assert read_inventory(path, kb=kb).profile is None
    _answer(
        path,
        {
            "organisation": "Example Retail Ltd",
            "as_of": dt.datetime(2027, 12, 2),
            "regime": "original",
            "role: deployer": "yes",
            "role: provider": "no",
            "category: interacts_with_persons": "yes",
        },
    )
    inventory = read_inventory(path, kb=kb)
    assert inventory.organisation == "Example Retail Ltd"
    assert inventory.profile is not None
    assert inventory.profile.roles == ("deployer",)
    assert inventory.profile.categories == ("interacts_with_persons",)
    assert inventory.profile.as_of == dt.date(2027, 12, 2)
    assert inventory.profile.regime == "original"


def test_organisation_sheet_problems_say_what_is_allowed(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = _template(tmp_path)
    _answer(path, {"role: deployer": "maybe", "as_of": "next year", "regime": "eventually"})
    with pytest.raises(InventoryError) as raised:
        read_inventory(path, kb=kb)
    text = str(raised.value)
    assert "'maybe': answer yes or no" in text
    assert "as_of must be a date written YYYY-MM-DD" in text
    assert "regime must be one of: omnibus, original" in text


def test_csv_template_round_trips_with_its_profile_lines(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    assert main(["-q", "template", str(path)]) == 0
    assert not path.read_bytes().startswith(b"PK"), "a .csv name gets CSV, not a workbook"
    inventory = read_inventory(path, kb=kb)
    assert [c.id for c in inventory.controls] == ["RM-01", "DG-01"]
    assert inventory.profile is None
    text = path.read_text(encoding="utf-8")
    text = text.replace("# organisation: ", "# organisation: Beispiel GmbH")
    text = text.replace("# roles: ", "# roles: provider; deployer")
    text = text.replace("# categories: ", "# categories: high_risk_annex3")
    text = text.replace("# as_of: ", "# as_of: 2027-12-02")
    path.write_text(text, encoding="utf-8")
    inventory = read_inventory(path, kb=kb)
    assert inventory.organisation == "Beispiel GmbH"
    assert inventory.profile is not None
    assert inventory.profile.roles == ("provider", "deployer")
    assert inventory.profile.as_of == dt.date(2027, 12, 2)
    refs = {c.id: [(r.clause, r.coverage) for r in c.implements] for c in inventory.controls}
    assert refs["DG-01"] == [("euaiact:art10.2.f", "partial")]


def test_template_refuses_names_it_cannot_write(tmp_path: Path, capsys) -> None:
    assert main(["-q", "template", str(tmp_path / "inventory.ods")]) == 2
    assert "must end in .xlsx" in capsys.readouterr().err
    assert main(["-q", "template", "--with-clauses", str(tmp_path / "inventory.csv")]) == 2
    assert list(tmp_path.iterdir()) == []


def test_profile_errors_say_what_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text("roles: [king]\ncategories: chatbot\nas_of: soon\n", encoding="utf-8")
    with pytest.raises(InventoryError) as raised:
        read_profile(path)
    text = str(raised.value)
    assert "roles must be a list of: provider, deployer, importer" in text
    assert "categories must be a list of: any, prohibited_practice" in text
    assert "'soon' is not a date" in text


UNBUNDLED = """\
inventory:
  organisation: Example
controls:
  - id: ISMS-1
    title: Information security management system
    status: implemented
    implements: ["ISO/IEC 27001 A.5.1", "iso23894:6.4.2"]
"""


def test_citations_of_frameworks_not_loaded_are_reported_not_fatal(
    kb: KnowledgeBase, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(UNBUNDLED, encoding="utf-8")
    inventory = read_inventory(path, kb=kb)
    control = inventory.control("ISMS-1")
    assert [r.clause for r in control.implements] == ["iso23894:6.4.2"]
    assert [u.cited for u in control.unresolved] == ["ISO/IEC 27001 A.5.1"]
    output = tmp_path / "gap.xlsx"
    assert main(["-q", "gap", str(path), "--target", "iso23894", "-o", str(output)]) == 0
    err = capsys.readouterr().err
    assert "'ISO/IEC 27001 A.5.1'" in err and "--data" in err
    workbook = openpyxl.load_workbook(output)
    about = {row[0].value: row[1].value for row in workbook["About"].iter_rows(min_row=2)}
    assert "ISMS-1: ISO/IEC 27001 A.5.1" in about["Not counted"]
    assert "--data" in about["Not counted"]
    # --strict makes it an error, and writes nothing
    strict = tmp_path / "strict.xlsx"
    assert (
        main(["-q", "gap", str(path), "--target", "iso23894", "--strict", "-o", str(strict)]) == 2
    )
    assert "--strict" in capsys.readouterr().err and not strict.exists()
    # a citation of a loaded framework's missing clause is still an error
    path.write_text(UNBUNDLED.replace("iso23894:6.4.2", "ISO 31000 9.9.9"), encoding="utf-8")
    with pytest.raises(InventoryError, match="known-clause"):
        read_inventory(path, kb=kb)


def test_every_problem_of_a_workbook_at_once_shown_as_typed(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    path = _template(tmp_path)
    workbook = openpyxl.load_workbook(path)
    controls = workbook["Controls"]
    controls["B2"] = "=UPPER(A2)"  # a formula
    controls["F3"] = dt.datetime(2026, 1, 1)  # a date in the maturity column
    workbook["Implements"].append(["XX-99", "iso23894:6.4.2", "full"])  # an unknown control
    workbook.save(path)
    with pytest.raises(InventoryError) as raised:
        read_inventory(path, kb=kb)
    rules = sorted(p.rule for p in raised.value.problems)
    assert rules == ["formula", "known-control", "maturity"]
    text = str(raised.value)
    assert "maturity 2026-01-01 (a date) is not a whole number from 1 to 5" in text
    assert "datetime" not in text


def test_check_command_checks_an_inventory_alone(tmp_path: Path, capsys) -> None:
    good = tmp_path / "inventory.yaml"
    good.write_text(UNBUNDLED, encoding="utf-8")
    assert main(["-q", "check", str(good)]) == 0
    captured = capsys.readouterr()
    assert "1 control(s)" in captured.out and "ISO/IEC 27001 A.5.1" in captured.err
    assert main(["-q", "check", "--strict", str(good)]) == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "controls:\n  - {id: A, title: a, status: done, maturity: 9}\n", encoding="utf-8"
    )
    assert main(["-q", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "status 'done'" in err and "maturity 9" in err
    # validate takes an inventory too, and checks it the same way
    assert main(["-q", "validate", str(bad)]) == 1
    assert main(["-q", "validate", str(good)]) == 0
