"""ISO/IEC 42001:2023 and the NIST AI RMF as bundled frameworks.

Catalogues, citations, crosswalks and the ISO/IEC 42001-certified example inventory.
"""

from __future__ import annotations

import pytest

from crosswalk.api import KnowledgeBase
from crosswalk.knowledge.stats import stats_markdown

from .conftest import EXAMPLES

EXAMPLE = EXAMPLES / "iso42001-certified.yaml"
COVERING = {"equal", "subset_of", "superset_of"}
NEW_SETS = [
    "iso42001-aisgf1",
    "iso42001-euaiact",
    "iso42001-gbt46347",
    "iso42001-iso23894",
    "iso42001-iso31000",
    "iso42001-iso42001",
    "nistairmf-aisgf1",
    "nistairmf-euaiact",
    "nistairmf-gbt46347",
    "nistairmf-iso23894",
    "nistairmf-iso42001",
    "nistairmf-nistairmf",
]


def _locals(kb: KnowledgeBase, prefix: str, **where: str) -> list[str]:
    return [
        c.local for c in kb.clauses_of(prefix) if all(getattr(c, k) == v for k, v in where.items())
    ]


# --- catalogues -------------------------------------------------------------------------------


def test_iso42001_has_clauses_4_to_10_and_the_38_annex_a_controls(kb: KnowledgeBase) -> None:
    for local in [
        "4.1",
        "5.2",
        "6.1.2",
        "6.1.3",
        "6.1.4",
        "7.5.3",
        "8.4",
        "9.2.2",
        "9.3.3",
        "10.2",
    ]:
        assert kb.clause(f"iso42001:{local}").provision == "obligation", local
    controls = [
        c for c in kb.clauses_of("iso42001") if c.local.startswith("A.") and c.kind == "requirement"
    ]
    assert len(controls) == 38
    assert all(c.provision == "obligation" for c in controls)
    assert kb.clause("iso42001:A.6.2.4").title == "AI system verification and validation"
    assert (
        kb.clause("iso42001:A.7.4").title == "Quality of data for AI systems"
    )  # not "human oversight" (see lfai#47)


def test_iso42001_annexes_b_c_and_terms_ask_for_no_outcome_of_their_own(kb: KnowledgeBase) -> None:
    guidance = [
        c for c in kb.clauses_of("iso42001") if c.local.startswith("B.") and c.kind == "guideline"
    ]
    assert len(guidance) == 38 and all(c.provision == "informative" for c in guidance)
    risks = [c for c in kb.clauses_of("iso42001") if c.local.startswith("C.3.")]
    assert len(risks) == 7 and all(c.kind == "risk_source" and c.provision == "risk" for c in risks)
    terms = [c for c in kb.clauses_of("iso42001") if c.parent == "iso42001:3"]
    assert len(terms) == 26 and all(c.provision == "definition" for c in terms)
    assert kb.clause("iso42001:3.26").title == "statement of applicability"


def test_iso42001_provisional_numbers_are_only_where_no_source_shows_them(
    kb: KnowledgeBase,
) -> None:
    provisional = {
        c.local.split(".")[0] for c in kb.clauses_of("iso42001") if c.status == "provisional"
    }
    assert provisional == {"B", "C", "D"}
    for clause in kb.clauses_of("iso42001"):
        if clause.status == "provisional":
            assert clause.note or kb.clause(clause.parent or clause.id).note, clause.id


def test_nist_ai_rmf_core_is_complete_with_nists_own_text(kb: KnowledgeBase) -> None:
    functions = [
        c
        for c in kb.clauses_of("nistairmf")
        if c.parent is None and c.local in ("GV", "MP", "MS", "MG")
    ]
    categories = [
        c for c in kb.clauses_of("nistairmf") if c.kind == "clause" and c.parent is not None
    ]
    subcategories = [c for c in kb.clauses_of("nistairmf") if c.kind == "guideline"]
    assert len(functions) == 4 and len(categories) == 19
    per_function = {
        f: sum(1 for c in subcategories if c.local.startswith(f)) for f in ("GV", "MP", "MS", "MG")
    }
    assert per_function == {"GV": 19, "MP": 18, "MS": 22, "MG": 13}
    assert all(c.provision == "guidance" and c.status == "confirmed" for c in subcategories)
    # NIST AI 100-1 is public domain: the summary is NIST's own text, word for word
    assert kb.clause("nistairmf:GV-1.1").summary == (
        "Legal and regulatory requirements involving AI are understood, managed, and documented."
    )
    assert (kb.clause("nistairmf:MP-1.1").summary or "").startswith(
        "Intended purposes, potentially beneficial uses, context-specific laws"
    )
    assert (kb.clause("nistairmf:MG-1.1").summary or "").startswith(
        "A determination is made as to whether the AI system achieves"
    )


def test_gai_profile_has_twelve_risks_and_actions_outside_the_core_hierarchy(
    kb: KnowledgeBase,
) -> None:
    risks = [c for c in kb.clauses_of("nistairmf") if c.kind == "risk_source"]
    assert [c.title for c in risks][:2] == ["CBRN Information or Capabilities", "Confabulation"]
    assert len(risks) == 12
    actions = [c for c in kb.clauses_of("nistairmf") if c.kind == "measure"]
    assert len(actions) == 212
    # a child is a subset of its parent: an action under GOVERN 1.1 would be "covered" by any GOVERN 1.1 control
    assert {c.parent for c in actions} == {"nistairmf:GAI-3"}
    assert all(c.provision == "informative" for c in actions)
    tagged = {m.subjects[0] for m in kb.mappings if m.mapping_set == "nistairmf-nistairmf"}
    assert tagged == {c.id for c in actions}
    assert {m.object for m in kb.mappings if m.mapping_set == "nistairmf-nistairmf"} == {
        c.id for c in risks
    }


