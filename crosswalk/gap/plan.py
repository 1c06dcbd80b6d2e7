"""The action plan of a gap report (issue 18, §3): what to do next, by owner and date.

A plan item is an *open* finding — a clause that applies to the profile, asks the
organisation for an outcome and is not covered — with what is missing, the controls to
extend and the date it applies from. Items are ordered by that date (clauses without a
date of their own apply already and come first), then by priority; the plan groups them
by the owner of the controls to extend ("unassigned" when no control touches the clause
yet). Not-applicable and not-an-obligation rows never enter the plan; they are counted
apart, and so are roll-ups (an article whose paragraphs are counted: the paragraphs are
the items).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crosswalk.gap.findings import Finding
from crosswalk.model.inventory import Inventory

if TYPE_CHECKING:
    import pandas

__all__ = ["UNASSIGNED", "Plan", "PlanItem", "build_plan"]

UNASSIGNED = "unassigned"
"""The owner of a plan item that no control with an owner touches yet."""


@dataclass(frozen=True)
class PlanItem:
    """One open obligation of the plan."""

    finding: Finding
    owner: str
    controls: tuple[str, ...]
    """Controls to extend or put into effect (those that support it partly, or planned)."""

    @property
    def applies_from(self) -> dt.date | None:
        """The date the clause applies from (None: no date of its own, it applies now)."""
        return self.finding.applies_from

    @property
    def missing(self) -> tuple[str, ...]:
        """The requirement parts (or the clause itself) without evidence, as 'id title'."""
        return tuple(f"{m.clause.id} {m.clause.title}" for m in self.finding.missing)

    @property
    def actions(self) -> tuple[str, ...]:
        """What would close it, in words."""
        return self.finding.actions

    def sort_key(self) -> tuple[dt.date, int, str]:
        """By date (undated first: it applies already), then priority, then clause id."""
        return (self.applies_from or dt.date.min, -self.finding.priority, self.finding.clause.id)


@dataclass(frozen=True)
class Plan:
    """The open obligations of a gap report, in order, grouped by control owner."""

    target: str
    items: tuple[PlanItem, ...]
    not_applicable: int
    not_an_obligation: int
    rollups: int = 0
    """Rows whose obligations are counted in their sub-clauses (:mod:`crosswalk.gap.rollup`)."""

    @property
    def owners(self) -> dict[str, list[PlanItem]]:
        """The items by owner (owners in order of their first item; 'unassigned' last)."""
        groups: dict[str, list[PlanItem]] = {}
        for item in self.items:
            groups.setdefault(item.owner, []).append(item)
        if UNASSIGNED in groups:
            groups[UNASSIGNED] = groups.pop(UNASSIGNED)
        return groups

    def _rollup_text(self) -> str:
        """', N roll-ups (their sub-clauses are the items)' ('' when none)."""
        if not self.rollups:
            return ""
        return f", {self.rollups} roll-up(s) (their sub-clauses are the items)"

    def __len__(self) -> int:
        return len(self.items)

    def text(self) -> str:
        """The plan for a terminal."""
        lines = [
            (
                f"Plan: {len(self.items)} open obligation(s) of {self.target}, by owner, then date "
                "and priority"
            ),
            (
                f"  kept apart: {self.not_applicable} not applicable, {self.not_an_obligation} not "
                "an obligation" + self._rollup_text()
            ),
        ]
        for owner, items in self.owners.items():
            lines.append("")
            lines.append(f"  {owner} ({len(items)})")
            for item in items:
                finding = item.finding
                when = item.applies_from.isoformat() if item.applies_from else "applies now"
                lines.append(
                    f"    [{when}] {finding.clause.id} {finding.clause.title[:60]} — "
                    f"{finding.status}, priority {finding.priority}"
                )
                if item.controls:
                    lines.append(f"      extend: {', '.join(item.controls)}")
                for action in item.actions[:4]:
                    lines.append(f"      - {action}")
        return "\n".join(lines)

    def to_frame(self) -> pandas.DataFrame:
        """One row per plan item, in plan order."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "owner": item.owner,
                    "applies_from": item.applies_from,
                    "priority": item.finding.priority,
                    "clause": item.finding.clause.id,
                    "title": item.finding.clause.title,
                    "status": item.finding.status,
                    "why": item.finding.cause,
                    "missing": "; ".join(item.missing),
                    "controls_to_extend": ", ".join(item.controls),
                    "actions": "; ".join(item.actions),
                }
                for items in self.owners.values()
                for item in items
            ],
            columns=[
                "owner",
                "applies_from",
                "priority",
                "clause",
                "title",
                "status",
                "why",
                "missing",
                "controls_to_extend",
                "actions",
            ],
        )


def build_plan(target: str, findings: Sequence[Finding], inventory: Inventory) -> Plan:
    """The plan of the open findings (see the module doc)."""
    controls = {c.id: c for c in inventory.controls}
    items = []
    for finding in findings:
        if not finding.is_open:
            continue
        to_extend = tuple(
            dict.fromkeys(
                [c for c in finding.controls if c in controls]
                + [c for c in finding.planned if c in controls]
            )
        )
        owners = [controls[c].owner for c in to_extend if controls[c].owner]
        owner = owners[0] if owners else UNASSIGNED
        items.append(PlanItem(finding, owner or UNASSIGNED, to_extend))
    items.sort(key=PlanItem.sort_key)
    return Plan(
        target,
        tuple(items),
        sum(f.status == "not_applicable" for f in findings),
        sum(f.status == "not_an_obligation" for f in findings),
        sum(bool(f.rollup_of) for f in findings),
    )
