"""What a gap report says about one clause: its status, the evidence, the cause and the remedy.

These are the records of :mod:`crosswalk.gap.report`. A :class:`Finding` is one target
clause of the framework analysed; a clause split into requirement parts carries one
:class:`PartFinding` per part (the breakdown of its status, never a row of its own), the
:class:`Cause` of every status short of covered, and what would close it
(:class:`Missing`: the parts not evidenced, with the clauses of the frameworks the
organisation already cites that are proven to contain them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from crosswalk.model.ids import split_id
from crosswalk.model.records import Clause, Mapping
from crosswalk.reasoning.derivation import Derivation
from crosswalk.reasoning.relations import RelationSet

__all__ = [
    "CAUSE_KINDS",
    "SCOPE_TEXT",
    "STATUS_COVERAGE",
    "Cause",
    "CauseKind",
    "Evidence",
    "Finding",
    "Missing",
    "PartFinding",
]

STATUS_COVERAGE: dict[str, float] = {
    "covered": 1.0,
    "partial": 0.5,
    "undetermined": 0.0,
    "gap": 0.0,
}
"""How much of a clause (or part) each status counts as evidenced, for coverage shares."""

SCOPE_TEXT: dict[str, str] = {
    "ai_risk_only": "for AI-related risk only",
    "systems_in_scope": "for the AI systems in the management system's scope",
}
"""How a report states a scope condition (mappings/README.md §6), after the status word."""

CauseKind = Literal[
    "control_partly_implemented",
    "cited_partly",
    "overlap_only",
    "parts_missing",
    "sub_clauses_open",
    "scope_condition",
    "chain_only",
    "planned_only",
    "nothing_linked",
]
CAUSE_KINDS: dict[str, str] = {
    "control_partly_implemented": "the control itself is only partially implemented",
    "cited_partly": "the control cites the clause only in part",
    "overlap_only": "the mappings prove an overlap, not containment",
    "parts_missing": "some requirement parts are not evidenced",
    "sub_clauses_open": "some of the sub-clauses it is counted in are not covered",
    "scope_condition": "containment holds only under a scope condition",
    "chain_only": "only a chain without proven overlap reaches it",
    "planned_only": "the controls that would support it are only planned",
    "nothing_linked": "no effective control is linked to it",
}
"""Every kind of cause a finding can have, in a compliance officer's words."""


@dataclass(frozen=True)
class Evidence:
    """Why a clause has its status: which control, through which clause, by which rule.

    Strength and confidence come from the mappings used: the derivation's facts, or the
    ``chain`` of mappings of a link that has no derivation, or the ``members`` of a
    union. A control that cites the clause itself needs no mapping: strength 10,
    confidence 1.0.
    """

    control: str
    implemented: str
    coverage: str
    relation: RelationSet
    rule: str
    derivation: Derivation | None = None
    nodes: Sequence[str] = ()
    chain: tuple[Mapping, ...] = ()
    members: tuple[Evidence, ...] = ()

    @property
    def strength(self) -> int:
        """Weakest link of what was used (10 when the control cites the clause itself)."""
        if self.derivation is not None:
            return self.derivation.strength
        if self.chain:
            return min(m.strength for m in self.chain)
        if self.members:
            return min(m.strength for m in self.members)
        return 10

    @property
    def confidence(self) -> float | None:
        """Product of the stated confidences of the mappings used (None: none states one).

        A mapping that states no confidence does not lower it; evidence that needs no
        mapping (the control cites the clause, or only the clause hierarchy leads to it)
        has confidence 1.0.
        """
        used = self.mappings
        if not used:  # the control cites it, or only hierarchy and unions lead to it
            return 1.0
        stated = [m.confidence for m in used if m.confidence is not None]
        return _product(stated) if stated else None

    @property
    def mappings(self) -> list[Mapping]:
        """The asserted mappings used, each once."""
        found: dict[str, Mapping] = {}
        if self.derivation is not None:
            for fact in self.derivation.distinct_facts():
                if isinstance(fact.payload, Mapping):
                    found.setdefault(fact.payload.id, fact.payload)
        for mapping in self.chain:
            found.setdefault(mapping.id, mapping)
        for member in self.members:
            for mapping in member.mappings:
                found.setdefault(mapping.id, mapping)
        return list(found.values())

    @property
    def conditions(self) -> tuple[str, ...]:
        """The scope conditions of the mappings used (mappings/README.md §6)."""
        return tuple(dict.fromkeys(m.scope for m in self.mappings if m.scope is not None))

    def path_text(self) -> str:
        """The chain of facts as one readable line."""
        head = f"{self.control} implements {self.implemented} ({self.coverage})"
        if self.derivation is not None:
            steps = []
            for fact in self.derivation.facts():
                left, right = self.nodes[fact.left], self.nodes[fact.right]
                where = fact.payload.where if isinstance(fact.payload, Mapping) else fact.kind
                steps.append(f"{left} {RelationSet(fact.mask)} {right} [{where}]")
            return f"{head}; " + "; ".join(steps)
        if self.chain:
            steps = [f"{m.subject} {m.relation} {m.object} [{m.where}]" for m in self.chain]
            return f"{head}; " + "; ".join(steps)
        if self.members:
            return f"{self.rule}: " + " | ".join(m.path_text() for m in self.members)
        return head