# --- citations ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ISO/IEC 42001:2023 A.6.2.4", "iso42001:A.6.2.4"),
        ("42001 6.1.2", "iso42001:6.1.2"),
        ("ISO 42001 clause 8.4", "iso42001:8.4"),
        ("ISO/IEC 42001 Annex C.3.2", "iso42001:C.3.2"),
        ("ISO/IEC 42001 D.2", "iso42001:D.2"),
        ("nistairmf:GOVERN 1.2", "nistairmf:GV-1.2"),
        ("nistairmf:MAP 5.1", "nistairmf:MP-5.1"),
        ("NIST AI RMF GV-1.2", "nistairmf:GV-1.2"),
        ("AI RMF gv.1.2", "nistairmf:GV-1.2"),
        ("NIST AI RMF MEASURE", "nistairmf:MS"),
        ("NIST AI 600-1 MS-2.2-001", "nistairmf:MS-2.2-001"),
        ("NIST AI 600-1 Confabulation", "nistairmf:GAI-2.2"),
    ],
)
def test_citations_resolve(kb: KnowledgeBase, text: str, expected: str) -> None:
    assert kb.resolve(text).id == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GV-1.2", "nistairmf:GV-1.2"),
        ("GOVERN 1.2", "nistairmf:GV-1.2"),
        ("MAP 5.1", "nistairmf:MP-5.1"),
        ("NIST AI RMF MAP 5.1", "nistairmf:MP-5.1"),
    ],
)
def test_bare_nist_identifiers_resolve(kb: KnowledgeBase, text: str, expected: str) -> None:
    assert kb.resolve(text).id == expected


# --- crosswalks -----------------------------------------------------------------------------------


def test_the_new_sets_load_and_each_cites_its_source(kb: KnowledgeBase) -> None:
    sets = {s.id: s for s in kb.mapping_sets}
    assert set(NEW_SETS) <= set(sets)
    assert sets["nistairmf-iso42001"].mappings[0].source == "X-NIST42001"
    assert sets["nistairmf-iso23894"].mappings[0].source == "X-NIST23894"
    assert sets["nistairmf-nistairmf"].mappings[0].source == "X-NIST600"
    for set_id in NEW_SETS:
        for mapping in sets[set_id].mappings:
            assert mapping.justification.strip() and 1 <= mapping.strength <= 10, mapping.id


def test_nists_42001_crosswalk_points_at_controls_not_at_annex_b(kb: KnowledgeBase) -> None:
    rows = [m for m in kb.mappings if m.mapping_set == "nistairmf-iso42001"]
    assert len(rows) >= 270
    assert {m.relation for m in rows} == {
        "intersects_with"
    }  # NIST says "relevant", nothing about containment
    assert not [m.object for m in rows if m.object.startswith("iso42001:B.")]
    assert {m.subjects[0] for m in rows} == {
        c.id for c in kb.clauses_of("nistairmf") if c.kind == "guideline"
    }


def test_covering_rows_from_42001_to_the_ai_act_hold_only_for_systems_in_scope(
    kb: KnowledgeBase,
) -> None:
    for mapping in kb.mappings:
        if mapping.relation in COVERING and mapping.object.startswith("euaiact:"):
            if any(s.startswith("iso42001:") for s in mapping.subjects):
                assert mapping.scope == "systems_in_scope", mapping.id
            if any(s.startswith(("iso42001:", "nistairmf:")) for s in mapping.subjects):
                assert mapping.review is not None, mapping.id


def test_stats_list_the_new_framework_pairs(kb: KnowledgeBase) -> None:
    table = stats_markdown(kb)
    for set_id in NEW_SETS:
        subject, obj = set_id.split("-")
        assert f"| {subject} | {obj} |" in table, set_id


# --- the ISO/IEC 42001-certified example ------------------------------------------------------------


def _from_42001(finding) -> bool:
    return any(e.implemented.startswith("iso42001:") for e in finding.evidence)


@pytest.mark.parametrize("target", ["gbt46347", "euaiact"])
def test_a_42001_certificate_shows_partial_coverage_of_gbt46347_and_the_ai_act(
    kb: KnowledgeBase, target: str
) -> None:
    report = kb.gap(EXAMPLE, target=target)
    supported = [
        f for f in report.findings if f.status in ("covered", "partial") and _from_42001(f)
    ]
    assert len(supported) >= 20, report.counts
    if target == "euaiact":
        for article in ("art9", "art10", "art12", "art13", "art17"):
            assert any(f.clause_id.startswith(f"euaiact:{article}") for f in supported), article
        # the mappings prove overlap only: a certificate alone covers no AI Act obligation
        for finding in report.findings:
            if finding.status == "covered":
                assert not all(e.implemented.startswith("iso42001:") for e in finding.evidence), (
                    finding.clause_id
                )


def test_the_example_gap_against_42001_itself_reads_the_statement_of_applicability(
    kb: KnowledgeBase,
) -> None:
    report = kb.gap(EXAMPLE, target="iso42001")
    assert report.status("iso42001:6.1.2") == "covered"
    assert report.status("iso42001:A.6.2.6") == "partial"  # cited with coverage: partial
    # excluded in the Statement of Applicability (listed as not_implemented): no control supports it
    assert report.status("iso42001:A.9.4") in ("gap", "undetermined")
