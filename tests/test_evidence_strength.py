"""Ranking evidence by strength reads the closure, not expanded derivation trees.

A gap analysis sorts its evidence by strength (the weakest fact of each derivation); the
closure answers that per entry without building the tree, and the answer must be the
tree's.
"""

from __future__ import annotations

import random

from crosswalk.api import KnowledgeBase
from crosswalk.reasoning.derivation import DeferredDerivation


def test_strength_without_the_tree_is_the_trees(kb: KnowledgeBase) -> None:
    closure = kb.closure
    rng = random.Random(3)
    picks = rng.sample(range(int(closure.neighbour.size)), 400)
    lefts = closure.row_pointer.searchsorted(picks, side="right") - 1
    strengths = set()
    for left, position in zip(lefts.tolist(), picks, strict=True):
        right = int(closure.neighbour[position])
        deferred = closure.deferred_derivation(left, right)
        assert isinstance(deferred, DeferredDerivation)
        cheap = deferred.strength
        assert deferred._tree is None  # ranking did not expand it
        tree = closure.derivation(left, right)
        assert tree is not None
        assert cheap == tree.strength == min(f.strength for f in tree.facts())
        assert deferred.strength == cheap  # the second read, from the kept value
        strengths.add(cheap)
    assert len(strengths) > 1  # the sample tells strengths apart


def test_gap_evidence_is_ranked_by_the_strength_its_derivation_shows(kb: KnowledgeBase) -> None:
    from crosswalk.gap.analysis import gap_analysis

    from .conftest import EXAMPLES

    inventory = kb.read_inventory(EXAMPLES / "eu-provider.yaml")
    report = gap_analysis(kb, inventory, target="gbt46347")
    ranked = [f for f in report.findings if f.status == "partial" and len(f.evidence) > 1]
    assert ranked
    for finding in ranked:
        shown = [
            e.derivation._expanded().strength
            if isinstance(e.derivation, DeferredDerivation)
            else e.strength
            for e in finding.evidence
        ]
        assert shown == sorted(shown, reverse=True)
