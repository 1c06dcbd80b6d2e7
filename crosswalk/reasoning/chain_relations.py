"""What chains of facts entail from one clause: the answer of ``kb.chain_relations``.

:meth:`GapIndex.relations_from <crosswalk.reasoning.chains.GapIndex.relations_from>`
computes it; this module holds the result, which reads its arrays without importing
numpy (its HTML view is attached by :mod:`crosswalk.display`).
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Protocol

from crosswalk.model.errors import UnknownClauseError
from crosswalk.model.ids import is_union_node
from crosswalk.reasoning.facts import FactTable, describe_fact
from crosswalk.reasoning.relations import ALL, RelationSet

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd


__all__ = ["IMPLEMENTED", "UNION_RULE", "UNREACHED", "ChainIndex", "ChainRelations"]

# markers in the "reached via" arrays of a gap propagation; values >= 0 are edge numbers
IMPLEMENTED = -1
"""The node is implemented by a control itself."""
UNION_RULE = -2
"""The union node is covered because every member is."""
UNREACHED = -3
"""Nothing reached the node."""


class ChainIndex(Protocol):
    """What a result needs of the index that computed it (:class:`~crosswalk.reasoning.chains.GapIndex`)."""

    nodes: list[str]
    index: dict[str, int]
    facts: FactTable

    def chains_to(self, level: npt.NDArray[np.int32], node: int) -> list[list[tuple[int, int]]]:
        """Shortest chains to ``node`` (fact number, relation set) from a search's levels."""
        ...


class ChainRelations:
    """What chains of facts entail between one clause and every other node.

    For each node: the intersection of the compositions of every chain (walk) of facts
    that reaches it. Sound — each composition contains the true relation, so their
    intersection does too — and found in time near-linear in the number of facts; but
    never tighter than :meth:`crosswalk.knowledge.base.KnowledgeBase.relation`, whose path
    consistency also intersects at the nodes in between. ``relation()`` is "any" for a
    node no informative chain reaches.
    """

    def __init__(
        self,
        index: ChainIndex,
        clause_id: str,
        masks: npt.NDArray[np.int64],
        level: npt.NDArray[np.int32],
    ) -> None:
        self.gap_index = index
        self.source = clause_id
        self._level = level
        self._masks = masks

    if TYPE_CHECKING:

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    def __repr__(self) -> str:
        return f"<ChainRelations from {self.source}: {len(self.related())} related clauses>"

    def _node(self, clause_id: str) -> int:
        node = self.gap_index.index.get(clause_id)
        if node is None:
            names = [n for n in self.gap_index.nodes if not is_union_node(n)]
            raise UnknownClauseError(clause_id, difflib.get_close_matches(clause_id, names, n=3))
        return node

    def relation(self, clause_id: str) -> RelationSet:
        """The relation set the chains entail from the source to ``clause_id``."""
        return RelationSet(int(self._masks[self._node(clause_id)]))

    def related(self, framework: str | None = None) -> dict[str, RelationSet]:
        """Every clause (of ``framework``, if given) with something entailed, source excluded."""
        nodes = self.gap_index.nodes
        found = (self._masks != ALL).nonzero()[0].tolist()
        prefix = f"{framework}:" if framework else ""
        return {
            nodes[n]: RelationSet(int(self._masks[n]))
            for n in found
            if nodes[n] != self.source
            and nodes[n].startswith(prefix)
            and not is_union_node(nodes[n])
        }

    def to_frame(self, framework: str | None = None) -> pd.DataFrame:
        """The related clauses (of ``framework``, if given) with their relation sets."""
        import pandas as pd

        related = self.related(framework)
        return pd.DataFrame(
            [(name, str(relation), relation.status) for name, relation in related.items()],
            columns=["clause", "relation", "status_if_source_implemented"],
        )

    def chains(self, clause_id: str) -> list[list[tuple[int, int]]]:
        """One shortest chain per relation set the chains to ``clause_id`` compose to.

        The relation is the intersection of their compositions. Each step is a fact's
        number and its relation set read along the chain, source first.
        """
        return self.gap_index.chains_to(self._level, self._node(clause_id))

    def explain(self, clause_id: str) -> list[list[str]]:
        """The chains of :meth:`chains`, one fact per line, with where each fact comes from."""
        table = self.gap_index.facts
        nodes = self.gap_index.nodes
        result = []
        for chain in self.chains(clause_id):
            lines, at = [], self.gap_index.index[self.source]
            for fact, mask in chain:
                left, right = table.left[fact], table.right[fact]
                after = right if left == at else left
                lines.append(describe_fact(nodes[at], mask, nodes[after], table.where(fact)))
                at = after
            result.append(lines)
        return result
