"""Every status word crosswalk shows, with what it means and how it is coloured.

One table (:data:`STATUS_TABLE`) for the whole package: gap reports, the Excel
workbooks, the Jupyter views, charts and explanations all read their words, legends and
colours here, as :mod:`crosswalk.interop.vocabulary` does for relation names.

====================  ==========================================================  ========
status                meaning                                                     fill
====================  ==========================================================  ========
covered               the mappings prove the implemented clauses contain it        C6EFCE
partial               the mappings prove an overlap, not containment               FFEB9C
undetermined          mappings link it, but no overlap follows from them           DDEBF7
gap                   no effective control is linked to it                         FFC7CE
not_applicable        outside the profile (role, system category or date)          EDEDED
not_an_obligation     asks nothing of the organisation (definition, scope, …)       F2F2F2
none                  the mappings prove the two disjoint                           EDEDED
contradiction         the mappings cannot all hold                                  FF9999
addressed             a requirement that addresses the risk is covered             C6EFCE
partly_addressed      such a requirement overlaps what is implemented              FFEB9C
not_addressed         no requirement that addresses the risk is implemented        FFC7CE
confirmed             number and heading were seen in the cited source             C6EFCE
provisional           number or heading is not yet confirmed by a source           FFEB9C
====================  ==========================================================  ========

>>> STATUS_TABLE["covered"].fill
'C6EFCE'
>>> status_text("partial")
'partial: the mappings prove an overlap, not containment'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "COVERAGE_STATUSES",
    "REPORT_STATUSES",
    "RISK_STATUSES",
    "STATUS_TABLE",
    "StatusStyle",
    "chart_colours",
    "fill_colours",
    "status_text",
]


@dataclass(frozen=True)
class StatusStyle:
    """How one status is shown: its meaning in a few words and its colours."""

    name: str
    meaning: str
    fill: str
    """Background of a cell or table row, ``RRGGBB``."""
    chart: str | None = None
    """A stronger colour of the same hue for charts, ``RRGGBB``."""


_GREEN, _AMBER, _BLUE, _RED, _GREY = "C6EFCE", "FFEB9C", "DDEBF7", "FFC7CE", "EDEDED"
_CHART_GREEN, _CHART_AMBER, _CHART_RED = "4CAF50", "FFC107", "E53935"

STATUS_TABLE: dict[str, StatusStyle] = {
    style.name: style
    for style in (
        StatusStyle(
            "covered", "the mappings prove the implemented clauses contain it", _GREEN, _CHART_GREEN
        ),
        StatusStyle(
            "partial", "the mappings prove an overlap, not containment", _AMBER, _CHART_AMBER
        ),
        StatusStyle(
            "undetermined", "mappings link it, but no overlap follows from them", _BLUE, "64B5F6"
        ),
        StatusStyle("gap", "no effective control is linked to it", _RED, _CHART_RED),
        StatusStyle(
            "not_applicable",
            "outside the profile (role, system category or date); the reason is given",
            _GREY,
            "BDBDBD",
        ),
        StatusStyle(
            "not_an_obligation",
            "asks no outcome of the organisation (a definition, scope, procedure, …); its "
            "provision type is given",
            "F2F2F2",
            "E0E0E0",
        ),
        StatusStyle("none", "the mappings prove the two disjoint", _GREY),
        StatusStyle("contradiction", "the mappings cannot all hold", "FF9999"),
        StatusStyle(
            "addressed", "a requirement that addresses the risk is covered", _GREEN, _CHART_GREEN
        ),
        StatusStyle(
            "partly_addressed",
            "a requirement that addresses the risk overlaps what is implemented",
            _AMBER,
            _CHART_AMBER,
        ),
        StatusStyle(
            "not_addressed",
            "no requirement that addresses the risk is implemented",
            _RED,
            _CHART_RED,
        ),
        StatusStyle("confirmed", "number and heading were seen in the cited source", _GREEN),
        StatusStyle("provisional", "number or heading is not yet confirmed by a source", _AMBER),
    )
}
"""Every status, by name."""

COVERAGE_STATUSES = ("covered", "partial", "undetermined", "gap", "not_applicable")
"""The statuses of a gap report's target clause, strongest first."""
REPORT_STATUSES = (*COVERAGE_STATUSES, "not_an_obligation")
"""Every status a gap report's row can have: the coverage statuses, then the rows that are
shown but never counted (provisions that ask nothing of the organisation)."""
RISK_STATUSES = ("addressed", "partly_addressed", "not_addressed")
"""The statuses of a risk source in a gap report, strongest first."""


def status_text(status: str) -> str:
    """``status: meaning``, for explanations and legends."""
    return f"{status}: {STATUS_TABLE[status].meaning}"


def fill_colours(statuses: tuple[str, ...] | None = None, *, prefix: str = "") -> dict[str, str]:
    """Status -> background colour (``prefix`` + ``RRGGBB``), for ``statuses`` or all."""
    names = statuses if statuses is not None else tuple(STATUS_TABLE)
    return {name: prefix + STATUS_TABLE[name].fill for name in names}


def chart_colours(*, prefix: str = "") -> dict[str, str]:
    """Status -> chart colour (``prefix`` + ``RRGGBB``), for the statuses charts show."""
    return {name: prefix + style.chart for name, style in STATUS_TABLE.items() if style.chart}
