"""Gap analysis end to end.

The CLI on the examples, the workbook an auditor opens, soundness against random set models,
monotonicity, and broken inventories.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import shutil
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswalk.api import KnowledgeBase
from crosswalk.cli import main
from crosswalk.gap.analysis import gap_analysis
from crosswalk.gap.report import STATUSES
from crosswalk.io.inventory import read_inventory
from crosswalk.model.errors import InventoryError
from crosswalk.model.inventory import ClauseRef, Control, Inventory, Profile

from .conftest import EXAMPLES, synthetic_kb
from .test_inference import set_models
from .test_relations import true_relation

SHEETS = [
    "Summary",
    "Gaps",
    "Plan",
    "Capability",
    "Matrix",
    "Risks",
    "Evidence",
    "Controls",
    "About",
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("example", ["eu-provider.yaml", "cn-enterprise.yaml"])
def test_cli_gap_writes_an_auditors_workbook(tmp_path: Path, example: str, capsys) -> None:
    source = EXAMPLES / example
    before = digest(source)
    output = tmp_path / "gap.xlsx"
    assert main(["-q", "gap", str(source), "--target", "gbt46347", "-o", str(output)]) == 0
    assert digest(source) == before, "the input file must never be modified"
    printed = capsys.readouterr().out
    assert "capability estimate (provisional model)" in printed
    workbook = openpyxl.load_workbook(output)
    assert workbook.sheetnames == SHEETS
    gaps = workbook["Gaps"]
    headers = [c.value for c in gaps[1]]
    assert headers[:6] == ["Clause", "Title", "Title (zh)", "Status", "Priority (0–100)", "Why"]
    statuses = {row[3].value for row in gaps.iter_rows(min_row=2)}
    priorities = [row[4].value for row in gaps.iter_rows(min_row=2)]
    assert priorities == sorted(priorities, reverse=True), "the most urgent finding comes first"
    assert statuses <= set(STATUSES) and statuses
    assert gaps.freeze_panes == "B2" and gaps.auto_filter.ref
    assert workbook["Summary"]._charts, "the summary sheet has a native chart"
    # no formula anywhere, and hostile text from the inventory stays text
    hostile = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    hostile.append(cell.value)
    assert hostile, "the example's '=…' description must appear, as text"


def test_eu_provider_against_the_ai_act_on_the_omnibus_date(kb: KnowledgeBase) -> None:
    report = kb.gap(EXAMPLES / "eu-provider.yaml", target="euaiact")
    assert report.status("euaiact:art26.1") == "not_applicable"  # deployer duty
    assert "deployer" in report.finding("euaiact:art26.1").reason
    assert report.status("euaiact:art47.1") != "covered"  # declaration of conformity only planned
    assert report.status("euaiact:art73.1") in ("partial", "undetermined", "gap")
    assert report.status("euaiact:art9.2.a") in ("covered", "partial")
    early = kb.gap(
        EXAMPLES / "eu-provider.yaml",
        target="euaiact",
        profile=Profile(
            roles=("provider",), categories=("high_risk_annex3",), as_of=dt.date(2027, 6, 1)
        ),
    )
    finding = early.finding("euaiact:art9.1")
    assert finding.status == "not_applicable" and "2027-12-02" in finding.reason
    original = kb.gap(
        EXAMPLES / "eu-provider.yaml",
        target="euaiact",
        profile=Profile(
            roles=("provider",),
            categories=("high_risk_annex3",),
            as_of=dt.date(2027, 6, 1),
            regime="original",
        ),
    )
    assert original.finding("euaiact:art9.1").status != "not_applicable"


def test_report_frame_and_partition(kb: KnowledgeBase) -> None:
    report = kb.gap(EXAMPLES / "cn-enterprise.yaml", target="gbt46347")
    frame = report.to_frame()
    assert len(frame) == len(report.findings)
    assert set(frame["status"]) <= set(STATUSES)
    assert sum(report.counts.values()) + report.rollups == len(report.findings)
    targets = [
        c.id
        for c in kb.clauses_of("gbt46347")
        if c.kind in ("capability_domain", "capability_item")
    ]
    assert set(targets) <= set(frame["clause"])
    assert report.capability is not None and 0 <= report.capability.overall <= 100
    assert {r.status for r in report.risks} <= {"addressed", "partly_addressed", "not_addressed"}


def test_every_status_is_explained(kb: KnowledgeBase) -> None:
    report = kb.gap(EXAMPLES / "eu-provider.yaml", target="iso23894")
    for finding in report.findings:
        assert finding.reason
        if finding.status in ("covered", "partial", "undetermined"):
            assert finding.evidence and finding.evidence[0].path_text()


# -- soundness of gap statuses against random set models ----------------------------------


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(set_models(), st.data())
def test_gap_statuses_are_true_in_random_set_models(model, data) -> None:
    sets, parents, pairs, unions = model
    count = len(sets)
    clauses = [(f"c{i}", f"c{p}" if p is not None else None) for i, p in enumerate(parents)]
    mappings: list[tuple[str | tuple[str, str], str, str]] = [
        (f"c{i}", true_relation(sets[i], sets[j]).value, f"c{j}") for i, j in pairs
    ]
    for a, b, target in unions:
        mappings.append(
            ((f"c{a}", f"c{b}"), true_relation(sets[a] | sets[b], sets[target]).value, f"c{target}")
        )
    kb = synthetic_kb(clauses, mappings)
    implemented: set[int] = set()
    controls = []
    for i in data.draw(st.lists(st.integers(0, count - 1), unique=True, max_size=4)):
        partly = data.draw(st.booleans())
        if partly:  # the organisation implements some non-empty part of the clause
            part = data.draw(st.sets(st.sampled_from(sorted(sets[i])), min_size=1))
            implemented |= part
        else:
            implemented |= sets[i]
        controls.append(
            Control(
                id=f"K{i}",
                title="k",
                status="partially_implemented" if partly else "implemented",
                implements=(ClauseRef(clause=f"t:c{i}"),),
            )
        )
    report = gap_analysis(kb, Inventory(controls=tuple(controls)), target="t")
    for finding in report.findings:
        truth = sets[int(finding.clause.local[1:])]
        if finding.status == "covered":
            assert truth <= implemented, finding.reason
        if finding.status == "partial":
            assert truth & implemented, finding.reason


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_adding_a_control_never_worsens_a_status(kb: KnowledgeBase, data) -> None:
    inventory = read_inventory(EXAMPLES / "eu-provider.yaml", kb=kb)
    keep = data.draw(
        st.lists(st.sampled_from(inventory.controls), unique_by=lambda c: c.id, max_size=12)
    )
    smaller = inventory.model_copy(update={"controls": tuple(keep)})
    extra = data.draw(st.sampled_from(inventory.controls))
    larger = smaller.with_control(extra) if extra not in keep else smaller
    rank = {"not_applicable": -1, "gap": 0, "undetermined": 1, "partial": 2, "covered": 3}
    before = gap_analysis(kb, smaller, target="gbt46347")
    after = gap_analysis(kb, larger, target="gbt46347")
    for old, new in zip(before.findings, after.findings, strict=True):
        assert rank[new.status] >= rank[old.status], (old.clause.id, old.status, new.status)


# -- broken inventories ---------------------------------------------------------------------

BROKEN = {
    "empty.yaml": ("", "empty"),
    "no-controls.yaml": ("inventory:\n  organisation: X\ncontrols: []\n", "empty"),
    "bad-status.yaml": ("controls:\n  - {id: A, title: a, status: done}\n", "status"),
    "duplicate.yaml": (
        "controls:\n  - {id: A, title: a, status: planned}\n  - {id: A, title: b, status: planned}\n",
        "unique-id",
    ),
    "unknown-clause.yaml": (
        "controls:\n  - {id: A, title: a, status: implemented, implements: ['ISO 31000 6.4.9']}\n",
        "known-clause",
    ),
    "bad-maturity.yaml": (
        "controls:\n  - {id: A, title: a, status: implemented, maturity: 9}\n",
        "maturity",
    ),
    "unknown-key.yaml": (
        "controls:\n  - {id: A, title: a, status: implemented, colour: red}\n",
        "unknown-field",
    ),
    "bad-profile.yaml": (
        "inventory:\n  profile: {roles: [king]}\ncontrols:\n  - {id: A, title: a, status: planned}\n",
        "profile",
    ),
    "not-yaml.yaml": ("controls: [unclosed\n", "yaml-syntax"),
    "header-only.csv": ("id,title,status\n", "empty"),
    "missing-column.csv": ("id,name\nA,b\n", "header"),
    "fake.xlsx": ("id,title,status\nA,a,implemented\n", "format"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_inventories_are_reported_with_the_rule(
    kb: KnowledgeBase, tmp_path: Path, name: str
) -> None:
    text, rule = BROKEN[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InventoryError) as raised:
        read_inventory(path, kb=kb)
    rules = [p.rule for p in raised.value.problems]
    assert rule in rules, raised.value
    assert all(p.file == str(path) for p in raised.value.problems)


def test_every_problem_is_reported_at_once(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(
        "id,title,status,implements\nA,a,done,ISO 31000 6.4.9\nA,,implemented,\n", encoding="utf-8"
    )
    with pytest.raises(InventoryError) as raised:
        read_inventory(path, kb=kb)
    rules = sorted(p.rule for p in raised.value.problems)
    assert rules == ["known-clause", "required", "status", "unique-id"]
    assert any("row 2" in p.location and "column C" in p.location for p in raised.value.problems)


def test_cli_reports_bad_input_and_keeps_existing_output(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("controls:\n  - {id: A, title: a, status: done}\n", encoding="utf-8")
    output = tmp_path / "gap.xlsx"
    output.write_bytes(b"previous report")
    assert main(["-q", "gap", str(bad), "--target", "gbt46347", "-o", str(output)]) == 2
    assert "status 'done'" in capsys.readouterr().err
    assert output.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "gap.xlsx"]


def test_template_round_trips_through_the_reader(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "inventory.xlsx"
    assert main(["-q", "template", str(path)]) == 0
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Instructions", "Organisation", "Controls", "Implements"]
    validations = [dv.formula1 for dv in workbook["Controls"].data_validations.dataValidation]
    assert any("partially_implemented" in (f or "") for f in validations)
    assert workbook["Implements"].data_validations.dataValidation[0].formula1 == '"full,partial"'
    inventory = read_inventory(path, kb=kb)
    assert [c.id for c in inventory.controls] == ["RM-01", "DG-01"]
    refs = {c.id: [(r.clause, r.coverage) for r in c.implements] for c in inventory.controls}
    assert refs["RM-01"] == [("iso23894:6.4.2", "full"), ("euaiact:art9.2.a", "full")]
    assert refs["DG-01"] == [("euaiact:art10.2.f", "partial")]
    assert main(["-q", "template", str(path)]) == 2  # never overwritten without --force


def test_xlsx_inventory_gives_the_same_report_as_yaml(kb: KnowledgeBase, tmp_path: Path) -> None:
    import yaml

    document = yaml.safe_load((EXAMPLES / "cn-enterprise.yaml").read_text(encoding="utf-8"))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Controls"
    sheet.append(["id", "title", "description", "owner", "status", "maturity", "evidence"])
    refs = workbook.create_sheet("Implements")
    refs.append(["control_id", "clause", "coverage"])
    for control in document["controls"]:
        sheet.append(
            [
                control["id"],
                control["title"],
                None,
                control.get("owner"),
                control["status"],
                control.get("maturity"),
                "; ".join(control.get("evidence", [])),
            ]
        )
        for ref in control.get("implements", []):
            clause, coverage = (
                (ref, "full")
                if isinstance(ref, str)
                else (ref["clause"], ref.get("coverage", "full"))
            )
            refs.append([control["id"], clause, coverage])
    path = tmp_path / "cn.xlsx"
    workbook.save(path)
    from_yaml = read_inventory(EXAMPLES / "cn-enterprise.yaml", kb=kb)
    from_xlsx = read_inventory(path, kb=kb, profile=from_yaml.profile)
    a = gap_analysis(kb, from_yaml, target="gbt46347")
    b = gap_analysis(kb, from_xlsx, target="gbt46347")
    assert [(f.clause.id, f.status) for f in a.findings] == [
        (f.clause.id, f.status) for f in b.findings
    ]


@pytest.mark.usefixtures("failing_save")
def test_atomic_write_leaves_previous_file_on_failure(tmp_path: Path, kb: KnowledgeBase) -> None:
    report = kb.gap(EXAMPLES / "eu-provider.yaml", target="gbt46347")
    output = tmp_path / "gap.xlsx"
    output.write_bytes(b"old")
    with pytest.raises(OSError):
        report.to_excel(output)
    assert output.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["gap.xlsx"]


_ = (itertools, shutil)


def test_annex_i_products_get_their_own_dates(kb: KnowledgeBase) -> None:
    """A profile with Annex I and Annex III systems counts Art 9's earlier date.

    Art 9 applies to Annex III systems from 2 Dec 2027 (Omnibus) but to Annex I
    products only from 2 Aug 2028.
    """
    from crosswalk.gap.applicability import applicability

    art9 = kb.clause("euaiact:art9.1")
    on = dt.date(2028, 1, 15)
    annex1 = Profile(roles=("provider",), categories=("high_risk_annex1",), as_of=on)
    annex3 = Profile(roles=("provider",), categories=("high_risk_annex3",), as_of=on)
    both = Profile(
        roles=("provider",), categories=("high_risk_annex1", "high_risk_annex3"), as_of=on
    )
    assert not applicability(art9, annex1) and "2028-08-02" in applicability(art9, annex1).reason
    assert applicability(art9, annex3)
    assert applicability(art9, both)
    original = Profile(
        roles=("provider",),
        categories=("high_risk_annex1",),
        as_of=dt.date(2027, 9, 1),
        regime="original",
    )
    assert applicability(art9, original)
