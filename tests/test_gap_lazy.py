"""The gap analysis decides all statuses at once and builds findings only when read.

Differential tests: the statuses that :mod:`crosswalk.gap.coverage` computes over the
closure's arrays against a reference computed the slow way (every pair's relation read one
at a time, the covered fixpoint by repeated passes), on random set models and on the
bundled data; the covered nodes' origins against the breadth-first search the evidence was
built from before; and a report read lazily (counts first, findings in any order) against
one read whole.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crosswalk
from benchmarks.synthetic import generate
from crosswalk.api import KnowledgeBase
from crosswalk.gap.analysis import _Findings, gap_analysis
from crosswalk.gap.coverage import STATUS_CODES, coverage, implemented
from crosswalk.gap.report import GapReport
from crosswalk.model.inventory import ClauseRef, Control, Inventory
from crosswalk.reasoning.relations import ALL, CONTAINED, COVERING, OVERLAPPING, RelationSet

from .conftest import EXAMPLES, synthetic_kb
from .gap_snapshot import finding_snapshot, report_snapshot
from .test_inference import set_models
from .test_relations import true_relation

DISJOINT = RelationSet.of("no_relationship").mask


def reference_statuses(kb: KnowledgeBase, inventory: Inventory, nodes: list[int]) -> list[str]:
    """The coverage rules, pair by pair: slow, and written without the arrays."""
    closure, network = kb.closure, kb.network
    marks = implemented(network, inventory)
    full, partial = set(marks.full), set(marks.partial)
    size = len(network.nodes)
    covered = set(full)
    changed = True
    while changed:  # the least fixpoint, by passes until nothing changes
        changed = False
        for node in range(size):
            if node in covered:
                continue
            inside = any(closure.mask(c, node) & ~COVERING == 0 for c in covered)
            members = network.unions.get(node)
            if inside or (members and all(m in covered for m in members)):
                covered.add(node)
                changed = True
    linked = kb.mapping_neighbours
    result = []
    for target in nodes:
        toward = {n: closure.mask(n, target) for n in range(size) if n != target}
        if target in covered:
            result.append("covered")
        elif (
            target in partial
            or any(toward[c] & ~OVERLAPPING == 0 for c in covered)
            or any(toward[p] & ~CONTAINED == 0 for p in partial)
        ):
            result.append("partial")
        elif any(toward[n] not in (ALL, DISJOINT) for n in full | partial):
            result.append("undetermined")
        else:
            near = set(linked.get(target, ()))
            near |= {o for n in near for o in linked.get(n, ())}
            result.append("undetermined" if near & (full | partial) else "gap")
    return result


def breadth_first_origins(kb: KnowledgeBase, inventory: Inventory) -> dict[int, tuple[int, int]]:
    """Per covered node: the node it was reached from and the implemented node it started at.

    The breadth-first search the evidence of a covered node was built from before the
    statuses were vectorised (-1: implemented itself, or a union of covered members).
    """
    closure, network = kb.closure, kb.network
    marks = implemented(network, inventory)
    origin = {node: (-1, node) for node in marks.full}
    unions_of: dict[int, list[int]] = {}
    for union, members in network.unions.items():
        for member in members:
            unions_of.setdefault(member, []).append(union)
    frontier = list(origin)
    while frontier:
        reached: list[int] = []
        for node in frontier:
            for other, mask in closure.neighbours(node).items():
                if other not in origin and mask & ~COVERING == 0:
                    origin[other] = (node, origin[node][1])
                    reached.append(other)
        for union in sorted({u for n in reached + frontier for u in unions_of.get(n, ())}):
            members = network.unions[union]
            if union not in origin and all(m in origin for m in members):
                origin[union] = (-1, origin[members[0]][1])
                reached.append(union)
        frontier = reached
    return origin


def assert_statuses_agree(kb: KnowledgeBase, inventory: Inventory, target: str) -> None:
    """Arrays, the slow reference and the built findings give every row the same status."""
    report = gap_analysis(kb, inventory, target=target)
    lazy = report._lazy
    assert isinstance(lazy, _Findings)
    nodes = [int(n) for n in lazy.rows.nodes]
    computed = list(lazy.statuses)
    assert computed == reference_statuses(kb, inventory, nodes)
    counts = dict(report.counts)  # from the statuses alone: nothing is built yet
    sections = [(s.section, s.counts, s.evidenced) for s in report.sections]
    rollups = report.rollups
    assert report._findings is None
    outline = lazy.outline()
    assert outline is not None
    built = report.findings
    assert [f.status for f in outline] == [f.status for f in built]
    assert [f.rollup_of for f in outline] == [f.rollup_of for f in built]
    whole = GapReport(kb, target, inventory, report.profile, built, [])
    assert sections == [(s.section, s.counts, s.evidenced) for s in whole.sections]
    assert rollups == whole.rollups
    assert [[p.status for p in f.parts] for f in outline] == [
        [p.status for p in f.parts] for f in built
    ]
    assert counts == GapReport(kb, target, inventory, report.profile, built, []).counts
    for finding in built:
        if finding.status in STATUS_CODES:
            i = lazy.index(finding.clause.id)
            assert i is not None
            assert finding.status == computed[lazy.rows.first_part[i] - 1]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(set_models(), st.data())
def test_statuses_equal_the_slow_reference_in_random_set_models(model, data) -> None:
    sets, parents, pairs, unions = model
    clauses = [(f"c{i}", f"c{p}" if p is not None else None) for i, p in enumerate(parents)]
    mappings: list[tuple[str | tuple[str, str], str, str]] = [
        (f"c{i}", true_relation(sets[i], sets[j]).value, f"c{j}") for i, j in pairs
    ]
    for a, b, target in unions:
        mappings.append(
            ((f"c{a}", f"c{b}"), true_relation(sets[a] | sets[b], sets[target]).value, f"c{target}")
        )
    kb = synthetic_kb(clauses, mappings)
    picks = data.draw(st.lists(st.integers(0, len(sets) - 1), unique=True, max_size=4))
    controls = tuple(
        Control(
            id=f"K{i}",
            title="k",
            status=data.draw(st.sampled_from(["implemented", "partially_implemented"])),
            implements=(
                ClauseRef(
                    clause=f"t:c{i}", coverage=data.draw(st.sampled_from(["full", "partial"]))
                ),
            ),
        )
        for i in picks
    )
    inventory = Inventory(controls=controls)
    assert_statuses_agree(kb, inventory, "t")
    origins = breadth_first_origins(kb, inventory)
    found = coverage(kb.closure, kb.network, implemented(kb.network, inventory))
    assert {n: (int(found.middle[n]), int(found.seed[n])) for n in origins} == origins
    assert int(found.covered.sum()) == len(origins)


@pytest.fixture(scope="module")
def bundled() -> KnowledgeBase:
    return crosswalk.load()


@pytest.mark.parametrize("example", sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
def test_statuses_and_origins_equal_the_slow_reference_on_the_bundled_data(
    bundled: KnowledgeBase, example: str
) -> None:
    inventory = bundled.read_inventory(EXAMPLES / f"{example}.yaml")
    for target in ("gbt46347", "euaiact", "iso42001"):
        assert_statuses_agree(bundled, inventory, target)
    origins = breadth_first_origins(bundled, inventory)
    found = coverage(bundled.closure, bundled.network, implemented(bundled.network, inventory))
    assert {n: (int(found.middle[n]), int(found.seed[n])) for n in origins} == origins


def test_statuses_equal_the_slow_reference_on_synthetic_s() -> None:
    data = generate("S")
    kb = data.knowledge_base()
    assert_statuses_agree(kb, data.inventory, data.target)


@pytest.mark.parametrize("strict", [False, True])
def test_a_report_read_in_any_order_reads_the_same(bundled: KnowledgeBase, strict: bool) -> None:
    """Findings built one by one, in a shuffled order, after the counts: the same report."""
    inventory = bundled.read_inventory(EXAMPLES / "eu-provider.yaml")
    whole = gap_analysis(bundled, inventory, target="gbt46347", strict_scope=strict)
    expected = report_snapshot(whole)
    lazy = gap_analysis(bundled, inventory, target="gbt46347", strict_scope=strict)
    counts = dict(lazy.counts)
    ids = [f.clause.id for f in whole.findings]
    random.Random(7).shuffle(ids)
    one_by_one = {clause: finding_snapshot(lazy.finding(clause)) for clause in ids}
    assert counts == expected["counts"]
    assert [one_by_one[f["clause"]] for f in expected["findings"]] == expected["findings"]
    assert repr(report_snapshot(lazy)) == repr(expected)


def test_an_unknown_clause_has_no_finding(bundled: KnowledgeBase) -> None:
    report = bundled.gap(EXAMPLES / "eu-provider.yaml", target="gbt46347")
    with pytest.raises(KeyError):
        report.finding("euaiact:art5")


def test_the_findings_of_a_report_can_be_replaced(bundled: KnowledgeBase) -> None:
    """A caller that filters the findings gets counts and sections of what it kept."""
    report = bundled.gap(EXAMPLES / "eu-provider.yaml", target="gbt46347")
    assert report.counts["partial"] > 0
    report.findings = [f for f in report.findings if f.status != "partial"]
    assert report.counts["partial"] == 0
    counted = [f for f in report.findings if not f.rollup_of]
    assert sum(sum(s.counts.values()) for s in report.sections) == len(counted)
