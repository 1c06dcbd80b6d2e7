"""The neighbourhood of a clause across frameworks: the walk that finds it, and the object.

:func:`neighbourhood` walks the mappings out from one clause; :class:`Neighbourhood`
holds what it found and shows it. The drawing is elsewhere: clause positions in
:mod:`crosswalk.display.layout`, the inline SVG in :mod:`crosswalk.display.svg` and the
optional interactive widget in :mod:`crosswalk.display.widget`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from crosswalk.display.html import table_html
from crosswalk.display.links import Link, inferred_links, mappings_by_clause
from crosswalk.display.svg import neighbourhood_svg
from crosswalk.display.widget import cytoscape_widget, use_widget

if TYPE_CHECKING:
    import networkx
    import pandas

    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "Neighbourhood",
    "neighbourhood",
]


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

    # -- display ----------------------------------------------------------------------

    def to_svg(self) -> str:
        """The neighbourhood as a self-contained SVG (tooltips give titles and justifications)."""
        return neighbourhood_svg(self.kb, self.center, self.depth, self.nodes, self.links)

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
        if use_widget(self.interactive):
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
        return cytoscape_widget(self.kb, self.center, self.nodes, self.links)

    def __repr__(self) -> str:
        return f"<Neighbourhood of {self.center}: {len(self.nodes)} clauses, {len(self.links)} links (depth {self.depth})>"


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
