"""The gap report: a status per target clause with its evidence, risks and summaries.

Statuses are the ones :func:`crosswalk.gap.analysis.gap_analysis` proves; the ``score``
(best supporting strength, 0–10) and ``priority`` (0–100) only rank and are kept apart
from them. The workbook (``to_excel``) and the Jupyter view are provided by the layers
above (:mod:`crosswalk.excel`, :mod:`crosswalk.display`), through
:mod:`crosswalk.model.presentation`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from crosswalk.gap.capability import CapabilityEstimate, estimate_capability
from crosswalk.gap.findings import SCOPE_TEXT, Evidence, Finding
from crosswalk.gap.plan import Plan, build_plan
from crosswalk.io.scoring import ScoringModel
from crosswalk.model.inventory import Inventory, Profile
from crosswalk.model.presentation import attached
from crosswalk.model.records import Clause, Mapping
from crosswalk.model.statuses import REPORT_STATUSES

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
    "LazyFindings",
    "RiskFinding",
    "SectionSummary",
    "summary_text",
]

STATUSES = REPORT_STATUSES
"""The statuses of a report row: the coverage statuses strongest first, then
``not_applicable`` and ``not_an_obligation`` (shown, never counted)."""
UNCOUNTED = ("not_applicable", "not_an_obligation")
"""Statuses of rows that are kept apart from gaps: they count in no coverage share."""


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
    evidenced: float = 0.0
    """Sum of the applicable findings' coverage shares (counted in parts where split)."""

    @property
    def applicable(self) -> int:
        """Clauses that apply and ask the organisation for an outcome."""
        return sum(v for k, v in self.counts.items() if k not in UNCOUNTED)

    @property
    def coverage(self) -> float | None:
        """Share evidenced among applicable clauses (0–1); None when none applies ("n/a").

        A clause split into requirement parts counts its parts' share (a covered part 1, a
        partial one ½); any other clause counts 1 when covered and ½ when partial.
        """
        if not self.applicable:
            return None
        return self.evidenced / self.applicable

    def coverage_text(self) -> str:
        """``62.5%``, or ``n/a`` for a section where nothing applies."""
        coverage = self.coverage
        return "n/a" if coverage is None else f"{100 * coverage:.1f}%"


class LazyFindings(Protocol):
    """Findings that a report builds when they are first read (see :func:`gap_analysis`).

    :func:`crosswalk.gap.analysis.gap_analysis` decides every status at once and leaves
    the evidence, causes and remedies of each finding to this, so that counting costs
    only the statuses.
    """

    def __len__(self) -> int: ...

    def row_statuses(self) -> list[tuple[str, bool]] | None:
        """Each finding's status and whether it is a roll-up (None: known only once built)."""

    def outline(self) -> list[Finding] | None:
        """Findings with their statuses and parts' statuses only, or None when not final."""

    def all(self) -> list[Finding]:
        """Every finding, complete."""


