"""Everything a gap report says, as plain data, to compare two ways of computing it.

Statuses, reasons, evidence (with the derivation's facts, strength and confidence),
causes, actions, what is missing, parts, conditions, dates, risks, counts, sections and
the terminal summary: two reports with equal snapshots read the same to every caller.
"""

from __future__ import annotations

from typing import Any

from crosswalk.gap.findings import Evidence, Finding
from crosswalk.gap.report import GapReport


def evidence_snapshot(item: Evidence) -> dict[str, Any]:
    """One piece of evidence: who, through what, by which rule, and the mappings used."""
    return {
        "control": item.control,
        "implemented": item.implemented,
        "coverage": item.coverage,
        "relation": item.relation.mask,
        "rule": item.rule,
        "path": item.path_text(),
        "strength": item.strength,
        "confidence": item.confidence,
        "conditions": item.conditions,
        "mappings": [m.id for m in item.mappings],
        "members": [evidence_snapshot(m) for m in item.members],
    }


def finding_snapshot(finding: Finding) -> dict[str, Any]:
    """One finding with everything it carries."""
    return {
        "clause": finding.clause.id,
        "status": finding.status,
        "reason": finding.reason,
        "section": finding.section,
        "evidence": [evidence_snapshot(e) for e in finding.evidence],
        "parts": [
            (p.clause.id, p.status, [evidence_snapshot(e) for e in p.evidence])
            for p in finding.parts
        ],
        "causes": [(c.kind, c.text, c.control, c.clause) for c in finding.causes],
        "actions": finding.actions,
        "missing": [(m.clause.id, m.status, m.closers, m.planned) for m in finding.missing],
        "next_steps": finding.next_steps,
        "planned": finding.planned,
        "conditions": finding.conditions,
        "applies_from": finding.applies_from,
        "proven": finding.proven,
        "rollup_of": finding.rollup_of,
        "score": finding.score,
        "confidence": finding.confidence,
        "priority": finding.priority,
        "coverage": finding.coverage,
    }


def report_snapshot(report: GapReport) -> dict[str, Any]:
    """The whole report: findings, risks, counts, sections and the summary text."""
    return {
        "target": report.target,
        "findings": [finding_snapshot(f) for f in report.findings],
        "risks": [(r.risk.id, r.status, [(c, q, m.id) for c, q, m in r.by]) for r in report.risks],
        "counts": report.counts,
        "rollups": report.rollups,
        "sections": [
            (s.section, s.title, s.counts, s.evidenced, s.coverage) for s in report.sections
        ],
        "summary": report.summary_text(top=50).split("\n")[0:],
        "frame": report.to_frame().to_dict(orient="records"),
    }
