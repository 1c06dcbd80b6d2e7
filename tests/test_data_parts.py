"""Data tests for requirement parts (mappings/README.md, "Requirement parts").

Their ids, their parents, the part-level mapping sets, and what a gap report makes of them.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
import yaml

from crosswalk.api import KnowledgeBase
from crosswalk.io.resources import mappings_dir
from crosswalk.model import Clause
from crosswalk.model.inventory import ClauseRef, Control, Inventory

from .conftest import EXAMPLES, synthetic_kb

EVIDENCED = {"covered", "partial"}
NOT_EVIDENCED = {"gap", "undetermined"}  # no overlap proven: the part is what would close the gap


def _parts(kb: KnowledgeBase) -> list[Clause]:
    return [c for c in kb if c.kind == "part"]


def _parts_by_parent(kb: KnowledgeBase) -> dict[str, list[Clause]]:
    grouped: dict[str, list[Clause]] = defaultdict(list)
    for part in _parts(kb):
        grouped[part.parent or ""].append(part)
    return grouped


def test_the_bundled_data_has_requirement_parts(kb: KnowledgeBase) -> None:
    split = {parent.split(":")[0] for parent in _parts_by_parent(kb)}
    assert {"gbt46347", "euaiact", "aisgf1"} <= split, f"frameworks with parts: {sorted(split)}"


def test_every_gbt46347_capability_item_is_split(kb: KnowledgeBase) -> None:
    grouped = _parts_by_parent(kb)
    items = [c.id for c in kb.clauses_of("gbt46347") if c.kind == "capability_item"]
    assert items
    for item in items:
        assert 2 <= len(grouped.get(item, [])) <= 5, (
            f"{item} has {len(grouped.get(item, []))} parts, expected 2-5"
        )


def test_a_split_clause_has_only_parts_below_it_and_is_exhaustive(kb: KnowledgeBase) -> None:
    for parent_id in _parts_by_parent(kb):
        parent = kb.clause(parent_id)
        children = [kb.clause(c) for c in kb.children.get(parent_id, ())]
        others = [c.id for c in children if c.kind != "part"]
        assert not others, (
            f"{parent_id} has parts beside its own sub-clauses {others} (rule parts-alone)"
        )
        assert parent.exhaustive, f"{parent_id} is split into parts but not marked exhaustive"
        assert parent.kind != "part", f"{parent_id} is itself a part: parts are not split again"


def test_part_ids_are_the_parent_id_and_p1_p2_without_holes(kb: KnowledgeBase) -> None:
    for parent_id, parts in _parts_by_parent(kb).items():
        parent_local = kb.clause(parent_id).local
        numbers = []
        for part in parts:
            found = re.fullmatch(re.escape(parent_local) + r"-p([1-9][0-9]*)", part.local)
            assert found, f"{part.id} is not named {parent_local}-p<n> after its parent"
            numbers.append(int(found.group(1)))
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), (
            f"{parent_id} parts are numbered {sorted(numbers)}"
        )
        assert numbers == sorted(numbers), f"{parent_id} parts are not listed in order"


def test_every_part_says_what_it_asks_and_that_it_is_ours(kb: KnowledgeBase) -> None:
    for part in _parts(kb):
        assert part.summary and part.summary.strip(), f"{part.id} has no summary"
        assert part.title.strip(), f"{part.id} has no title"
        assert part.status == "provisional", (
            f"{part.id}: parts are our decomposition, hence provisional"
        )
        source = kb.framework(part.framework).source(part.source)
        assert source is not None and "decomposition" in source.title, (
            f"{part.id} cites {part.source!r}"
        )


def test_a_part_inherits_what_its_parent_provides(kb: KnowledgeBase) -> None:
    for part in _parts(kb):
        parent = kb.clause(part.parent or "")
        assert part.provision == parent.provision, part.id
        assert part.addressees == parent.addressees and part.categories == parent.categories, (
            part.id
        )
        assert part.applies_from == parent.applies_from, part.id


def test_parts_live_in_the_requirement_parts_files() -> None:
    directory = mappings_dir() / "catalogues"
    for path in sorted(directory.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        kinds = {c.get("kind") for c in document.get("clauses") or []}
        if path.name.endswith(".requirement-parts.yaml"):
            assert kinds == {"part"}, f"{path.name} holds {kinds - {'part'}}"
            assert set(document) <= {"sources", "clauses"}, f"{path.name} is a catalogue part file"
        else:
            assert "part" not in kinds, (
                f"{path.name}: requirement parts belong in a .requirement-parts.yaml file"
            )


@pytest.mark.parametrize(
    "path", sorted((mappings_dir() / "crosswalks").glob("*.parts.yaml")), ids=lambda p: p.name
)
def test_part_level_mapping_sets_name_at_least_one_part_per_row(kb: KnowledgeBase, path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    header = document["mapping_set"]
    assert header["id"] == path.name.removesuffix(".yaml")
    assert header["id"] == f"{header['subject_framework']}-{header['object_framework']}.parts"
    for row in document["mappings"]:
        ends = [
            *([row["subject"]] if isinstance(row["subject"], str) else row["subject"]),
            row["object"],
        ]
        assert any(kb.clause(end).kind == "part" for end in ends), (
            f"{path.name}: {ends} names no part"
        )


def test_parts_of_the_high_risk_articles_link_to_iso23894(kb: KnowledgeBase) -> None:
    linked = {s for m in kb.mappings if m.object.startswith("iso23894:") for s in m.subjects}
    articles = (
        "art9",
        "art10",
        "art11",
        "art12",
        "art13",
        "art14",
        "art15",
        "art17",
        "art26",
        "art27",
        "art72",
        "art73",
    )
    parts = [
        p for p in _parts(kb) if p.framework == "euaiact" and p.local.split(".")[0] in articles
    ]
    assert parts
    missing = [p.id for p in parts if p.id not in linked]
    assert not missing, f"parts without a link to ISO/IEC 23894: {missing}"


def test_eu_provider_against_gbt46347_names_evidenced_and_missing_parts(kb: KnowledgeBase) -> None:
    report = kb.gap(EXAMPLES / "eu-provider.yaml", target="gbt46347")
    status = {f.clause_id: f.status for f in report.findings}
    # a part is no row of its own: its status is shown under the clause it splits
    status |= {p.clause.id: p.status for f in report.findings for p in f.parts}
    assert not any(f.clause.kind == "part" for f in report.findings)
    mixed = []
    for parent_id, parts in _parts_by_parent(kb).items():
        if not parent_id.startswith("gbt46347:") or status.get(parent_id) != "partial":
            continue
        states = {status[p.id] for p in parts}
        if states & EVIDENCED and states & NOT_EVIDENCED:
            mixed.append(parent_id)
    assert mixed, "no partial GB/T 46347 item has both an evidenced and a missing part"
    # one the example is written to show: the provider monitors and records incidents but has
    # no response plan of its own for AI incidents
    assert status["gbt46347:treatment.emergency-p2"] in EVIDENCED
    assert status["gbt46347:treatment.emergency-p1"] in NOT_EVIDENCED


def test_a_clause_split_into_parts_is_covered_only_when_every_part_is() -> None:
    """Soundness at the level of parts: two of three parts covered leave the clause partial."""
    kinds = {"1-p1": "part", "1-p2": "part", "1-p3": "part"}
    clauses = [
        ("1", None),
        ("1-p1", "1"),
        ("1-p2", "1"),
        ("1-p3", "1"),
        ("x", None),
        ("y", None),
        ("z", None),
    ]
    rows = [
        ("x", "superset_of", "1-p1"),
        ("y", "superset_of", "1-p2"),
        ("z", "superset_of", "1-p3"),
    ]
    kb = synthetic_kb(clauses, rows, exhaustive=["1"], kinds=kinds)

    def statuses(*implemented: str) -> dict[str, str]:
        controls = tuple(
            Control(
                id=f"K{n}",
                title="k",
                status="implemented",
                implements=(ClauseRef(clause=f"t:{c}"),),
            )
            for n, c in enumerate(implemented)
        )
        return {
            key: value
            for f in kb.gap(Inventory(controls=controls), target="t").findings
            for key, value in [
                (f.clause_id, f.status),
                *((p.clause.id, p.status) for p in f.parts),
            ]
        }

    two = statuses("x", "y")
    assert two["t:1-p1"] == two["t:1-p2"] == "covered" and two["t:1-p3"] == "gap"
    assert two["t:1"] == "partial"
    assert statuses("x", "y", "z")["t:1"] == "covered"


def test_a_clause_level_row_refined_by_part_rows_is_not_reported_as_redundant() -> None:
    """Part rows refine a clause-level row, which stays (crosswalk.stats.redundant_mappings)."""
    from crosswalk.knowledge.stats import redundant_mappings

    rows = [
        ("1", "intersects_with", "x"),
        ("1-p1", "intersects_with", "x"),
        ("1", "subset_of", "y"),
        ("y", "intersects_with", "x"),
    ]
    clauses = [("1", None), ("1-p1", "1"), ("1-p2", "1"), ("x", None), ("y", None)]
    split = synthetic_kb(clauses, rows, exhaustive=["1"], kinds={"1-p1": "part", "1-p2": "part"})
    assert redundant_mappings(split) == []
    # the same shape with ordinary sub-clauses is redundant: the check itself still works
    plain = synthetic_kb(clauses, rows)
    assert [m.subject for m, _ in redundant_mappings(plain)] == ["t:1"]
