"""The interactive view of a neighbourhood: an ipycytoscape widget, where one can run.

ipycytoscape is optional and needs a live kernel, so everything that touches it sits
here and imports it only when a widget is asked for; the static SVG
(:mod:`crosswalk.display.svg`) needs neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from crosswalk.display.html import RELATION_COLOURS, RELATION_SYMBOLS, framework_colour, shorten
from crosswalk.display.links import Link

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = ["cytoscape_widget", "use_widget"]


def use_widget(interactive: bool | None) -> bool:
    """Whether to show the widget: never if False; if None, only where a kernel runs."""
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


def cytoscape_widget(
    kb: KnowledgeBase, center: str, nodes: Iterable[str], links: Sequence[Link]
) -> Any:
    """An interactive ipycytoscape widget of the clauses and links (needs ``ipycytoscape``)."""
    try:
        import ipycytoscape
    except ImportError as error:
        raise ImportError(
            "the interactive view needs ipycytoscape (pip install ipycytoscape); "
            "the static SVG view works without it"
        ) from error
    prefixes = list(kb.frameworks)
    data = {
        "nodes": [
            {
                "data": {
                    "id": node,
                    "label": f"{node}\n{shorten(kb.clauses[node].title, 30)}",
                    "colour": framework_colour(kb.clauses[node].framework, prefixes),
                    "size": 28 if node == center else 18,
                }
            }
            for node in nodes
        ],
        "edges": [
            {
                "data": {
                    "source": link.source,
                    "target": link.target,
                    "label": RELATION_SYMBOLS.get(link.relation, link.relation),
                    "colour": RELATION_COLOURS.get(
                        "inferred" if link.kind == "inferred" else link.relation, "#555"
                    ),
                }
            }
            for link in links
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
