"""Gap analysis: an organisation's controls in, an explained gap report out.

For each clause of the target framework the report gives a status that the mappings
*prove* — never more:

- **covered**: the union of what the effective controls fully implement is proven to
  contain the clause (an implemented clause A with A → T ⊆ {equal, superset_of}, or a
  union / exhaustive split whose every member is covered);
- **partial**: a non-empty overlap is proven (a covered clause overlapping T, or a
  partly implemented clause B proven to lie inside T — the implemented part of B is not
  known, so B ⊇ T only proves nothing about T's share);
- **undetermined**: something links them but overlap is not proven;
- **gap**: nothing links any effective control to the clause;
- **not_applicable**: the clause does not apply to the profile (with the reason);
- **not_an_obligation**: the provision asks nothing of the organisation (a definition,
  scope, procedure, classification, …: :data:`~crosswalk.model.records.COUNTED_PROVISIONS`);
  shown with its type, never counted as a gap.

A clause split into requirement parts gets one row, with the status of each part beneath
it (coverage is counted in parts). A covered status that relies on a mapping with a scope
condition says so; ``strict_scope`` counts such containment as overlap (partial). Every
status short of covered carries its causes and what would close it
(:mod:`crosswalk.gap.remedies`).

Each status carries its evidence: the controls, the mapping derivation and the rule.
The ``score`` (best supporting strength, 0–10) and ``priority`` (0–100) are for sorting
and are kept apart from the proven status.

The analysis itself decides the statuses only, for all target clauses at once
(:mod:`crosswalk.gap.coverage`); each finding's evidence, causes and remedies
(:mod:`crosswalk.gap.evidence`, :mod:`crosswalk.gap.remedies`) are built when the report's
findings are first read, and the counts need none of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from crosswalk.gap.applicability import (
    Applicability,
    applicability_in,
    matched_categories,
    with_resolved_exclusions,
)
from crosswalk.gap.coverage import STATUS_CODES, coverage, implemented
from crosswalk.gap.evidence import CoveredEvidence, risk_findings, status_evidence
from crosswalk.gap.findings import SCOPE_TEXT, Evidence, PartFinding
from crosswalk.gap.remedies import Explainer
from crosswalk.gap.report import Finding, GapReport
from crosswalk.gap.rollup import with_rollups
from crosswalk.gap.targets import is_target, section_of
from crosswalk.io.collector import collector_paused
from crosswalk.io.resources import mappings_dir
from crosswalk.io.scoring import ScoringModel, load_scoring_model
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.inventory import Inventory, Profile
from crosswalk.model.records import Clause

__all__ = ["gap_analysis"]


def gap_analysis(
    kb: KnowledgeBase,
    inventory: Inventory,
    *,
    target: str,
    profile: Profile | None = None,
    risk_frameworks: Iterable[str] | None = None,
    scoring: ScoringModel | str | Path | None = None,
    strict_scope: bool = False,
) -> GapReport:
    """Compute the gap report of ``inventory`` against the framework ``target``.

    ``strict_scope`` counts containment that holds only under a mapping's scope condition
    (mappings/README.md §6) as overlap: such a clause is partial, not covered.
    """
    kb.framework(target)
    profile = with_resolved_exclusions(kb, profile if profile is not None else inventory.profile)
    network = kb.network
    rows = _rows(kb, target)
    covered = coverage(kb.closure, network, implemented(network, inventory))
    findings = _Findings(
        kb,
        inventory,
        target,
        profile,
        rows,
        _not_applying(kb, rows, profile),
        covered.statuses(rows.nodes, lambda: kb.mapping_neighbours),
        CoveredEvidence(covered),
        strict_scope,
    )
    return GapReport(
        kb,
        target,
        inventory,
        profile,
        findings,
        lambda: risk_findings(kb, findings.covered, risk_frameworks, target),
        scoring=_scoring_model(scoring, target),
        strict_scope=strict_scope,
    )


class _Target(NamedTuple):
    """One row of a report: a target clause, its section and its requirement parts."""

    clause: Clause
    section: str
    parts: tuple[Clause, ...]


class _Rows(NamedTuple):
    """The rows of a report on one framework, and their nodes: each clause, then its parts."""

    targets: list[_Target]
    nodes: npt.NDArray[np.int64]
    first_part: list[int]
    """Per row, the position in ``nodes`` of its first part (its clause is one before)."""
    heads: npt.NDArray[np.int64]
    """Per row, the position in ``nodes`` of its clause."""
    counted: npt.NDArray[np.bool_]
    """Per row, whether its clause asks something of the organisation (is counted)."""
    position: dict[str, int]
    """Row number by clause id."""
    memo: dict[str, list[int]]
    """What depends on these rows alone, computed on first use (see :meth:`_Findings._rollup_kinds`)."""


def _rows(kb: KnowledgeBase, target: str) -> _Rows:
    """The target clauses of a framework (they depend on the knowledge base only: kept on it)."""
    cache: dict[str, _Rows] = kb.__dict__.setdefault("_gap_rows", {})
    found = cache.get(target)
    if found is not None:
        return found
    index = kb.network.index
    targets, nodes, first_part = [], [], []
    for clause in kb.clauses_of(target):
        if not is_target(kb, clause) or clause.kind == "part":
            continue  # a requirement part is shown under the clause it splits
        parts = tuple(
            kb.clauses[part]
            for part in kb.children.get(clause.id, ())
            if kb.clauses[part].kind == "part"
        )
        targets.append(_Target(clause, section_of(kb, clause), parts))
        nodes.append(index[clause.id])
        first_part.append(len(nodes))
        nodes += [index[part.id] for part in parts]
    found = cache[target] = _Rows(
        targets,
        np.array(nodes, dtype=np.int64),
        first_part,
        np.array(first_part, dtype=np.int64) - 1,
        np.array([row.clause.is_counted for row in targets], dtype=np.bool_),
        {row.clause.id: i for i, row in enumerate(targets)},
        {},
    )
    return found


def _not_applying(
    kb: KnowledgeBase, rows: _Rows, profile: Profile | None
) -> dict[int, Applicability]:
    """The rows whose clause does not apply to ``profile``, with the verdict saying why."""
    if profile is None:
        return {}  # every clause counts
    verdicts = (
        (i, applicability_in(kb, row.clause, profile)) for i, row in enumerate(rows.targets)
    )
    return {i: verdict for i, verdict in verdicts if not verdict}


_ROW_STATUSES = (*STATUS_CODES, "not_applicable", "not_an_obligation")
"""The statuses of a row by code: the proven ones, then the two that are never counted."""
_ROLLUP, _NOT_APPLICABLE = 1, 2
"""Kinds of row beside a plain one: a roll-up, a roll-up of which nothing applies."""


class _Findings:
    """The findings of one analysis: statuses at once, each finding built when first read.

    Counts and section summaries read the statuses alone (:meth:`outline`); the evidence,
    causes and remedies of a finding are built by :meth:`finding`, and kept.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        inventory: Inventory,
        target: str,
        profile: Profile | None,
        rows: _Rows,
        not_applying: dict[int, Applicability],
        codes: npt.NDArray[np.int8],
        covered: CoveredEvidence,
        strict_scope: bool,
    ) -> None:
        self.kb, self.inventory, self.target, self.profile = kb, inventory, target, profile
        self.rows, self.not_applying, self.covered = rows, not_applying, covered
        self.codes = codes
        """The proven status of every node of ``rows.nodes`` (:data:`STATUS_CODES`)."""
        self.strict_scope = strict_scope
        self._built: dict[int, Finding] = {}
        self._explainer: Explainer | None = None

    def __len__(self) -> int:
        return len(self.rows.targets)

    def index(self, clause_id: str) -> int | None:
        """The row of a target clause (None: not a target of this report)."""
        return self.rows.position.get(clause_id)

    def row_statuses(self) -> list[tuple[str, bool]] | None:
        """Each row's status and whether it is a roll-up (None when only the full findings say it).

        Under ``strict_scope`` a covered status depends on its evidence's scope conditions,
        so only the full findings say it.
        """
        if self.strict_scope:
            return None
        codes = self.codes[self.rows.heads]
        codes[list(self.not_applying)] = len(STATUS_CODES)
        codes[~self.rows.counted] = len(STATUS_CODES) + 1
        kinds = self._rollup_kinds()
        return [
            (_ROW_STATUSES[code] if kind != _NOT_APPLICABLE else "not_applicable", kind == _ROLLUP)
            for code, kind in zip(codes.tolist(), kinds, strict=True)
        ]

    def _rollup_kinds(self) -> list[int]:
        """Per row: a plain row, a roll-up, or a roll-up of which nothing applies.

        :func:`~crosswalk.gap.rollup.with_rollups` decides it from which rows are counted
        and apply, not from their statuses: without a profile the answer is the same for
        every inventory, and kept with the rows.
        """
        memo = self.rows.memo if not self.not_applying and self.profile is None else {}
        kinds = memo.get("rollups")
        if kinds is None:
            plain = [
                Finding(row.clause, self._status(i), "") for i, row in enumerate(self.rows.targets)
            ]
            rolled = with_rollups(self.kb, plain)
            kinds = memo["rollups"] = [
                _ROLLUP
                if after.rollup_of
                else _NOT_APPLICABLE
                if after.status != before.status
                else 0
                for before, after in zip(plain, rolled, strict=True)
            ]
        return kinds

    @cached_property
    def statuses(self) -> list[str]:
        """The proven status of every node of ``rows.nodes``, by name."""
        return [STATUS_CODES[code] for code in self.codes.tolist()]

    def outline(self) -> list[Finding] | None:
        """Findings with status, section and part statuses only (None when that is not final).

        Roll-ups are marked as in the full findings (:mod:`crosswalk.gap.rollup`).
        """
        if self.strict_scope:
            return None
        result = []
        for i, row in enumerate(self.rows.targets):
            status = self._status(i)
            parts: tuple[PartFinding, ...] = ()
            if status in STATUS_CODES and row.parts:
                first = self.rows.first_part[i]
                parts = tuple(
                    PartFinding(part, self.statuses[first + k]) for k, part in enumerate(row.parts)
                )
            result.append(Finding(row.clause, status, "", section=row.section, parts=parts))
        return with_rollups(self.kb, result)

    def _status(self, i: int) -> str:
        row = self.rows.targets[i]
        if not row.clause.is_counted:
            return "not_an_obligation"
        if i in self.not_applying:
            return "not_applicable"
        return self.statuses[self.rows.first_part[i] - 1]

    def all(self) -> list[Finding]:
        """Every finding, built, roll-ups marked (with the collector paused: they are many)."""
        with collector_paused():
            built = [self.finding(i) for i in range(len(self))]
            return with_rollups(
                self.kb, built
            )  # each obligation counted once, in the finest clause

    def finding(self, i: int) -> Finding:
        """The finding of row ``i``, with its evidence, causes and remedies (roll-up not marked)."""
        found = self._built.get(i)
        if found is None:
            found = self._built[i] = self._build(i)
        return found

    def _build(self, i: int) -> Finding:
        row, rows = self.rows.targets[i], self.rows
        node = int(rows.nodes[rows.first_part[i] - 1])
        if not row.clause.is_counted:
            return _not_an_obligation(
                row.clause, row.section, self.statuses[rows.first_part[i] - 1]
            )
        verdict = self.not_applying.get(i)
        if verdict is not None:
            return Finding(row.clause, "not_applicable", verdict.reason, section=row.section)
        status, evidence, reason = status_evidence(self.kb, self.covered, node)
        # the rules applied to one target's evidence and to all targets' arrays agree
        assert status == self.statuses[rows.first_part[i] - 1], (row.clause.id, status)
        parts = tuple(
            PartFinding(part, *self._part(int(rows.nodes[rows.first_part[i] + k])))
            for k, part in enumerate(row.parts)
        )
        finding = Finding(
            row.clause,
            status,
            reason,
            tuple(evidence),
            section=row.section,
            parts=parts,
            applies_from=_applies_from(row.clause, self.profile),
        )
        if self._explainer is None:
            self._explainer = Explainer(self.kb, self.inventory, self.target)
        return self._explainer.explain(_scoped(finding, self.strict_scope))

    def _part(self, node: int) -> tuple[str, tuple[Evidence, ...]]:
        status, evidence, _ = status_evidence(self.kb, self.covered, node)
        return status, tuple(evidence)


