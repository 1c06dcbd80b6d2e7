"""The chain-based gap analysis, for knowledge bases of any size (issue 10).

:func:`crosswalk.gap.analysis.gap_analysis` reads its statuses off the path-consistent
closure, whose cost grows much faster than the number of mappings. This analysis derives
them from chains of facts on the :class:`~crosswalk.reasoning.chains.GapIndex` of the
knowledge base, for every target clause at once, in time near-linear in the number of
facts; :mod:`crosswalk.reasoning.chains` says which chains prove which status and why
covered and partial agree exactly with :func:`~crosswalk.gap.analysis.gap_analysis`.

>>> import crosswalk
>>> from crosswalk.model.inventory import ClauseRef, Control, Inventory
>>> kb = crosswalk.load()
>>> control = Control(id="RM-1", title="Risk process", status="implemented",
...     implements=(ClauseRef(clause="iso23894:6.4.4"),))
>>> report = fast_gap_analysis(kb, Inventory(controls=(control,)), target="gbt24353")
>>> report.status("gbt24353:6.4.4")
'covered'
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from crosswalk.gap.applicability import applicability
from crosswalk.gap.fast_report import (
    COVERED,
    GAP,
    NOT_APPLICABLE,
    PARTIAL,
    RISK_NAMES,
    UNDETERMINED,
    FastGapReport,
)
from crosswalk.gap.targets import is_target
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import UnknownFrameworkError
from crosswalk.model.ids import union_node
from crosswalk.model.inventory import Inventory, Profile
from crosswalk.model.records import Clause
from crosswalk.reasoning.chains import Bool, GapIndex, Int, index_of

__all__ = ["FastGapAnalysis", "analysis_of", "fast_gap_analysis"]


@dataclass(frozen=True)
class _Target:
    """The target clauses of one framework (computed once per knowledge base)."""

    clauses: tuple[Clause, ...]
    nodes: Int
    restricted: tuple[int, ...]  # positions of the clauses that carry applicability data
    position: dict[str, int]  # clause id -> position


class FastGapAnalysis:
    """The chain index of a knowledge base with its target clauses and risk links.

    Built once for many analyses; it does not keep the knowledge base alive.
    """

    def __init__(self, kb: KnowledgeBase, *, index: GapIndex | None = None) -> None:
        self.index: GapIndex = index if index is not None else index_of(kb.facts)
        self.frameworks: tuple[str, ...] = tuple(sorted(kb.frameworks))
        self._targets = self._target_clauses(kb)
        self._risk_sources = self._risk_links(kb)

    def _target_clauses(self, kb: KnowledgeBase) -> dict[str, _Target]:
        """The target clauses of every framework, in document order."""
        grouped: dict[str, list[Clause]] = {prefix: [] for prefix in self.frameworks}
        for clause in kb.clauses.values():
            if is_target(kb, clause):
                grouped.setdefault(clause.framework, []).append(clause)
        result = {}
        for prefix, clauses in grouped.items():
            nodes = np.array([self.index.index[c.id] for c in clauses], dtype=np.int64)
            restricted = tuple(
                i
                for i, c in enumerate(clauses)
                if c.addressees or c.categories or c.applies_from is not None
            )
            result[prefix] = _Target(
                tuple(clauses), nodes, restricted, {c.id: i for i, c in enumerate(clauses)}
            )
        return result

    def _risk_links(self, kb: KnowledgeBase) -> dict[str, tuple[list[str], Int, Int]]:
        """Per framework.

        Its risk sources, and the `addresses` links to them as arrays (addressing requirement node,
        position of the risk).
        """
        names: dict[str, list[str]] = {prefix: [] for prefix in self.frameworks}
        for clause in kb.clauses.values():
            if clause.kind == "risk_source":
                names.setdefault(clause.framework, []).append(clause.id)
        position = {
            name: (prefix, i) for prefix, found in names.items() for i, name in enumerate(found)
        }
        links: dict[str, list[tuple[int, int]]] = {prefix: [] for prefix in names}
        for mapping in (m for m in kb.mappings if m.relation == "addresses"):
            if mapping.object not in position:
                continue
            subject = union_node(mapping.subjects) if mapping.is_union else mapping.subjects[0]
            if subject in self.index.index:  # a union named only by `addresses` has no node
                prefix, place = position[mapping.object]
                links[prefix].append((self.index.index[subject], place))
        result = {}
        for prefix, found in names.items():
            pairs = np.array(links[prefix], dtype=np.int64).reshape(-1, 2)
            result[prefix] = (found, pairs[:, 0], pairs[:, 1])
        return result

    def analyse(
        self,
        inventory: Inventory,
        *,
        target: str,
        profile: Profile | None = None,
        risk_frameworks: Iterable[str] | None = None,
    ) -> FastGapReport:
        """Statuses of every clause of ``target`` for the effective controls of ``inventory``."""
        if target not in self._targets:
            raise UnknownFrameworkError(target, self.frameworks)
        profile = profile if profile is not None else inventory.profile
        full, partial = self.index.implemented(inventory)
        covered, covered_via = self.index.covered(full)
        overlap, overlap_via = self.index.overlap(covered, partial)
        chosen = self._targets[target]
        nodes = chosen.nodes
        linked = self.index.linked(
            np.concatenate([full, partial]), only=nodes[~(covered | overlap)[nodes]]
        )
        codes = np.full(nodes.size, GAP, dtype=np.int8)
        codes[linked[nodes]] = UNDETERMINED
        codes[overlap[nodes]] = PARTIAL
        codes[covered[nodes]] = COVERED
        reasons: dict[int, str] = {}
        if profile is not None:
            for position in chosen.restricted:
                verdict = applicability(chosen.clauses[position], profile)
                if not verdict:
                    codes[position] = NOT_APPLICABLE
                    reasons[position] = verdict.reason
        risks = self._risks(covered, overlap, risk_frameworks, target)
        return FastGapReport(
            self.index,
            inventory,
            target,
            chosen.clauses,
            chosen.position,
            codes,
            reasons,
            risks,
            covered_via,
            overlap_via,
        )

    def _risks(
        self, covered: Bool, overlap: Bool, frameworks: Iterable[str] | None, target: str
    ) -> dict[str, str]:
        """Each risk source.

        Addressed (an addressing requirement is covered), partly (one is proven to overlap what is
        implemented) or not — gap.py's rule.
        """
        chosen = (
            list(frameworks)
            if frameworks is not None
            else [p for p in (target, "gbt46347", "aisgf1", "iso23894") if p in self._risk_sources]
        )
        result: dict[str, str] = {}
        for prefix in dict.fromkeys(chosen):
            if prefix not in self._risk_sources:
                raise UnknownFrameworkError(prefix, self.frameworks)
            names, requirements, positions = self._risk_sources[prefix]
            levels = np.zeros(len(names), dtype=np.int64)
            np.maximum.at(
                levels,
                positions,
                np.where(covered[requirements], 2, overlap[requirements].astype(np.int64)),
            )
            result.update(zip(names, (RISK_NAMES[level] for level in levels.tolist()), strict=True))
        return result


_ANALYSES: weakref.WeakKeyDictionary[KnowledgeBase, FastGapAnalysis] = weakref.WeakKeyDictionary()


def analysis_of(kb: KnowledgeBase) -> FastGapAnalysis:
    """The :class:`FastGapAnalysis` of ``kb``, built on first use and kept while ``kb`` lives."""
    found = _ANALYSES.get(kb)
    if found is None:
        found = _ANALYSES[kb] = FastGapAnalysis(kb)
    return found


def fast_gap_analysis(
    kb: KnowledgeBase,
    inventory: Inventory,
    *,
    target: str,
    profile: Profile | None = None,
    risk_frameworks: Iterable[str] | None = None,
) -> FastGapReport:
    """Chain-based gap analysis of ``inventory`` against ``target`` (see the module doc)."""
    return analysis_of(kb).analyse(
        inventory, target=target, profile=profile, risk_frameworks=risk_frameworks
    )