class GapReport:
    """The result of a gap analysis: findings per target clause, risks, summaries.

    ``findings`` and ``risks`` may be given as lists, or as what builds them on first
    read (the findings' :class:`LazyFindings`, a function returning the risks).
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        target: str,
        inventory: Inventory,
        profile: Profile | None,
        findings: list[Finding] | LazyFindings,
        risks: list[RiskFinding] | Callable[[], list[RiskFinding]],
        created: dt.datetime | None = None,
        scoring: ScoringModel | None = None,
        strict_scope: bool = False,
    ) -> None:
        """A report over ``findings`` and ``risks`` (lists, or what builds them when read)."""
        self.kb = kb
        self.target = target
        self.inventory = inventory
        self.profile = profile
        self.created = created or dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.scoring = scoring
        self.strict_scope = strict_scope
        """True when containment under a scope condition was counted as overlap only."""
        self._lazy: LazyFindings | None = None
        self._findings: list[Finding] | None = None
        if isinstance(findings, list):
            self._findings = findings
        else:
            self._lazy = findings
        self._risks = risks

    def __repr__(self) -> str:
        rows = len(self._findings) if self._findings is not None else len(self._lazy or ())
        return f"<GapReport of {self.target}: {rows} target clauses>"

    @property
    def findings(self) -> list[Finding]:
        """One finding per target clause, in the framework's order (built on first read)."""
        if self._findings is None:
            assert self._lazy is not None
            self._findings = self._lazy.all()
        return self._findings

    @findings.setter
    def findings(self, value: list[Finding]) -> None:
        self._findings = value
        self._lazy = None
        for name in ("counts", "sections", "capability"):
            self.__dict__.pop(name, None)

    @property
    def risks(self) -> list[RiskFinding]:
        """Whether each named risk source is addressed (computed on first read)."""
        if not isinstance(self._risks, list):
            self._risks = self._risks()
        return self._risks

    @risks.setter
    def risks(self, value: list[RiskFinding]) -> None:
        self._risks = value

    def _outline(self) -> list[Finding]:
        """The findings if built, else their statuses alone when those are final."""
        if self._findings is None and self._lazy is not None:
            outline = self._lazy.outline()
            if outline is not None:
                return outline
        return self.findings

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
        """How many target clauses have each status; roll-ups are counted in their sub-clauses."""
        counts = dict.fromkeys(STATUSES, 0)
        for status, rollup in self._row_statuses():
            if not rollup:
                counts[status] += 1
        return counts

    @cached_property
    def rollups(self) -> int:
        """How many rows are roll-ups, shown but counted in their sub-clauses."""
        return sum(rollup for _, rollup in self._row_statuses())

    def _row_statuses(self) -> list[tuple[str, bool]]:
        """Each row's status and whether it is a roll-up, from the statuses alone if they are final."""
        if self._findings is None and self._lazy is not None:
            statuses = self._lazy.row_statuses()
            if statuses is not None:
                return statuses
        return [(item.status, bool(item.rollup_of)) for item in self.findings]

    @cached_property
    def sections(self) -> list[SectionSummary]:
        """Status counts per top-level section (per capability domain for GB/T 46347)."""
        groups: dict[str, dict[str, int]] = {}
        evidenced: dict[str, float] = {}
        for item in self._outline():
            if item.rollup_of:
                continue  # counted in its sub-clauses
            key = item.section or item.clause.id
            groups.setdefault(key, dict.fromkeys(STATUSES, 0))[item.status] += 1
            evidenced[key] = evidenced.get(key, 0.0) + (item.coverage or 0.0)
        return [
            SectionSummary(
                key,
                self.kb.clauses[key].title if key in self.kb.clauses else key,
                counts,
                evidenced[key],
            )
            for key, counts in groups.items()
        ]

    @cached_property
    def capability(self) -> CapabilityEstimate | None:
        """The capability estimate, when a scoring model for the target is loaded."""
        model = self.scoring
        if model is None or model.framework != self.target:
            return None
        return estimate_capability(self.kb, model, self.target, self.findings, self.inventory)

    def plan(self) -> Plan:
        """The open obligations binding the profile, by date and priority, grouped by owner."""
        return build_plan(self.target, self.findings, self.inventory)

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
                    "why": item.cause,
                    "parts": item.parts_text(),
                    "scope": ", ".join(SCOPE_TEXT.get(c, c) for c in item.conditions),
                    "actions": "; ".join(item.actions),
                    "applies_from": item.applies_from,
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

    def summary_text(self, *, top: int = 8) -> str:
        """A readable summary for terminals, with the ``top`` next steps."""
        return summary_text(self, top=top)

    def __str__(self) -> str:
        return self.summary_text()

    def to_excel(self, path: str | Path) -> Path:
        """Write the auditor's workbook atomically (provided by :mod:`crosswalk.excel`)."""
        write: Callable[[GapReport, str | Path], Path] = attached(self, "to_excel")
        return write(self, path)

    def _repr_html_(self) -> str:
        """HTML for Jupyter (provided by :mod:`crosswalk.display`)."""
        render: Callable[[GapReport], str] = attached(self, "_repr_html_")
        return render(self)


