"""The neighbourhood of a clause across frameworks, drawn as an inline SVG (or a widget).

Every view renders without a network and without JavaScript; where ``ipycytoscape`` is
installed, the neighbourhood is also offered as an interactive widget.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from crosswalk.display.html import (
    RELATION_COLOURS,
    framework_colour,
    safe_url,
    table_html,
)
from crosswalk.display.links import Link, inferred_links, mappings_by_clause
from crosswalk.reasoning.relations import Relation

if TYPE_CHECKING:
    import networkx
    import pandas

    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "Neighbourhood",
    "neighbourhood",
]


_SYMBOLS = {r.value: r.symbol for r in Relation} | {"addresses": "↦", "part_of": "∈"}


_svg_ids = itertools.count(1)


@dataclass
class Neighbourhood:
    """The clauses around one clause, across frameworks, with the links between them.

    ``nodes`` maps each clause id to its distance (mapping hops) from ``center``.
    Displays as an inline SVG everywhere, and as an interactive ipycytoscape widget
    where that is installed and ``interactive`` allows it.
    """

    kb: KnowledgeBase = field(repr=False)
    center: str
    depth: int
    nodes: dict[str, int]
    links: list[Link]
    left_out: int = 0
    interactive: bool | None = None

    def to_networkx(self) -> networkx.MultiDiGraph:
        """The neighbourhood as a networkx graph (nodes carry framework, title, distance)."""
        import networkx as nx

        graph = nx.MultiDiGraph()
        for node, distance in self.nodes.items():
            clause = self.kb.clauses[node]
            graph.add_node(
                node,
                framework=clause.framework,
                title=clause.title,
                title_zh=clause.title_zh,
                distance=distance,
            )
        for link in self.links:
            graph.add_edge(
                link.source,
                link.target,
                relation=link.relation,
                kind=link.kind,
                strength=link.strength,
            )
        return graph

    def to_frame(self) -> pandas.DataFrame:
        """One row per link: source, relation, target, kind, strength, justification, file."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "source": link.source,
                    "relation": link.relation,
                    "target": link.target,
                    "kind": link.kind,
                    "strength": link.strength,
                    "justification": link.mapping.justification if link.mapping else None,
                    "where": link.mapping.where if link.mapping else None,
                }
                for link in self.links
            ],
            columns=["source", "relation", "target", "kind", "strength", "justification", "where"],
        )

    # -- static drawing --------------------------------------------------------------

    def _layout(self) -> tuple[dict[str, tuple[float, float]], list[float]]:
        """Concentric rings by distance; each ring sorted to sit near its inner neighbours."""
        rings: dict[int, list[str]] = {}
        for node, distance in self.nodes.items():
            rings.setdefault(distance, []).append(node)
        adjacent: dict[str, set[str]] = {}
        for link in self.links:
            adjacent.setdefault(link.source, set()).add(link.target)
            adjacent.setdefault(link.target, set()).add(link.source)
        positions: dict[str, tuple[float, float]] = {self.center: (0.0, 0.0)}
        angles: dict[str, float] = {self.center: 0.0}
        radii = [0.0]
        radius = 0.0
        for distance in sorted(d for d in rings if d > 0):
            members = rings[distance]

            def key(node: str, distance: int = distance) -> tuple[float, str, int]:
                inner = [
                    angles[n]
                    for n in adjacent.get(node, ())
                    if self.nodes.get(n) == distance - 1 and n in angles
                ]
                clause = self.kb.clauses[node]
                mean = (
                    math.atan2(sum(math.sin(a) for a in inner), sum(math.cos(a) for a in inner))
                    if inner and distance > 1
                    else 0.0
                )
                return (mean % (2 * math.pi), clause.framework, clause.order)

            members.sort(key=key)
            step = (130 if self.depth == 1 else 190) if distance == 1 else 230
            radius = max(radius + step, len(members) * 17 / (2 * math.pi))
            radii.append(radius)
            start = -math.pi / 2
            for number, node in enumerate(members):
                angle = start + 2 * math.pi * number / len(members)
                angles[node] = angle
                positions[node] = (radius * math.cos(angle), radius * math.sin(angle))
        return positions, radii

    def to_svg(self) -> str:
        """The neighbourhood as a self-contained SVG (tooltips give titles and justifications)."""
        kb = self.kb
        positions, radii = self._layout()
        uid = f"cw{next(_svg_ids)}"
        prefixes = list(kb.frameworks)
        extent = (radii[-1] if len(radii) > 1 else 0) + 240
        frameworks = sorted({kb.clauses[n].framework for n in self.nodes})
        relations = sorted(
            {link.relation if link.kind != "inferred" else "inferred" for link in self.links}
        )
        legend_items = len(frameworks) + len(relations)
        per_row = max(1, int(2 * extent // 200))
        legend_height = 22 * math.ceil(legend_items / per_row) + 10
        width, height = 2 * extent, 2 * extent + legend_height
        parts = [
            (
                f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-extent:.0f} {-extent:.0f} {width:.0f} {height:.0f}" '
                f'width="{width:.0f}" height="{height:.0f}" style="max-width:100%;height:auto;font-family:sans-serif" '
                f'role="img" aria-label="neighbourhood of {escape(self.center)}">'
            ),
            f"<title>Neighbourhood of {escape(self.center)} (depth {self.depth})</title><defs>",
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
        symbols = len(self.links) <= 40
        for link in self.links:
            if link.source not in positions or link.target not in positions:
                continue
            parts.append(self._edge_svg(link, positions, uid, symbols=symbols))
        for node in self.nodes:
            parts.append(self._node_svg(node, positions, prefixes))
        parts.append(
            self._legend_svg(frameworks, relations, prefixes, -extent + 10, extent + 8, per_row)
        )
        parts.append("</svg>")
        return "".join(parts)

    def _edge_svg(
        self,
        link: Link,
        positions: dict[str, tuple[float, float]],
        uid: str,
        *,
        symbols: bool = True,
    ) -> str:
        (x1, y1), (x2, y2) = positions[link.source], positions[link.target]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        shrink_start = 12 if link.source == self.center else 8
        shrink_end = 12 if link.target == self.center else 8
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
        symbol = _SYMBOLS.get(link.relation, "") if symbols else ""
        opacity = 0.9 if self.center in (link.source, link.target) else 0.45
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
        self, node: str, positions: dict[str, tuple[float, float]], prefixes: Sequence[str]
    ) -> str:
        clause = self.kb.clauses[node]
        x, y = positions[node]
        colour = framework_colour(clause.framework, prefixes)
        framework = self.kb.frameworks.get(clause.framework)
        tip = f"{clause.id} — {clause.title}"
        if clause.title_zh:
            tip += f"\n{clause.title_zh}"
        tip += f"\n{framework.short_name if framework else clause.framework} · {clause.kind} · {clause.status}"
        if clause.summary:
            tip += f"\n{clause.summary}"
        text = f"{clause.id} {clause.title}"
        if node == self.center:
            body = (
                f'<circle cx="0" cy="0" r="11" fill="{colour}" stroke="#222" stroke-width="2"/>'
                f'<text x="0" y="27" font-size="13" font-weight="bold" text-anchor="middle" '
                f'stroke="white" stroke-width="4" paint-order="stroke">{escape(_shorten(text, 48))}</text>'
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
                f'font-size="11" text-anchor="{anchor}" stroke="white" stroke-width="3" paint-order="stroke">{escape(_shorten(text, 36))}</text>'
            )
        url = safe_url(clause.url)
        if url is not None:
            body = f'<a href="{escape(url)}" target="_blank">{body}</a>'
        return f"<g><title>{escape(tip)}</title>{body}</g>"

    def _legend_svg(
        self,
        frameworks: Sequence[str],
        relations: Sequence[str],
        prefixes: Sequence[str],
        x0: float,
        y0: float,
        per_row: int,
    ) -> str:
        items = []
        for prefix in frameworks:
            framework = self.kb.frameworks.get(prefix)
            label = framework.short_name if framework else prefix
            items.append(
                f'<circle cx="6" cy="-4" r="6" fill="{framework_colour(prefix, prefixes)}"/><text x="16" y="0" font-size="11">{escape(_shorten(label, 24))}</text>'
            )
        for name in relations:
            colour = RELATION_COLOURS.get(name, "#555")
            symbol = _SYMBOLS.get(name, "")
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

    # -- display ----------------------------------------------------------------------

    def _heading(self) -> str:
        frameworks = {self.kb.clauses[n].framework for n in self.nodes}
        more = f"; {self.left_out} more clauses left out (raise max_nodes)" if self.left_out else ""
        return (
            f"<div><b>Neighbourhood of <code>{escape(self.center)}</code></b> (depth {self.depth}): "
            f"{len(self.nodes)} clauses in {len(frameworks)} frameworks, {len(self.links)} links{escape(more)}. "
            "Hover a node or an edge for titles and justifications.</div>"
        )

    def _repr_html_(self) -> str:
        rows = [
            (
                link.source,
                link.relation,
                link.target,
                link.kind,
                link.strength or "",
                link.mapping.justification if link.mapping else "",
            )
            for link in self.links
        ]
        return (
            f"<div>{self._heading()}{self.to_svg()}"
            "<details><summary>links as a table</summary>"
            + table_html(["source", "relation", "target", "kind", "strength", "why"], rows)
            + "</details></div>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """Widget view where ipycytoscape is usable, the static SVG drawing always.

        The static views ride in the same bundle as the widget: a notebook exported to
        HTML (or viewed without a kernel) cannot run the widget and falls back to them.
        """
        bundle: dict[str, Any] = {}
        if _use_widget(self.interactive):
            try:
                bundle.update(self.widget()._repr_mimebundle_())
            except Exception:  # noqa: BLE001 - a broken widget stack must not hide the static view
                bundle = {}
        bundle["text/html"] = self._repr_html_()
        bundle["image/svg+xml"] = self.to_svg()
        bundle["text/plain"] = repr(self)
        return bundle

    def widget(self) -> Any:
        """An interactive ipycytoscape widget of the neighbourhood (needs ``ipycytoscape``)."""
        try:
            import ipycytoscape
        except ImportError as error:
            raise ImportError(
                "the interactive view needs ipycytoscape (pip install ipycytoscape); "
                "the static SVG view works without it"
            ) from error
        prefixes = list(self.kb.frameworks)
        data = {
            "nodes": [
                {
                    "data": {
                        "id": node,
                        "label": f"{node}\n{_shorten(self.kb.clauses[node].title, 30)}",
                        "colour": framework_colour(self.kb.clauses[node].framework, prefixes),
                        "size": 28 if node == self.center else 18,
                    }
                }
                for node in self.nodes
            ],
            "edges": [
                {
                    "data": {
                        "source": link.source,
                        "target": link.target,
                        "label": _SYMBOLS.get(link.relation, link.relation),
                        "colour": RELATION_COLOURS.get(
                            "inferred" if link.kind == "inferred" else link.relation, "#555"
                        ),
                    }
                }
                for link in self.links
            ],
        }
        view = ipycytoscape.CytoscapeWidget()
        view.graph.add_graph_from_json(data, directed=True)
        view.set_style(
            [
                {
                    "selector": "node",
                    "style": {
                        "background-color": "data(colour)",
                        "label": "data(label)",
                        "width": "data(size)",
                        "height": "data(size)",
                        "font-size": 9,
                        "text-wrap": "wrap",
                    },
                },
                {
                    "selector": "edge",
                    "style": {
                        "line-color": "data(colour)",
                        "target-arrow-color": "data(colour)",
                        "target-arrow-shape": "triangle",
                        "curve-style": "bezier",
                        "label": "data(label)",
                        "font-size": 10,
                    },
                },
            ]
        )
        view.set_layout(name="concentric", animate=False)
        return view

    def __repr__(self) -> str:
        return f"<Neighbourhood of {self.center}: {len(self.nodes)} clauses, {len(self.links)} links (depth {self.depth})>"


def _use_widget(interactive: bool | None) -> bool:
    if interactive is False:
        return False
    try:
        import ipycytoscape  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    if interactive:
        return True
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def neighbourhood(  # noqa: C901 - a breadth-first walk; hierarchy and inferred links share its node budget
    kb: KnowledgeBase,
    clause_id: str,
    *,
    depth: int = 1,
    hierarchy: bool = True,
    inferred: bool = False,
    max_nodes: int = 60,
    interactive: bool | None = None,
) -> Neighbourhood:
    """The neighbourhood of a clause across frameworks, ready to display.

    Clauses up to ``depth`` mapping hops away, with every mapping between them;
    ``hierarchy`` adds the clause's parent and parts, ``inferred`` the proven overlaps
    that inference adds with other frameworks. At most ``max_nodes`` clauses are kept
    (the rest are counted in ``left_out``). ``interactive`` chooses the display: None
    uses an ipycytoscape widget when one is installed and a kernel runs, False always
    the static SVG (which is also kept beside the widget for static renderings).
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    center = kb.clause(clause_id).id
    by_clause = mappings_by_clause(kb)
    nodes = {center: 0}
    left_out: set[str] = set()
    frontier = [center]
    for distance in range(1, depth + 1):
        following = []
        for node in frontier:
            for mapping in by_clause.get(node, []):
                for other in (*mapping.subjects, mapping.object):
                    if other in nodes or other not in kb.clauses:
                        continue
                    if len(nodes) >= max_nodes:
                        left_out.add(other)
                        continue
                    nodes[other] = distance
                    following.append(other)
        frontier = following
    extra: list[Link] = []
    if hierarchy:
        clause = kb.clauses[center]
        for other in ([clause.parent] if clause.parent else []) + kb.children.get(center, []):
            if other in nodes:
                continue
            if len(nodes) >= max_nodes:
                left_out.add(other)
                continue
            nodes[other] = 1
    if inferred:
        for link in inferred_links(kb, center, set(nodes), max(0, max_nodes - len(nodes))):
            nodes[link.target] = 1
            extra.append(link)
    links: list[Link] = []
    seen: set[str] = set()
    for node in nodes:
        for mapping in by_clause.get(node, []):
            if mapping.id in seen or mapping.object not in nodes:
                continue
            seen.add(mapping.id)
            links.extend(
                Link(
                    subject, mapping.object, mapping.relation, "mapping", mapping, mapping.is_union
                )
                for subject in mapping.subjects
                if subject in nodes
            )
        parent = kb.clauses[node].parent
        if hierarchy and parent in nodes:
            links.append(Link(node, parent, "part_of", "hierarchy"))
    links.extend(extra)
    return Neighbourhood(kb, center, depth, nodes, links, len(left_out - set(nodes)), interactive)