def _scoring_model(scoring: ScoringModel | str | Path | None, target: str) -> ScoringModel | None:
    if isinstance(scoring, ScoringModel):
        return scoring
    if scoring is not None:
        return load_scoring_model(scoring)
    if target == "gbt46347":
        return _bundled_scoring()
    return None


def _not_an_obligation(clause: Clause, section: str, proven: str) -> Finding:
    """The row of a provision that asks nothing of the organisation, with its type."""
    if clause.provision == "structure":
        reason = "not an obligation: a heading; the clauses below it are counted"
    else:
        article = "an" if clause.provision[0] in "aeiou" else "a"
        reason = f"not an obligation: {article} {clause.provision} provision asks nothing of the organisation"
    return Finding(clause, "not_an_obligation", reason, section=section, proven=proven)


def _part_finding(part: Clause, status: tuple[str, list[Evidence], str]) -> PartFinding:
    return PartFinding(part, status[0], tuple(status[1]))


def _applies_from(clause: Clause, profile: Profile | None) -> dt.date | None:
    """The date from which the clause applies to the profile (None: no date of its own)."""
    dates = clause.applies_from
    if dates is None:
        return None
    regime = profile.regime if profile is not None else "omnibus"
    categories: list[str | None] = [*sorted(matched_categories(clause, profile))]
    placed = profile.placed_on_market if profile is not None else None
    found = [d for d in (dates.date_for(regime, c, placed) for c in categories or [None]) if d]
    return min(found) if found else None


def _scoped(finding: Finding, strict: bool) -> Finding:
    """A covered finding with the scope conditions its containment relies on.

    Evidence without a condition wins; under ``strict`` conditional containment is
    reported as the overlap it implies.
    """
    if finding.status != "covered":
        return finding
    if any(not e.conditions for e in finding.evidence):
        return finding
    conditions = finding.evidence[0].conditions
    if not strict:
        return dataclasses.replace(finding, conditions=conditions)
    text = " and ".join(SCOPE_TEXT.get(c, c) for c in conditions)
    return dataclasses.replace(
        finding,
        status="partial",
        reason=f"partial: contained only {text}; --strict-scope counts that as overlap",
        conditions=conditions,
    )


def _bundled_scoring() -> ScoringModel:
    """The bundled scoring model, read once while its file is unchanged (not per report)."""
    path = mappings_dir() / "scoring" / "gbt46347-capability.yaml"
    try:
        changed = path.stat().st_mtime_ns
    except OSError:
        return load_scoring_model(path)  # raises the DataError that names the file
    return _scoring_at(str(path), changed)


@lru_cache(maxsize=4)
def _scoring_at(path: str, changed: int) -> ScoringModel:
    return load_scoring_model(path)
