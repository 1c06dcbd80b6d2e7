"""The gap analysis on the reasoning engine: the statuses of the engine it replaced.

Two oracles, neither written by hand: the PC-2 queue (the engine's fallback, the
algorithm of the engine before it) closing the same facts, on the bundled data; and the
statuses the engine before it computed for synthetic S, kept in
``tests/data/gap-statuses-before-engine.json``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest

import crosswalk
from benchmarks.synthetic import generate
from crosswalk.api import KnowledgeBase
from crosswalk.gap.analysis import gap_analysis
from crosswalk.reasoning._queue import queue_closure
from crosswalk.reasoning.engine import Closure

from .conftest import EXAMPLES, ROOT

BEFORE = ROOT / "tests" / "data" / "gap-statuses-before-engine.json"


def queue_kb(kb: KnowledgeBase) -> KnowledgeBase:
    """A copy of ``kb`` whose closure is the PC-2 queue's."""
    other = copy.copy(kb)
    network = kb.network
    pointer, neighbour, relation, supports, contradictions = queue_closure(
        len(network.nodes), network.facts
    )
    other.__dict__["unchecked_closure"] = Closure(
        len(network.nodes), list(network.facts), pointer, neighbour, relation, supports,
        contradictions,
    )  # fmt: skip
    return other


@pytest.fixture(scope="module")
def both() -> Iterator[tuple[KnowledgeBase, KnowledgeBase]]:
    kb = crosswalk.load()
    yield kb, queue_kb(kb)


@pytest.mark.parametrize("example", sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
def test_statuses_equal_those_of_the_pc2_closure_on_the_bundled_data(
    both: tuple[KnowledgeBase, KnowledgeBase], example: str
) -> None:
    kb, oracle = both
    inventory = kb.read_inventory(EXAMPLES / f"{example}.yaml")
    for target in sorted(kb.frameworks):
        mine = gap_analysis(kb, inventory, target=target)
        theirs = gap_analysis(oracle, inventory, target=target)
        assert [(f.clause.id, f.status) for f in mine.findings] == [
            (f.clause.id, f.status) for f in theirs.findings
        ], target
        assert [(r.risk.id, r.status) for r in mine.risks] == [
            (r.risk.id, r.status) for r in theirs.risks
        ], target
        assert [(f.clause.id, f.next_steps) for f in mine.findings] == [
            (f.clause.id, f.next_steps) for f in theirs.findings
        ], target


def test_statuses_of_synthetic_s_equal_those_computed_before_the_engine() -> None:
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    data = generate("S")
    report = gap_analysis(data.knowledge_base(), data.inventory, target=data.target)
    assert {f.clause.id: f.status for f in report.findings} == before["findings"]
    assert {r.risk.id: r.status for r in report.risks} == before["risks"]


def test_evidence_derivations_are_expanded_only_when_read(
    both: tuple[KnowledgeBase, KnowledgeBase],
) -> None:
    """Deferred derivations read exactly like the ones the closure expands at once."""
    kb, _ = both
    report = kb.gap(EXAMPLES / "eu-provider.yaml", target="gbt46347")
    evidence = [e for f in report.findings for e in f.evidence if e.derivation is not None]
    assert evidence
    index = kb.network.index
    for item in evidence[:50]:
        derivation = item.derivation
        assert derivation is not None
        full = kb.closure.derivation(derivation.left, derivation.right)
        assert derivation == full
        assert derivation.strength == full.strength and list(derivation.facts()) == list(
            full.facts()
        )
    assert all(e.implemented in index for e in evidence)
