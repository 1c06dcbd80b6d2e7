"""Views for exploring the knowledge base in Jupyter.

Clause cards, neighbourhood graphs, coverage heatmaps and gap-report charts.

Every view renders without a network and without JavaScript: the neighbourhood graph is
an inline SVG drawn here, charts are matplotlib figures (imported only when drawn). Where
``ipycytoscape`` is installed, the neighbourhood is also offered as an interactive widget.

>>> import crosswalk
>>> from crosswalk.display.views import neighbourhood
>>> view = neighbourhood(crosswalk.load(), "iso31000:6.4.2", interactive=False)
>>> "iso23894:6.4.2.1" in view.nodes
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crosswalk.display.cards import (
    clause_html,
    clause_text,
    framework_html,
)
from crosswalk.display.charts import coverage_frame, coverage_heatmap, domain_chart
from crosswalk.display.graph import Neighbourhood, neighbourhood
from crosswalk.display.links import Link, links_of

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

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


def clause_view(
    kb: KnowledgeBase, clause_id: str, *, inferred: bool = True, graph: bool = True
) -> ClauseView:
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
