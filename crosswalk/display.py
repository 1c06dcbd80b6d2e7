"""Text and HTML renderings for terminals and Jupyter (rich ``_repr_html_``).

HTML is self-contained (inline styles only) so it reads the same in JupyterLab, in
static renderings (nbconvert, GitHub) and in e-mails. Every value is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from crosswalk.model import Mapping
from crosswalk.relations import RelationSet

if TYPE_CHECKING:
    from crosswalk.gap import GapReport
    from crosswalk.inference import Derivation
    from crosswalk.knowledge import InferredRelation, KnowledgeBase
    from crosswalk.model import Clause, Framework

__all__ = [
    "explanation_text",
    "relation_html",
    "knowledge_html",
    "gap_summary_text",
    "gap_html",
    "clause_text",
    "clause_html",
    "framework_html",
    "table_html",
    "STATUS_COLOURS",
]

STATUS_COLOURS = {
    "covered": "#c6efce",
    "partial": "#ffeb9c",
    "undetermined": "#ddebf7",
    "gap": "#ffc7ce",
    "not_applicable": "#ededed",
    "none": "#ededed",
    "contradiction": "#ff9999",
    "addressed": "#c6efce",
    "partly_addressed": "#ffeb9c",
    "not_addressed": "#ffc7ce",
}
_TABLE = "border-collapse:collapse;font-size:13px;margin:4px 0"
_CELL = "border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top"


def _badge(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#eee")
    return f'<span style="background:{colour};padding:1px 6px;border-radius:3px">{escape(status)}</span>'


def table_html(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, raw_columns: Sequence[int] = ()) -> str:
    """A small HTML table with escaped cells (columns in ``raw_columns`` are trusted HTML)."""
    head = "".join(f'<th style="{_CELL};background:#f3f3f3">{escape(str(h))}</th>' for h in headers)
    body = []
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            text = "" if value is None else (str(value) if index in raw_columns else escape(str(value)))
            cells.append(f'<td style="{_CELL}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table style="{_TABLE}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _derivation_lines(derivation: Derivation, nodes: Sequence[str], depth: int = 0, limit: int = 40) -> list[str]:
    pad = "  " * depth
    left, right = nodes[derivation.left], nodes[derivation.right]
    head = f"{pad}{left} {RelationSet(derivation.mask)} {right}"
    if derivation.fact is not None:
        fact = derivation.fact
        if isinstance(fact.payload, Mapping):
            mapping = fact.payload
            source = f"{mapping.where}; strength {mapping.strength}, {mapping.rationale}"
            if mapping.confidence is not None:
                source += f", confidence {mapping.confidence}"
            lines = [f"{head}  — {derivation.rule}: {source}", f"{pad}    why: {mapping.justification}"]
        else:
            lines = [f"{head}  — {derivation.rule}"]
        return lines
    if derivation.rule == "composition":
        via = nodes[derivation.via] if derivation.via is not None else "?"
        lines = [f"{head}  — composition through {via} (table in ontologies/composition.tsv)"]
    else:
        lines = [f"{head}  — intersection of {len(derivation.parts)} derivations (path consistency)"]
    for part in derivation.parts:
        if len(lines) >= limit:
            lines.append(f"{pad}  …")
            break
        lines.extend(_derivation_lines(part, nodes, depth + 1, limit))
    return lines


def explanation_text(result: InferredRelation) -> str:
    """A readable explanation of an inferred relation."""
    lines = [f"{result.source} → {result.target}", f"  relation: {result.relations}", f"  status:   {result.status} (DESIGN.md §5)"]
    if result.derivation is None:
        lines.append("  no mapping, hierarchy or chain constrains this pair: nothing can be concluded")
        return "\n".join(lines)
    lines.append(f"  strength: {result.strength} (weakest link)   confidence: {result.confidence:.2f} (product)   rationale: {result.rationale} (least strict)")
    lines.append("  derivation:")
    lines.extend("    " + line for line in _derivation_lines(result.derivation, result.nodes))
    return "\n".join(lines)


def relation_html(result: InferredRelation) -> str:
    """HTML for an inferred relation, with its derivation."""
    text = explanation_text(result)
    return (
        f"<div><b>{escape(result.source)}</b> → <b>{escape(result.target)}</b>: "
        f"<code>{escape(str(result.relations))}</code> {_badge(result.status)}"
        f'<pre style="font-size:12px;white-space:pre-wrap">{escape(text)}</pre></div>'
    )


def clause_text(kb: KnowledgeBase, clause: Clause) -> str:
    """A readable card for one clause: headings, provenance, applicability and links."""
    framework = kb.framework(clause.framework)
    lines = [f"{clause.id}  {clause.title}"]
    if clause.title_zh:
        lines.append(f"    {clause.title_zh}")
    lines.append(f"  framework: {framework.short_name} — kind: {clause.kind}, {'normative' if clause.normative else 'informative'}")
    source = framework.source(clause.source)
    lines.append(f"  number/heading: {clause.status} — source: {source.title if source else clause.source}{' <' + source.url + '>' if source and source.url else ''}")
    if clause.summary:
        lines.append(f"  summary (ours): {clause.summary}")
    if clause.parent:
        lines.append(f"  parent: {clause.parent}")
    children = kb.children.get(clause.id, [])
    if children:
        lines.append(f"  children: {', '.join(children[:12])}{' …' if len(children) > 12 else ''}")
    if clause.addressees:
        lines.append(f"  addressees: {', '.join(clause.addressees)}; categories: {', '.join(clause.categories) or '-'}")
    if clause.applies_from:
        dates = clause.applies_from
        lines.append(f"  applies from: {dates.original} (Art 113){f'; {dates.omnibus} (Digital Omnibus)' if dates.omnibus else ''}")
    if clause.url:
        lines.append(f"  official text: {clause.url}")
    if clause.note:
        lines.append(f"  note: {clause.note}")
    links = [m for m in kb.mappings if clause.id in m.subjects or m.object == clause.id]
    if links:
        lines.append("  mappings:")
        for mapping in links[:30]:
            lines.append(f"    {mapping.subject} {mapping.relation} {mapping.object} (strength {mapping.strength}) [{mapping.mapping_set}]")
    return "\n".join(lines)


def clause_html(kb: KnowledgeBase, clause: Clause) -> str:
    """HTML card for a clause, with bilingual titles, links and neighbours."""
    framework = kb.framework(clause.framework)
    title = escape(clause.title) + (f" <span style='color:#555'>{escape(clause.title_zh)}</span>" if clause.title_zh else "")
    link = f' <a href="{escape(clause.url)}" target="_blank">official text</a>' if clause.url else ""
    status = _badge("covered" if clause.status == "confirmed" else "partial").replace(">covered<", ">confirmed<").replace(">partial<", ">provisional<")
    links = [m for m in kb.mappings if clause.id in m.subjects or m.object == clause.id]
    rows = [(m.subject, m.relation, m.object, m.strength, m.justification) for m in links[:50]]
    neighbours = table_html(["subject", "relation", "object", "strength", "why"], rows) if rows else "<i>no mappings</i>"
    summary = f"<p>{escape(clause.summary)}</p>" if clause.summary else ""
    return (
        f"<div><h4 style='margin:2px 0'><code>{escape(clause.id)}</code> {title}</h4>"
        f"<div>{escape(framework.short_name)} · {escape(clause.kind)} · {status}{link}</div>{summary}{neighbours}</div>"
    )


def framework_html(kb: KnowledgeBase, framework: Framework) -> str:
    """HTML overview of a framework."""
    clauses = kb.clauses_of(framework.prefix)
    confirmed = sum(c.status == "confirmed" for c in clauses)
    top = [(c.id, c.title, c.title_zh or "", c.status) for c in clauses if c.depth == 0]
    return (
        f"<div><h4>{escape(framework.short_name)} — {escape(framework.title)}</h4>"
        f"<div>{len(clauses)} clauses ({confirmed} confirmed, {len(clauses) - confirmed} provisional)</div>"
        + table_html(["id", "title", "标题", "status"], top)
        + "</div>"
    )


def knowledge_html(kb: KnowledgeBase) -> str:
    """HTML overview of the knowledge base: frameworks and mapping sets."""
    rows = [(f.prefix, f.short_name, len(kb.clauses_of(f.prefix))) for f in kb.frameworks.values()]
    sets = [(s.id, s.subject_framework, s.object_framework, len(s.mappings)) for s in kb.mapping_sets]
    return (
        f"<div><b>crosswalk knowledge base</b>: {len(kb.frameworks)} frameworks, {len(kb.clauses)} clauses, {len(kb.mappings)} mappings"
        + table_html(["prefix", "framework", "clauses"], rows)
        + table_html(["mapping set", "subject", "object", "mappings"], sets)
        + "</div>"
    )


def gap_summary_text(report: GapReport) -> str:
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
        lines.append(f"  capability estimate (provisional model): overall {capability.overall} → {capability.level}")
        for domain, score in capability.domains.items():
            lines.append(f"    {domain:<14} {score:5.1f}  {capability.domain_level(domain)}")
    if report.risks:
        addressed = sum(r.status == "addressed" for r in report.risks)
        partly = sum(r.status == "partly_addressed" for r in report.risks)
        missing = [r.risk.id for r in report.risks if r.status == "not_addressed"]
        lines.append("")
        lines.append(f"  risk sources: {addressed} addressed, {partly} partly, {len(missing)} not addressed")
        if missing:
            lines.append(f"    not addressed: {', '.join(missing[:8])}{' …' if len(missing) > 8 else ''}")
    urgent = sorted((f for f in report.findings if f.status in ("gap", "undetermined")), key=lambda f: -f.priority)[:5]
    if urgent:
        lines.append("")
        lines.append("  top gaps:")
        for finding in urgent:
            lines.append(f"    {finding.clause.id} {finding.clause.title[:60]} — {finding.status}; would close it: {', '.join(finding.next_steps[:2])}")
    return "\n".join(lines)


def gap_html(report: GapReport) -> str:
    """HTML gap report: summary per section and findings grouped by section, coloured by status."""
    framework = report.kb.framework(report.target)
    summary = table_html(
        ["section", "title", "covered", "partial", "undetermined", "gap", "n/a", "coverage"],
        [
            (s.section, s.title, s.counts["covered"], s.counts["partial"], s.counts["undetermined"], s.counts["gap"], s.counts["not_applicable"], f"{100 * s.coverage:.0f}%")
            for s in report.sections
        ],
    )
    groups = []
    for section in report.sections:
        rows = [
            (f.clause.id, f.clause.title, _badge(f.status), f.score, ", ".join(f.controls), escape(f.reason))
            for f in report.findings
            if (f.section or f.clause.id) == section.section
        ]
        groups.append(
            f"<details><summary><b>{escape(section.section)}</b> {escape(section.title)}</summary>"
            + table_html(["clause", "title", "status", "score", "controls", "why"], rows, raw_columns=(2, 5))
            + "</details>"
        )
    capability = report.capability
    cap = ""
    if capability is not None:
        cap = f"<p>Capability estimate (<b>provisional model</b>): {capability.overall} → {escape(capability.level)}</p>"
    return (
        f"<div><h4>Gap analysis against {escape(framework.short_name)}</h4>"
        f"<div>{escape(report.profile.describe() if report.profile else 'no profile')}</div>"
        f"{summary}{cap}{''.join(groups)}</div>"
    )
