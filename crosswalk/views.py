"""Views for exploring the knowledge base in Jupyter: clause cards, neighbourhood graphs,
coverage heatmaps and gap-report charts.

Every view renders without a network and without JavaScript: the neighbourhood graph is
an inline SVG drawn here, charts are matplotlib figures (imported only when drawn). Where
``ipycytoscape`` is installed, the neighbourhood is also offered as an interactive widget.

>>> import crosswalk
>>> from crosswalk.views import neighbourhood
>>> view = neighbourhood(crosswalk.load(), "iso31000:6.4.2", interactive=False)
>>> "iso23894:6.4.2.1" in view.nodes
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any, Literal

from crosswalk.display import (
    CHART_COLOURS,
    RELATION_COLOURS,
    clause_html,
    clause_text,
    framework_colour,
    framework_html,
    safe_url,
    table_html,
)
from crosswalk.errors import ContradictionError
from crosswalk.model import Mapping
from crosswalk.relations import OVERLAPPING, Relation, RelationSet

if TYPE_CHECKING:
    import networkx
    import pandas
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from crosswalk.gap import GapReport
    from crosswalk.knowledge import KnowledgeBase

__all__ = [
    "ClauseView",
    "FrameworkView",
    "Link",
    "Neighbourhood",
    "clause_view",
    "coverage_frame",
    "coverage_heatmap",
    "domain_chart",
    "framework_view",
    "links_of",
    "neighbourhood",
]

_STRM = frozenset(r.value for r in Relation)
_CONVERSE = {
    "equal": "equal",
    "subset_of": "superset_of",
    "superset_of": "subset_of",
    "intersects_with": "intersects_with",
    "no_relationship": "no_relationship",
    "addresses": "addressed_by",
}
_SYMBOLS = {r.value: r.symbol for r in Relation} | {"addresses": "↦", "part_of": "∈"}
_STATUS_ORDER = {"covered": 0, "partial": 1, "undetermined": 2, "none": 3}
_svg_ids = itertools.count(1)


@dataclass(frozen=True)
class Link:
    """One edge between two clauses, read from ``source`` to ``target``.

    ``kind`` is ``mapping`` (asserted; ``mapping`` holds it), ``hierarchy`` (``part_of`` /
    ``has_part``) or ``inferred`` (a proven overlap the closure entails; ``relation`` is the
    relation set and ``status`` its coverage status).
    """

    source: str
    target: str
    relation: str
    kind: Literal["mapping", "hierarchy", "inferred"]
    mapping: Mapping | None = None
    union: bool = False
    status: str | None = None

    @property
    def strength(self) -> int | None:
        """Strength of the asserted mapping (None for other kinds)."""
        return self.mapping.strength if self.mapping is not None else None


def _mappings_by_clause(kb: KnowledgeBase) -> dict[str, list[Mapping]]:
    index: dict[str, list[Mapping]] = {}
    for mapping in kb.mappings:
        for clause_id in dict.fromkeys((*mapping.subjects, mapping.object)):
            index.setdefault(clause_id, []).append(mapping)
    return index


def _inferred_links(kb: KnowledgeBase, clause_id: str, exclude: set[str], limit: int | None) -> list[Link]:
    """Proven overlaps with clauses of other frameworks that no mapping asserts directly."""
    try:
        closure = kb.closure
    except ContradictionError:
        return []
    nodes = kb.network.nodes
    source = kb.network.index[clause_id]
    framework = clause_id.split(":", 1)[0]
    found = []
    for node, mask in closure.neighbours(source).items():
        other = nodes[node]
        clause = kb.clauses.get(other)
        if clause is None or clause.framework == framework or other in exclude or mask & ~OVERLAPPING:
            continue
        relations = RelationSet(mask)
        found.append((_STATUS_ORDER.get(relations.status, 9), -clause.depth, clause.framework, clause.order, other, relations))
    found.sort(key=lambda item: item[:4])
    if limit is not None:
        found = found[:limit]
    return [Link(clause_id, other, str(relations), "inferred", status=relations.status) for *_, other, relations in found]


def links_of(
    kb: KnowledgeBase,
    clause_id: str,
    *,
    hierarchy: bool = True,
    inferred: bool = False,
    limit: int | None = None,
) -> list[Link]:
    """Every link of one clause, read from it: asserted mappings (relation turned to face
    the other clause), optionally its parent and parts, and proven overlaps the inference
    adds with other frameworks (at most ``limit`` of those).

    >>> import crosswalk
    >>> [l.relation for l in links_of(crosswalk.load(), "gbt24353:6.4.2") if l.kind == "mapping"]
    ['equal']
    """
    clause = kb.clause(clause_id)
    links: list[Link] = []
    for mapping in _mappings_by_clause(kb).get(clause.id, []):
        if clause.id in mapping.subjects:
            links.append(Link(clause.id, mapping.object, mapping.relation, "mapping", mapping, mapping.is_union))
        else:
            for subject in mapping.subjects:
                links.append(Link(clause.id, subject, _CONVERSE[mapping.relation], "mapping", mapping, mapping.is_union))
    if hierarchy:
        if clause.parent:
            links.append(Link(clause.id, clause.parent, "part_of", "hierarchy"))
        links.extend(Link(clause.id, child, "has_part", "hierarchy") for child in kb.children.get(clause.id, []))
    if inferred:
        links.extend(_inferred_links(kb, clause.id, {link.target for link in links}, limit))
    return links


# -- clause and framework views -----------------------------------------------------------


@dataclass(frozen=True)
class ClauseView:
    """A clause in the context of a knowledge base: card, neighbours and graph."""

    kb: KnowledgeBase = field(repr=False)
    clause_id: str
    inferred: bool = True
    graph: bool = True

    def links(self) -> list[Link]:
        """The clause's links (see :func:`links_of`)."""
        return links_of(self.kb, self.clause_id, inferred=self.inferred)

    def neighbourhood(self, *, depth: int = 1) -> Neighbourhood:
        """The clause's neighbourhood graph (see :func:`neighbourhood`)."""
        return neighbourhood(self.kb, self.clause_id, depth=depth, interactive=False)

    def __str__(self) -> str:
        return clause_text(self.kb, self.kb.clause(self.clause_id))

    def _repr_html_(self) -> str:
        html = clause_html(self.kb, self.kb.clause(self.clause_id), inferred=self.inferred)
        if self.graph:
            view = self.neighbourhood()
            if len(view.nodes) > 1:
                html += view.to_svg()
        return html


