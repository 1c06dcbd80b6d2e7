"""What the knowledge base entails about a pair of clauses, and why.

:class:`InferredRelation` is the answer of :meth:`KnowledgeBase.relation
<crosswalk.knowledge.base.KnowledgeBase.relation>`: the relation set path consistency
leaves, the derivation behind it and the coverage status it gives. :class:`Addressing`
says why implementing a clause addresses a risk source; :class:`RelatedClauses` is every
clause the closure relates to one clause (:meth:`KnowledgeBase.related
<crosswalk.knowledge.base.KnowledgeBase.related>`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crosswalk.model.records import Mapping
from crosswalk.model.statuses import status_text
from crosswalk.reasoning.derivation import Derivation
from crosswalk.reasoning.explain import derivation_lines, fact_text
from crosswalk.reasoning.relations import ALL, RelationSet

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Addressing", "InferredRelation", "RelatedClauses", "explanation_text"]


class RelatedClauses(dict[str, RelationSet]):
    """Every clause with a known relation from ``source``: clause id → relation set.

    One row of the path-consistent closure (union nodes and the source left out), in
    node order. :meth:`explain` gives the derivation of one of them.
    """

    def __init__(
        self,
        source: str,
        relations: dict[str, RelationSet],
        explain: Callable[[str, str], InferredRelation],
    ) -> None:
        super().__init__(relations)
        self.source = source
        self._explain = explain

    if TYPE_CHECKING:

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    def __repr__(self) -> str:
        return f"<RelatedClauses from {self.source}: {len(self)} related clauses>"

    def relation(self, clause_id: str) -> RelationSet:
        """The relation set from the source to ``clause_id`` ("any" when nothing is known)."""
        return self.get(clause_id, RelationSet(ALL))

    def related(self, framework: str | None = None) -> dict[str, RelationSet]:
        """The related clauses of ``framework`` (every one when None)."""
        prefix = f"{framework}:" if framework else ""
        return {name: found for name, found in self.items() if name.startswith(prefix)}

    def explain(self, clause_id: str) -> InferredRelation:
        """The relation from the source to ``clause_id`` with its derivation."""
        return self._explain(self.source, clause_id)

    def to_frame(self, framework: str | None = None) -> pd.DataFrame:
        """The related clauses (of ``framework``, if given) with their relation sets."""
        import pandas as pd

        return pd.DataFrame(
            [(n, str(r), r.status) for n, r in self.related(framework).items()],
            columns=["clause", "relation", "status_if_source_implemented"],
        )


@dataclass(frozen=True)
class Addressing:
    """A clause whose implementation addresses a risk.

    Directly, or by containing a requirement that does (``via`` is then the containment, explained).
    """

    clause: str
    mapping: Mapping
    via: InferredRelation | None

    @property
    def direct(self) -> bool:
        """True when the clause itself is the subject of the ``addresses`` mapping."""
        return self.via is None

    def explain(self) -> str:
        """Why implementing ``clause`` addresses the risk."""
        head = f"{self.clause} addresses {self.mapping.object}"
        link = f"{self.mapping.subject} addresses {self.mapping.object} [{self.mapping.where}]: {self.mapping.justification}"
        if self.via is None:
            return f"{head}: {link}"
        return f"{head}, because it is proven to contain {self.mapping.subject}:\n{self.via.explain()}\nand {link}"


@dataclass(frozen=True)
class InferredRelation:
    """What all the knowledge entails about a pair, and why."""

    source: str
    target: str
    relations: RelationSet
    derivation: Derivation | None
    nodes: Sequence[str]

    if TYPE_CHECKING:

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    @property
    def status(self) -> str:
        """Coverage a fully implemented source gives the target (covered/partial/undetermined/none)."""
        if self.relations.is_universal:
            return "undetermined" if self.derivation is None else self.relations.status
        return self.relations.status

    @property
    def strength(self) -> int | None:
        """Derived strength: the weakest link of the derivation (None if nothing is known)."""
        return self.derivation.strength if self.derivation else None

    @property
    def confidence(self) -> float | None:
        """Derived confidence: product over the facts used (None if nothing is known)."""
        return self.derivation.confidence if self.derivation else None

    @property
    def rationale(self) -> str | None:
        """Least strict rationale along the derivation."""
        return self.derivation.rationale if self.derivation else None

    @property
    def mappings(self) -> list[Mapping]:
        """The asserted mappings this result rests on."""
        if self.derivation is None:
            return []
        return [
            f.payload for f in self.derivation.distinct_facts() if isinstance(f.payload, Mapping)
        ]

    @property
    def paths(self) -> list[list[str]]:
        """Each supporting chain as a list of readable steps."""
        if self.derivation is None:
            return []
        parts = (
            self.derivation.parts if self.derivation.rule == "intersection" else (self.derivation,)
        )
        return [[fact_text(f, self.nodes) for f in part.facts()] for part in parts]

    def explain(self) -> str:
        """A readable, checkable explanation (text)."""
        return explanation_text(self)

    def __str__(self) -> str:
        return f"{self.source} → {self.target}: {self.relations} ({self.status})"


def explanation_text(result: InferredRelation) -> str:
    """A readable explanation of an inferred relation."""
    lines = [
        f"{result.source} → {result.target}",
        f"  relation: {result.relations}",
        f"  status:   {status_text(result.status)}",
    ]
    if result.derivation is None:
        lines.append(
            "  the same clause: equal to itself, no mapping needed"
            if result.source == result.target
            else "  no mapping, hierarchy or chain constrains this pair: nothing can be concluded"
        )
        return "\n".join(lines)
    lines.append(
        f"  strength: {result.strength} (weakest link)   confidence: {result.confidence:.2f} (product)   rationale: {result.rationale} (least strict)"
    )
    lines.append("  derivation:")
    lines.extend("    " + line for line in derivation_lines(result.derivation, result.nodes))
    return "\n".join(lines)
