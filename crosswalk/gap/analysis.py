"""Gap analysis: an organisation's controls in, an explained gap report out (DESIGN.md §5).

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
- **not_applicable**: the clause does not apply to the profile (with the reason).

Each status carries its evidence: the controls, the mapping derivation and the rule.
The ``score`` (best supporting strength, 0–10) and ``priority`` (0–100) are for sorting
and are kept apart from the proven status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from crosswalk.gap.applicability import applicability
from crosswalk.io.inventory import Control, Inventory, Profile
from crosswalk.io.resources import mappings_dir
from crosswalk.model.errors import DataError, Problem
from crosswalk.model.records import Clause, Mapping
from crosswalk.reasoning.inference import Derivation
from crosswalk.reasoning.relations import ALL, CONTAINED, COVERING, OVERLAPPING, RelationSet

if TYPE_CHECKING:
    import pandas

    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "STATUSES",
    "CapabilityEstimate",
    "Evidence",
    "Finding",
    "GapReport",
    "RiskFinding",
    "ScoringModel",
    "SectionSummary",
    "gap_analysis",
    "is_target",
    "load_scoring_model",
]

STATUSES = ("covered", "partial", "undetermined", "gap", "not_applicable")
_RANK = {"covered": 4, "partial": 3, "undetermined": 2, "gap": 1, "not_applicable": 0}
_EXCLUDED_KINDS = frozenset(
    {"risk_source", "risk_category", "capability_level", "definition", "front_matter"}
)


@dataclass(frozen=True)
class Evidence:
    """Why a target clause has its status: which control, through which clause, by which rule."""

    control: str
    implemented: str
    coverage: str
    relation: RelationSet
    rule: str
    derivation: Derivation | None = None
    nodes: Sequence[str] = ()

    @property
    def strength(self) -> int:
        """Weakest link of the derivation (10 when the control cites the clause itself)."""
        return self.derivation.strength if self.derivation else 10

    @property
    def confidence(self) -> float:
        """Product of the confidences along the derivation."""
        return self.derivation.confidence if self.derivation else 1.0

    @property
    def mappings(self) -> list[Mapping]:
        """The asserted mappings used."""
        if self.derivation is None:
            return []
        return [
            f.payload for f in self.derivation.distinct_facts() if isinstance(f.payload, Mapping)
        ]

    def path_text(self) -> str:
        """The chain of facts as one readable line."""
        if self.derivation is None:
            return f"{self.control} implements {self.implemented} ({self.coverage})"
        steps = []
        for fact in self.derivation.facts():
            left, right = self.nodes[fact.left], self.nodes[fact.right]
            where = fact.payload.where if isinstance(fact.payload, Mapping) else fact.kind
            steps.append(f"{left} {RelationSet(fact.mask)} {right} [{where}]")
        return f"{self.control} implements {self.implemented} ({self.coverage}); " + "; ".join(
            steps
        )


@dataclass(frozen=True)
class Finding:
    """The status of one target clause, with evidence and next steps."""

    clause: Clause
    status: str
    reason: str
    evidence: tuple[Evidence, ...] = ()
    next_steps: tuple[str, ...] = ()
    planned: tuple[str, ...] = ()
    section: str | None = None

    @property
    def clause_id(self) -> str:
        """The target clause id."""
        return self.clause.id

    @property
    def controls(self) -> tuple[str, ...]:
        """Ids of the controls that support the status."""
        return tuple(dict.fromkeys(e.control for e in self.evidence))

    @property
    def score(self) -> float:
        """Best supporting strength (0–10); 0 when nothing supports the clause."""
        return float(max((e.strength for e in self.evidence), default=0))

    @property
    def confidence(self) -> float | None:
        """Confidence that the status holds: noisy-OR across independent evidence."""
        if not self.evidence:
            return None
        remaining = 1.0
        for item in self.evidence:
            remaining *= 1 - item.confidence
        return 1 - remaining

    @property
    def priority(self) -> int:
        """0–100: how urgent closing this clause is (gaps on normative clauses first)."""
        if self.status == "not_applicable":
            return 0
        weight = {"covered": 0.0, "partial": 0.5, "undetermined": 0.8, "gap": 1.0}[self.status]
        normative = 1.0 if self.clause.normative else 0.5
        return round(100 * weight * normative)


@dataclass(frozen=True)
class RiskFinding:
    """Whether a named risk source is addressed by the effective controls."""

    risk: Clause
    status: str  # addressed | partly_addressed | not_addressed
    by: tuple[tuple[str, str, Mapping], ...] = ()  # (control, requirement, addresses-mapping)


@dataclass(frozen=True)
class SectionSummary:
    """Counts of statuses within one section (or capability domain) of the target."""

    section: str
    title: str
    counts: dict[str, int]

    @property
    def applicable(self) -> int:
        """Clauses that apply."""
        return sum(v for k, v in self.counts.items() if k != "not_applicable")

    @property
    def coverage(self) -> float:
        """Share covered among applicable clauses (0–1), partial counting half."""
        if not self.applicable:
            return 0.0
        return (
            self.counts.get("covered", 0) + 0.5 * self.counts.get("partial", 0)
        ) / self.applicable


@dataclass(frozen=True)
class ScoringModel:
    """A capability scoring model (data file; ours is provisional)."""

    id: str
    framework: str
    status: str
    note: str
    status_points: dict[str, float]
    domains: dict[str, float]
    items: dict[str, float]
    levels: tuple[dict[str, Any], ...]
    path: str

    def level_for(self, score: float) -> dict[str, Any]:
        """The highest level whose threshold the score reaches."""
        reached = [level for level in self.levels if score >= float(level["min"])]
        return max(reached, key=lambda level: float(level["min"])) if reached else self.levels[0]


def load_scoring_model(path: str | Path | None = None) -> ScoringModel:
    """Load a scoring model (default: the bundled provisional GB/T 46347 model)."""
    path = Path(path) if path else mappings_dir() / "scoring" / "gbt46347-capability.yaml"
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        model = document["model"]
        return _scoring_model(document, model, path)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise DataError(
            [
                Problem(
                    str(path),
                    "",
                    "scoring-model",
                    f"cannot read the scoring model: {type(error).__name__}: {error}",
                )
            ]
        ) from None


def _scoring_model(document: Any, model: Any, path: Path) -> ScoringModel:
    return ScoringModel(
        id=str(model["id"]),
        framework=str(model["framework"]),
        status=str(model.get("status", "provisional")),
        note=str(model.get("note", "")),
        status_points={k: float(v) for k, v in document["status_points"].items()},
        domains={k: float(v) for k, v in document["domains"].items()},
        items={k: float(v) for k, v in (document.get("items") or {}).items()},
        levels=tuple(sorted(document["levels"], key=lambda level: float(level["min"]))),
        path=str(path),
    )


@dataclass(frozen=True)
class CapabilityEstimate:
    """A GB/T 46347 capability estimate per domain and overall (provisional model)."""

    model: ScoringModel
    domains: dict[str, float]
    overall: float

    @property
    def level(self) -> str:
        """The level label the overall score reaches."""
        return str(self.model.level_for(self.overall)["label"])

    def domain_level(self, domain: str) -> str:
        """The level label a domain's score reaches."""
        return str(self.model.level_for(self.domains[domain])["label"])


