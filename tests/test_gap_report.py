"""What a gap report tells a compliance officer (issue 18 §1-§3, issue 15's provision counting).

Not-an-obligation rows are kept apart, requirement parts are counted, every finding short
of covered says why and what would close it (never the target itself), scope conditions
are stated, and the plan lists real, applicable obligations by owner and date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from crosswalk.api import KnowledgeBase
from crosswalk.cli import main
from crosswalk.gap.applicability import applicability
from crosswalk.model.inventory import ClauseRef, Control, Exclusion, Inventory, Profile
from crosswalk.model.records import (
    ApplicationDates,
    Clause,
    EndDates,
    Framework,
    GraceDates,
    Mapping,
    MappingSet,
    Source,
)
from crosswalk.model.validation import validated

from .conftest import EXAMPLES

CASES = [
    ("eu-provider.yaml", "gbt46347"),
    ("eu-provider.yaml", "euaiact"),
    ("deployer-chatbot.yaml", "euaiact"),
    ("iso42001-certified.yaml", "gbt46347"),
]


def _framework(prefix: str) -> Framework:
    return Framework(
        prefix=prefix,
        title=f"Framework {prefix}",
        short_name=prefix.upper(),
        kind="standard",
        iri_base=f"https://example.org/{prefix}/",
        sources=(Source(id="S", title="test"),),
    )


def _clause(prefix: str, local: str, parent: str | None = None, **fields: object) -> Clause:
    values: dict[str, object] = {
        "id": f"{prefix}:{local}",
        "framework": prefix,
        "local": local,
        "parent": f"{prefix}:{parent}" if parent else None,
        "kind": "requirement",
        "title": f"Clause {local}",
        "status": "confirmed",
        "source": "S",
        "depth": 0 if parent is None else 1,
    }
    values.update(fields)
    return validated(Clause, values)


def _kb(
    target: Sequence[Clause],
    source: Sequence[str],
    rows: Sequence[tuple[str, str, str, int, str | None]],
) -> KnowledgeBase:
    """Target framework ``t`` and source framework ``s`` with the mappings ``rows``.

    Each row: subject local id in ``s``, relation, object local id in ``t``, strength, scope.
    """
    clauses = [*target, *(_clause("s", local) for local in source)]
    mappings = tuple(
        Mapping(
            id=f"m/{index}",
            subjects=(f"s:{subject}",),
            relation=relation,  # type: ignore[arg-type]
            object=f"t:{obj}",
            strength=strength,
            rationale="semantic",
            justification="test",
            source="test",
            author="test",
            date=dt.date(2026, 1, 1),
            confidence=0.8,
            scope=scope,  # type: ignore[arg-type]
            mapping_set="m",
            index=index,
        )
        for index, (subject, relation, obj, strength, scope) in enumerate(rows)
    )
    mapping_set = MappingSet(
        id="m",
        title="m",
        subject_framework="s",
        object_framework="t",
        source="test",
        author="test",
        date=dt.date(2026, 1, 1),
        mappings=mappings,
    )
    return KnowledgeBase([_framework("t"), _framework("s")], clauses, [mapping_set])


def _control(ident: str, *clauses: str, status: str = "implemented", **fields: object) -> Control:
    refs = tuple(
        ClauseRef(clause=c.removesuffix("~"), coverage="partial" if c.endswith("~") else "full")
        for c in clauses
    )
    return Control.model_validate(
        {"id": ident, "title": f"control {ident}", "status": status, "implements": refs, **fields}
    )


# -- provision types ------------------------------------------------------------------


@pytest.mark.parametrize(("example", "target"), CASES)
def test_only_counted_provisions_are_gaps_and_plan_items(
    kb: KnowledgeBase, example: str, target: str
) -> None:
    report = kb.gap(EXAMPLES / example, target=target)
    for finding in report.findings:
        if not finding.clause.is_counted:
            assert finding.status == "not_an_obligation", finding.clause.id
            assert finding.clause.provision in finding.reason
    plan = report.plan()
    for item in plan.items:
        assert item.finding.clause.is_counted and item.finding.is_open
    assert plan.not_an_obligation == report.counts["not_an_obligation"]
    assert plan.not_applicable == report.counts["not_applicable"]


def test_a_section_where_nothing_applies_shows_na_not_zero(kb: KnowledgeBase) -> None:
    report = kb.gap(EXAMPLES / "deployer-chatbot.yaml", target="euaiact")
    empty = [s for s in report.sections if not s.applicable]
    assert empty
    assert all(s.coverage is None and s.coverage_text() == "n/a" for s in empty)
    assert "n/a" in report.summary_text()


# -- causes and remedies ----------------------------------------------------------------


def test_every_open_finding_says_why_and_what_would_close_it(kb: KnowledgeBase) -> None:
    for example, target in CASES:
        report = kb.gap(EXAMPLES / example, target=target)
        for finding in report.findings:
            if finding.is_open:  # a roll-up is closed through its sub-clauses
                assert finding.causes, (example, finding.clause.id)
                assert finding.actions, (example, finding.clause.id)
                assert finding.missing, (example, finding.clause.id)


@pytest.mark.parametrize(("example", "target"), CASES)
def test_would_close_it_never_names_the_target_or_its_family(
    kb: KnowledgeBase, example: str, target: str
) -> None:
    report = kb.gap(EXAMPLES / example, target=target)
    for finding in report.findings:
        family = {
            finding.clause.id,
            *kb.ancestors(finding.clause.id),
            *kb.descendants(finding.clause.id),
        }
        for piece in finding.missing:
            assert not family & set(piece.closers), (finding.clause.id, piece.closers)
        assert not family & set(finding.next_steps), (finding.clause.id, finding.next_steps)


def test_causes_name_the_control_and_the_remedy() -> None:
    kb = _kb(
        [_clause("t", "a"), _clause("t", "b"), _clause("t", "c"), _clause("t", "d")],
        ["x"],
        [("x", "intersects_with", "c", 6, None)],
    )
    inventory = Inventory(
        controls=(
            _control("K1", "t:a", status="partially_implemented", owner="Ops"),
            _control("K2", "t:b~"),
            _control("K3", "s:x"),
            _control("K4", "t:d", status="planned"),
        )
    )
    report = kb.gap(inventory, target="t")
    a, b, c, d = (report.finding(f"t:{x}") for x in "abcd")
    assert a.status == "partial" and [x.kind for x in a.causes] == ["control_partly_implemented"]
    assert "implement K1 fully" in a.actions
    assert b.status == "partial" and b.causes[0].kind == "cited_partly"
    assert "extend K2 to all of t:b" in b.actions
    assert c.status == "partial" and c.causes[0].kind == "overlap_only"
    assert c.evidence[0].strength == 6 and c.evidence[0].confidence == pytest.approx(0.8)
    assert d.status == "gap" and d.causes[0].kind == "planned_only"
    assert d.actions[0] == "put K4 into effect"
    plan = report.plan()
    assert [i.finding.clause.id for i in plan.owners["Ops"]] == ["t:a"]
    assert "t:d" in [i.finding.clause.id for i in plan.owners["unassigned"]]


def test_a_chain_without_overlap_takes_strength_and_confidence_from_its_mappings() -> None:
    kb = _kb(
        [_clause("t", "a"), _clause("t", "m")],
        ["x"],
        [("x", "intersects_with", "m", 4, None)],
    )
    # t:m ∩ t:a asserted inside t: a second hop, composed to "anything"
    extra = Mapping(
        id="n/0",
        subjects=("t:m",),
        relation="intersects_with",
        object="t:a",
        strength=3,
        rationale="semantic",
        justification="test",
        source="test",
        author="test",
        date=dt.date(2026, 1, 1),
        confidence=0.5,
        mapping_set="n",
    )
    kb = KnowledgeBase(
        list(kb.frameworks.values()),
        list(kb.clauses.values()),
        [
            *kb.mapping_sets,
            MappingSet(
                id="n",
                title="n",
                subject_framework="t",
                object_framework="t",
                source="test",
                author="test",
                date=dt.date(2026, 1, 1),
                mappings=(extra,),
            ),
        ],
    )
    report = kb.gap(Inventory(controls=(_control("K", "s:x"),)), target="t")
    finding = report.finding("t:a")
    assert finding.status == "undetermined"
    evidence = finding.evidence[0]
    assert evidence.strength == 3  # the weakest link, never a default of 10
    assert evidence.confidence == pytest.approx(0.8 * 0.5)
    assert finding.causes[0].kind == "chain_only"


# -- requirement parts ------------------------------------------------------------------


def test_parts_are_counted_and_the_missing_ones_named_with_what_would_close_them() -> None:
    target = [
        _clause("t", "1", exhaustive=True),
        *(_clause("t", f"1-p{n}", "1", kind="part") for n in (1, 2, 3)),
    ]
    kb = _kb(
        target,
        ["x", "y", "z"],
        [
            ("x", "superset_of", "1-p1", 8, None),
            ("y", "superset_of", "1-p2", 8, None),
            ("z", "superset_of", "1-p3", 8, None),
        ],
    )
    inventory = Inventory(
        controls=(_control("K1", "s:x"), _control("K2", "s:y"), _control("K3", "s:z~"))
    )
    report = kb.gap(inventory, target="t")
    assert [f.clause.id for f in report.findings] == ["t:1"]  # parts are no rows
    finding = report.finding("t:1")
    assert finding.status == "partial"
    assert finding.parts_text().startswith("2 of 3 parts evidenced")
    # K3 implements only part of s:z, which contains p3: nothing about p3 is proven
    assert [p.status for p in finding.parts] == ["covered", "covered", "undetermined"]
    assert finding.coverage == pytest.approx(2 / 3)
    assert report.sections[0].coverage == pytest.approx(2 / 3)
    [missing] = finding.missing
    assert missing.clause.id == "t:1-p3" and missing.closers == ("s:z",)
    assert "for 1-p3 (Clause 1-p3): implement s:z" in finding.actions
    assert "t:1" not in finding.next_steps


# -- scope conditions -------------------------------------------------------------------


def test_a_scope_condition_is_stated_and_strict_scope_counts_it_as_overlap() -> None:
    kb = _kb([_clause("t", "a")], ["x"], [("x", "superset_of", "a", 8, "ai_risk_only")])
    inventory = Inventory(controls=(_control("K", "s:x"),))
    loose = kb.gap(inventory, target="t").finding("t:a")
    assert loose.status == "covered" and loose.conditions == ("ai_risk_only",)
    assert loose.causes[0].text == "covered for AI-related risk only"
    strict = kb.gap(inventory, target="t", strict_scope=True).finding("t:a")
    assert strict.status == "partial" and strict.causes[0].kind == "scope_condition"


# -- applicability ----------------------------------------------------------------------


def test_exclusions_end_dates_and_grace_periods_decide_applicability() -> None:
    profile = Profile(roles=("provider",), as_of=dt.date(2026, 10, 1))
    graced = _clause(
        "t",
        "g",
        applies_from=ApplicationDates(
            original=dt.date(2026, 8, 2),
            grace=GraceDates(placed_before=dt.date(2026, 8, 2), omnibus=dt.date(2026, 12, 2)),
        ),
    )
    assert applicability(graced, profile)
    early = profile.model_copy(update={"placed_on_market": dt.date(2026, 3, 1)})
    verdict = applicability(graced, early)
    assert not verdict and "2026-12-02" in verdict.reason
    deleted = _clause(
        "t",
        "d",
        applies_from=ApplicationDates(
            original=dt.date(2025, 8, 2), ends=EndDates(omnibus=dt.date(2026, 7, 27))
        ),
    )
    assert not applicability(deleted, profile)
    assert applicability(deleted, profile.model_copy(update={"regime": "original"}))
    added = _clause("t", "n", applies_from=ApplicationDates(omnibus=dt.date(2026, 1, 1)))
    assert applicability(added, profile)
    assert not applicability(added, profile.model_copy(update={"regime": "original"}))

    kb = _kb([_clause("t", "a"), _clause("t", "a1", "a")], ["x"], [])
    excluded = profile.model_copy(update={"excluded": (Exclusion(clause="t:a", reason="no AI"),)})
    report = kb.gap(Inventory(controls=()), target="t", profile=excluded)
    assert report.finding("t:a1").status == "not_applicable"
    assert "no AI (with t:a)" in report.finding("t:a1").reason


# -- plan -------------------------------------------------------------------------------


def test_the_plan_is_ordered_by_date_then_priority_within_each_owner(kb: KnowledgeBase) -> None:
    report = kb.gap(EXAMPLES / "eu-provider.yaml", target="euaiact")
    plan = report.plan()
    assert plan.items
    keys = [item.sort_key() for item in plan.items]
    assert keys == sorted(keys)
    for items in plan.owners.values():
        assert [i.sort_key() for i in items] == sorted(i.sort_key() for i in items)
    frame = plan.to_frame()
    assert len(frame) == len(plan.items) and set(frame["status"]) <= {
        "partial",
        "undetermined",
        "gap",
    }


def test_cli_prints_the_plan_and_the_workbook_has_a_plan_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "gap.xlsx"
    code = main(
        [
            "gap",
            str(EXAMPLES / "eu-provider.yaml"),
            "--target",
            "euaiact",
            "--plan",
            "-o",
            str(book),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "Plan:" in out and "kept apart:" in out
    sheet = openpyxl.load_workbook(book, read_only=True)["Plan"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    statuses = {row[5] for row in rows if len(row) > 5 and row[3]}
    assert statuses and statuses <= {"partial", "undetermined", "gap"}
    assert any(str(row[0]).startswith("kept apart") for row in rows)


# -- capability estimate ----------------------------------------------------------------


def test_the_capability_estimate_uses_maturity_and_states_its_method(kb: KnowledgeBase) -> None:
    inventory = kb.read_inventory(EXAMPLES / "eu-provider.yaml")

    def with_maturity(level: int) -> Inventory:
        controls = tuple(c.model_copy(update={"maturity": level}) for c in inventory.controls)
        return inventory.model_copy(update={"controls": controls})

    low = kb.gap(with_maturity(1), target="gbt46347").capability
    high = kb.gap(with_maturity(5), target="gbt46347").capability
    assert low is not None and high is not None
    assert low.overall < high.overall
    assert all(low.domains[d] < high.domains[d] for d in high.domains if high.domains[d] > 0)
    # maturity 1 halves the points (floor 0.5), maturity 5 keeps them
    assert low.overall == pytest.approx(high.overall / 2, abs=0.2)
    text = "\n".join(high.text_lines())
    assert "provisional model" in text and "maturity factor 0.5" in text and "levels:" in text
    for domain in high.domains:
        assert high.next_level(domain)


def test_the_workbook_states_the_estimate_and_its_method(kb: KnowledgeBase, tmp_path: Path) -> None:
    report = kb.gap(EXAMPLES / "eu-provider.yaml", target="gbt46347")
    book = report.to_excel(tmp_path / "gap.xlsx")
    rows = list(
        openpyxl.load_workbook(book, read_only=True)["Capability"].iter_rows(values_only=True)
    )
    cells = [str(c) for row in rows for c in row if c is not None]
    assert any(c.startswith("PROVISIONAL") for c in cells)
    assert any("maturity factor" in c for c in cells)
    assert any(c.startswith("levels:") for c in cells)


def test_iso23894_covers_iso31000_for_ai_related_risk_only(kb: KnowledgeBase) -> None:
    inventory = Inventory(controls=(_control("R1", "iso23894:6.4.2", "iso23894:6.4.3"),))
    report = kb.gap(inventory, target="iso31000")
    covered = [f for f in report.findings if f.status == "covered"]
    assert covered and all(f.conditions == ("ai_risk_only",) for f in covered)
    assert "for AI-related risk only" in report.summary_text()
    strict = kb.gap(inventory, target="iso31000", strict_scope=True)
    assert strict.counts["covered"] == 0
    assert {strict.status(f.clause.id) for f in covered} == {"partial"}
