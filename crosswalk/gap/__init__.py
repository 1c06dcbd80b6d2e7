"""Gap analysis: an organisation's controls in, an explained report out."""

from __future__ import annotations

from crosswalk.gap.analysis import (
    STATUSES,
    CapabilityEstimate,
    Evidence,
    Finding,
    GapReport,
    RiskFinding,
    ScoringModel,
    SectionSummary,
    gap_analysis,
    is_target,
    load_scoring_model,
)
from crosswalk.gap.applicability import (
    OPERATOR_ROLES,
    Applicability,
    applicability,
)

__all__ = [
    "OPERATOR_ROLES",
    "STATUSES",
    "Applicability",
    "CapabilityEstimate",
    "Evidence",
    "Finding",
    "GapReport",
    "RiskFinding",
    "ScoringModel",
    "SectionSummary",
    "applicability",
    "gap_analysis",
    "is_target",
    "load_scoring_model",
]
