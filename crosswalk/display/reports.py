"""Gap reports in HTML, by section, and the clauses related to one clause.

Every value taken from data is escaped; statuses are coloured from one table
(:mod:`crosswalk.model.statuses`).
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import TYPE_CHECKING, Any

from crosswalk.display.html import (
    MUTED_STYLE,
    STATUS_COLOURS,
    badge,
    bar_html,
    table_html,
    titles_html,
)

if TYPE_CHECKING:
    from crosswalk.gap.report import Finding, GapReport
    from crosswalk.knowledge.inferred import RelatedClauses

__all__ = [
    "gap_html",
    "related_html",
]


def _finding_why(finding: Finding) -> str:
    why = escape(finding.reason)
    best = max(finding.evidence, key=lambda e: e.strength, default=None)
    if best is not None:
        why += f'<div style="{MUTED_STYLE}">path: {escape(best.path_text())}</div>'
    if finding.next_steps and finding.status != "not_applicable":
        steps = ", ".join(f"<code>{escape(s)}</code>" for s in finding.next_steps)
        why += f'<div style="{MUTED_STYLE}">would close it: {steps}'
        if finding.planned:
            why += f" (planned: {escape(', '.join(finding.planned))})"
        why += "</div>"
    return why


def gap_html(report: GapReport) -> str:
    """HTML gap report.

    Summary per section (domain), findings grouped by section and coloured by status, the capability
    estimate and risk coverage.
    """
    from crosswalk.gap.report import STATUSES

    kb = report.kb
    framework = kb.framework(report.target)
    organisation = report.inventory.organisation or report.inventory.path or "inventory"
    controls = report.inventory.controls
    legend = " ".join(badge(status, f"{status} {report.counts[status]}") for status in STATUSES)
    capability = report.capability
    headers = ["section", "title", "", *STATUSES, "coverage"]
    rows = []
    for section in report.sections:
        clause = kb.clauses.get(section.section)
        title = titles_html(clause) if clause is not None else escape(section.title)
        row: list[Any] = [
            f"<code>{escape(section.section)}</code>",
            title,
            bar_html(section.counts),
        ]
        row.extend(section.counts.get(status, 0) for status in STATUSES)
        row.append(section.coverage_text())
        if capability is not None:
            domain = section.section.split(":", 1)[-1]
            score = capability.domains.get(domain)
            row.append(
                f"{score:.1f} ({escape(capability.domain_level(domain))})"
                if score is not None
                else ""
            )
        rows.append(row)
    if capability is not None:
        headers.append("capability (provisional)")
    summary = table_html(headers, rows, raw_columns=(0, 1, 2, len(headers) - 1))
    cap = ""
    if capability is not None:
        cap = (
            f"<p>Capability estimate (<b>provisional model</b> <code>{escape(capability.model.id)}</code>, "
            f"not the official scoring): overall {capability.overall} → <b>{escape(capability.level)}</b></p>"
        )
    groups = []
    for section in report.sections:
        findings = [f for f in report.findings if (f.section or f.clause.id) == section.section]
        finding_rows = [
            (
                f"<code>{escape(f.clause.id)}</code>",
                titles_html(f.clause),
                badge(f.status),
                f"{f.score:g}",
                escape(", ".join(f.controls)),
                _finding_why(f),
            )
            for f in findings
        ]
        colours = [STATUS_COLOURS.get(f.status) for f in findings]
        wanted = (
            section.counts.get("gap", 0)
            or section.counts.get("undetermined", 0)
            or len(report.findings) <= 40
        )
        is_open = " open" if wanted else ""
        counts = " ".join(badge(s, f"{n} {s}") for s, n in section.counts.items() if n)
        groups.append(
            f"<details{is_open}><summary><b>{escape(section.section)}</b> {escape(section.title)} {counts}</summary>"
            + table_html(
                ["clause", "title", "status", "score", "controls", "why"],
                finding_rows,
                raw_columns=(0, 1, 2, 5),
                row_colours=colours,
            )
            + "</details>"
        )
    risks = ""
    if report.risks:
        risk_counts = Counter(r.status for r in report.risks)
        risk_rows = [
            (
                f"<code>{escape(r.risk.id)}</code>",
                titles_html(r.risk),
                badge(r.status),
                escape(
                    "; ".join(
                        f"{control} via {requirement} [{m.where}]"
                        for control, requirement, m in r.by
                    )
                ),
            )
            for r in report.risks
        ]
        risks = (
            "<details><summary><b>Risk sources</b> "
            + " ".join(
                badge(s, f"{s} {risk_counts.get(s, 0)}")
                for s in ("addressed", "partly_addressed", "not_addressed")
            )
            + "</summary>"
            + table_html(
                ["risk", "title", "status", "addressed by"],
                risk_rows,
                raw_columns=(0, 1, 2),
                row_colours=[STATUS_COLOURS.get(r.status) for r in report.risks],
            )
            + "</details>"
        )
    zh = (
        f' <span lang="zh" style="color:#555">{escape(framework.title_zh)}</span>'
        if framework.title_zh
        else ""
    )
    return (
        f'<div><div style="font-size:15px"><b>Gap analysis: {escape(organisation)}</b> against {escape(framework.short_name)}{zh}</div>'
        f'<div style="{MUTED_STYLE}">profile: {escape(report.profile.describe() if report.profile else "none (every clause counts)")} · '
        f"controls: {len(controls)} ({sum(c.effective for c in controls)} in effect) · {escape(str(report.created))}</div>"
        f"<div style='margin:4px 0'>{bar_html(report.counts, width=300)} {legend}</div>"
        f"{summary}{cap}{''.join(groups)}{risks}"
        f'<div style="{MUTED_STYLE}">Statuses are proven by the mappings; scores only rank.</div></div>'
    )


def related_html(related: RelatedClauses, *, limit: int = 200) -> str:
    """HTML of every clause related to one clause: the first ``limit`` of them."""
    rows = [(name, str(found), found.status) for name, found in list(related.items())[:limit]]
    more = f" (the first {limit} of {len(related)})" if len(related) > limit else ""
    return (
        f"<p><b>What the knowledge entails from {escape(related.source)}</b>: {len(related)} "
        f"related clauses{more}; <code>.explain(clause)</code> gives the derivation</p>"
        + table_html(
            ["clause", "relation set", "status if the source is fully implemented"],
            rows,
            row_colours=[STATUS_COLOURS.get(status) for *_, status in rows],
        )
    )
