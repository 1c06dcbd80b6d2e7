"""Each obligation is counted once: a clause whose sub-clauses are counted is a roll-up.

An article beside its paragraphs, a GB/T 46347 domain beside its items, ISO/IEC 23894
6.4.2 beside 6.4.2.1-6.4.2.6: the parent row is shown with the status proven for it as a
whole, counted in no share and never a plan item (docs/design.md, "What a gap report says").
"""

from __future__ import annotations

import pytest

from crosswalk.api import KnowledgeBase
from crosswalk.gap.analysis import gap_analysis
from crosswalk.gap.report import GapReport
from crosswalk.model.inventory import ClauseRef, Control, Exclusion, Inventory, Profile

from .conftest import EXAMPLES, synthetic_kb

CASES = [
    ("deployer-chatbot.yaml", "euaiact"),
    ("eu-provider.yaml", "euaiact"),
    ("deployer-chatbot.yaml", "gbt46347"),
    ("deployer-chatbot.yaml", "iso23894"),
    ("cn-enterprise.yaml", "gbt46347"),
]


def _counted(report: GapReport) -> list[str]:
    return [f.clause.id for f in report.findings if f.is_counted]


@pytest.mark.parametrize(("example", "target"), CASES)
def test_no_obligation_is_counted_twice(kb: KnowledgeBase, example: str, target: str) -> None:
    report = kb.gap(EXAMPLES / example, target=target)
    counted = set(_counted(report))
    for clause_id in counted:
        assert not counted & set(kb.descendants(clause_id)), clause_id
    applicable = sum(section.applicable for section in report.sections)
    assert applicable == len(counted)
    assert sum(report.counts.values()) + report.rollups == len(report.findings)
    for finding in report.findings:
        if finding.rollup_of:
            assert set(finding.rollup_of) <= counted
            assert set(finding.rollup_of) <= set(kb.descendants(finding.clause.id))


@pytest.mark.parametrize(("example", "target"), CASES)
def test_the_plan_never_holds_a_clause_and_its_sub_clauses(
    kb: KnowledgeBase, example: str, target: str
) -> None:
    plan = kb.gap(EXAMPLES / example, target=target).plan()
    items = {item.finding.clause.id for item in plan.items}
    for clause_id in items:
        assert not items & set(kb.descendants(clause_id)), clause_id
    assert all(not item.finding.rollup_of for item in plan.items)


def test_chatbot_articles_are_roll_ups_of_their_paragraphs(kb: KnowledgeBase) -> None:
    report = kb.gap(EXAMPLES / "deployer-chatbot.yaml", target="euaiact")
    assert report.finding("euaiact:art4").rollup_of == ("euaiact:art4.1",)
    art4 = next(s for s in report.sections if s.section == "euaiact:art4")
    assert (art4.counts["covered"], art4.counts["partial"]) == (1, 0)
    assert report.finding("euaiact:art4").priority == 0
    assert "roll-ups 1" in report.summary_text()
    assert "1 roll-up(s)" in report.plan().text()
    # none of Art 50's paragraphs binds a chatbot deployer: the article does not apply either
    article = report.finding("euaiact:art50")
    assert (
        article.status == "not_applicable" and "none of the provisions below it" in article.reason
    )


def test_domains_and_split_clauses_of_the_standards_are_roll_ups(kb: KnowledgeBase) -> None:
    domains = kb.gap(EXAMPLES / "deployer-chatbot.yaml", target="gbt46347")
    planning = domains.finding("gbt46347:planning")
    assert planning.rollup_of and all(
        c.startswith("gbt46347:planning.") for c in planning.rollup_of
    )
    guidance = kb.gap(EXAMPLES / "deployer-chatbot.yaml", target="iso23894")
    assert len(guidance.finding("iso23894:6.4.2").rollup_of) == 6
    assert len(guidance.finding("iso23894:4").rollup_of) == 8


def _small() -> KnowledgeBase:
    return synthetic_kb([("a", None), ("a.1", "a"), ("a.2", "a"), ("b", None)], [])