@dataclass
class GapReport:
    """The result of a gap analysis: findings per target clause, risks, summaries."""

    kb: KnowledgeBase
    target: str
    inventory: Inventory
    profile: Profile | None
    findings: list[Finding]
    risks: list[RiskFinding]
    created: dt.datetime = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0)
    )
    scoring: ScoringModel | None = None

    def finding(self, clause_id: str) -> Finding:
        """The finding of one target clause (KeyError if not a target)."""
        for item in self.findings:
            if item.clause.id == clause_id:
                return item
        raise KeyError(clause_id)

    def status(self, clause_id: str) -> str:
        """The status of one target clause."""
        return self.finding(clause_id).status

    @cached_property
    def counts(self) -> dict[str, int]:
        """How many target clauses have each status."""
        counts = dict.fromkeys(STATUSES, 0)
        for item in self.findings:
            counts[item.status] += 1
        return counts

    @cached_property
    def sections(self) -> list[SectionSummary]:
        """Status counts per top-level section (per capability domain for GB/T 46347)."""
        groups: dict[str, dict[str, int]] = {}
        for item in self.findings:
            key = item.section or item.clause.id
            groups.setdefault(key, dict.fromkeys(STATUSES, 0))[item.status] += 1
        return [
            SectionSummary(
                key, self.kb.clauses[key].title if key in self.kb.clauses else key, counts
            )
            for key, counts in groups.items()
        ]

    @cached_property
    def capability(self) -> CapabilityEstimate | None:
        """The capability estimate, when a scoring model for the target is loaded."""
        model = self.scoring
        if model is None or model.framework != self.target:
            return None
        scores: dict[str, float] = {}
        by_id = {f.clause.id: f for f in self.findings}
        for domain in model.domains:
            domain_id = f"{self.target}:{domain}"
            if domain_id not in self.kb.clauses:
                continue
            items = [
                c
                for c in self.kb.descendants(domain_id)
                if self.kb.clauses[c].kind == "capability_item"
            ] or [domain_id]
            weights = [model.items.get(self.kb.clauses[c].local, 1.0) for c in items]
            points = [
                model.status_points.get(by_id[c].status, 0.0) if c in by_id else 0.0 for c in items
            ]
            total = sum(weights) or 1.0
            scores[domain] = round(
                100 * sum(w * p for w, p in zip(weights, points, strict=True)) / total, 1
            )
        weight_sum = sum(model.domains[d] for d in scores) or 1.0
        overall = round(sum(model.domains[d] * s for d, s in scores.items()) / weight_sum, 1)
        return CapabilityEstimate(model, scores, overall)

    def to_frame(self) -> pandas.DataFrame:
        """One row per target clause: status, reason, score, priority, controls, path, next steps."""
        import pandas as pd

        rows = []
        for item in self.findings:
            best = max(item.evidence, key=lambda e: e.strength, default=None)
            rows.append(
                {
                    "clause": item.clause.id,
                    "title": item.clause.title,
                    "title_zh": item.clause.title_zh,
                    "section": item.section,
                    "status": item.status,
                    "reason": item.reason,
                    "score": item.score,
                    "confidence": item.confidence,
                    "priority": item.priority,
                    "controls": ", ".join(item.controls),
                    "path": best.path_text() if best else "",
                    "next_steps": "; ".join(item.next_steps),
                    "planned_controls": ", ".join(item.planned),
                    "clause_status": item.clause.status,
                    "url": item.clause.url,
                }
            )
        return pd.DataFrame(rows)

    def risks_frame(self) -> pandas.DataFrame:
        """One row per named risk source: addressed, partly or not, and by what."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "risk": r.risk.id,
                    "title": r.risk.title,
                    "title_zh": r.risk.title_zh,
                    "status": r.status,
                    "addressed_by": "; ".join(f"{c} via {req} [{m.where}]" for c, req, m in r.by),
                }
                for r in self.risks
            ]
        )

    def to_excel(self, path: str | Path) -> Path:
        """Write the auditor's workbook atomically (see :mod:`crosswalk.excel.workbooks`)."""
        from crosswalk.excel.workbooks import write_gap_workbook

        return write_gap_workbook(self, path)

    def summary_text(self) -> str:
        """A readable summary for terminals."""
        from crosswalk.display.html import gap_summary_text

        return gap_summary_text(self)

    def _repr_html_(self) -> str:
        from crosswalk.display.html import gap_html

        return gap_html(self)

    def __str__(self) -> str:
        return self.summary_text()


