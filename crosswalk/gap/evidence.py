"""The evidence behind each status of a gap analysis, built one finding at a time.

:mod:`crosswalk.gap.coverage` decides the statuses of all targets at once; this module
says *why*, for one target when a caller reads its finding: the controls, the mapping
derivation and the rule, by the coverage rules of :mod:`crosswalk.gap.analysis`. It reads
the target's row of the closure, filtered against the coverage marks, so Python touches
only the nodes that support the target.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from collections.abc import Mapping as MappingABC
from typing import TYPE_CHECKING

import numpy as np

from crosswalk.gap.coverage import Coverage
from crosswalk.gap.findings import Evidence
from crosswalk.gap.report import RiskFinding
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.ids import union_node
from crosswalk.model.records import Mapping
from crosswalk.reasoning.algebra import CONVERSE
from crosswalk.reasoning.relations import (
    _CONVERSE_MASK,
    ALL,
    CONTAINED,
    COVERING,
    OVERLAPPING,
    RelationSet,
)

if TYPE_CHECKING:
    from crosswalk.reasoning.closure import Closure

__all__ = ["CoveredEvidence", "risk_findings", "status_evidence"]

"""The converse of every relation mask, for reading a row the other way at once."""
_SETS = tuple(RelationSet(mask) for mask in range(ALL + 1))
"""One (immutable) RelationSet per mask, shared by all evidence instead of one each."""
_EQUAL = RelationSet.of("equal")
_DISJOINT = RelationSet.of("no_relationship").mask

Status = tuple[str, list[Evidence], str]


class CoveredEvidence(MappingABC[int, Evidence]):
    """The evidence that a covered node is covered, built when it is first read.

    A node implemented in full cites its first control; a node reached through
    containment, the chain from the clause its control implements (:func:`_chain`); a
    union, the evidence of each member.
    """

    def __init__(self, coverage: Coverage) -> None:
        self.coverage = coverage
        self._unions = frozenset(coverage.unions)
        self._built: dict[int, Evidence] = {}

    def origin(self, node: int) -> tuple[str, str]:
        """The control and the clause it implements in full that ``node``'s coverage starts from."""
        control, clause = self.coverage.implemented.full[int(self.coverage.seed[node])][0]
        return control.id, clause

    def __getitem__(self, node: int) -> Evidence:
        found = self._built.get(node)
        if found is None:
            if not self.coverage.covered[node]:
                raise KeyError(node)
            found = self._built[node] = self._evidence(node)
        return found

    def _evidence(self, node: int) -> Evidence:
        coverage = self.coverage
        network = coverage.network
        nodes = network.nodes
        control, implemented = self.origin(node)
        if node in self._unions:
            members = network.unions[node]
            controls = sorted({self.origin(m)[0] for m in members})
            return Evidence(
                control,
                implemented,
                "full",
                _EQUAL,
                "every member of the union is covered: " + ", ".join(controls),
                None,
                nodes,
                members=tuple(self[m] for m in members),
            )
        middle = int(coverage.middle[node])
        if middle < 0:
            return Evidence(control, implemented, "full", _EQUAL, "implemented", None, nodes)
        return _chain(control, implemented, coverage, middle, node, int(coverage.mask[node]))

    def __contains__(self, node: object) -> bool:
        return isinstance(node, int | np.integer) and bool(self.coverage.covered[node])

    def __iter__(self) -> Iterator[int]:
        return iter(np.flatnonzero(self.coverage.covered).tolist())

    def __len__(self) -> int:
        return int(self.coverage.covered.sum())


def _chain(
    control: str, implemented: str, coverage: Coverage, middle: int, target: int, mask: int
) -> Evidence:
    """Evidence that ``target`` is covered, reached from the covered node ``middle``.

    ``control`` fully implements ``implemented``, the clause the chain started from: the
    derivation from that clause when it proves containment, else the one from ``middle``.
    """
    closure, network = coverage.closure, coverage.network
    origin_node = network.index.get(implemented, middle)
    derivation = closure.deferred_derivation(origin_node, target)
    relation = _SETS[closure.mask(origin_node, target)]
    if derivation is None or relation.mask & ~COVERING:
        derivation = closure.deferred_derivation(middle, target)
        relation = _SETS[mask]
    return Evidence(
        control, implemented, "full", relation, "proven to contain it", derivation, network.nodes
    )


