"""The pieces every HTML view is made of: colours, badges, links, tables, derivations.

HTML is self-contained (inline styles only, no script, no external resource) so it reads
the same in JupyterLab, in static renderings (nbconvert, GitHub) and in e-mails. Every
value taken from data is escaped, and only ``http``/``https``/``mailto`` links are made.

>>> from crosswalk.display.html import safe_url
>>> safe_url("javascript:alert(1)") is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from crosswalk.knowledge.inferred import explanation_text
from crosswalk.model.records import Mapping
from crosswalk.model.statuses import chart_colours, fill_colours
from crosswalk.reasoning.relations import Relation, RelationSet

if TYPE_CHECKING:
    from crosswalk.knowledge.inferred import InferredRelation
    from crosswalk.model.records import Clause
    from crosswalk.reasoning.derivation import Derivation

__all__ = [
    "BOX_STYLE",
    "CELL_STYLE",
    "CHART_COLOURS",
    "FRAMEWORK_PALETTE",
    "MUTED_STYLE",
    "RELATION_COLOURS",
    "RELATION_SYMBOLS",
    "STATUS_COLOURS",
    "TABLE_STYLE",
    "badge",
    "bar_html",
    "derivation_html",
    "framework_colour",
    "link_html",
    "relation_badge",
    "relation_html",
    "relation_set_badges",
    "safe_url",
    "shorten",
    "table_html",
    "titles_html",
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

RELATION_SYMBOLS = {r.value: r.symbol for r in Relation} | {"addresses": "↦", "part_of": "∈"}
"""Symbols of relations on graph edges and in their legends."""

FRAMEWORK_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
)  # fmt: skip
"""Colours given to frameworks in graph views, by the sorted order of their prefixes."""

TABLE_STYLE = "border-collapse:collapse;font-size:13px;margin:4px 0"
CELL_STYLE = "border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top"
BOX_STYLE = "border:1px solid #ccc;border-radius:4px;padding:6px 10px;margin:4px 0;max-width:1100px"
MUTED_STYLE = "color:#555;font-size:12px"
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_STRM_NAMES = frozenset(r.value for r in Relation)


# -- small pieces --------------------------------------------------------------------------


def safe_url(url: str | None) -> str | None:
    """The URL if it is an http(s) or mailto link, else None (no ``javascript:`` links)."""
    if not url:
        return None
    stripped = url.strip()
    return stripped if stripped.lower().startswith(_SAFE_SCHEMES) else None


def shorten(text: str, limit: int) -> str:
    """The text cut to at most ``limit`` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def link_html(url: str | None, text: str) -> str:
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


def badge(status: str, label: str | None = None) -> str:
    """A status as a coloured label (the colour of :data:`STATUS_COLOURS`)."""
    colour = STATUS_COLOURS.get(status, "#eee")
    text = escape(label if label is not None else status)
    return f'<span style="background:{colour};padding:1px 6px;border-radius:3px;white-space:nowrap">{text}</span>'


def relation_badge(name: str) -> str:
    """A relation name with its symbol, in the relation's colour."""
    colour = RELATION_COLOURS.get(name, "#555")
    symbol = Relation(name).symbol + " " if name in _STRM_NAMES else ""
    return (
        f'<span style="border:1px solid {colour};color:{colour};padding:0 5px;border-radius:3px;'
        f'white-space:nowrap">{escape(symbol + name)}</span>'
    )


def relation_set_badges(relations: RelationSet) -> str:
    """A relation set as badges: "any" when nothing is known, ∅ for a contradiction."""
    if relations.is_universal:
        return '<span style="color:#777">any (nothing known)</span>'
    if not len(relations):
        return badge("contradiction", "∅ contradiction")
    return " ".join(relation_badge(name) for name in relations.names)


def titles_html(clause: Clause) -> str:
    """Escaped English heading, and the Chinese one beside it when there is one."""
    text = escape(clause.title)
    if clause.title_zh:
        text += f' <span lang="zh" style="color:#555">{escape(clause.title_zh)}</span>'
    return text


def bar_html(counts: dict[str, int], *, width: int = 160) -> str:
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
    head = "".join(
        f'<th style="{CELL_STYLE};background:#f3f3f3">{escape(str(h))}</th>' for h in headers
    )
    body = []
    for number, row in enumerate(rows):
        cells = []
        for index, value in enumerate(row):
            text = (
                ""
                if value is None
                else (str(value) if index in raw_columns else escape(str(value)))
            )
            cells.append(f'<td style="{CELL_STYLE}">{text}</td>')
        colour = (
            row_colours[number] if row_colours is not None and number < len(row_colours) else None
        )
        style = f' style="background:{escape(colour)}"' if colour else ""
        body.append(f"<tr{style}>" + "".join(cells) + "</tr>")
    return f'<table style="{TABLE_STYLE}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


# -- inferred relations --------------------------------------------------------------------


def derivation_html(derivation: Derivation, nodes: Sequence[str], *, limit: int = 60) -> str:
    """A derivation tree as nested lists: each step with its rule, file and justification."""
    budget = [limit]

    def render(item: Derivation) -> str:
        budget[0] -= 1
        left, right = escape(nodes[item.left]), escape(nodes[item.right])
        step = f"<code>{left}</code> {relation_set_badges(RelationSet(item.mask))} <code>{right}</code>"
        if item.fact is not None:
            fact = item.fact
            if isinstance(fact.payload, Mapping):
                mapping = fact.payload
                facts = f"strength {mapping.strength}, {escape(mapping.rationale)}"
                if mapping.confidence is not None:
                    facts += f", confidence {mapping.confidence}"
                return (
                    f"<li>{step} — <i>{escape(item.rule)}</i>: {escape(mapping.where)}; {facts}"
                    f'<div style="{MUTED_STYLE}">why: {escape(mapping.justification)}</div></li>'
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
        f"{relation_set_badges(result.relations)} {badge(result.status)}</div>"
    )
    text = explanation_text(result)
    plain = f'<details><summary>plain text</summary><pre style="font-size:12px;white-space:pre-wrap">{escape(text)}</pre></details>'
    if result.derivation is None:
        note = (
            "<p>The same clause: equal to itself, no mapping needed.</p>"
            if result.source == result.target
            else "<p>No mapping, hierarchy or chain constrains this pair: nothing can be concluded.</p>"
        )
        return f'<div style="{BOX_STYLE}">{head}{note}{plain}</div>'
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
        f'<div style="{BOX_STYLE}">{head}{measures}'
        f"<div><b>Supporting paths</b><ol style='margin:2px 0'>{paths}</ol></div>"
        f"<details open><summary><b>Derivation</b></summary>{derivation_html(result.derivation, result.nodes)}</details>"
        f"{plain}</div>"
    )
