"""Why a finding is short of covered, and what would close it (issue 18, §1 and §2).

:func:`crosswalk.gap.analysis.gap_analysis` proves the statuses; this module only reads
them and the inventory to say, in a compliance officer's words, what caused each one
(:class:`~crosswalk.gap.findings.Cause`) and what would upgrade it: a control to
implement fully or extend, the requirement parts still without evidence, and for each
the clauses of the frameworks the organisation already cites that are proven to contain
it (:class:`~crosswalk.gap.findings.Missing`). Those closers are never the target
clause, its ancestors or the clauses below it, nor any clause of the target framework:
"implement the clause you are missing" is no advice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from crosswalk.gap.findings import SCOPE_TEXT, Cause, Evidence, Finding, Missing
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.ids import split_id
from crosswalk.model.inventory import Inventory
from crosswalk.model.records import Clause, Mapping
from crosswalk.reasoning.relations import COVERING

__all__ = ["Explainer", "explain_rollup"]

_MAX_CLOSERS = 3
_TWO_HOP = "a mapping chain links them, but no overlap follows from it"


class Explainer:
    """Causes and remedies for the findings of one gap analysis (built once per analysis)."""

    def __init__(self, kb: KnowledgeBase, inventory: Inventory, target: str) -> None:
        """Index the inventory's citations and the asserted mappings by clause pair."""
        self.kb = kb
        self.inventory = inventory
        self.target = target
        self.cited = frozenset(
            split_id(ref.clause)[0] for control in inventory.controls for ref in control.implements
        )
        self.planned_by_clause: dict[str, set[str]] = {}
        for control in inventory.controls:
            if not control.effective:
                for ref in control.implements:
                    self.planned_by_clause.setdefault(ref.clause, set()).add(control.id)
        self.controls = {c.id: c for c in inventory.controls}
        self.pairs = kb.mapping_pairs
        self.neighbours = kb.linked_clauses

    # -- evidence -------------------------------------------------------------------------

    def with_chain(self, evidence: Evidence, target: str) -> Evidence:
        """Evidence reached only by a chain of mappings, with the mappings of that chain.

        Without them its strength and confidence would be a default; with them they are
        the chain's weakest strength and the product of its confidences.
        """
        if evidence.derivation is not None or evidence.chain or evidence.rule != _TWO_HOP:
            return evidence
        chain = self.chain_between(evidence.implemented, target)
        return dataclasses.replace(evidence, chain=chain) if chain else evidence

    def chain_between(self, left: str, right: str) -> tuple[Mapping, ...]:
        """The strongest chain of at most two asserted mappings from ``left`` to ``right``."""
        direct = self.pairs.get(frozenset((left, right)))
        if direct:
            return (max(direct, key=lambda m: m.strength),)
        best: tuple[Mapping, ...] = ()
        around = self.neighbours.get(left, set()) & self.neighbours.get(right, set())
        for middle in sorted(around):
            first = max(self.pairs[frozenset((left, middle))], key=lambda m: m.strength)
            second = max(self.pairs[frozenset((middle, right))], key=lambda m: m.strength)
            if not best or min(first.strength, second.strength) > min(m.strength for m in best):
                best = (first, second)
        return best

    # -- what would close it --------------------------------------------------------------

    def closers(self, piece: Clause, target: Clause) -> tuple[str, ...]:
        """Clauses of the frameworks cited (not the target's) proven to contain ``piece``."""
        kb = self.kb
        network = kb.network
        node = network.index.get(piece.id)
        if node is None:
            return ()
        closure = kb.closure
        own = {target.id, piece.id, *kb.ancestors(target.id), *kb.descendants(target.id)}
        found = []
        for other in closure.neighbours(node):
            name = network.nodes[other]
            clause = kb.clauses.get(name)
            if clause is None or name in own or clause.framework == self.target:
                continue
            if clause.framework not in self.cited:
                continue
            if closure.mask(other, node) & ~COVERING == 0:
                found.append(clause)
        found.sort(key=lambda c: (c.depth, c.id))
        return tuple(c.id for c in found[:_MAX_CLOSERS])

    def missing(self, finding: Finding) -> tuple[Missing, ...]:
        """The pieces not evidenced (its parts, or the clause itself) and what would close each."""
        clause = finding.clause
        if finding.parts:
            pieces = [(p.clause, p.status) for p in finding.parts if p.status != "covered"]
        else:
            pieces = [(clause, finding.status)]
        result = []
        for piece, status in pieces:
            closers = self.closers(piece, clause)
            planned = sorted(
                {c for ident in (piece.id, *closers) for c in self.planned_by_clause.get(ident, ())}
            )
            result.append(Missing(piece, status, closers, tuple(planned)))
        return tuple(result)

    # -- causes ---------------------------------------------------------------------------

    def explain(self, finding: Finding) -> Finding:
        """``finding`` with its causes, actions and missing pieces filled in."""
        if finding.status not in ("covered", "partial", "undetermined", "gap"):
            return finding
        evidence = tuple(self.with_chain(e, finding.clause.id) for e in finding.evidence)
        finding = dataclasses.replace(finding, evidence=evidence)
        causes: list[Cause] = []
        actions: list[str] = []
        for condition in finding.conditions:
            causes.append(
                Cause("scope_condition", f"{finding.status} {SCOPE_TEXT.get(condition, condition)}")
            )
        if finding.status == "covered":
            return dataclasses.replace(finding, causes=tuple(causes))
        self._evidence_causes(finding, causes, actions)
        missing = self.missing(finding)
        if finding.parts_missing or finding.parts_partly:
            names = ", ".join(
                f"{split_id(p.clause.id)[1]} ({p.clause.title})" for p in finding.parts_missing
            )
            if names:
                causes.append(Cause("parts_missing", f"no evidence for the part(s) {names}"))
        actions.extend(_missing_actions(missing))
        planned = sorted({c for piece in missing for c in piece.planned})
        if finding.status == "gap":
            if planned:
                causes.append(
                    Cause(
                        "planned_only",
                        f"only planned controls would support it: {', '.join(planned)}",
                    )
                )
            else:
                causes.append(Cause("nothing_linked", "no effective control is linked to it"))
        if planned:
            actions.insert(0, f"put {', '.join(planned)} into effect")
        closers = tuple(dict.fromkeys(c for piece in missing for c in piece.closers))
        return dataclasses.replace(
            finding,
            causes=tuple(_unique(causes)),
            actions=tuple(dict.fromkeys(actions)),
            missing=missing,
            next_steps=closers,
            planned=tuple(planned),
        )

    def _evidence_causes(self, finding: Finding, causes: list[Cause], actions: list[str]) -> None:
        """Causes that the supporting evidence shows: partial controls, overlap, chains."""
        controls = self.controls
        for item in finding.evidence[:6]:
            control = controls.get(item.control)
            if finding.status == "partial" and item.coverage == "partial" and control:
                if control.status == "partially_implemented":
                    causes.append(
                        Cause(
                            "control_partly_implemented",
                            f"{control.id} ({control.title}) is only partially implemented",
                            control.id,
                            item.implemented,
                        )
                    )
                    actions.append(f"implement {control.id} fully")
                else:
                    causes.append(
                        Cause(
                            "cited_partly",
                            f"{control.id} implements {item.implemented} only in part",
                            control.id,
                            item.implemented,
                        )
                    )
                    actions.append(f"extend {control.id} to all of {item.implemented}")
        sources = [
            f"{e.implemented} ({e.control})"
            for e in finding.evidence
            if e.coverage == "full" or finding.status == "undetermined"
        ]
        if sources and finding.status == "partial":
            causes.append(
                Cause(
                    "overlap_only",
                    f"the mappings prove only an overlap, not containment, from {_few(sources)}",
                )
            )
        elif sources and finding.status == "undetermined":
            chain = any(e.rule == _TWO_HOP for e in finding.evidence)
            how = "a chain of mappings" if chain else "a mapping"
            causes.append(
                Cause("chain_only", f"linked only by {how} that proves no overlap: {_few(sources)}")
            )


