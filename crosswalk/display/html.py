"""Text and HTML renderings for terminals and Jupyter (rich ``_repr_html_``).

HTML is self-contained (inline styles only, no script, no external resource) so it reads
the same in JupyterLab, in static renderings (nbconvert, GitHub) and in e-mails. Every
value taken from data is escaped, and only ``http``/``https``/``mailto`` links are made.

>>> from crosswalk.display.html import safe_url
>>> safe_url("javascript:alert(1)") is None
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from crosswalk.display.links import links_of
from crosswalk.knowledge.inferred import explanation_text
from crosswalk.model.records import Mapping
from crosswalk.model.statuses import chart_colours, fill_colours
from crosswalk.reasoning.relations import Relation, RelationSet

if TYPE_CHECKING:
    from crosswalk.gap.fast_report import FastGapReport
    from crosswalk.gap.report import Finding, GapReport
    from crosswalk.knowledge.base import KnowledgeBase
    from crosswalk.knowledge.inferred import InferredRelation
    from crosswalk.model.records import Clause, Framework, MappingSet
    from crosswalk.reasoning.chain_relations import ChainRelations
    from crosswalk.reasoning.inference import Derivation

__all__ = [
    "CHART_COLOURS",
    "FRAMEWORK_PALETTE",
    "RELATION_COLOURS",
    "STATUS_COLOURS",
    "chain_relations_html",
    "clause_card_html",
    "clause_html",
    "clause_text",
    "derivation_html",
    "fast_gap_html",
    "framework_card_html",
    "framework_colour",
    "framework_html",
    "gap_html",
    "knowledge_html",
    "mapping_html",
    "mapping_set_html",
    "relation_html",
    "safe_url",
    "table_html",
]

STATUS_COLOURS = {name: colour.lower() for name, colour in fill_colours(prefix="#").items()}
"""Background colours of statuses (the same as in the Excel workbook)."""

CHART_COLOURS = {name: colour.lower() for name, colour in chart_colours(prefix="#").items()}
"""Stronger colours of the same hues, for charts."""

RELATION_COLOURS = {
    "equal": "#2e7d32",
    "subset_of": "#1565c0",
    "superset_of": "#6a1b9a",
    "intersects_with": "#ef6c00",
    "no_relationship": "#757575",
    "addresses": "#00838f",
    "addressed_by": "#00838f",
    "part_of": "#9e9e9e",
    "has_part": "#9e9e9e",
    "inferred": "#8d6e63",
}
"""Colours of relations in badges and graph edges."""

FRAMEWORK_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
)  # fmt: skip
"""Colours given to frameworks in graph views, by the sorted order of their prefixes."""

_TABLE = "border-collapse:collapse;font-size:13px;margin:4px 0"
_CELL = "border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top"
_BOX = "border:1px solid #ccc;border-radius:4px;padding:6px 10px;margin:4px 0;max-width:1100px"
_MUTED = "color:#555;font-size:12px"
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_STRM_NAMES = frozenset(r.value for r in Relation)


# -- small pieces --------------------------------------------------------------------------


def safe_url(url: str | None) -> str | None:
    """The URL if it is an http(s) or mailto link, else None (no ``javascript:`` links)."""
    if not url:
        return None
    stripped = url.strip()
    return stripped if stripped.lower().startswith(_SAFE_SCHEMES) else None


def _link(url: str | None, text: str) -> str:
    """An escaped link that opens in a new tab, or just the escaped text."""
    target = safe_url(url)
    if target is None:
        return escape(text)
    return (
        f'<a href="{escape(target)}" target="_blank" rel="noopener noreferrer">{escape(text)}</a>'
    )


def framework_colour(prefix: str, prefixes: Iterable[str]) -> str:
    """A stable colour for a framework: its place among the sorted prefixes."""
    ordered = sorted(set(prefixes) | {prefix})
    return FRAMEWORK_PALETTE[ordered.index(prefix) % len(FRAMEWORK_PALETTE)]


def _badge(status: str, label: str | None = None) -> str:
    colour = STATUS_COLOURS.get(status, "#eee")
    text = escape(label if label is not None else status)
    return f'<span style="background:{colour};padding:1px 6px;border-radius:3px;white-space:nowrap">{text}</span>'


def _relation_badge(name: str) -> str:
    colour = RELATION_COLOURS.get(name, "#555")
    symbol = Relation(name).symbol + " " if name in _STRM_NAMES else ""
    return (
        f'<span style="border:1px solid {colour};color:{colour};padding:0 5px;border-radius:3px;'
        f'white-space:nowrap">{escape(symbol + name)}</span>'
    )


def _relation_set_badges(relations: RelationSet) -> str:
    if relations.is_universal:
        return '<span style="color:#777">any (nothing known)</span>'
    if not len(relations):
        return _badge("contradiction", "∅ contradiction")
    return " ".join(_relation_badge(name) for name in relations.names)


def _titles(clause: Clause) -> str:
    """Escaped English heading, and the Chinese one beside it when there is one."""
    text = escape(clause.title)
    if clause.title_zh:
        text += f' <span lang="zh" style="color:#555">{escape(clause.title_zh)}</span>'
    return text


def _bar(counts: dict[str, int], *, width: int = 160) -> str:
    """A stacked bar of status counts in plain HTML (renders without script)."""
    total = sum(counts.values())
    if not total:
        return ""
    parts = []
    for status, count in counts.items():
        if count:
            share = 100 * count / total
            parts.append(
                f'<span title="{escape(status)}: {count}" style="display:inline-block;height:12px;'
                f'width:{share:.2f}%;background:{CHART_COLOURS.get(status, "#999")}"></span>'
            )
    return (
        f'<span style="display:inline-block;width:{width}px;height:12px;background:#f5f5f5;'
        f'line-height:0;white-space:nowrap;vertical-align:middle">{"".join(parts)}</span>'
    )


def table_html(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    raw_columns: Sequence[int] = (),
    row_colours: Sequence[str | None] | None = None,
) -> str:
    """A small HTML table with escaped cells (columns in ``raw_columns`` are trusted HTML).

    ``row_colours`` gives an optional background colour per row.
    """
    head = "".join(f'<th style="{_CELL};background:#f3f3f3">{escape(str(h))}</th>' for h in headers)
    body = []
    for number, row in enumerate(rows):
        cells = []
        for index, value in enumerate(row):
            text = (
                ""
                if value is None
                else (str(value) if index in raw_columns else escape(str(value)))
            )
            cells.append(f'<td style="{_CELL}">{text}</td>')
        colour = (
            row_colours[number] if row_colours is not None and number < len(row_colours) else None
        )
        style = f' style="background:{escape(colour)}"' if colour else ""
        body.append(f"<tr{style}>" + "".join(cells) + "</tr>")
    return f'<table style="{_TABLE}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


# -- inferred relations --------------------------------------------------------------------


def derivation_html(derivation: Derivation, nodes: Sequence[str], *, limit: int = 60) -> str:
    """A derivation tree as nested lists: each step with its rule, file and justification."""
    budget = [limit]

    def render(item: Derivation) -> str:
        budget[0] -= 1
        left, right = escape(nodes[item.left]), escape(nodes[item.right])
        step = f"<code>{left}</code> {_relation_set_badges(RelationSet(item.mask))} <code>{right}</code>"
        if item.fact is not None:
            fact = item.fact
            if isinstance(fact.payload, Mapping):
                mapping = fact.payload
                facts = f"strength {mapping.strength}, {escape(mapping.rationale)}"
                if mapping.confidence is not None:
                    facts += f", confidence {mapping.confidence}"
                return (
                    f"<li>{step} — <i>{escape(item.rule)}</i>: {escape(mapping.where)}; {facts}"
                    f'<div style="{_MUTED}">why: {escape(mapping.justification)}</div></li>'
                )
            return f"<li>{step} — <i>{escape(item.rule)}</i> {escape(fact.label)}</li>"
        if item.rule == "composition":
            via = escape(nodes[item.via]) if item.via is not None else "?"
            rule = (
                f"composition through <code>{via}</code> (RCC-5 table, ontologies/composition.tsv)"
            )
        else:
            rule = f"intersection of {len(item.parts)} derivations (path consistency)"
        children = []
        for part in item.parts:
            if budget[0] <= 0:
                children.append("<li>…</li>")
                break
            children.append(render(part))
        return f"<li>{step} — <i>{rule}</i><ul>{''.join(children)}</ul></li>"

    return f'<ul style="margin:2px 0;padding-left:18px">{render(derivation)}</ul>'


def relation_html(result: InferredRelation) -> str:
    """HTML for an inferred relation: relation set, status, measures, paths and derivation."""
    head = (
        f"<div style='font-size:14px'><code>{escape(result.source)}</code> → <code>{escape(result.target)}</code>: "
        f"{_relation_set_badges(result.relations)} {_badge(result.status)}</div>"
    )
    text = explanation_text(result)
    plain = f'<details><summary>plain text</summary><pre style="font-size:12px;white-space:pre-wrap">{escape(text)}</pre></details>'
    if result.derivation is None:
        note = (
            "<p>No mapping, hierarchy or chain constrains this pair: nothing can be concluded.</p>"
        )
        return f'<div style="{_BOX}">{head}{note}{plain}</div>'
    measures = table_html(
        [
            "strength (weakest link)",
            "confidence (product)",
            "rationale (least strict)",
            "mappings used",
        ],
        [(result.strength, f"{result.confidence:.2f}", result.rationale, len(result.mappings))],
    )
    paths = "".join(
        f"<li>{' ; '.join(escape(step) for step in path)}</li>" for path in result.paths
    )
    return (
        f'<div style="{_BOX}">{head}{measures}'
        f"<div><b>Supporting paths</b><ol style='margin:2px 0'>{paths}</ol></div>"
        f"<details open><summary><b>Derivation</b></summary>{derivation_html(result.derivation, result.nodes)}</details>"
        f"{plain}</div>"
    )


# -- clauses -------------------------------------------------------------------------------


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
    source_text = _link(source.url, source.title) if source is not None else escape(clause.source)
    status = _badge(clause.status)
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
        facts.append(("official text", _link(clause.url, clause.url)))
    if clause.note:
        facts.append(("note", escape(clause.note)))
    rows = "".join(
        f'<tr><td style="{_CELL};background:#f8f8f8;white-space:nowrap">{escape(k)}</td><td style="{_CELL}">{v}</td></tr>'
        for k, v in facts
    )
    summary = (
        f'<p style="margin:4px 0">{escape(clause.summary)} <span style="{_MUTED}">(our paraphrase)</span></p>'
        if clause.summary
        else ""
    )
    return (
        f'<div style="{_BOX}"><div style="font-size:15px"><code>{escape(clause.id)}</code> <b>{escape(clause.title)}</b></div>'
        + (
            f'<div lang="zh" style="font-size:14px;color:#444">{escape(clause.title_zh)}</div>'
            if clause.title_zh
            else ""
        )
        + f'<div style="{_MUTED}">{escape(name)} · {escape(clause.kind)} · {"normative" if clause.normative else "informative"}</div>'
        + f'{summary}<table style="{_TABLE}">{rows}</table></div>'
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
                        _relation_badge(link.relation)
                        + (" (as part of a union)" if link.union else ""),
                        f"<code>{escape(link.target)}</code>",
                        _titles(other) if other is not None else "",
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
                    _badge(link.status or "undetermined"),
                    f"<code>{escape(link.target)}</code>",
                    _titles(other) if other else "",
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
        below = f'<div style="{_MUTED}">parts: {shown}{" …" if len(children) > 12 else ""}</div>'
    return (
        f'<div><div style="{_MUTED}">{crumbs}</div>'
        + clause_card_html(clause, framework=framework)
        + below
        + _neighbour_tables(kb, clause, inferred=inferred, limit=limit)
        + "</div>"
    )


# -- frameworks, mappings, the knowledge base ---------------------------------------------


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
        facts.append(("official text", _link(framework.official_url, framework.official_url)))
    if framework.aliases:
        facts.append(("cited as", escape(", ".join(framework.aliases))))
    if framework.adoption_of:
        adoption = framework.adoption_of
        facts.append(
            (
                "adopts",
                f"<code>{escape(adoption.framework)}</code> clause by clause ({escape(adoption.relation)}, {_badge(adoption.status)})",
            )
        )
    if framework.copyright:
        facts.append(("copyright", escape(framework.copyright)))
    if framework.path:
        facts.append(("file", escape(framework.path)))
    rows = "".join(
        f'<tr><td style="{_CELL};background:#f8f8f8;white-space:nowrap">{escape(k)}</td><td style="{_CELL}">{v}</td></tr>'
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
                        _link(s.url, s.title),
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
        f'<div style="{_BOX}"><div style="font-size:15px"><b>{escape(framework.short_name)}</b> — {escape(framework.title)}</div>'
        f'{zh}<table style="{_TABLE}">{rows}</table>{sources}</div>'
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
            _badge(c.status),
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
        f'<div style="{_BOX}">{subjects} {_relation_badge(mapping.relation)} <code>{escape(mapping.object)}</code>'
        f"<div>strength {mapping.strength}, {escape(mapping.rationale)}{confidence}</div>"
        f"<div>why: {escape(mapping.justification)}</div>"
        f'<div style="{_MUTED}">asserted by {escape(mapping.source)} ({escape(mapping.author)}, {mapping.date}) — {escape(mapping.where)}</div></div>'
    )


def mapping_set_html(mapping_set: MappingSet, *, limit: int = 100) -> str:
    """HTML for a mapping set: provenance, relation counts and its mappings."""
    counts = Counter(m.relation for m in mapping_set.mappings)
    summary = " ".join(f"{_relation_badge(name)} {count}" for name, count in sorted(counts.items()))
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
        facts.append((f"source {source.id}", _link(source.url, source.title)))
    rows = "".join(
        f'<tr><td style="{_CELL};background:#f8f8f8;white-space:nowrap">{escape(k)}</td><td style="{_CELL}">{v}</td></tr>'
        for k, v in facts
    )
    shown = mapping_set.mappings[:limit]
    table = table_html(
        ["subject", "relation", "object", "strength", "rationale", "why"],
        [
            (
                f"<code>{escape(m.subject)}</code>",
                _relation_badge(m.relation),
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
        f"<div style='{_MUTED}'>… {len(mapping_set.mappings) - limit} more</div>"
        if len(mapping_set.mappings) > limit
        else ""
    )
    description = (
        f"<p style='margin:4px 0'>{escape(mapping_set.description)}</p>"
        if mapping_set.description
        else ""
    )
    return (
        f'<div style="{_BOX}"><div style="font-size:15px"><b>{escape(mapping_set.title)}</b> <code>{escape(mapping_set.id)}</code></div>'
        f'{description}<table style="{_TABLE}">{rows}</table>'
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
                f"{_relation_badge(n)} {c}"
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


# -- gap reports ---------------------------------------------------------------------------


def _finding_why(finding: Finding) -> str:
    why = escape(finding.reason)
    best = max(finding.evidence, key=lambda e: e.strength, default=None)
    if best is not None:
        why += f'<div style="{_MUTED}">path: {escape(best.path_text())}</div>'
    if finding.next_steps and finding.status != "not_applicable":
        steps = ", ".join(f"<code>{escape(s)}</code>" for s in finding.next_steps)
        why += f'<div style="{_MUTED}">would close it: {steps}'
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
    legend = " ".join(_badge(status, f"{status} {report.counts[status]}") for status in STATUSES)
    capability = report.capability
    headers = ["section", "title", "", *STATUSES, "coverage"]
    rows = []
    for section in report.sections:
        clause = kb.clauses.get(section.section)
        title = _titles(clause) if clause is not None else escape(section.title)
        row: list[Any] = [f"<code>{escape(section.section)}</code>", title, _bar(section.counts)]
        row.extend(section.counts.get(status, 0) for status in STATUSES)
        row.append(f"{100 * section.coverage:.0f}%")
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
                _titles(f.clause),
                _badge(f.status),
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
        counts = " ".join(_badge(s, f"{n} {s}") for s, n in section.counts.items() if n)
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
                _titles(r.risk),
                _badge(r.status),
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
                _badge(s, f"{s} {risk_counts.get(s, 0)}")
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
        f'<div style="{_MUTED}">profile: {escape(report.profile.describe() if report.profile else "none (every clause counts)")} · '
        f"controls: {len(controls)} ({sum(c.effective for c in controls)} in effect) · {escape(str(report.created))}</div>"
        f"<div style='margin:4px 0'>{_bar(report.counts, width=300)} {legend}</div>"
        f"{summary}{cap}{''.join(groups)}{risks}"
        f'<div style="{_MUTED}">Statuses are proven by the mappings; scores only rank.</div></div>'
    )


def fast_gap_html(report: FastGapReport) -> str:
    """HTML of a chain-based gap report: counts, then each target clause coloured by status."""
    counts = ", ".join(f"{name} {count}" for name, count in report.counts.items())
    statuses = report.statuses
    rows = [(c.id, c.title, statuses[c.id]) for c in report.clauses]
    colours = [STATUS_COLOURS.get(status) for _, _, status in rows]
    return (
        f"<p><b>Fast gap analysis against {escape(report.target)}</b>: {escape(counts)} "
        f"(<code>report.explain(clause)</code> gives the chain behind a status)</p>"
        + table_html(["clause", "title", "status"], rows, row_colours=colours)
    )


def chain_relations_html(relations: ChainRelations, *, limit: int = 200) -> str:
    """HTML of what chains entail from one clause: the first ``limit`` related clauses."""
    related = relations.related()
    rows = [(name, str(found), found.status) for name, found in list(related.items())[:limit]]
    more = f" (the first {limit} of {len(related)})" if len(related) > limit else ""
    return (
        f"<p><b>What chains entail from {escape(relations.source)}</b>: {len(related)} "
        f"related clauses{more}; <code>.explain(clause)</code> shows the chains</p>"
        + table_html(
            ["clause", "relation set", "status if the source is fully implemented"],
            rows,
            row_colours=[STATUS_COLOURS.get(status) for *_, status in rows],
        )
    )
