"""The facts a knowledge base states, built once, for every reasoner.

Every clause is a node, and so is every union of clauses that a mapping names or that
an exhaustive split makes (:func:`crosswalk.model.ids.union_node`). The facts are:

- ``hierarchy``: a child lies inside its parent ({equal, subset_of});
- ``exhaustive``: a clause whose children split it exhaustively equals their union;
- ``union``: a member lies inside its union node ({equal, subset_of});
- ``mapping`` and ``adoption``: what an asserted mapping states (``addresses`` links
  are not set relations and are left out), ``adoption`` for the derived ``equal``
  mappings of an adopting framework.

:class:`FactTable` holds them as columns, in one fixed order, so that the reasoning engine
(:meth:`FactTable.network`, :mod:`crosswalk.reasoning.engine`) numbers nodes and facts
in that order and every explanation words a fact alike (:meth:`FactTable.line`).

>>> from crosswalk.model.records import Clause
>>> part = dict(framework="t", kind="requirement", title="x", status="confirmed", source="S")
>>> clauses = [Clause(id="t:a", local="a", **part), Clause(id="t:b", local="b", parent="t:a", **part)]
>>> table = FactTable.build(clauses, [], {"t:a": ["t:b"]})
>>> table.line(0)
't:b equal | subset_of t:a [hierarchy]'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crosswalk.model.ids import union_node
from crosswalk.model.records import Clause, Mapping
from crosswalk.reasoning.derivation import EQ, SUB, Fact
from crosswalk.reasoning.relations import Relation, RelationSet

if TYPE_CHECKING:
    from crosswalk.reasoning.engine import Network

__all__ = ["CHILD_OF_PARENT", "FACT_KINDS", "FactTable", "describe_fact"]

CHILD_OF_PARENT = EQ | SUB
"""The relation set of a child to its parent and of a member to its union."""
FACT_KINDS = ("hierarchy", "exhaustive", "union", "mapping", "adoption")
"""Where a fact comes from (the ``kind`` of :class:`~crosswalk.reasoning.derivation.Fact`)."""

_LABELS = {
    "hierarchy": "child of parent",
    "exhaustive": "children split it exhaustively",
    "union": "member of union",
}
_MASK = {r.value: r.bit for r in Relation}


def describe_fact(left: str, mask: int, right: str, where: str) -> str:
    """One fact as a line of an explanation: ``left relations right [where]``."""
    return f"{left} {RelationSet(mask)} {right} [{where}]"


@dataclass(frozen=True, eq=False)  # identity: an index is cached per table
class FactTable:
    """Nodes and facts as columns: fact ``i`` is ``left[i] mask[i] right[i]``."""

    nodes: list[str]
    index: dict[str, int]
    clause_count: int
    unions: dict[int, tuple[int, ...]] = field(default_factory=dict)
    left: list[int] = field(default_factory=list)
    right: list[int] = field(default_factory=list)
    mask: list[int] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    mapping: list[Mapping | None] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        clauses: Iterable[Clause],
        mappings: Sequence[Mapping],
        children: MappingABC[str, Sequence[str]],
    ) -> FactTable:
        """The facts of these clauses (with their ``children``) and mappings."""
        listed = list(clauses)
        nodes = [c.id for c in listed]
        table = cls(nodes, {name: i for i, name in enumerate(nodes)}, len(nodes))
        for clause in listed:
            if clause.parent:
                table._add(clause.id, clause.parent, CHILD_OF_PARENT, "hierarchy")
            below = children.get(clause.id)
            if clause.exhaustive and below:
                node = table._union(below)
                table._add_node(clause.id, node, EQ, "exhaustive")
                table._members(below, node)
        for mapping in mappings:
            if mapping.relation == "addresses":
                continue
            if mapping.is_union:
                left = table._union(mapping.subjects)
                table._members(mapping.subjects, left)
            else:
                left = table.index[mapping.subjects[0]]
            kind = "adoption" if mapping.mapping_set.endswith("-adoption") else "mapping"
            right = table.index[mapping.object]
            table._append(left, right, _MASK[mapping.relation], kind, mapping)
        return table

    def _append(self, left: int, right: int, mask: int, kind: str, mapping: Mapping | None) -> None:
        self.left.append(left)
        self.right.append(right)
        self.mask.append(mask)
        self.kind.append(kind)
        self.mapping.append(mapping)

    def _add(self, left: str, right: str, mask: int, kind: str) -> None:
        self._append(self.index[left], self.index[right], mask, kind, None)

    def _add_node(self, left: str, right: int, mask: int, kind: str) -> None:
        self._append(self.index[left], right, mask, kind, None)

    def _union(self, members: Sequence[str]) -> int:
        """The node of the union of ``members`` (added on first use)."""
        name = union_node(members)
        node = self.index.get(name)
        if node is None:
            node = self.index[name] = len(self.nodes)
            self.nodes.append(name)
            self.unions[node] = tuple(self.index[m] for m in members)
        return node

    def _members(self, members: Sequence[str], node: int) -> None:
        for member in members:
            self._add_node(member, node, CHILD_OF_PARENT, "union")

    def __len__(self) -> int:
        return len(self.left)

    def where(self, number: int) -> str:
        """Where fact ``number`` comes from: its mapping's file and position, or its kind."""
        mapping = self.mapping[number]
        return mapping.where if mapping is not None else self.kind[number]

    def line(self, number: int) -> str:
        """Fact ``number`` as a line of an explanation (:func:`describe_fact`)."""
        nodes = self.nodes
        left, right = nodes[self.left[number]], nodes[self.right[number]]
        return describe_fact(left, self.mask[number], right, self.where(number))

    def fact(self, number: int) -> Fact:
        """Fact ``number`` as an object, with its label and the mapping's measures."""
        left, right, mask = self.left[number], self.right[number], self.mask[number]
        kind, mapping = self.kind[number], self.mapping[number]
        if mapping is None:
            return Fact(left, right, mask, kind, _LABELS[kind])
        confidence = mapping.confidence if mapping.confidence is not None else 1.0
        return Fact(
            left,
            right,
            mask,
            kind,
            mapping.justification,
            mapping.strength,
            confidence,
            mapping.rationale,
            mapping,
        )

    def network(self) -> Network:
        """The constraint network of these facts, for the reasoning engine."""
        # the engine imports numpy: a knowledge base loaded from the cache never needs it
        from crosswalk.reasoning.engine import Network

        network = Network(self.nodes)
        network.unions.update(self.unions)
        network.facts.extend(self.fact(number) for number in range(len(self)))
        return network