def _product(values: Sequence[float]) -> float:
    result = 1.0
    for value in values:
        result *= value
    return result


@dataclass(frozen=True)
class PartFinding:
    """The status of one requirement part of a finding's clause."""

    clause: Clause
    status: str
    evidence: tuple[Evidence, ...] = ()

    @property
    def evidenced(self) -> bool:
        """True when the part is covered; a partial part is only partly evidenced."""
        return self.status == "covered"

    @property
    def controls(self) -> tuple[str, ...]:
        """Ids of the controls that support the part."""
        return tuple(dict.fromkeys(e.control for e in self.evidence))


@dataclass(frozen=True)
class Cause:
    """Why a finding is short of covered, in words a compliance officer can act on."""

    kind: CauseKind
    text: str
    control: str | None = None
    clause: str | None = None

    @property
    def meaning(self) -> str:
        """What this kind of cause means in general."""
        return CAUSE_KINDS[self.kind]


@dataclass(frozen=True)
class Missing:
    """A piece not evidenced (a requirement part, or the clause itself) and what would close it.

    ``closers`` are clauses of the frameworks the organisation already cites that are
    proven to contain the piece — never the target clause, its parents or its parts.
    ``planned`` are planned controls citing the piece or a closer.
    """

    clause: Clause
    status: str
    closers: tuple[str, ...] = ()
    planned: tuple[str, ...] = ()

    def text(self) -> str:
        """One line: the piece, then what would close it."""
        head = f"{self.clause.id} ({self.clause.title})"
        if self.closers:
            head += ": implement " + " or ".join(self.closers)
        else:
            head += (
                ": no clause of the frameworks cited is proven to contain it; implement it directly"
            )
        if self.planned:
            head += f" (planned: {', '.join(self.planned)})"
        return head


