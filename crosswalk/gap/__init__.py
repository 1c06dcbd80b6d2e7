"""Gap analysis: an organisation's controls in, an explained report out.

``gap_analysis`` is imported on first use (PEP 562): the report classes, which the views
and workbooks import, do not need the analysis and its numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from crosswalk.gap.analysis import gap_analysis

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


def __getattr__(name: str) -> Any:
    """``gap_analysis``, imported from :mod:`crosswalk.gap.analysis` on first use."""
    if name == "gap_analysis":
        from crosswalk.gap.analysis import gap_analysis

        return gap_analysis
    raise AttributeError(f"module 'crosswalk.gap' has no attribute {name!r}")