def summary_text(report: GapReport, *, top: int = 8) -> str:
    """A terminal summary of a gap report: counts, sections, estimate, risks, next steps."""
    framework = report.kb.framework(report.target)
    counts = report.counts
    owner = report.inventory.organisation or report.inventory.path or "inventory"
    in_effect = sum(c.effective for c in report.inventory.controls)
    lines = [
        f"Gap analysis: {owner} against {framework.short_name}",
        f"  profile: {report.profile.describe() if report.profile else 'none (every clause counts)'}",
        *(f"  warning: {text}" for text in (report.profile.warnings if report.profile else ())),
        f"  controls: {len(report.inventory.controls)} ({in_effect} in effect)",
        "  " + "  ".join(f"{k}: {counts[k]}" for k in STATUSES if k not in UNCOUNTED),
        (
            f"  kept apart (never gaps): not applicable {counts['not_applicable']}, "
            f"not an obligation {counts['not_an_obligation']}"
            + (
                f", roll-ups {report.rollups} (counted in their sub-clauses)"
                if report.rollups
                else ""
            )
        ),
    ]
    if report.strict_scope:
        lines.append("  --strict-scope: containment under a scope condition counts as partial")
    scoped: dict[str, int] = {}
    for finding in report.findings:
        for condition in finding.conditions if finding.status == "covered" else ():
            scoped[condition] = scoped.get(condition, 0) + 1
    for condition, count in scoped.items():
        lines.append(
            f"  of the covered: {count} {SCOPE_TEXT.get(condition, condition)} "
            "(--strict-scope counts them as partial)"
        )
    lines += [
        "",
        f"  {'section':<26} {'cov':>4} {'part':>5} {'und':>4} {'gap':>4} {'n/a':>4} {'n/o':>4}  coverage",
    ]
    empty = [s.section for s in report.sections if not s.applicable]
    for section in report.sections:
        c = section.counts
        if not section.applicable and len(empty) > 3:
            continue
        lines.append(
            f"  {section.section[:26]:<26} {c['covered']:>4} {c['partial']:>5} {c['undetermined']:>4}"
            f" {c['gap']:>4} {c['not_applicable']:>4} {c['not_an_obligation']:>4}  {section.coverage_text():>6}"
        )
    if len(empty) > 3:
        lines.append(f"  n/a (nothing applies): {_few_ids(empty)}")
    lines.append(
        "  (n/o: not an obligation; coverage counts requirement parts where a clause is split;"
        " n/a: nothing in the section applies)"
    )
    lines += _capability_lines(report)
    lines += _risk_lines(report)
    lines += _next_step_lines(report, top)
    return "\n".join(lines)


def _few_ids(ids: list[str], limit: int = 12) -> str:
    more = f" … and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more


def _capability_lines(report: GapReport) -> list[str]:
    capability = report.capability
    if capability is None:
        return []
    return ["", *capability.text_lines()]


def _risk_lines(report: GapReport) -> list[str]:
    if not report.risks:
        return []
    addressed = sum(r.status == "addressed" for r in report.risks)
    partly = sum(r.status == "partly_addressed" for r in report.risks)
    missing = [r.risk.id for r in report.risks if r.status == "not_addressed"]
    lines = [
        "",
        f"  risk sources: {addressed} addressed, {partly} partly, {len(missing)} not addressed",
    ]
    if missing:
        more = " …" if len(missing) > 8 else ""
        lines.append(f"    not addressed: {', '.join(missing[:8])}{more}")
    return lines


def _next_step_lines(report: GapReport, top: int) -> list[str]:
    # the plan's order: what applies first, then the most urgent
    open_items = [item.finding for item in report.plan().items]
    if not open_items:
        return []
    lines = [
        "",
        (
            f"  next steps, by date then priority ({min(top, len(open_items))} of {len(open_items)} "
            "open; --plan lists all by owner):"
        ),
    ]
    for finding in open_items[:top]:
        parts = f" ({finding.parts_text().split(';')[0]})" if finding.parts else ""
        lines.append(
            f"    {finding.clause.id} {finding.clause.title[:60]} — {finding.status}{parts}"
        )
        if finding.causes:
            lines.append(f"      why: {finding.cause}")
        if finding.actions:
            lines.append(f"      to do: {'; '.join(finding.actions[:3])}")
    return lines
