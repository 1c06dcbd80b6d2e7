"""Gap analysis: an organisation's controls in, an explained report out."""

from __future__ import annotations

from crosswalk.gap.analysis import gap_analysis
from crosswalk.gap.applicability import OPERATOR_ROLES, Applicability, applicability
from crosswalk.gap.report import (
    STATUSES,
    CapabilityEstimate,
    Evidence,
    Finding,
    GapReport,
    RiskFinding,
    SectionSummary,
)
from crosswalk.gap.targets import is_target

__all__ = [
    "OPERATOR_ROLES",
    "STATUSES",
    "Applicability",
    "CapabilityEstimate",
    "Evidence",
    "Finding",
    "GapReport",
    "RiskFinding",
    "SectionSummary",
    "applicability",
    "gap_analysis",
    "is_target",
]
