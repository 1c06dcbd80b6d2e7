"""A neighbourhood drawn as one self-contained SVG: rings, edges, nodes and a legend.

The static drawing is what every notebook viewer shows (no network, no JavaScript), and
what travels beside the interactive widget, so it is kept apart from building the
neighbourhood (:mod:`crosswalk.display.graph`) and from placing its clauses
(:mod:`crosswalk.display.layout`). Every value taken from data is escaped; only safe
links are made.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING

from crosswalk.display.html import (
    RELATION_COLOURS,
    RELATION_SYMBOLS,
    framework_colour,
    safe_url,
    shorten,
)
from crosswalk.display.layout import Positions, ring_layout
from crosswalk.display.links import Link

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = ["neighbourhood_svg"]

_svg_ids = itertools.count(1)
"""Numbers that keep each drawing's marker ids unique in a page."""


def neighbourhood_svg(
    kb: KnowledgeBase,
    center: str,
    depth: int,
    nodes: Mapping[str, int],
    links: Sequence[Link],
) -> str:
    """The neighbourhood as a self-contained SVG (tooltips give titles and justifications)."""
    positions, radii = ring_layout(kb, center, nodes, links, depth=depth)
    uid = f"cw{next(_svg_ids)}"
    prefixes = list(kb.frameworks)
    extent = (radii[-1] if len(radii) > 1 else 0) + 240
    frameworks = sorted({kb.clauses[n].framework for n in nodes})
    relations = sorted({link.relation if link.kind != "inferred" else "inferred" for link in links})
    legend_items = len(frameworks) + len(relations)
    per_row = max(1, int(2 * extent // 200))
    legend_height = 22 * math.ceil(legend_items / per_row) + 10
    width, height = 2 * extent, 2 * extent + legend_height
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-extent:.0f} {-extent:.0f} {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" style="max-width:100%;height:auto;font-family:sans-serif" '
            f'role="img" aria-label="neighbourhood of {escape(center)}">'
        ),
        f"<title>Neighbourhood of {escape(center)} (depth {depth})</title><defs>",
    ]
    for name, colour in RELATION_COLOURS.items():
        parts.append(
            f'<marker id="{uid}-{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    parts.append("</defs>")
    parts.extend(
        f'<circle cx="0" cy="0" r="{r:.0f}" fill="none" stroke="#eee" stroke-dasharray="2,4"/>'
        for r in radii[1:]
    )
    symbols = len(links) <= 40
    for link in links:
        if link.source not in positions or link.target not in positions:
            continue
        parts.append(_edge_svg(link, positions, uid, center, symbols=symbols))
    for node in nodes:
        parts.append(_node_svg(kb, node, positions, prefixes, center))
    parts.append(
        _legend_svg(kb, frameworks, relations, prefixes, -extent + 10, extent + 8, per_row)
    )
    parts.append("</svg>")
    return "".join(parts)


def _edge_svg(
    link: Link,
    positions: Positions,
    uid: str,
    center: str,
    *,
    symbols: bool = True,
) -> str:
    (x1, y1), (x2, y2) = positions[link.source], positions[link.target]
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    shrink_start = 12 if link.source == center else 8
    shrink_end = 12 if link.target == center else 8
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    sx, sy, ex, ey = (
        x1 + ux * shrink_start,
        y1 + uy * shrink_start,
        x2 - ux * shrink_end,
        y2 - uy * shrink_end,
    )
    name = "inferred" if link.kind == "inferred" else link.relation
    colour = RELATION_COLOURS.get(name, "#555")
    dash = {"hierarchy": ' stroke-dasharray="3,3"', "inferred": ' stroke-dasharray="7,4"'}.get(
        link.kind, ""
    )
    width = 0.8 + (link.strength or 4) / 4
    arrow = (
        f' marker-end="url(#{uid}-{name})"'
        if name in ("subset_of", "superset_of", "addresses", "part_of", "inferred")
        else ""
    )
    tip = f"{link.source} {link.relation} {link.target}"
    if link.mapping is not None:
        tip += f" — strength {link.mapping.strength}, {link.mapping.rationale}\n{link.mapping.justification}\n{link.mapping.where}"
    elif link.kind == "inferred":
        tip += f" — inferred ({link.status}); kb.relation() explains it"
    symbol = RELATION_SYMBOLS.get(link.relation, "") if symbols else ""
    opacity = 0.9 if center in (link.source, link.target) else 0.45
    label = ""
    if symbol:
        mx, my = (sx + ex) / 2, (sy + ey) / 2
        label = (
            f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="7" fill="white" stroke="{colour}" stroke-width="0.8"/>'
            f'<text x="{mx:.1f}" y="{my + 3.5:.1f}" font-size="10" text-anchor="middle" fill="{colour}">{escape(symbol)}</text>'
        )
    return (
        f"<g><title>{escape(tip)}</title>"
        f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="{colour}" stroke-width="{width:.1f}" '
        f'stroke-opacity="{opacity}"{dash}{arrow}/>{label}</g>'
    )


def _node_svg(
    kb: KnowledgeBase,
    node: str,
    positions: Positions,
    prefixes: Sequence[str],
    center: str,
) -> str:
    clause = kb.clauses[node]
    x, y = positions[node]
    colour = framework_colour(clause.framework, prefixes)
    framework = kb.frameworks.get(clause.framework)
    tip = f"{clause.id} — {clause.title}"
    if clause.title_zh:
        tip += f"\n{clause.title_zh}"
    tip += f"\n{framework.short_name if framework else clause.framework} · {clause.kind} · {clause.status}"
    if clause.summary:
        tip += f"\n{clause.summary}"
    text = f"{clause.id} {clause.title}"
    if node == center:
        body = (
            f'<circle cx="0" cy="0" r="11" fill="{colour}" stroke="#222" stroke-width="2"/>'
            f'<text x="0" y="27" font-size="13" font-weight="bold" text-anchor="middle" '
            f'stroke="white" stroke-width="4" paint-order="stroke">{escape(shorten(text, 48))}</text>'
        )
    else:
        angle = math.degrees(math.atan2(y, x))
        flip = 90 < angle % 360 < 270
        rotation = angle + 180 if flip else angle
        offset = -11 if flip else 11
        anchor = "end" if flip else "start"
        body = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}" stroke="#333" stroke-width="0.8"/>'
            f'<text transform="translate({x:.1f},{y:.1f}) rotate({rotation:.1f})" x="{offset}" y="3.5" '
            f'font-size="11" text-anchor="{anchor}" stroke="white" stroke-width="3" paint-order="stroke">{escape(shorten(text, 36))}</text>'
        )
    url = safe_url(clause.url)
    if url is not None:
        body = f'<a href="{escape(url)}" target="_blank">{body}</a>'
    return f"<g><title>{escape(tip)}</title>{body}</g>"


