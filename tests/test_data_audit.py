"""Regression tests for the findings of the 2026-12 mapping audit (issue 14).

The audit read 158 mappings and found 15 wrong. The rows below are the ones in the
ISO/IEC 23894, ISO 31000, GB/T 46347 and EU AI Act files; the three wrong TC260 rows belong
to the TC260 crosswalks and their own tests. The audit file itself is not in the repository,
so the findings are embedded here: a wrong relation must never be stored again, in either
direction, nor be what inference concludes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import NamedTuple

import pytest

from crosswalk.api import KnowledgeBase
from crosswalk.model import Mapping
from crosswalk.reasoning.relations import Relation


class Finding(NamedTuple):
    """One relation the audit found wrong, and what replaced it (None: the row was removed)."""

    subject: str
    object: str
    wrong: str
    corrected: str | None
    reason: str


AUDIT_WRONG: tuple[Finding, ...] = (
    Finding(
        "euaiact:art26.4",
        "iso23894:A.4",
        "intersects_with",
        None,
        "operational input data of the deployer vs training and test data: no shared outcome",
    ),
    Finding(
        "euaiact:art5.1",
        "iso23894:6.5",
        "no_relationship",
        "intersects_with",
        "risk avoidance is a treatment option, so treatment can deliver the outcome of a ban",
    ),
    Finding(
        "gbt46347:communication.internal",
        "iso31000:6.2",
        "subset_of",
        "intersects_with",
        "escalation to the right level is not part of ISO 31000 6.2",
    ),
    Finding(
        "iso23894:4.a",
        "iso31000:4.a",
        "superset_of",
        "equal",
        "Table 1 gives no AI-specific guidance for principle a)",
    ),
    Finding(
        "iso23894:4.b",
        "iso31000:4.b",
        "superset_of",
        "equal",
        "Table 1 gives no AI-specific guidance for principle b)",
    ),
    Finding(
        "iso23894:4.c",
        "iso31000:4.c",
        "superset_of",
        "equal",
        "Table 1 gives no AI-specific guidance for principle c)",
    ),
    Finding(
        "iso23894:5.3",
        "iso31000:5.3",
        "superset_of",
        "equal",
        "23894 5.3 only states that ISO 31000 5.3 applies",
    ),
    Finding(
        "iso23894:6.4.2.1",
        "iso31000:6.4.2",
        "subset_of",
        "intersects_with",
        "containment reversed; the second review found no source placing ISO 31000 6.4.2 in it",
    ),
    Finding(
        "iso23894:6.4.2.2",
        "iso31000:6.4.2",
        "subset_of",
        "intersects_with",
        "containment of an AI-specific sub-clause in ISO 31000 shown by no source",
    ),
    Finding(
        "iso23894:6.4.2.4",
        "iso31000:6.4.2",
        "subset_of",
        "intersects_with",
        "containment of an AI-specific sub-clause in ISO 31000 shown by no source",
    ),
    Finding(
        "iso23894:6.4.3.1",
        "iso31000:6.4.3",
        "subset_of",
        "intersects_with",
        "containment reversed; the second review found no source placing ISO 31000 6.4.3 in it",
    ),
    Finding(
        "iso23894:6.4.3.3",
        "iso31000:6.4.3",
        "subset_of",
        "intersects_with",
        "containment of an AI-specific sub-clause in ISO 31000 shown by no source",
    ),
)

COVERING = frozenset({"equal", "subset_of", "superset_of"})
SCOPED_PAIR = frozenset({"iso23894", "iso31000"})
PROVISIONAL_GBT46347 = ("gbt46347:1", "gbt46347:2", "gbt46347:risk.cbrn")


def reintroduced(mappings: Iterable[Mapping]) -> list[str]:
    """Stored mappings that restate a relation the audit found wrong (or its converse)."""
    wrong = {(f.subject, f.object, f.wrong) for f in AUDIT_WRONG}
    problems = []
    for mapping in mappings:
        if mapping.is_union or mapping.relation == "addresses":
            continue
        subject = mapping.subjects[0]
        converse = Relation(mapping.relation).converse.value
        if (subject, mapping.object, mapping.relation) in wrong or (
            mapping.object,
            subject,
            converse,
        ) in wrong:
            problems.append(f"{mapping.where}: {subject} {mapping.relation} {mapping.object}")
    return problems


def unscoped_covering(mappings: Iterable[Mapping]) -> list[str]:
    """Covering mappings between ISO/IEC 23894 and ISO 31000 that lack `scope: ai_risk_only`."""
    problems = []
    for mapping in mappings:
        frameworks = {s.split(":", 1)[0] for s in mapping.subjects} | {
            mapping.object.split(":", 1)[0]
        }
        if (
            frameworks == SCOPED_PAIR
            and mapping.relation in COVERING
            and mapping.scope != "ai_risk_only"
        ):
            problems.append(
                f"{mapping.where}: {mapping.subject} {mapping.relation} {mapping.object}"
            )
    return problems


def test_no_wrong_relation_of_the_audit_is_stored(kb: KnowledgeBase) -> None:
    problems = reintroduced(kb.mappings)
    assert not problems, "relations the 2026-12 audit found wrong are back:\n" + "\n".join(problems)


@pytest.mark.parametrize("finding", AUDIT_WRONG, ids=lambda f: f"{f.subject}>{f.object}")
def test_inference_no_longer_concludes_the_wrong_relation(
    kb: KnowledgeBase, finding: Finding
) -> None:
    inferred = kb.relation(finding.subject, finding.object)
    if finding.corrected is None:
        assert inferred.status not in ("covered", "partial"), (
            f"{finding.subject} → {finding.object} is {inferred.relations} ({inferred.status}); "
            f"the audit found no shared outcome: {finding.reason}"
        )
    else:
        assert Relation(finding.wrong) not in inferred.relations, (
            f"{finding.subject} → {finding.object} may still be {finding.wrong} ({inferred.relations}): "
            f"{finding.reason}"
        )
        assert Relation(finding.corrected) in inferred.relations, (
            f"{finding.subject} → {finding.object} is {inferred.relations}, expected {finding.corrected}"
        )


def test_the_audit_check_catches_a_reintroduced_row(kb: KnowledgeBase) -> None:
    row = next(
        m
        for m in kb.mappings
        if m.subjects == ("iso23894:6.4.2.1",) and m.object == "iso31000:6.4.2"
    )
    wrong = replace(row, relation="subset_of")
    reversed_wrong = replace(
        row, subjects=("iso31000:6.4.2",), object="iso23894:6.4.2.1", relation="superset_of"
    )
    assert len(reintroduced([wrong, reversed_wrong, row])) == 2


def test_covering_rows_between_iso23894_and_iso31000_hold_for_ai_risk_only(
    kb: KnowledgeBase,
) -> None:
    rows = [
        m for m in kb.mappings if m.mapping_set == "iso23894-iso31000" and m.relation in COVERING
    ]
    assert len(rows) >= 30, (
        "the clause-by-clause containment of ISO/IEC 23894 over ISO 31000 is missing"
    )
    problems = unscoped_covering(kb.mappings)
    assert not problems, (
        "covering rows without scope: ai_risk_only (mappings/README.md §6):\n" + "\n".join(problems)
    )


def test_the_scope_check_catches_an_unscoped_row(kb: KnowledgeBase) -> None:
    row = next(
        m for m in kb.mappings if m.subjects == ("iso23894:5.3",) and m.object == "iso31000:5.3"
    )
    assert unscoped_covering([row]) == []
    assert len(unscoped_covering([replace(row, scope=None)])) == 1


@pytest.mark.parametrize("clause_id", PROVISIONAL_GBT46347)
def test_gbt46347_clauses_seen_only_in_the_draft_or_a_report_are_provisional(
    kb: KnowledgeBase, clause_id: str
) -> None:
    clause = kb.clause(clause_id)
    assert clause.status == "provisional", (
        f"{clause_id} is {clause.status}, but no source shows the published text"
    )
    assert clause.note, f"{clause_id} must say in its note why it is provisional"