@dataclass(frozen=True)
class Finding:
    """The status of one target clause, with evidence, cause and what would close it."""

    clause: Clause
    status: str
    reason: str
    evidence: tuple[Evidence, ...] = ()
    next_steps: tuple[str, ...] = ()
    planned: tuple[str, ...] = ()
    section: str | None = None
    parts: tuple[PartFinding, ...] = ()
    causes: tuple[Cause, ...] = ()
    actions: tuple[str, ...] = ()
    missing: tuple[Missing, ...] = ()
    conditions: tuple[str, ...] = ()
    applies_from: dt.date | None = None
    proven: str | None = None
    """For a heading or other provision that is not an obligation: the status the mappings
    prove for it all the same (for information; never counted)."""
    rollup_of: tuple[str, ...] = ()
    """For a roll-up (:mod:`crosswalk.gap.rollup`): the counted sub-clauses its obligations
    are counted in; its own status is shown, never counted, and it is no plan item."""

    @property
    def clause_id(self) -> str:
        """The target clause id."""
        return self.clause.id

    @property
    def controls(self) -> tuple[str, ...]:
        """Ids of the controls that support the status."""
        return tuple(dict.fromkeys(e.control for e in self.evidence))

    @property
    def is_open(self) -> bool:
        """True for a clause that applies, is counted and is not covered (a plan item)."""
        return self.status in ("partial", "undetermined", "gap") and not self.rollup_of

    @property
    def is_counted(self) -> bool:
        """True for a row that counts in coverage: it applies, asks an outcome, is no roll-up."""
        return self.status in STATUS_COVERAGE and not self.rollup_of

    @property
    def score(self) -> float:
        """Best supporting strength (0–10); 0 when nothing supports the clause."""
        return float(max((e.strength for e in self.evidence), default=0))

    @property
    def confidence(self) -> float | None:
        """Confidence that the status holds: noisy-OR across the evidence stating one."""
        stated = [e.confidence for e in self.evidence if e.confidence is not None]
        if not stated:
            return None
        remaining = 1.0
        for value in stated:
            remaining *= 1 - value
        return 1 - remaining

    @property
    def priority(self) -> int:
        """0–100: how urgent closing this clause is (gaps on normative clauses first).

        0 for rows that are not counted: a roll-up is closed through its sub-clauses.
        """
        if not self.is_counted:
            return 0
        weight = {"covered": 0.0, "partial": 0.5, "undetermined": 0.8, "gap": 1.0}[self.status]
        normative = 1.0 if self.clause.normative else 0.5
        return round(100 * weight * normative)

    @property
    def coverage(self) -> float | None:
        """Share evidenced (0–1), counted in requirement parts where the clause has them.

        A part counts 1 when covered and ½ when partial; an undetermined or gap part counts
        as not evidenced. A partial clause counts at least ½ of one part: its proven
        overlap lies in some part, even when no single part is proven to overlap. None for a
        clause that does not apply, is not an obligation or is a roll-up (not counted).
        """
        if not self.is_counted:
            return None
        if self.status == "covered" or not self.parts:
            return STATUS_COVERAGE[self.status]
        share = sum(STATUS_COVERAGE[p.status] for p in self.parts) / len(self.parts)
        if self.status == "partial":  # a proven overlap touches at least one part
            share = max(share, STATUS_COVERAGE["partial"] / len(self.parts))
        return share

    @property
    def parts_evidenced(self) -> tuple[PartFinding, ...]:
        """The parts that are covered."""
        return tuple(p for p in self.parts if p.status == "covered")

    @property
    def parts_partly(self) -> tuple[PartFinding, ...]:
        """The parts with only a proven overlap."""
        return tuple(p for p in self.parts if p.status == "partial")

    @property
    def parts_missing(self) -> tuple[PartFinding, ...]:
        """The parts not evidenced (undetermined or gap)."""
        return tuple(p for p in self.parts if p.status in ("undetermined", "gap"))

    @property
    def cause(self) -> str:
        """The causes as one line ('' for a covered clause without a condition)."""
        return "; ".join(c.text for c in self.causes)

    def parts_text(self) -> str:
        """'2 of 3 parts evidenced (…-p1, …-p2); partly: …; not evidenced: …' ('' without parts)."""
        if not self.parts:
            return ""
        text = f"{len(self.parts_evidenced)} of {len(self.parts)} parts evidenced"
        for label, group in (
            ("", self.parts_evidenced),
            ("partly: ", self.parts_partly),
            ("not evidenced: ", self.parts_missing),
        ):
            if group and (label or len(group) != len(self.parts)):
                names = ", ".join(f"{split_id(p.clause.id)[1]} {p.clause.title}" for p in group)
                text += f"; {label}{names}" if label else f" ({names})"
        return text
