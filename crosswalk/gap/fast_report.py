"""The report of a chain-based gap analysis (:mod:`crosswalk.gap.fast`).

Statuses are held as small integer codes (:data:`STATUS_NAMES`), one per target clause;
each proven status explains itself by the chain of facts that proves it. The report
needs numpy arrays but not the numpy module, so this module imports cheaply (its HTML
view is attached by :mod:`crosswalk.display`, its workbook by :mod:`crosswalk.excel`).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from crosswalk.model.inventory import Inventory
from crosswalk.model.records import Clause
from crosswalk.model.statuses import COVERAGE_STATUSES, RISK_STATUSES
from crosswalk.reasoning.chain_relations import UNION_RULE, UNREACHED

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from crosswalk.reasoning.chains import GapIndex, Int

__all__ = [
    "COVERED",
    "GAP",
    "NOT_APPLICABLE",
    "PARTIAL",
    "RISK_NAMES",
    "STATUS_NAMES",
    "UNDETERMINED",
    "FastGapReport",
]

STATUS_NAMES = COVERAGE_STATUSES[::-1]
"""Status codes of :attr:`FastGapReport.codes`, weakest first (the words of the full report)."""
NOT_APPLICABLE, GAP, UNDETERMINED, PARTIAL, COVERED = range(5)
RISK_NAMES = RISK_STATUSES[::-1]
"""Risk statuses by level: no addressing requirement overlaps, one overlaps, one is covered."""


class FastGapReport:
    """Statuses of the target clauses, with the chain that explains each proven one."""

    def __init__(
        self,
        index: GapIndex,
        inventory: Inventory,
        target: str,
        clauses: tuple[Clause, ...],
        position: dict[str, int],
        codes: npt.NDArray[np.int8],
        reasons: dict[int, str],
        risks: dict[str, str],
        covered_via: Int,
        overlap_via: Int,
    ) -> None:
        self.gap_index = index
        self.inventory = inventory
        self.target = target
        self.clauses = clauses
        self.codes = codes
        self.risks = risks
        self._reasons = reasons
        self._covered_via = covered_via
        self._overlap_via = overlap_via
        self._position = position

    if TYPE_CHECKING:

        def to_excel(self, path: str | Path) -> Path:
            """Write the workbook (attached by :mod:`crosswalk.excel`)."""
            ...

        def _repr_html_(self) -> str:
            """HTML for Jupyter (attached by :mod:`crosswalk.display`)."""
            ...

    def __len__(self) -> int:
        return len(self.clauses)

    def __repr__(self) -> str:
        return f"<FastGapReport {self.target}: {self.counts}>"

    def summary_text(self, *, listed: int = 15) -> str:
        """Counts, then the gaps and undetermined clauses (the first ``listed`` of each)."""
        counts = ", ".join(f"{name} {count}" for name, count in self.counts.items())
        who = self.inventory.organisation or self.inventory.path or "inventory"
        lines = [f"Chain-based gap analysis of {who} against {self.target}: {counts}"]
        for wanted in ("gap", "undetermined"):
            found = [
                c
                for c, code in zip(self.clauses, self.codes.tolist(), strict=True)
                if STATUS_NAMES[code] == wanted
            ]
            if found:
                lines.append(f"\n{wanted} ({len(found)}):")
                lines += [f"  {c.id:<30} {c.title}" for c in found[:listed]]
                if len(found) > listed:
                    lines.append(f"  … {len(found) - listed} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary_text()

    def to_frame(self) -> pd.DataFrame:
        """One row per target clause: id, English heading, status, and the explanation."""
        import pandas as pd

        return pd.DataFrame(
            [
                (c.id, c.title, STATUS_NAMES[code], " → ".join(self.explain(c.id)))
                for c, code in zip(self.clauses, self.codes.tolist(), strict=True)
            ],
            columns=["clause", "title", "status", "why"],
        )

    def status(self, clause_id: str) -> str:
        """The status of one target clause (KeyError if it is not a target)."""
        return STATUS_NAMES[self.codes[self._position[clause_id]]]

    @property
    def statuses(self) -> dict[str, str]:
        """Clause id -> status, in document order."""
        return {
            c.id: STATUS_NAMES[code]
            for c, code in zip(self.clauses, self.codes.tolist(), strict=True)
        }

    @property
    def counts(self) -> dict[str, int]:
        """How many target clauses have each status (in gap.py's order)."""
        found = Counter(self.codes.tolist())
        return {name: found[STATUS_NAMES.index(name)] for name in reversed(STATUS_NAMES)}

    def explain(self, clause_id: str) -> list[str]:
        """The chain behind a status, control first, one fact per line."""
        position = self._position[clause_id]
        status = STATUS_NAMES[self.codes[position]]
        node = self.gap_index.index[clause_id]
        if status == "not_applicable":
            return [f"not applicable: {self._reasons[position]}"]
        if status == "covered":
            return self._covered_chain(node)
        if status == "partial":
            return self._overlap_chain(node)
        if status == "undetermined":
            return [
                "undetermined: a chain links an implemented clause, but no overlap follows from it"
            ]
        return ["gap: no effective control is linked to this clause"]

    def _control_for(self, node: int, coverage: str) -> str:
        name = self.gap_index.nodes[node]
        for control in self.inventory.controls:
            if control.effective and any(
                r.clause == name and control.coverage_of(r) == coverage for r in control.implements
            ):
                return f"{control.id} implements {name} ({coverage})"
        raise AssertionError(f"no effective control implements {name}")  # pragma: no cover

    def _fact_line(self, edge: int) -> str:
        return self.gap_index.fact_line(edge)

    def _covered_chain(self, node: int) -> list[str]:
        lines: list[str] = []
        nodes = self.gap_index.nodes
        while (via := int(self._covered_via[node])) >= 0:
            lines.append(self._fact_line(via))
            node = self.gap_index.edge_source(via)
        if via == UNION_RULE:
            members = self.gap_index.union_members(node)
            lines.append(
                f"every member of {nodes[node]} is covered: " + ", ".join(nodes[m] for m in members)
            )
        else:
            lines.append(self._control_for(node, "full"))
        return lines[::-1]

    def _overlap_chain(self, node: int) -> list[str]:
        lines: list[str] = []
        while self._covered_via[node] == UNREACHED and (via := int(self._overlap_via[node])) >= 0:
            lines.append(self._fact_line(via))
            node = self.gap_index.edge_source(via)
        if self._covered_via[node] != UNREACHED:
            return self._covered_chain(node) + lines[::-1]
        return [self._control_for(node, "partial"), *lines[::-1]]
