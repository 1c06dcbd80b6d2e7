"""The gap report: a status per target clause with its evidence, risks and summaries.

Statuses are the ones :func:`crosswalk.gap.analysis.gap_analysis` proves; the ``score``
(best supporting strength, 0–10) and ``priority`` (0–100) only rank and are kept apart
from them. The workbook (``to_excel``) and the Jupyter view are attached by the layers
above (:mod:`crosswalk.excel`, :mod:`crosswalk.display`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from crosswalk.io.scoring import ScoringModel
from crosswalk.model.inventory import Inventory, Profile
from crosswalk.model.records import Clause, Mapping
from crosswalk.model.statuses import COVERAGE_STATUSES
from crosswalk.reasoning.derivation import Derivation
from crosswalk.reasoning.relations import RelationSet

if TYPE_CHECKING:
    from pathlib import Path

    import pandas

    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "STATUSES",
    "CapabilityEstimate",
    "Evidence",
    "Finding",
    "GapReport",
    "RiskFinding",
    "SectionSummary",
    "summary_text",
]

STATUSES = COVERAGE_STATUSES
"""The statuses of a target clause, strongest first."""


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

    def summary_text(self) -> str:
        """A readable summary for terminals."""
        return summary_text(self)

    def __str__(self) -> str:
        return self.summary_text()

    if TYPE_CHECKING:

        def to_excel(self, path: str | Path) -> Path:
            """Write the auditor's workbook atomically (attached by :mod:`crosswalk.excel`)."""
            ...

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...


def summary_text(report: GapReport) -> str:
    """A terminal summary of a gap report."""
    framework = report.kb.framework(report.target)
    counts = report.counts
    lines = [
        f"Gap analysis: {report.inventory.organisation or report.inventory.path or 'inventory'} against {framework.short_name}",
        f"  profile: {report.profile.describe() if report.profile else 'none (every clause counts)'}",
        f"  controls: {len(report.inventory.controls)} ({sum(c.effective for c in report.inventory.controls)} in effect)",
        "  " + "  ".join(f"{k}: {v}" for k, v in counts.items()),
        "",
        f"  {'section':<26} {'cov':>4} {'part':>5} {'und':>4} {'gap':>4} {'n/a':>4}  coverage",
    ]
    for section in report.sections:
        c = section.counts
        lines.append(
            f"  {section.section[:26]:<26} {c['covered']:>4} {c['partial']:>5} {c['undetermined']:>4} {c['gap']:>4} {c['not_applicable']:>4}  {100 * section.coverage:5.1f}%"
        )
    capability = report.capability
    if capability is not None:
        lines.append("")
        lines.append(
            f"  capability estimate (provisional model): overall {capability.overall} → {capability.level}"
        )
        for domain, score in capability.domains.items():
            lines.append(f"    {domain:<14} {score:5.1f}  {capability.domain_level(domain)}")
    if report.risks:
        addressed = sum(r.status == "addressed" for r in report.risks)
        partly = sum(r.status == "partly_addressed" for r in report.risks)
        missing = [r.risk.id for r in report.risks if r.status == "not_addressed"]
        lines.append("")
        lines.append(
            f"  risk sources: {addressed} addressed, {partly} partly, {len(missing)} not addressed"
        )
        if missing:
            lines.append(
                f"    not addressed: {', '.join(missing[:8])}{' …' if len(missing) > 8 else ''}"
            )
    urgent = sorted(
        (f for f in report.findings if f.status in ("gap", "undetermined")),
        key=lambda f: -f.priority,
    )[:5]
    if urgent:
        lines.append("")
        lines.append("  top gaps:")
        for finding in urgent:
            lines.append(
                f"    {finding.clause.id} {finding.clause.title[:60]} — {finding.status}; would close it: {', '.join(finding.next_steps[:2])}"
            )
    return "\n".join(lines)