def status_evidence(kb: KnowledgeBase, covered: CoveredEvidence, target: int) -> Status:
    """The status of ``target`` with its evidence and the reason, by the coverage rules.

    Only clauses with a known relation to the target can support it: its row of the
    closure, filtered at once against the marks; Python touches only the nodes that pass.
    """
    coverage = covered.coverage
    closure, nodes, marks = coverage.closure, coverage.network.nodes, coverage.implemented
    others, masks = closure.row(target)
    masks = CONVERSE[masks]  # node → target
    if coverage.covered[target]:
        evidence = [covered[target]]
        # independent support from other fully implemented clauses, for confidence
        pick = marks.is_full[others] & (masks & (ALL & ~COVERING) == 0)
        for node, mask in zip(others[pick].tolist(), masks[pick].tolist(), strict=True):
            owners = marks.full[node]
            if owners[0][0].id != evidence[0].control:
                evidence.append(
                    Evidence(
                        owners[0][0].id,
                        owners[0][1],
                        "full",
                        _SETS[mask],
                        "proven to contain it",
                        closure.deferred_derivation(node, target),
                        nodes,
                    )
                )
        rule = evidence[0].rule
        return (
            "covered",
            evidence,
            f"covered: {evidence[0].control} implements {evidence[0].implemented} ({rule})",
        )
    overlap: list[Evidence] = []
    pick = coverage.covered[others] & (masks & (ALL & ~OVERLAPPING) == 0)
    for node, mask in zip(others[pick].tolist(), masks[pick].tolist(), strict=True):
        source = covered[node]
        overlap.append(
            Evidence(
                source.control,
                source.implemented,
                "full",
                _SETS[mask],
                f"{nodes[node]} is covered and proven to overlap it",
                closure.deferred_derivation(node, target),
                nodes,
            )
        )
    pick = marks.is_partial[others] & (masks & (ALL & ~CONTAINED) == 0)
    inside = list(zip(others[pick].tolist(), masks[pick].tolist(), strict=True))
    if target in marks.partial:
        inside.append((target, closure.mask(target, target)))
    for node, mask in inside:
        for control, clause_id in marks.partial[node]:
            overlap.append(
                Evidence(
                    control.id,
                    clause_id,
                    "partial",
                    _SETS[mask],
                    "partly implemented clause proven to lie inside it",
                    closure.deferred_derivation(node, target),
                    nodes,
                )
            )
    if overlap:
        overlap.sort(key=lambda e: -e.strength)
        return (
            "partial",
            overlap,
            f"partial: overlap proven via {overlap[0].control} ({overlap[0].implemented})",
        )
    pick = (marks.is_full[others] | marks.is_partial[others]) & (masks != _DISJOINT)
    related = list(zip(others[pick].tolist(), masks[pick].tolist(), strict=True))
    linked = _linked(kb, coverage, target, related)
    if linked:
        return (
            "undetermined",
            linked,
            f"undetermined: {linked[0].control} ({linked[0].implemented}) is linked, but overlap is not proven",
        )
    return "gap", [], "gap: no effective control is linked to this clause"


