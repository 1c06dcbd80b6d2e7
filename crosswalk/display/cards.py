"""Cards in text and HTML: a clause, a framework, a mapping, a mapping set, the whole base.

HTML is self-contained (inline styles only, no script, no external resource); every
value taken from data is escaped.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import TYPE_CHECKING, Any

from crosswalk.display.html import (
    BOX_STYLE,
    CELL_STYLE,
    MUTED_STYLE,
    TABLE_STYLE,
    badge,
    link_html,
    relation_badge,
    table_html,
    titles_html,
)
from crosswalk.display.links import links_of
from crosswalk.model.records import Mapping

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase
    from crosswalk.model.records import Clause, Framework, MappingSet

__all__ = [
    "clause_card_html",
    "clause_html",
    "clause_text",
    "framework_card_html",
    "framework_html",
    "knowledge_html",
    "mapping_html",
    "mapping_set_html",
]


def clause_text(kb: KnowledgeBase, clause: Clause) -> str:
    """A readable card for one clause: headings, provenance, applicability and links."""
    framework = kb.framework(clause.framework)
    lines = [f"{clause.id}  {clause.title}"]
    if clause.title_zh:
        lines.append(f"    {clause.title_zh}")
    lines.append(
        f"  framework: {framework.short_name} — kind: {clause.kind}, {'normative' if clause.normative else 'informative'}"
    )
    source = framework.source(clause.source)
    lines.append(
        f"  number/heading: {clause.status} — source: {source.title if source else clause.source}{' <' + source.url + '>' if source and source.url else ''}"
    )
    if clause.summary:
        lines.append(f"  summary (ours): {clause.summary}")
    if clause.parent:
        lines.append(f"  parent: {clause.parent}")
    children = kb.children.get(clause.id, [])
    if children:
        lines.append(f"  children: {', '.join(children[:12])}{' …' if len(children) > 12 else ''}")
    if clause.addressees:
        lines.append(
            f"  addressees: {', '.join(clause.addressees)}; categories: {', '.join(clause.categories) or '-'}"
        )
    if clause.applies_from:
        dates = clause.applies_from
        lines.append(
            f"  applies from: {dates.original} (Art 113){f'; {dates.omnibus} (Digital Omnibus)' if dates.omnibus else ''}"
        )
        for special in dates.by_category:
            omnibus = f"; {special.omnibus} (Digital Omnibus)" if special.omnibus else ""
            lines.append(f"    for {special.category}: {special.original} (Art 113){omnibus}")
    if clause.url:
        lines.append(f"  official text: {clause.url}")
    if clause.note:
        lines.append(f"  note: {clause.note}")
    links = [m for m in kb.mappings if clause.id in m.subjects or m.object == clause.id]
    if links:
        lines.append("  mappings:")
        for mapping in links[:30]:
            lines.append(
                f"    {mapping.subject} {mapping.relation} {mapping.object} (strength {mapping.strength}) [{mapping.mapping_set}]"
            )
    return "\n".join(lines)


def clause_card_html(clause: Clause, *, framework: Framework | None = None) -> str:
    """HTML card for a clause on its own: bilingual headings, provenance, applicability, link."""
    name = framework.short_name if framework is not None else clause.framework
    source = framework.source(clause.source) if framework is not None else None
    source_text = (
        link_html(source.url, source.title) if source is not None else escape(clause.source)
    )
    status = badge(clause.status)
    facts: list[tuple[str, str]] = []
    if clause.parent:
        facts.append(("parent", f"<code>{escape(clause.parent)}</code>"))
    facts.append(("number / heading", f"{status} — source: {source_text}"))
    if clause.aliases:
        facts.append(("also numbered", escape(", ".join(clause.aliases))))
    if clause.addressees:
        facts.append(("addressees", escape(", ".join(clause.addressees))))
    if clause.categories:
        facts.append(("system categories", escape(", ".join(clause.categories))))
    if clause.applies_from:
        dates = clause.applies_from
        when = f"{dates.original} (Art 113)" if dates.original else "—"
        if dates.omnibus:
            when += f"; {dates.omnibus} (as amended by the Digital Omnibus)"
        if dates.note:
            when += f" — {dates.note}"
        facts.append(("applies from", escape(when)))
    if clause.url:
        facts.append(("official text", link_html(clause.url, clause.url)))
    if clause.note:
        facts.append(("note", escape(clause.note)))
    rows = "".join(
        f'<tr><td style="{CELL_STYLE};background:#f8f8f8;white-space:nowrap">{escape(k)}</td><td style="{CELL_STYLE}">{v}</td></tr>'
        for k, v in facts
    )
    summary = (
        f'<p style="margin:4px 0">{escape(clause.summary)} <span style="{MUTED_STYLE}">(our paraphrase)</span></p>'
        if clause.summary
        else ""
    )
    return (
        f'<div style="{BOX_STYLE}"><div style="font-size:15px"><code>{escape(clause.id)}</code> <b>{escape(clause.title)}</b></div>'
        + (
            f'<div lang="zh" style="font-size:14px;color:#444">{escape(clause.title_zh)}</div>'
            if clause.title_zh
            else ""
        )
        + f'<div style="{MUTED_STYLE}">{escape(name)} · {escape(clause.kind)} · {"normative" if clause.normative else "informative"}</div>'
        + f'{summary}<table style="{TABLE_STYLE}">{rows}</table></div>'
    )


def _neighbour_tables(kb: KnowledgeBase, clause: Clause, *, inferred: bool, limit: int) -> str:
    links = links_of(kb, clause.id, hierarchy=False, inferred=inferred, limit=limit)
    asserted = [link for link in links if link.kind == "mapping"]
    derived = [link for link in links if link.kind == "inferred"]
    parts = []
    if asserted:
        by_framework: dict[str, list[Any]] = {}
        for link in asserted:
            by_framework.setdefault(link.target.split(":", 1)[0], []).append(link)
        for prefix in sorted(by_framework, key=lambda p: (p == clause.framework, p)):
            name = kb.frameworks[prefix].short_name if prefix in kb.frameworks else prefix
            rows = []
            for link in by_framework[prefix]:
                other = kb.clauses.get(link.target)
                mapping = link.mapping
                rows.append(
                    (
                        relation_badge(link.relation)
                        + (" (as part of a union)" if link.union else ""),
                        f"<code>{escape(link.target)}</code>",
                        titles_html(other) if other is not None else "",
                        mapping.strength if mapping else "",
                        escape(mapping.justification) if mapping else "",
                        escape(mapping.where) if mapping else "",
                    )
                )
            parts.append(
                f"<div style='margin-top:6px'><b>{escape(name)}</b> ({len(rows)})</div>"
                + table_html(
                    [
                        "relation (this → other)",
                        "clause",
                        "title",
                        "strength",
                        "why",
                        "asserted in",
                    ],
                    rows,
                    raw_columns=(0, 1, 2, 4, 5),
                )
            )
    else:
        parts.append("<p><i>No mapping names this clause.</i></p>")
    if derived:
        inferred_rows = []
        for link in derived:
            other = kb.clauses.get(link.target)
            inferred_rows.append(
                (
                    escape(link.relation),
                    badge(link.status or "undetermined"),
                    f"<code>{escape(link.target)}</code>",
                    titles_html(other) if other else "",
                )
            )
        parts.append(
            "<details><summary><b>Inferred across frameworks</b> "
            f"({len(inferred_rows)} proven overlaps not asserted directly; <code>kb.relation(a, b)</code> explains each)</summary>"
            + table_html(
                ["relation set", "status", "clause", "title"],
                inferred_rows,
                raw_columns=(0, 1, 2, 3),
            )
            + "</details>"
        )
    return "".join(parts)


def clause_html(
    kb: KnowledgeBase, clause: Clause, *, inferred: bool = True, limit: int = 25
) -> str:
    """HTML card for a clause, with bilingual titles, links and neighbours across frameworks."""
    framework = kb.framework(clause.framework)
    trail = [*reversed(kb.ancestors(clause.id)), clause.id]
    crumbs = " › ".join(f"<code>{escape(c)}</code>" for c in trail)
    children = kb.children.get(clause.id, [])
    below = ""
    if children:
        shown = ", ".join(
            f"<code>{escape(c)}</code> {escape(kb.clauses[c].title)}" for c in children[:12]
        )
        below = (
            f'<div style="{MUTED_STYLE}">parts: {shown}{" …" if len(children) > 12 else ""}</div>'
        )
    return (
        f'<div><div style="{MUTED_STYLE}">{crumbs}</div>'
        + clause_card_html(clause, framework=framework)
        + below
        + _neighbour_tables(kb, clause, inferred=inferred, limit=limit)
        + "</div>"
    )


def framework_card_html(framework: Framework) -> str:
    """HTML card for a framework on its own: titles, edition, publisher, copyright, sources."""
    facts: list[tuple[str, str]] = [
        ("prefix", f"<code>{escape(framework.prefix)}</code>"),
        ("kind", escape(framework.kind)),
    ]
    if framework.edition:
        facts.append(("edition", escape(framework.edition)))
    if framework.publisher:
        facts.append(("publisher", escape(framework.publisher)))
    if framework.official_url:
        facts.append(("official text", link_html(framework.official_url, framework.official_url)))
    if framework.aliases:
        facts.append(("cited as", escape(", ".join(framework.aliases))))
    if framework.adoption_of:
        adoption = framework.adoption_of
        facts.append(
            (
                "adopts",
                f"<code>{escape(adoption.framework)}</code> clause by clause ({escape(adoption.relation)}, {badge(adoption.status)})",
            )
        )
    if framework.copyright:
        facts.append(("copyright", escape(framework.copyright)))
    if framework.path:
        facts.append(("file", escape(framework.path)))
    rows = "".join(
        f'<tr><td style="{CELL_STYLE};background:#f8f8f8;white-space:nowrap">{escape(k)}</td><td style="{CELL_STYLE}">{v}</td></tr>'
        for k, v in facts
    )
    sources = ""
    if framework.sources:
        sources = (
            "<details><summary>sources of numbers and headings</summary>"
            + table_html(
                ["id", "source", "accessed", "note"],
                [
                    (
                        escape(s.id),
                        link_html(s.url, s.title),
                        escape(str(s.accessed or "")),
                        escape(s.note or ""),
                    )
                    for s in framework.sources
                ],
                raw_columns=(0, 1, 2, 3),
            )
            + "</details>"
        )
    zh = (
        f'<div lang="zh" style="color:#444">{escape(framework.title_zh)}</div>'
        if framework.title_zh
        else ""
    )
    return (
        f'<div style="{BOX_STYLE}"><div style="font-size:15px"><b>{escape(framework.short_name)}</b> — {escape(framework.title)}</div>'
        f'{zh}<table style="{TABLE_STYLE}">{rows}</table>{sources}</div>'
    )


def framework_html(kb: KnowledgeBase, framework: Framework) -> str:
    """HTML overview of a framework: card, clause counts, top-level clauses, linked frameworks."""
    clauses = kb.clauses_of(framework.prefix)
    confirmed = sum(c.status == "confirmed" for c in clauses)
    kinds = Counter(c.kind for c in clauses)
    top = [
        (
            f"<code>{escape(c.id)}</code>",
            escape(c.title),
            f'<span lang="zh">{escape(c.title_zh or "")}</span>',
            escape(c.kind),
            badge(c.status),
            len(kb.descendants(c.id)),
        )
        for c in clauses
        if c.depth == 0
    ]
    linked: Counter[str] = Counter()
    for mapping in kb.mappings:
        prefixes = {s.split(":", 1)[0] for s in mapping.subjects} | {
            mapping.object.split(":", 1)[0]
        }
        if framework.prefix in prefixes:
            for other in prefixes - {framework.prefix}:
                linked[other] += 1
    links = ", ".join(f"{escape(p)} ({n})" for p, n in sorted(linked.items())) or "none"
    return (
        "<div>"
        + framework_card_html(framework)
        + f"<div>{len(clauses)} clauses ({confirmed} confirmed, {len(clauses) - confirmed} provisional) — "
        + escape(", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
        + f"</div><div>mappings to other frameworks: {links}</div>"
        + table_html(
            ["id", "title", "标题", "kind", "status", "clauses below"],
            top,
            raw_columns=(0, 1, 2, 3, 4),
        )
        + "</div>"
    )


def mapping_html(mapping: Mapping) -> str:
    """HTML for one mapping with its provenance."""
    subjects = " ∪ ".join(f"<code>{escape(s)}</code>" for s in mapping.subjects)
    confidence = f", confidence {mapping.confidence}" if mapping.confidence is not None else ""
    return (
        f'<div style="{BOX_STYLE}">{subjects} {relation_badge(mapping.relation)} <code>{escape(mapping.object)}</code>'
        f"<div>strength {mapping.strength}, {escape(mapping.rationale)}{confidence}</div>"
        f"<div>why: {escape(mapping.justification)}</div>"
        f'<div style="{MUTED_STYLE}">asserted by {escape(mapping.source)} ({escape(mapping.author)}, {mapping.date}) — {escape(mapping.where)}</div></div>'
    )


def mapping_set_html(mapping_set: MappingSet, *, limit: int = 100) -> str:
    """HTML for a mapping set: provenance, relation counts and its mappings."""
    counts = Counter(m.relation for m in mapping_set.mappings)
    summary = " ".join(f"{relation_badge(name)} {count}" for name, count in sorted(counts.items()))
    facts = [
        (
            "subject → object",
            f"<code>{escape(mapping_set.subject_framework)}</code> → <code>{escape(mapping_set.object_framework)}</code>",
        ),
        (
            "asserted by",
            f"{escape(mapping_set.source)} ({escape(mapping_set.author)}, {mapping_set.date})",
        ),
    ]
    if mapping_set.license:
        facts.append(("licence", escape(mapping_set.license)))
    if mapping_set.derived:
        facts.append(("derived", "generated from an adoption declaration, not curated"))
    if mapping_set.path:
        facts.append(("file", escape(mapping_set.path)))
    for source in mapping_set.sources:
        facts.append((f"source {source.id}", link_html(source.url, source.title)))
    rows = "".join(
        f'<tr><td style="{CELL_STYLE};background:#f8f8f8;white-space:nowrap">{escape(k)}</td><td style="{CELL_STYLE}">{v}</td></tr>'
        for k, v in facts
    )
    shown = mapping_set.mappings[:limit]
    table = table_html(
        ["subject", "relation", "object", "strength", "rationale", "why"],
        [
            (
                f"<code>{escape(m.subject)}</code>",
                relation_badge(m.relation),
                f"<code>{escape(m.object)}</code>",
                m.strength,
                escape(m.rationale),
                escape(m.justification),
            )
            for m in shown
        ],
        raw_columns=(0, 1, 2, 4, 5),
    )
    more = (
        f"<div style='{MUTED_STYLE}'>… {len(mapping_set.mappings) - limit} more</div>"
        if len(mapping_set.mappings) > limit
        else ""
    )
    description = (
        f"<p style='margin:4px 0'>{escape(mapping_set.description)}</p>"
        if mapping_set.description
        else ""
    )
    return (
        f'<div style="{BOX_STYLE}"><div style="font-size:15px"><b>{escape(mapping_set.title)}</b> <code>{escape(mapping_set.id)}</code></div>'
        f'{description}<table style="{TABLE_STYLE}">{rows}</table>'
        f"<div>{len(mapping_set.mappings)} mappings: {summary}</div>"
        f"<details><summary>mappings</summary>{table}{more}</details></div>"
    )


def knowledge_html(kb: KnowledgeBase) -> str:
    """HTML overview of the knowledge base: frameworks and mapping sets."""
    rows = []
    for framework in kb.frameworks.values():
        clauses = kb.clauses_of(framework.prefix)
        confirmed = sum(c.status == "confirmed" for c in clauses)
        rows.append(
            (
                f"<code>{escape(framework.prefix)}</code>",
                escape(framework.short_name),
                escape(framework.title),
                f'<span lang="zh">{escape(framework.title_zh or "")}</span>',
                escape(framework.kind),
                len(clauses),
                confirmed,
                len(clauses) - confirmed,
            )
        )
    sets = [
        (
            f"<code>{escape(s.id)}</code>",
            escape(s.subject_framework),
            escape(s.object_framework),
            len(s.mappings),
            " ".join(
                f"{relation_badge(n)} {c}"
                for n, c in sorted(Counter(m.relation for m in s.mappings).items())
            ),
            "derived" if s.derived else "curated",
        )
        for s in kb.mapping_sets
    ]
    return (
        f"<div><b>crosswalk knowledge base</b>: {len(kb.frameworks)} frameworks, {len(kb.clauses)} clauses, {len(kb.mappings)} mappings"
        + table_html(
            ["prefix", "framework", "title", "标题", "kind", "clauses", "confirmed", "provisional"],
            rows,
            raw_columns=(0, 1, 2, 3, 4),
        )
        + "<details><summary>mapping sets</summary>"
        + table_html(
            ["mapping set", "subject", "object", "mappings", "relations", "origin"],
            sets,
            raw_columns=(0, 1, 2, 4),
        )
        + "</details></div>"
    )
