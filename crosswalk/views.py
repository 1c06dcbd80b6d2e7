"""Compatibility name: the Jupyter views live in :mod:`crosswalk.display.views`."""

from __future__ import annotations

from crosswalk.display.views import (
    ClauseView,
    FrameworkView,
    Link,
    Neighbourhood,
    clause_view,
    coverage_frame,
    coverage_heatmap,
    domain_chart,
    framework_view,
    links_of,
    neighbourhood,
)

__all__ = [
    "ClauseView",
    "FrameworkView",
    "Link",
    "Neighbourhood",
    "clause_view",
    "coverage_frame",
    "coverage_heatmap",
    "domain_chart",
    "framework_view",
    "links_of",
    "neighbourhood",
]