def _linked(
    kb: KnowledgeBase, coverage: Coverage, target: int, related: list[tuple[int, int]]
) -> list[Evidence]:
    """Implemented clauses linked to ``target`` without a proven overlap.

    A known relation other than "disjoint" links them (``related``: the implemented clauses
    with such a relation, and their masks → target); failing that, a chain of at most two
    asserted mappings.
    """
    closure, nodes = coverage.closure, coverage.network.nodes
    full, partial = coverage.implemented.full, coverage.implemented.partial
    linked: list[Evidence] = []
    for node, mask in related:
        owners = full.get(node) or partial[node]
        control, clause_id = owners[0]
        linked.append(
            Evidence(
                control.id,
                clause_id,
                "full" if node in full else "partial",
                _SETS[mask],
                "linked, but overlap is not proven",
                closure.deferred_derivation(node, target),
                nodes,
            )
        )
    if not linked:
        neighbours = kb.mapping_neighbours
        two_hop = set()
        for node in neighbours.get(target, ()):
            two_hop.add(node)
            two_hop.update(neighbours.get(node, ()))
        hits = sorted(n for n in two_hop if n in full or n in partial)
        for node in sorted(hits, key=lambda n: n not in full):
            owners = full.get(node) or partial[node]
            if owners:
                control, clause_id = owners[0]
                linked.append(
                    Evidence(
                        control.id,
                        clause_id,
                        "full" if node in full else "partial",
                        RelationSet(ALL),
                        "a mapping chain links them, but no overlap follows from it",
                        None,
                        nodes,
                    )
                )
    return linked


def _related(closure: Closure, target: int) -> list[tuple[int, int]]:
    """The nodes with a known relation to ``target``, each with its mask node → target."""
    others, masks = closure.row(target)
    converse = _CONVERSE_MASK
    return [
        (node, converse[mask]) for node, mask in zip(others.tolist(), masks.tolist(), strict=True)
    ]


def risk_findings(
    kb: KnowledgeBase,
    covered: CoveredEvidence,
    risk_frameworks: Iterable[str] | None,
    target: str,
) -> list[RiskFinding]:
    """Whether each named risk source of the risk frameworks is addressed, and by what."""
    frameworks = (
        list(risk_frameworks)
        if risk_frameworks is not None
        else [p for p in (target, "gbt46347", "aisgf1", "iso23894") if p in kb.frameworks]
    )
    frameworks = list(dict.fromkeys(frameworks))
    addressing: dict[str, list[Mapping]] = {}
    for mapping in kb.mappings:
        if mapping.relation == "addresses":
            addressing.setdefault(mapping.object, []).append(mapping)
    result = []
    for prefix in frameworks:
        for risk in kb.clauses_of(prefix):
            if risk.kind != "risk_source":
                continue
            by, partly = _addressed_by(kb, covered, addressing.get(risk.id, []))
            if by:
                result.append(RiskFinding(risk, "addressed", tuple(by)))
            elif partly:
                result.append(RiskFinding(risk, "partly_addressed", tuple(partly)))
            else:
                result.append(RiskFinding(risk, "not_addressed"))
    return result


def _addressed_by(
    kb: KnowledgeBase, covered: CoveredEvidence, addressing: list[Mapping]
) -> tuple[list[tuple[str, str, Mapping]], list[tuple[str, str, Mapping]]]:
    """The requirements addressing a risk that are covered, and those only partly evidenced."""
    coverage = covered.coverage
    closure, index, partial = coverage.closure, kb.network.index, coverage.implemented.partial
    by: list[tuple[str, str, Mapping]] = []
    partly: list[tuple[str, str, Mapping]] = []
    for mapping in addressing:
        requirement = (
            index[mapping.subjects[0]]
            if not mapping.is_union
            else index.get(union_node(mapping.subjects))
        )
        if requirement is None:
            continue
        if requirement in covered:
            by.append((covered.origin(requirement)[0], mapping.subject, mapping))
            continue
        around = _related(closure, requirement)
        inside = [n for n, m in around if n in partial and m & ~CONTAINED == 0]
        if requirement in partial:
            inside.insert(0, requirement)
        if inside:
            partly.append((partial[inside[0]][0][0].id, mapping.subject, mapping))
        else:
            for node, mask in around:
                if node in covered and mask & ~OVERLAPPING == 0:
                    partly.append((covered.origin(node)[0], mapping.subject, mapping))
                    break
    return by, partly