def _implements(*clauses: str) -> Inventory:
    refs = tuple(ClauseRef(clause=c) for c in clauses)
    return Inventory(controls=(Control(id="K", title="k", status="implemented", implements=refs),))


def test_a_roll_up_keeps_the_status_proven_for_it_as_a_whole() -> None:
    report = gap_analysis(_small(), _implements("t:a.1"), target="t")
    parent = report.finding("t:a")
    assert parent.status == "partial", "a covered child proves only an overlap with its parent"
    assert parent.rollup_of == ("t:a.1", "t:a.2")
    assert "roll-up: counted in 2 sub-clause(s), 1 covered; not covered: a.2" in parent.reason
    assert parent.causes[0].kind == "sub_clauses_open" and "a.2 (Clause a.2, gap)" in parent.cause
    assert [m.clause.id for m in parent.missing] == ["t:a.2"]
    assert parent.actions == ("close its sub-clauses (each is a plan item): t:a.2",)
    assert not parent.is_open and parent.coverage is None
    assert report.counts["covered"] == 1 and report.counts["gap"] == 2  # a.1; a.2 and b
    assert [item.finding.clause.id for item in report.plan().items] == ["t:a.2", "t:b"]


def test_a_roll_up_whose_sub_clauses_do_not_apply_does_not_apply() -> None:
    profile = Profile(
        excluded=(
            Exclusion(clause="t:a.1", reason="outside our scope"),
            Exclusion(clause="t:a.2", reason="outside our scope"),
        )
    )
    report = gap_analysis(_small(), _implements("t:b"), target="t", profile=profile)
    parent = report.finding("t:a")
    assert parent.status == "not_applicable"
    assert "none of the provisions below it (a.1, a.2) applies" in parent.reason
    assert report.counts["not_applicable"] == 3 and report.counts["covered"] == 1


def test_nested_roll_ups_count_only_the_finest_clause() -> None:
    kb = synthetic_kb([("a", None), ("a.1", "a"), ("a.1.x", "a.1"), ("a.2", "a")], [])
    report = gap_analysis(kb, _implements("t:a.1.x"), target="t")
    assert report.finding("t:a").rollup_of == ("t:a.1.x", "t:a.2")
    assert report.finding("t:a.1").rollup_of == ("t:a.1.x",)
    excluded = Profile(excluded=(Exclusion(clause="t:a.1.x", reason="not ours"),))
    report = gap_analysis(kb, _implements("t:a.2"), target="t", profile=excluded)
    assert report.finding("t:a.1").status == "not_applicable"
    assert report.finding("t:a").rollup_of == ("t:a.2",)
    assert report.counts["covered"] == 1 and report.counts["not_applicable"] == 2


def test_a_roll_up_with_every_sub_clause_covered_says_so() -> None:
    report = gap_analysis(_small(), _implements("t:a.1", "t:a.2"), target="t")
    parent = report.finding("t:a")
    assert parent.status == "partial", "not an exhaustive split: covered only as an overlap"
    assert parent.reason.startswith("roll-up: counted in 2 sub-clause(s), all covered: a.1, a.2.")
    assert not parent.missing and not parent.actions
    exhaustive = synthetic_kb(
        [("a", None), ("a.1", "a"), ("a.2", "a"), ("b", None)], [], exhaustive=["a"]
    )
    whole = gap_analysis(exhaustive, _implements("t:a.1", "t:a.2"), target="t").finding("t:a")
    assert whole.status == "covered" and whole.rollup_of == ("t:a.1", "t:a.2")


def test_iso23894_risk_identification_names_its_open_sub_clauses(kb: KnowledgeBase) -> None:
    report = kb.gap(EXAMPLES / "deployer-chatbot.yaml", target="iso23894")
    finding = report.finding("iso23894:6.4.2")
    assert finding.status == "partial"
    assert "not covered: 6.4.2.1, 6.4.2.2" in finding.reason
    assert any(c.kind == "sub_clauses_open" for c in finding.causes)
    assert {m.clause.id for m in finding.missing} == set(finding.rollup_of)