def is_target(kb: KnowledgeBase, clause: Clause) -> bool:
    """Requirements count; risks, levels, definitions and headings that only group them do not."""
    if clause.kind in _EXCLUDED_KINDS:
        return False
    below = list(kb.children.get(clause.id, ()))
    if not below:
        return True
    while below:  # stop at the first descendant that is a requirement
        current = below.pop()
        if kb.clauses[current].kind not in _EXCLUDED_KINDS:
            return True
        below.extend(kb.children.get(current, ()))
    return False


def _section_of(kb: KnowledgeBase, clause: Clause) -> str:
    ancestors = kb.ancestors(clause.id)
    return ancestors[-1] if ancestors else clause.id


def gap_analysis(
    kb: KnowledgeBase,
    inventory: Inventory,
    *,
    target: str,
    profile: Profile | None = None,
    risk_frameworks: Iterable[str] | None = None,
    scoring: ScoringModel | str | Path | None = None,
) -> GapReport:
    """Compute the gap report of ``inventory`` against the framework ``target``."""
    kb.framework(target)
    profile = profile if profile is not None else inventory.profile
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

    # covered: least fixpoint from the fully implemented clauses through proven containment
    covered: dict[int, Evidence] = {}
    for node, owners in full.items():
        control, clause_id = owners[0]
        covered[node] = Evidence(
            control.id, clause_id, "full", RelationSet.of("equal"), "implemented", None, nodes
        )
    unions = list(network.unions.items())
    frontier = list(covered)
    while frontier:
        next_frontier: list[int] = []
        for node in frontier:
            source = covered[node]
            for other, mask in closure.neighbours(node).items():
                if other in covered or mask & ~COVERING:
                    continue
                covered[other] = _chain(
                    source, index, node, other, mask, closure, nodes, "proven to contain it"
                )
                next_frontier.append(other)
        for union, members in unions:
            if union not in covered and all(m in covered for m in members):
                first = covered[members[0]]
                covered[union] = Evidence(
                    first.control,
                    first.implemented,
                    "full",
                    RelationSet.of("equal"),
                    "every member of the union is covered: "
                    + ", ".join(sorted({covered[m].control for m in members})),
                    None,
                    nodes,
                )
                next_frontier.append(union)
        frontier = next_frontier

    findings: list[Finding] = []
    for clause in kb.clauses_of(target):
        if not is_target(kb, clause):
            continue
        section = _section_of(kb, clause)
        verdict = applicability(clause, profile)
        if not verdict:
            findings.append(Finding(clause, "not_applicable", verdict.reason, section=section))
            continue
        target_node = index[clause.id]
        status, evidence, reason = _status(kb, closure, nodes, target_node, covered, full, partial)
        next_steps: tuple[str, ...] = ()
        planned: tuple[str, ...] = ()
        if status != "covered":
            next_steps, planned = _next_steps(kb, closure, nodes, target_node, inventory)
        findings.append(
            Finding(clause, status, reason, tuple(evidence), next_steps, planned, section)
        )

    risks = _risk_findings(kb, closure, covered, full, partial, risk_frameworks, target)
    model: ScoringModel | None
    if isinstance(scoring, ScoringModel):
        model = scoring
    elif scoring is not None:
        model = load_scoring_model(scoring)
    elif target == "gbt46347":
        model = load_scoring_model()
    else:
        model = None
    return GapReport(kb, target, inventory, profile, findings, risks, scoring=model)


