"""Data tests for the EU AI Act catalogue: complete, typed, dated and sourced.

The expected articles and annexes are built from numbers, not read from the catalogue, so a
dropped article fails here; the YAML files are read directly where a rule concerns what an
entry *states* (inherited values do not count).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from crosswalk.api import KnowledgeBase
from crosswalk.gap.applicability import OPERATOR_ROLES
from crosswalk.io.resources import mappings_dir

from .conftest import EXAMPLES

AUTHORITIES = frozenset(
    {
        "commission",
        "ai_office",
        "ai_board",
        "edps",
        "member_state",
        "notified_body",
        "market_surveillance_authority",
    }
)

#: Articles inserted by the Digital Omnibus on AI (Reg. (EU) 2026/1744 Art 1) and its new annex.
OMNIBUS_ARTICLES = ("4a", "60a", "75a", "75b", "75c", "75d")
OMNIBUS_ANNEXES = (14,)

#: Provision types that ask nothing of the organisation, so a gap report must never list them as gaps.
NOT_A_GAP = frozenset({"application", "transitional", "definition", "permission", "classification"})


def _catalogue_files() -> list[Path]:
    directory = mappings_dir() / "catalogues"
    parts = sorted(directory.glob("euaiact.*.yaml"))
    return [directory / "euaiact.yaml", *parts]


def _entries() -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in _catalogue_files():
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in document.get("clauses") or []:
            yield path, entry


def _source_ids() -> set[str]:
    ids: set[str] = set()
    for path in _catalogue_files():
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        ids.update(source["id"] for source in document.get("sources") or [])
    return ids


def test_every_article_and_annex_is_present(kb: KnowledgeBase) -> None:
    expected = [f"euaiact:art{n}" for n in range(1, 114)]
    expected += [f"euaiact:art{a}" for a in OMNIBUS_ARTICLES]
    expected += [f"euaiact:annex{n}" for n in range(1, 14)] + [
        f"euaiact:annex{n}" for n in OMNIBUS_ANNEXES
    ]
    missing = [clause_id for clause_id in expected if clause_id not in kb]
    assert not missing, f"articles or annexes missing from the euaiact catalogue: {missing}"
    for clause_id in expected:
        clause = kb.clause(clause_id)
        assert clause.parent is None, f"{clause_id} must be a top-level entry"
        assert clause.title and clause.summary and clause.url, (
            f"{clause_id} needs a title, a summary and a link"
        )
        assert clause.applies_from is not None, f"{clause_id} states no application date"


def test_annex_titles_are_the_official_ones(kb: KnowledgeBase) -> None:
    # spot checks against the Official Journal (and the consolidated text for Annex XIV)
    assert kb.clause("euaiact:annex1").title == "List of Union harmonisation legislation"
    assert kb.clause("euaiact:annex3").title == "High-risk AI systems referred to in Article 6(2)"
    assert (
        kb.clause("euaiact:art55").title
        == "Obligations of providers of general-purpose AI models with systemic risk"
    )
    assert (
        kb.clause("euaiact:art4a").title
        == "Processing of special categories of personal data for bias detection and correction"
    )
    assert kb.clause("euaiact:annex14").title.startswith(
        "The list of codes, categories and corresponding types of AI systems"
    )


def test_every_entry_states_its_provision_type() -> None:
    # requirement parts (kind `part`) take their parent's type by the grammar, so they may omit it
    silent = [
        f"{path.name}: {entry['id']}"
        for path, entry in _entries()
        if entry.get("kind") != "part" and not entry.get("provision")
    ]
    assert not silent, (
        f"euaiact entries without an explicit `provision:` ({len(silent)}): {silent[:20]}"
    )


def test_duties_have_an_operator_or_authority_addressee(kb: KnowledgeBase) -> None:
    for clause in kb.clauses_of("euaiact"):
        if clause.provision in ("obligation", "prohibition"):
            addressed = set(clause.addressees) & (OPERATOR_ROLES | AUTHORITIES)
            assert addressed, (
                f"{clause.id} is an {clause.provision} with no operator or authority addressee"
            )


def test_no_addressee_stands_in_for_another() -> None:
    """The Board, the EDPS and affected persons have their own addressee values now."""
    stand_ins = [
        f"{path.name}: {entry['id']}"
        for path, entry in _entries()
        if re.search(r"stand(s)? in|vocabulary has no", entry.get("note") or "")
    ]
    assert not stand_ins, stand_ins


def test_deleted_provisions_end_under_the_omnibus(kb: KnowledgeBase) -> None:
    """Art 10(5), Annex I point 1 and Annex VIII Section B points 7 and 9 were deleted."""
    for local in ("art10.5", "art10.5.a", "annex1.1", "annex8.b.7", "annex8.b.9"):
        dates = kb.clause(f"euaiact:{local}").applies_from
        assert dates is not None and dates.ends is not None, local
        assert dates.ends.date_for("omnibus") == dt.date(2026, 7, 27), local
        assert dates.ends.date_for("original") is None, local


def test_procedures_are_not_addressed_to_operators(kb: KnowledgeBase) -> None:
    for clause in kb.clauses_of("euaiact"):
        if clause.provision == "procedure":
            assert not set(clause.addressees) & OPERATOR_ROLES, (
                f"{clause.id} is a procedure of authorities but names operators {clause.addressees}"
            )


def test_omnibus_dates_and_grace_periods_name_their_source() -> None:
    sources = _source_ids()
    for path, entry in _entries():
        dates = entry.get("applies_from") or {}
        by_category = dates.get("by_category") or {}
        omnibus = (
            "omnibus" in dates
            or dates.get("grace")
            or any("omnibus" in d for d in by_category.values())
        )
        if not omnibus:
            continue
        text = " ".join(str(t) for t in (dates.get("note"), entry.get("note")) if t)
        named = set(re.findall(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+", text)) & sources
        assert named, (
            f"{path.name}: {entry['id']} has Omnibus dates but its note names no source id"
        )
        assert entry.get("source") in sources, f"{path.name}: {entry['id']} cites an unknown source"


def test_the_omnibus_facts(kb: KnowledgeBase) -> None:
    def dates(local: str) -> Any:
        found = kb.clause(f"euaiact:{local}").applies_from
        assert found is not None, local
        return found

    # the two new prohibitions, Art 5(1)(ba) and (bb), apply from 2 Dec 2026 only
    for point in ("art5.1.ba", "art5.1.bb"):
        assert kb.clause(f"euaiact:{point}").provision == "prohibition"
        assert dates(point).original is None and dates(point).omnibus == dt.date(2026, 12, 2)
    # Annex III systems: 2 Dec 2027; Annex I systems: 2 Aug 2028 (Art 113(3)(c) as amended)
    assert (dates("annex3").original, dates("annex3").omnibus) == (
        dt.date(2026, 8, 2),
        dt.date(2027, 12, 2),
    )
    assert (dates("annex1").original, dates("annex1").omnibus) == (
        dt.date(2027, 8, 2),
        dt.date(2028, 8, 2),
    )
    assert dates("art9").date_for("omnibus", "high_risk_annex1") == dt.date(2028, 8, 2)
    # Art 50(2): the later date only for systems placed on the market before 2 Aug 2026
    marking = dates("art50.2")
    assert marking.date_for("omnibus") == dt.date(2026, 8, 2)
    assert marking.date_for("omnibus", placed_on_market=dt.date(2026, 3, 1)) == dt.date(2026, 12, 2)
    assert marking.date_for("omnibus", placed_on_market=dt.date(2026, 9, 1)) == dt.date(2026, 8, 2)
    assert marking.date_for("original", placed_on_market=dt.date(2026, 3, 1)) == dt.date(2026, 8, 2)
    # the amending act is recorded as a source
    source = kb.frameworks["euaiact"].source("S-OMNI-REG")
    assert source is not None and "2026/1744" in source.title and "24.7.2026" in source.title


def test_types_of_landmark_provisions(kb: KnowledgeBase) -> None:
    expected = {
        "art3.1": "definition",
        "art4.1": "obligation",
        "art5.2": "condition",
        "art6.2": "classification",
        "art6.3": "condition",
        "art9.1": "obligation",
        "art10.5": "permission",
        "art28": "procedure",
        "art99": "penalty",
        "art111": "transitional",
        "art113": "application",
        "annex3.4.a": "classification",
        "art50.1": "obligation",
        "art53.1.a": "obligation",
        "art73.1": "obligation",
    }
    wrong = {
        k: kb.clause(f"euaiact:{k}").provision
        for k, v in expected.items()
        if kb.clause(f"euaiact:{k}").provision != v
    }
    assert not wrong, f"unexpected provision types: {wrong}"


def test_gap_report_lists_only_counted_provisions_as_gaps(kb: KnowledgeBase) -> None:
    report = kb.gap(EXAMPLES / "eu-provider.yaml", target="euaiact")
    gaps = [finding.clause for finding in report.findings if finding.status == "gap"]
    assert gaps, "the example should still show real gaps"
    listed = sorted(
        f"{clause.id} ({clause.provision})" for clause in gaps if clause.provision in NOT_A_GAP
    )
    assert not listed, f"gaps that are not obligations: {listed[:10]}"
    uncounted = sorted(
        f"{clause.id} ({clause.provision})" for clause in gaps if not clause.is_counted
    )
    assert not uncounted, f"gaps that ask nothing of the organisation: {uncounted[:10]}"
