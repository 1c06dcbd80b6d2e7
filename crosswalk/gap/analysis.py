"""Gap analysis: an organisation's controls in, an explained gap report out.

For each clause of the target framework the report gives a status that the mappings
*prove* — never more:

- **covered**: the union of what the effective controls fully implement is proven to
  contain the clause (an implemented clause A with A → T ⊆ {equal, superset_of}, or a
  union / exhaustive split whose every member is covered);
- **partial**: a non-empty overlap is proven (a covered clause overlapping T, or a
  partly implemented clause B proven to lie inside T — the implemented part of B is not
  known, so B ⊇ T only proves nothing about T's share);
- **undetermined**: something links them but overlap is not proven;
- **gap**: nothing links any effective control to the clause;
- **not_applicable**: the clause does not apply to the profile (with the reason);
- **not_an_obligation**: the provision asks nothing of the organisation (a definition,
  scope, procedure, classification, …: :data:`~crosswalk.model.records.COUNTED_PROVISIONS`);
  shown with its type, never counted as a gap.

A clause split into requirement parts gets one row, with the status of each part beneath
it (coverage is counted in parts). A covered status that relies on a mapping with a scope
condition says so; ``strict_scope`` counts such containment as overlap (partial). Every
status short of covered carries its causes and what would close it
(:mod:`crosswalk.gap.remedies`).

Each status carries its evidence: the controls, the mapping derivation and the rule.
The ``score`` (best supporting strength, 0–10) and ``priority`` (0–100) are for sorting
and are kept apart from the proven status.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Mapping as MappingABC
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from crosswalk.gap.applicability import (
    applicability_in,
    matched_categories,
    with_resolved_exclusions,
)
from crosswalk.gap.findings import SCOPE_TEXT, PartFinding
from crosswalk.gap.remedies import Explainer
from crosswalk.gap.report import Evidence, Finding, GapReport, RiskFinding
from crosswalk.gap.rollup import with_rollups
from crosswalk.gap.targets import is_target, section_of
from crosswalk.io.collector import collector_paused
from crosswalk.io.resources import mappings_dir
from crosswalk.io.scoring import ScoringModel, load_scoring_model
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.ids import union_node
from crosswalk.model.inventory import Control, Inventory, Profile
from crosswalk.model.records import Clause, Mapping
from crosswalk.reasoning.relations import (
    _CONVERSE_MASK,
    ALL,
    CONTAINED,
    COVERING,
    OVERLAPPING,
    RelationSet,
)

if TYPE_CHECKING:
    from crosswalk.reasoning.engine import Closure, Network

__all__ = ["gap_analysis"]

_CONVERSE = np.array(_CONVERSE_MASK, dtype=np.uint8)
"""The converse of every relation mask, for reading a row the other way at once."""
_SETS = tuple(RelationSet(mask) for mask in range(ALL + 1))
"""One (immutable) RelationSet per mask, shared by all evidence instead of one each."""
_EQUAL = RelationSet.of("equal")
_DISJOINT = RelationSet.of("no_relationship").mask


class _Marks(NamedTuple):
    """Per node: covered, fully implemented, partly implemented.

    A target's row of the closure is filtered against these at once, not pair by pair.
    """

    covered: npt.NDArray[np.bool_]
    full: npt.NDArray[np.bool_]
    partial: npt.NDArray[np.bool_]


def _marks(size: int, *groups: Iterable[int]) -> _Marks:
    arrays = []
    for group in groups:
        array = np.zeros(size, dtype=np.bool_)
        array[np.fromiter(group, dtype=np.int64)] = True
        arrays.append(array)
    return _Marks(*arrays)


def _toward(closure: Closure, target: int) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8]]:
    """The nodes related to ``target`` and their masks node → target (numpy arrays)."""
    others, masks = closure.row(target)
    return others, _CONVERSE[masks]


def gap_analysis(
    kb: KnowledgeBase,
    inventory: Inventory,
    *,
    target: str,
    profile: Profile | None = None,
    risk_frameworks: Iterable[str] | None = None,
    scoring: ScoringModel | str | Path | None = None,
    strict_scope: bool = False,
) -> GapReport:
    """Compute the gap report of ``inventory`` against the framework ``target``.

    ``strict_scope`` counts containment that holds only under a mapping's scope condition
    (mappings/README.md §6) as overlap: such a clause is partial, not covered.
    """
    with collector_paused():
        return _gap_analysis(kb, inventory, target, profile, risk_frameworks, scoring, strict_scope)


def _gap_analysis(
    kb: KnowledgeBase,
    inventory: Inventory,
    target: str,
    profile: Profile | None,
    risk_frameworks: Iterable[str] | None,
    scoring: ScoringModel | str | Path | None,
    strict_scope: bool,
) -> GapReport:
    kb.framework(target)
    profile = with_resolved_exclusions(kb, profile if profile is not None else inventory.profile)
    closure = kb.closure
    network = kb.network
    index = network.index
    nodes = network.nodes

    full: dict[int, list[tuple[Control, str]]] = {}
    partial: dict[int, list[tuple[Control, str]]] = {}
    for control in inventory.controls:
        if not control.effective:
            continue
        for ref in control.implements:
            bucket = full if control.coverage_of(ref) == "full" else partial
            bucket.setdefault(index[ref.clause], []).append((control, ref.clause))

    covered = _covered(network, closure, full)
    marks = _marks(len(nodes), covered, full, partial)

    explainer = Explainer(kb, inventory, target)

    def status_of(clause_id: str) -> tuple[str, list[Evidence], str]:
        return _status(kb, closure, nodes, index[clause_id], covered, full, partial, marks)

    findings: list[Finding] = []
    for clause in kb.clauses_of(target):
        if not is_target(kb, clause) or clause.kind == "part":
            continue  # a requirement part is shown under the clause it splits
        section = section_of(kb, clause)
        if not clause.is_counted:
            findings.append(_not_an_obligation(clause, section, status_of(clause.id)[0]))
            continue
        verdict = applicability_in(kb, clause, profile)
        if not verdict:
            findings.append(Finding(clause, "not_applicable", verdict.reason, section=section))
            continue
        status, evidence, reason = status_of(clause.id)
        parts = tuple(
            _part_finding(kb.clauses[part], status_of(part))
            for part in kb.children.get(clause.id, ())
            if kb.clauses[part].kind == "part"
        )
        finding = Finding(
            clause,
            status,
            reason,
            tuple(evidence),
            section=section,
            parts=parts,
            applies_from=_applies_from(clause, profile),
        )
        findings.append(explainer.explain(_scoped(finding, strict_scope)))

    findings = with_rollups(kb, findings)  # each obligation counted once, in the finest clause
    risks = _risk_findings(kb, closure, covered, full, partial, risk_frameworks, target)
    model: ScoringModel | None
    if isinstance(scoring, ScoringModel):
        model = scoring
    elif scoring is not None:
        model = load_scoring_model(scoring)
    elif target == "gbt46347":
        model = _bundled_scoring()
    else:
        model = None
    return GapReport(
        kb, target, inventory, profile, findings, risks, scoring=model, strict_scope=strict_scope
    )


def _not_an_obligation(clause: Clause, section: str, proven: str) -> Finding:
    """The row of a provision that asks nothing of the organisation, with its type."""
    if clause.provision == "structure":
        reason = "not an obligation: a heading; the clauses below it are counted"
    else:
        article = "an" if clause.provision[0] in "aeiou" else "a"
        reason = f"not an obligation: {article} {clause.provision} provision asks nothing of the organisation"
    return Finding(clause, "not_an_obligation", reason, section=section, proven=proven)


def _part_finding(part: Clause, status: tuple[str, list[Evidence], str]) -> PartFinding:
    return PartFinding(part, status[0], tuple(status[1]))


def _applies_from(clause: Clause, profile: Profile | None) -> dt.date | None:
    """The date from which the clause applies to the profile (None: no date of its own)."""
    dates = clause.applies_from
    if dates is None:
        return None
    regime = profile.regime if profile is not None else "omnibus"
    categories: list[str | None] = [*sorted(matched_categories(clause, profile))]
    placed = profile.placed_on_market if profile is not None else None
    found = [d for d in (dates.date_for(regime, c, placed) for c in categories or [None]) if d]
    return min(found) if found else None


def _scoped(finding: Finding, strict: bool) -> Finding:
    """A covered finding with the scope conditions its containment relies on.

    Evidence without a condition wins; under ``strict`` conditional containment is
    reported as the overlap it implies.
    """
    if finding.status != "covered":
        return finding
    if any(not e.conditions for e in finding.evidence):
        return finding
    conditions = finding.evidence[0].conditions
    if not strict:
        return dataclasses.replace(finding, conditions=conditions)
    text = " and ".join(SCOPE_TEXT.get(c, c) for c in conditions)
    return dataclasses.replace(
        finding,
        status="partial",
        reason=f"partial: contained only {text}; --strict-scope counts that as overlap",
        conditions=conditions,
    )


def _bundled_scoring() -> ScoringModel:
    """The bundled scoring model, read once while its file is unchanged (not per report)."""
    path = mappings_dir() / "scoring" / "gbt46347-capability.yaml"
    try:
        changed = path.stat().st_mtime_ns
    except OSError:
        return load_scoring_model(path)  # raises the DataError that names the file
    return _scoring_at(str(path), changed)


@lru_cache(maxsize=4)
def _scoring_at(path: str, changed: int) -> ScoringModel:
    return load_scoring_model(path)


class _Covered(MappingABC[int, Evidence]):
    """The covered nodes and their evidence, built for a node only when it is read.

    The fixpoint covers many nodes that are neither a target nor beside one (half the
    nodes at synthetic L); for a node reached through containment it keeps only the node
    it was reached from and the mask, and :func:`_chain` builds the evidence on first read.
    """

    def __init__(self, closure: Closure, network: Network) -> None:
        self.origin: dict[int, tuple[str, str]] = {}  # node -> (control, implemented clause)
        self._closure, self._network = closure, network
        self._built: dict[int, Evidence] = {}
        self._pending: dict[int, tuple[int, int]] = {}  # node -> (reached from, mask)

    def add(self, node: int, evidence: Evidence) -> None:
        self.origin[node] = (evidence.control, evidence.implemented)
        self._built[node] = evidence

    def reach(self, node: int, middle: int, mask: int) -> None:
        self.origin[node] = self.origin[middle]
        self._pending[node] = (middle, mask)

    def __getitem__(self, node: int) -> Evidence:
        found = self._built.get(node)
        if found is None:
            middle, mask = self._pending[node]
            control, implemented = self.origin[node]
            network = self._network
            found = self._built[node] = _chain(
                control, implemented, network.index, middle, node, mask, self._closure,
                network.nodes,
            )  # fmt: skip
        return found

    def __contains__(self, node: object) -> bool:
        return node in self.origin

    def __iter__(self) -> Iterator[int]:
        return iter(self.origin)

    def __len__(self) -> int:
        return len(self.origin)


def _covered(
    network: Network, closure: Closure, full: dict[int, list[tuple[Control, str]]]
) -> _Covered:
    """Least fixpoint from the fully implemented clauses through proven containment.

    A node is covered when a covered node is proven to contain it, or when it is a union
    whose every member is covered; each comes with the evidence of how.
    """
    nodes = network.nodes
    covered = _Covered(closure, network)
    for node, owners in full.items():
        control, clause_id = owners[0]
        covered.add(
            node, Evidence(control.id, clause_id, "full", _EQUAL, "implemented", None, nodes)
        )
    unions_of: dict[int, list[int]] = {}
    for union, members in network.unions.items():
        for member in members:
            unions_of.setdefault(member, []).append(union)
    done = np.zeros(len(nodes), dtype=np.bool_)  # covered, as an array to filter rows with
    done[list(covered)] = True
    frontier = list(covered)
    while frontier:
        next_frontier: list[int] = []
        for node in frontier:
            for other, mask in _contained(closure, node, done):
                covered.reach(other, node, mask)
                done[other] = True
                next_frontier.append(other)
        touched = sorted({u for n in next_frontier + frontier for u in unions_of.get(n, ())})
        for union in touched:
            members = network.unions[union]
            if union not in covered and all(m in covered for m in members):
                first, implemented = covered.origin[members[0]]
                controls = sorted({covered.origin[m][0] for m in members})
                covered.add(
                    union,
                    Evidence(
                        first,
                        implemented,
                        "full",
                        _EQUAL,
                        "every member of the union is covered: " + ", ".join(controls),
                        None,
                        nodes,
                        members=tuple(covered[m] for m in members),
                    ),
                )
                done[union] = True
                next_frontier.append(union)
        frontier = next_frontier
    return covered


def _contained(closure: Closure, node: int, done: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """The nodes not ``done`` that ``node`` is proven to contain ({equal, superset_of}), with the masks."""
    others, masks = closure.row(node)
    inside = ((masks & (ALL & ~COVERING)) == 0) & ~done[others]
    return list(zip(others[inside].tolist(), masks[inside].tolist(), strict=True))


def _related(closure: Closure, target: int) -> list[tuple[int, int]]:
    """The nodes with a known relation to ``target``, each with its mask node → target."""
    others, masks = closure.row(target)
    converse = _CONVERSE_MASK
    return [
        (node, converse[mask]) for node, mask in zip(others.tolist(), masks.tolist(), strict=True)
    ]


def _chain(
    control: str,
    implemented: str,
    index: dict[str, int],
    middle: int,
    target: int,
    mask: int,
    closure: Closure,
    nodes: Sequence[str],
) -> Evidence:
    """Evidence that ``target`` is covered, reached from the covered node ``middle``.

    ``control`` fully implements ``implemented``, the clause the chain started from: the
    derivation from that clause when it proves containment, else the one from ``middle``.
    """
    origin_node = index.get(implemented, middle)
    derivation = closure.deferred_derivation(origin_node, target)
    relation = _SETS[closure.mask(origin_node, target)]
    if derivation is None or relation.mask & ~COVERING:
        derivation = closure.deferred_derivation(middle, target)
        relation = _SETS[mask]
    return Evidence(
        control, implemented, "full", relation, "proven to contain it", derivation, nodes
    )


def _status(
    kb: KnowledgeBase,
    closure: Closure,
    nodes: Sequence[str],
    target: int,
    covered: _Covered,
    full: dict[int, list[tuple[Control, str]]],
    partial: dict[int, list[tuple[Control, str]]],
    marks: _Marks,
) -> tuple[str, list[Evidence], str]:
    """The status of ``target`` with its evidence and the reason, by the coverage rules.

    Only clauses with a known relation to the target can support it: its row of the
    closure, filtered at once against the marks; Python touches only the nodes that pass.
    """
    others, masks = _toward(closure, target)
    if target in covered:
        evidence = [covered[target]]
        # independent support from other fully implemented clauses, for confidence
        pick = marks.full[others] & (masks & (ALL & ~COVERING) == 0)
        for node, mask in zip(others[pick].tolist(), masks[pick].tolist(), strict=True):
            owners = full[node]
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
    pick = marks.covered[others] & (masks & (ALL & ~OVERLAPPING) == 0)
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
    pick = marks.partial[others] & (masks & (ALL & ~CONTAINED) == 0)
    inside = list(zip(others[pick].tolist(), masks[pick].tolist(), strict=True))
    if target in partial:
        inside.append((target, closure.mask(target, target)))
    for node, mask in inside:
        for control, clause_id in partial[node]:
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
    pick = (marks.full[others] | marks.partial[others]) & (masks != _DISJOINT)
    related = list(zip(others[pick].tolist(), masks[pick].tolist(), strict=True))
    linked = _linked(kb, closure, nodes, target, related, full, partial)
    if linked:
        return (
            "undetermined",
            linked,
            f"undetermined: {linked[0].control} ({linked[0].implemented}) is linked, but overlap is not proven",
        )
    return "gap", [], "gap: no effective control is linked to this clause"


def _linked(
    kb: KnowledgeBase,
    closure: Closure,
    nodes: Sequence[str],
    target: int,
    related: list[tuple[int, int]],
    full: dict[int, list[tuple[Control, str]]],
    partial: dict[int, list[tuple[Control, str]]],
) -> list[Evidence]:
    """Implemented clauses linked to ``target`` without a proven overlap.

    A known relation other than "disjoint" links them (``related``: the implemented clauses
    with such a relation, and their masks → target); failing that, a chain of at most two
    asserted mappings.
    """
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


def _risk_findings(
    kb: KnowledgeBase,
    closure: Closure,
    covered: _Covered,
    full: dict[int, list[tuple[Control, str]]],
    partial: dict[int, list[tuple[Control, str]]],
    risk_frameworks: Iterable[str] | None,
    target: str,
) -> list[RiskFinding]:
    frameworks = (
        list(risk_frameworks)
        if risk_frameworks is not None
        else [p for p in (target, "gbt46347", "aisgf1", "iso23894") if p in kb.frameworks]
    )
    frameworks = list(dict.fromkeys(frameworks))
    index = kb.network.index
    addressing: dict[str, list[Mapping]] = {}
    for mapping in kb.mappings:
        if mapping.relation == "addresses":
            addressing.setdefault(mapping.object, []).append(mapping)
    result = []
    for prefix in frameworks:
        for risk in kb.clauses_of(prefix):
            if risk.kind != "risk_source":
                continue
            by: list[tuple[str, str, Mapping]] = []
            partly: list[tuple[str, str, Mapping]] = []
            for mapping in addressing.get(risk.id, []):
                requirement = (
                    index[mapping.subjects[0]]
                    if not mapping.is_union
                    else index.get(union_node(mapping.subjects))
                )
                if requirement is None:
                    continue
                if requirement in covered:
                    by.append((covered[requirement].control, mapping.subject, mapping))
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
                            partly.append((covered[node].control, mapping.subject, mapping))
                            break
            if by:
                result.append(RiskFinding(risk, "addressed", tuple(by)))
            elif partly:
                result.append(RiskFinding(risk, "partly_addressed", tuple(partly)))
            else:
                result.append(RiskFinding(risk, "not_addressed"))
    return result