def _few(names: list[str], limit: int = 3) -> str:
    names = list(dict.fromkeys(names))
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _missing_actions(missing: Iterable[Missing]) -> list[str]:
    """One action per piece a cited framework would close; the rest in one line."""
    actions = []
    direct: list[Missing] = []
    for piece in missing:
        label = f"{split_id(piece.clause.id)[1]} ({piece.clause.title})"
        if piece.closers:
            actions.append(f"for {label}: implement {' or '.join(piece.closers)}")
        elif not piece.planned:  # else putting the planned control into effect is the action
            direct.append(piece)
    if len(direct) == 1 and direct[0].clause.kind != "part":
        actions.append(
            f"cite and implement {direct[0].clause.id} directly: no clause of the frameworks "
            "you cite is proven to contain it"
        )
    elif direct:
        names = ", ".join(f"{split_id(p.clause.id)[1]} ({p.clause.title})" for p in direct)
        actions.append(
            f"evidence for the part(s) {names}: no clause of the frameworks you cite is proven "
            "to contain them"
        )
    return actions


def _unique(causes: Iterable[Cause]) -> list[Cause]:
    seen: dict[str, Cause] = {}
    for cause in causes:
        seen.setdefault(cause.text, cause)
    return list(seen.values())


def _few_names(subs: Sequence[Finding], limit: int = 4) -> str:
    """'a.1, a.2, a.3, a.4 and 2 more'."""
    names = [split_id(sub.clause.id)[1] for sub in subs]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def explain_rollup(finding: Finding, subs: Sequence[Finding]) -> Finding:
    """A roll-up (:mod:`crosswalk.gap.rollup`) that names its sub-clauses not yet covered.

    ``subs`` are the findings of the sub-clauses it is counted in. A clause without
    requirement parts is explained by them: which are open ("missing: 6.4.2.2, 6.4.2.4"),
    and, per open one, the clauses of the frameworks cited that would close it (found
    when that sub-clause was explained). The actions point to the sub-clauses, which are
    the plan's items.
    """
    open_subs = [sub for sub in subs if sub.status != "covered"]
    if not open_subs:
        head = f"roll-up: counted in {len(subs)} sub-clause(s), all covered: {_few_names(subs)}"
    else:
        head = (
            f"roll-up: counted in {len(subs)} sub-clause(s), {len(subs) - len(open_subs)} "
            "covered; not covered: " + ", ".join(split_id(sub.clause.id)[1] for sub in open_subs)
        )
    reason = f"{head}. Proven for the clause as a whole (shown, not counted): {finding.reason}"
    if not open_subs:
        return dataclasses.replace(
            finding, reason=reason, actions=(), missing=(), next_steps=(), causes=finding.causes
        )
    listed = ", ".join(
        f"{split_id(sub.clause.id)[1]} ({sub.clause.title}, {sub.status})" for sub in open_subs
    )
    cause = Cause("sub_clauses_open", f"sub-clauses not covered: {listed}")
    missing = tuple(
        Missing(sub.clause, sub.status, sub.next_steps, sub.planned) for sub in open_subs
    )
    action = "close its sub-clauses (each is a plan item): " + ", ".join(
        sub.clause.id for sub in open_subs
    )
    return dataclasses.replace(
        finding,
        reason=reason,
        causes=tuple(_unique([cause, *finding.causes])),
        actions=(action,),
        missing=missing,
        next_steps=tuple(dict.fromkeys(c for sub in open_subs for c in sub.next_steps)),
    )
