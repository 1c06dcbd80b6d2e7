"""Roll-ups: a clause whose obligations are its counted sub-clauses is counted once, in them.

An article and its paragraphs, a GB/T 46347 capability domain and its items, ISO/IEC
23894 clause 6.4.2 and 6.4.2.1–6.4.2.6: when provisions below a clause are themselves
counted (obligations, prohibitions, guidance), the clause is a **roll-up**. Counting it
too would count the same obligation twice and put the article in the plan beside its
paragraphs. So a gap report counts the finest counted provisions, and a roll-up row

- keeps the status the mappings prove for the clause as a whole — the design's union
  rule: covered only when its children split it exhaustively and each is covered, or
  when a control is proven to contain it — shown, never counted;
- names the sub-clauses it is counted in and those of them not covered, with what would
  close each (:func:`crosswalk.gap.remedies.explain_rollup`); it has no priority and is
  never a plan item;
- is not applicable, with the reason, when none of the counted provisions below it
  applies to the profile (its duties are theirs).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from crosswalk.gap.findings import STATUS_COVERAGE, Finding
from crosswalk.gap.remedies import explain_rollup
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.ids import split_id

__all__ = ["with_rollups"]

_SHOWN = 4
"""How many sub-clauses a roll-up's reason names before "and N more"."""


def _names(ids: Sequence[str]) -> str:
    locals_ = [split_id(ident)[1] for ident in ids]
    more = f" and {len(locals_) - _SHOWN} more" if len(locals_) > _SHOWN else ""
    return ", ".join(locals_[:_SHOWN]) + more


def with_rollups(kb: KnowledgeBase, findings: Sequence[Finding]) -> list[Finding]:
    """``findings`` with every roll-up marked (see the module doc); order is kept."""
    below = _Below(kb, {finding.clause.id: finding for finding in findings})
    result = []
    for finding in findings:
        if finding.status not in STATUS_COVERAGE:
            result.append(finding)  # not applicable or not an obligation: counted apart already
            continue
        provisions, counted = below.of(finding.clause.id)
        if not provisions:
            result.append(finding)
        elif not counted:
            result.append(
                dataclasses.replace(
                    finding,
                    status="not_applicable",
                    reason=(
                        f"none of the provisions below it ({_names(provisions)}) applies to the "
                        "profile; their rows say why"
                    ),
                    causes=(),
                    actions=(),
                    missing=(),
                    next_steps=(),
                    planned=(),
                    applies_from=None,
                )
            )
        else:
            subs = [below.finding(ident) for ident in counted]
            result.append(explain_rollup(dataclasses.replace(finding, rollup_of=counted), subs))
    return result


class _Below:
    """Per clause, the counted provisions below it and the finest of them that apply.

    Built bottom-up once per report through the clause tree (each subtree is read once),
    not by listing every clause's descendants.
    """

    def __init__(self, kb: KnowledgeBase, by_id: dict[str, Finding]) -> None:
        self._children = kb.children
        self._by_id = by_id
        self._memo: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def finding(self, clause_id: str) -> Finding:
        """The finding of a clause below (as analysed, before roll-ups are marked)."""
        return self._by_id[clause_id]

    def of(self, clause_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(counted provisions below, the finest of them that apply), in document order."""
        found = self._memo.get(clause_id)
        if found is not None:
            return found
        provisions: list[str] = []
        counted: list[str] = []
        for child in self._children.get(clause_id, ()):
            child_provisions, child_counted = self.of(child)
            finding = self._by_id.get(child)
            if finding is not None and finding.clause.is_counted:
                provisions.append(child)
                if finding.status in STATUS_COVERAGE and not child_provisions:
                    counted.append(child)  # the finest: no counted provision below it
            provisions.extend(child_provisions)
            counted.extend(child_counted)
        found = self._memo[clause_id] = (tuple(provisions), tuple(counted))
        return found