def _chain(
    source: Evidence,
    index: dict[str, int],
    middle: int,
    target: int,
    mask: int,
    closure: Any,
    nodes: Sequence[str],
    rule: str,
) -> Evidence:
    """Evidence for ``target`` derived from the evidence of ``middle``."""
    origin_node = index.get(source.implemented, middle)
    derivation = closure.derivation(origin_node, target)
    relation = RelationSet(closure.mask(origin_node, target))
    if derivation is None or relation.mask & ~COVERING:
        derivation = closure.derivation(middle, target)
        relation = RelationSet(mask)
    return Evidence(
        source.control, source.implemented, source.coverage, relation, rule, derivation, nodes
    )


def _status(
    kb: KnowledgeBase,
    closure: Any,
    nodes: Sequence[str],
    target: int,
    covered: dict[int, Evidence],
    full: dict[int, list[tuple[Control, str]]],
    partial: dict[int, list[tuple[Control, str]]],
) -> tuple[str, list[Evidence], str]:
    # only clauses with a known relation to the target can support it
    related = [(node, closure.mask(node, target)) for node in closure.neighbours(target)]
    if target in covered:
        evidence = [covered[target]]
        # independent support from other fully implemented clauses, for confidence
        for node, mask in related:
            owners = full.get(node)
            if owners and mask & ~COVERING == 0 and owners[0][0].id != evidence[0].control:
                evidence.append(
                    Evidence(
                        owners[0][0].id,
                        owners[0][1],
                        "full",
                        RelationSet(mask),
                        "proven to contain it",
                        closure.derivation(node, target),
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
    for node, mask in related:
        if node in covered and mask & ~OVERLAPPING == 0:
            source = covered[node]
            overlap.append(
                Evidence(
                    source.control,
                    source.implemented,
                    "full",
                    RelationSet(mask),
                    f"{nodes[node]} is covered and proven to overlap it",
                    closure.derivation(node, target),
                    nodes,
                )
            )
    inside = [(node, mask) for node, mask in related if mask & ~CONTAINED == 0]
    if target in partial:
        inside.append((target, closure.mask(target, target)))
    for node, mask in inside:
        for control, clause_id in partial.get(node, ()):
            overlap.append(
                Evidence(
                    control.id,
                    clause_id,
                    "partial",
                    RelationSet(mask),
                    "partly implemented clause proven to lie inside it",
                    closure.derivation(node, target),
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
    linked: list[Evidence] = []
    for node, mask in related:
        owners = full.get(node) or partial.get(node)
        if owners and mask != RelationSet.of("no_relationship").mask:
            control, clause_id = owners[0]
            linked.append(
                Evidence(
                    control.id,
                    clause_id,
                    "full" if node in full else "partial",
                    RelationSet(mask),
                    "linked, but overlap is not proven",
                    closure.derivation(node, target),
                    nodes,
                )
            )
    if not linked:
        neighbours = kb.mapping_neighbours
        two_hop = set()
        for node in neighbours.get(target, ()):
            two_hop.add(node)
            two_hop.update(neighbours.get(node, ()))
        for node, owners in list(full.items()) + list(partial.items()):
            if node in two_hop:
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
    if linked:
        return (
            "undetermined",
            linked,
            f"undetermined: {linked[0].control} ({linked[0].implemented}) is linked, but overlap is not proven",
        )
    return "gap", [], "gap: no effective control is linked to this clause"


def _next_steps(
    kb: KnowledgeBase, closure: Any, nodes: Sequence[str], target: int, inventory: Inventory
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Clauses whose full implementation would cover the target, and planned controls citing them."""
    candidates = [nodes[target]]
    for node in closure.neighbours(target):
        if closure.mask(node, target) & ~COVERING == 0 and nodes[node] in kb.clauses:
            candidates.append(nodes[node])
    candidates = sorted(
        set(candidates), key=lambda c: (c != nodes[target], kb.clauses[c].depth, c)
    )[:4]
    planned = tuple(
        sorted(
            {
                control.id
                for control in inventory.controls
                if not control.effective
                for ref in control.implements
                if ref.clause in candidates
            }
        )
    )
    return tuple(candidates), planned


def _risk_findings(
    kb: KnowledgeBase,
    closure: Any,
    covered: dict[int, Evidence],
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
                    else index.get("∪(" + ",".join(sorted(mapping.subjects)) + ")")
                )
                if requirement is None:
                    continue
                if requirement in covered:
                    by.append((covered[requirement].control, mapping.subject, mapping))
                    continue
                for node, owners in partial.items():
                    if node == requirement or closure.mask(node, requirement) & ~CONTAINED == 0:
                        partly.append((owners[0][0].id, mapping.subject, mapping))
                        break
                else:
                    for node in closure.neighbours(requirement):
                        if node in covered and closure.mask(node, requirement) & ~OVERLAPPING == 0:
                            partly.append((covered[node].control, mapping.subject, mapping))
                            break
            if by:
                result.append(RiskFinding(risk, "addressed", tuple(by)))
            elif partly:
                result.append(RiskFinding(risk, "partly_addressed", tuple(partly)))
            else:
                result.append(RiskFinding(risk, "not_addressed"))
    return result