def clause_view(kb: KnowledgeBase, clause_id: str, *, inferred: bool = True, graph: bool = True) -> ClauseView:
    """A displayable clause card with its neighbours across frameworks (and their graph).

    ``inferred`` adds the proven overlaps that inference entails beyond the asserted
    mappings; ``graph`` adds the depth-1 neighbourhood drawing.
    """
    clause = kb.clause(clause_id)
    return ClauseView(kb, clause.id, inferred, graph)


@dataclass(frozen=True)
class FrameworkView:
    """A framework in the context of a knowledge base: card, counts and top-level clauses."""

    kb: KnowledgeBase = field(repr=False)
    prefix: str

    def _repr_html_(self) -> str:
        return framework_html(self.kb, self.kb.framework(self.prefix))


def framework_view(kb: KnowledgeBase, prefix: str) -> FrameworkView:
    """A displayable overview of one framework of the knowledge base."""
    kb.framework(prefix)
    return FrameworkView(kb, prefix)


# -- neighbourhood graph ------------------------------------------------------------------


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
            graph.add_node(node, framework=clause.framework, title=clause.title, title_zh=clause.title_zh, distance=distance)
        for link in self.links:
            graph.add_edge(link.source, link.target, relation=link.relation, kind=link.kind, strength=link.strength)
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
                inner = [angles[n] for n in adjacent.get(node, ()) if self.nodes.get(n) == distance - 1 and n in angles]
                clause = self.kb.clauses[node]
                mean = math.atan2(sum(math.sin(a) for a in inner), sum(math.cos(a) for a in inner)) if inner and distance > 1 else 0.0
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
        relations = sorted({link.relation if link.kind != "inferred" else "inferred" for link in self.links})
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
            f'<circle cx="0" cy="0" r="{r:.0f}" fill="none" stroke="#eee" stroke-dasharray="2,4"/>' for r in radii[1:]
        )
        symbols = len(self.links) <= 40
        for link in self.links:
            if link.source not in positions or link.target not in positions:
                continue
            parts.append(self._edge_svg(link, positions, uid, symbols=symbols))
        for node in self.nodes:
            parts.append(self._node_svg(node, positions, prefixes))
        parts.append(self._legend_svg(frameworks, relations, prefixes, -extent + 10, extent + 8, per_row))
        parts.append("</svg>")
        return "".join(parts)

    def _edge_svg(self, link: Link, positions: dict[str, tuple[float, float]], uid: str, *, symbols: bool = True) -> str:
        (x1, y1), (x2, y2) = positions[link.source], positions[link.target]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        shrink_start = 12 if link.source == self.center else 8
        shrink_end = 12 if link.target == self.center else 8
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        sx, sy, ex, ey = x1 + ux * shrink_start, y1 + uy * shrink_start, x2 - ux * shrink_end, y2 - uy * shrink_end
        name = "inferred" if link.kind == "inferred" else link.relation
        colour = RELATION_COLOURS.get(name, "#555")
        dash = {"hierarchy": ' stroke-dasharray="3,3"', "inferred": ' stroke-dasharray="7,4"'}.get(link.kind, "")
        width = 0.8 + (link.strength or 4) / 4
        arrow = f' marker-end="url(#{uid}-{name})"' if name in ("subset_of", "superset_of", "addresses", "part_of", "inferred") else ""
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

    def _node_svg(self, node: str, positions: dict[str, tuple[float, float]], prefixes: Sequence[str]) -> str:
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

    def _legend_svg(self, frameworks: Sequence[str], relations: Sequence[str], prefixes: Sequence[str], x0: float, y0: float, per_row: int) -> str:
        items = []
        for prefix in frameworks:
            framework = self.kb.frameworks.get(prefix)
            label = framework.short_name if framework else prefix
            items.append(f'<circle cx="6" cy="-4" r="6" fill="{framework_colour(prefix, prefixes)}"/><text x="16" y="0" font-size="11">{escape(_shorten(label, 24))}</text>')
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
            placed.append(f'<g transform="translate({x0 + 200 * column:.0f},{y0 + 22 * row + 10:.0f})">{item}</g>')
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
            (link.source, link.relation, link.target, link.kind, link.strength or "", link.mapping.justification if link.mapping else "")
            for link in self.links
        ]
        return (
            f"<div>{self._heading()}{self.to_svg()}"
            "<details><summary>links as a table</summary>"
            + table_html(["source", "relation", "target", "kind", "strength", "why"], rows)
            + "</details></div>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """Widget view where ipycytoscape is usable, HTML (inline SVG) everywhere."""
        bundle: dict[str, Any] = {}
        if _use_widget(self.interactive):
            try:
                bundle.update(self.widget()._repr_mimebundle_())
            except Exception:  # noqa: BLE001 - a broken widget stack must not hide the static view
                bundle = {}
        bundle["text/html"] = self._repr_html_()
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
                        "colour": RELATION_COLOURS.get("inferred" if link.kind == "inferred" else link.relation, "#555"),
                    }
                }
                for link in self.links
            ],
        }
        view = ipycytoscape.CytoscapeWidget()
        view.graph.add_graph_from_json(data, directed=True)
        view.set_style(
            [
                {"selector": "node", "style": {"background-color": "data(colour)", "label": "data(label)", "width": "data(size)", "height": "data(size)", "font-size": 9, "text-wrap": "wrap"}},
                {"selector": "edge", "style": {"line-color": "data(colour)", "target-arrow-color": "data(colour)", "target-arrow-shape": "triangle", "curve-style": "bezier", "label": "data(label)", "font-size": 10}},
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


def neighbourhood(
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
    by_clause = _mappings_by_clause(kb)
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
        for link in _inferred_links(kb, center, set(nodes), max(0, max_nodes - len(nodes))):
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
                Link(subject, mapping.object, mapping.relation, "mapping", mapping, mapping.is_union)
                for subject in mapping.subjects
                if subject in nodes
            )
        parent = kb.clauses[node].parent
        if hierarchy and parent in nodes:
            links.append(Link(node, parent, "part_of", "hierarchy"))
    links.extend(extra)
    return Neighbourhood(kb, center, depth, nodes, links, len(left_out - set(nodes)), interactive)


# -- charts -------------------------------------------------------------------------------


def coverage_frame(
    kb: KnowledgeBase,
    *,
    measure: Literal["share", "mappings"] = "share",
    frameworks: Iterable[str] | None = None,
) -> pandas.DataFrame:
    """Framework × framework coverage from the asserted mappings (rows A, columns B).

    ``share``: the share of A's clauses that some mapping (of any relation but
    ``no_relationship``, in either direction) links to a clause of B. ``mappings``: how
    many mappings join A and B (either direction). Within one framework: NaN.
    """
    import pandas as pd

    prefixes = list(frameworks) if frameworks is not None else sorted(kb.frameworks)
    for prefix in prefixes:
        kb.framework(prefix)
    linked: dict[tuple[str, str], set[str]] = {}
    counts: dict[tuple[str, str], int] = {}
    for mapping in kb.mappings:
        if mapping.relation == "no_relationship":
            continue
        object_prefix = mapping.object.split(":", 1)[0]
        subject_prefixes = {s.split(":", 1)[0] for s in mapping.subjects}
        for subject_prefix in subject_prefixes:
            counts[subject_prefix, object_prefix] = counts.get((subject_prefix, object_prefix), 0) + 1
            if subject_prefix != object_prefix:
                counts[object_prefix, subject_prefix] = counts.get((object_prefix, subject_prefix), 0) + 1
        for subject in mapping.subjects:
            subject_prefix = subject.split(":", 1)[0]
            linked.setdefault((subject_prefix, object_prefix), set()).add(subject)
            linked.setdefault((object_prefix, subject_prefix), set()).add(mapping.object)
    sizes = {p: len(kb.clauses_of(p)) for p in prefixes}
    table: dict[str, dict[str, float]] = {}
    for column in prefixes:
        table[column] = {}
        for row in prefixes:
            if row == column:
                table[column][row] = math.nan
            elif measure == "share":
                table[column][row] = len(linked.get((row, column), ())) / sizes[row] if sizes[row] else math.nan
            elif measure == "mappings":
                table[column][row] = counts.get((row, column), 0)
            else:
                raise ValueError(f"measure must be 'share' or 'mappings', got {measure!r}")
    frame = pd.DataFrame(table, index=prefixes, columns=prefixes)
    frame.index.name = "clauses of"
    frame.columns.name = "linked to"
    return frame


def coverage_heatmap(
    kb: KnowledgeBase,
    *,
    measure: Literal["share", "mappings"] = "share",
    frameworks: Iterable[str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """A framework × framework heatmap of :func:`coverage_frame` (a matplotlib Figure)."""
    frame = coverage_frame(kb, measure=measure, frameworks=frameworks)
    figure, ax = _axes(ax, (1.2 + 0.75 * len(frame.columns), 1.0 + 0.6 * len(frame.index)))
    values = frame.to_numpy(dtype=float)
    maximum = 1.0 if measure == "share" else max(1.0, float(frame.max().max()))
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=maximum, aspect="auto")
    ax.set_xticks(range(len(frame.columns)), frame.columns, rotation=45, ha="right")
    ax.set_yticks(range(len(frame.index)), frame.index)
    ax.set_xlabel("linked to")
    ax.set_ylabel("clauses of")
    for (row, column), value in _cells(values):
        text = "—" if math.isnan(value) else (f"{100 * value:.0f}%" if measure == "share" else f"{value:.0f}")
        dark = not math.isnan(value) and value > 0.6 * maximum
        ax.text(column, row, text, ha="center", va="center", fontsize=8, color="white" if dark else "black")
    title = "Share of clauses linked (asserted mappings)" if measure == "share" else "Mappings between frameworks"
    ax.set_title(title)
    figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    figure.tight_layout()
    return figure


def _cells(values: Any) -> Iterable[tuple[tuple[int, int], float]]:
    for row, line in enumerate(values):
        for column, value in enumerate(line):
            yield (row, column), float(value)


def _axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    """Draw on the given axes, or on a new figure that pyplot does not keep open (so a
    notebook shows it once, when it is returned)."""
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=size)
    plt.close(figure)
    return figure, ax


def domain_chart(
    report: GapReport,
    *,
    share: bool = False,
    applicable_only: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """A gap report's sections (capability domains) as stacked bars of statuses.

    ``share`` draws shares instead of counts; ``applicable_only`` leaves out sections
    where nothing applies to the profile. The provisional capability score of each
    domain, where the report has one, is written beside its bar.
    """
    from crosswalk.gap import STATUSES

    sections = [s for s in report.sections if not applicable_only or s.applicable]
    if not sections:
        sections = list(report.sections)
    figure, ax = _axes(ax, (9.0, 1.4 + 0.34 * max(3, len(sections))))
    labels = [f"{s.section.split(':', 1)[-1]} — {_shorten(s.title, 40)}" for s in sections]
    left = [0.0] * len(sections)
    for status in STATUSES:
        values = [float(s.counts.get(status, 0)) for s in sections]
        if share:
            values = [v / (sum(s.counts.values()) or 1) for v, s in zip(values, sections, strict=True)]
        if not any(values):
            continue
        ax.barh(range(len(sections)), values, left=left, color=CHART_COLOURS[status], label=status.replace("_", " "), edgecolor="white")
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(range(len(sections)), labels)
    ax.set_ylim(len(sections) - 0.5, -0.5)
    ax.set_xlabel("share of clauses" if share else "clauses")
    ax.spines[["top", "right"]].set_visible(False)
    framework = report.kb.framework(report.target)
    ax.set_title(f"{framework.short_name}: status per section", loc="left")
    capability = report.capability
    if capability is not None:
        for number, section in enumerate(sections):
            domain = section.section.split(":", 1)[-1]
            if domain in capability.domains:
                ax.text(
                    1.02, number, f"{capability.domains[domain]:.0f}/100 {capability.domain_level(domain)}",
                    transform=ax.get_yaxis_transform(), va="center", fontsize=8, clip_on=False,
                )
        ax.text(1.02, -0.9, "capability (provisional)", transform=ax.get_yaxis_transform(), fontsize=8, style="italic", clip_on=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.5 / max(3, len(sections)) - 0.08), fontsize=8, frameon=False, ncols=len(STATUSES))
    figure.tight_layout()
    return figure