def _legend_svg(
    kb: KnowledgeBase,
    frameworks: Sequence[str],
    relations: Sequence[str],
    prefixes: Sequence[str],
    x0: float,
    y0: float,
    per_row: int,
) -> str:
    items = []
    for prefix in frameworks:
        framework = kb.frameworks.get(prefix)
        label = framework.short_name if framework else prefix
        items.append(
            f'<circle cx="6" cy="-4" r="6" fill="{framework_colour(prefix, prefixes)}"/><text x="16" y="0" font-size="11">{escape(shorten(label, 24))}</text>'
        )
    for name in relations:
        colour = RELATION_COLOURS.get(name, "#555")
        symbol = RELATION_SYMBOLS.get(name, "")
        items.append(
            f'<line x1="0" y1="-4" x2="18" y2="-4" stroke="{colour}" stroke-width="2"/>'
            f'<text x="24" y="0" font-size="11" fill="{colour}">{escape((symbol + " " if symbol else "") + name.replace("_", " "))}</text>'
        )
    placed = []
    for number, item in enumerate(items):
        row, column = divmod(number, per_row)
        placed.append(
            f'<g transform="translate({x0 + 200 * column:.0f},{y0 + 22 * row + 10:.0f})">{item}</g>'
        )
    return "".join(placed)
