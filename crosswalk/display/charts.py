"""Charts: framework-by-framework coverage heatmaps and a gap report's status per section.

Figures are matplotlib's, imported only when one is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from crosswalk.display.html import (
    CHART_COLOURS,
    shorten,
)

if TYPE_CHECKING:
    import pandas
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from crosswalk.gap.report import GapReport
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "coverage_frame",
    "coverage_heatmap",
    "domain_chart",
]


def coverage_frame(
    kb: KnowledgeBase,
    *,
    measure: Literal["share", "mappings"] = "share",
    frameworks: Iterable[str] | None = None,
) -> pandas.DataFrame:
    """Framework × framework coverage from the asserted mappings (rows A, columns B).

    ``share``: the share of A's clauses that some mapping (of any relation but
    ``no_relationship``, in either direction) links to a clause of B. ``mappings``: how
    many mappings join A and B (either direction). Within one framework: NaN.
    """
    import pandas as pd

    prefixes = list(frameworks) if frameworks is not None else sorted(kb.frameworks)
    for prefix in prefixes:
        kb.framework(prefix)
    linked: dict[tuple[str, str], set[str]] = {}
    counts: dict[tuple[str, str], int] = {}
    for mapping in kb.mappings:
        if mapping.relation == "no_relationship":
            continue
        object_prefix = mapping.object.split(":", 1)[0]
        subject_prefixes = {s.split(":", 1)[0] for s in mapping.subjects}
        for subject_prefix in subject_prefixes:
            counts[subject_prefix, object_prefix] = (
                counts.get((subject_prefix, object_prefix), 0) + 1
            )
            if subject_prefix != object_prefix:
                counts[object_prefix, subject_prefix] = (
                    counts.get((object_prefix, subject_prefix), 0) + 1
                )
        for subject in mapping.subjects:
            subject_prefix = subject.split(":", 1)[0]
            linked.setdefault((subject_prefix, object_prefix), set()).add(subject)
            linked.setdefault((object_prefix, subject_prefix), set()).add(mapping.object)
    sizes = {p: len(kb.clauses_of(p)) for p in prefixes}
    table: dict[str, dict[str, float]] = {}
    for column in prefixes:
        table[column] = {}
        for row in prefixes:
            if row == column:
                table[column][row] = math.nan
            elif measure == "share":
                table[column][row] = (
                    len(linked.get((row, column), ())) / sizes[row] if sizes[row] else math.nan
                )
            elif measure == "mappings":
                table[column][row] = counts.get((row, column), 0)
            else:
                raise ValueError(f"measure must be 'share' or 'mappings', got {measure!r}")
    frame = pd.DataFrame(table, index=prefixes, columns=prefixes)
    frame.index.name = "clauses of"
    frame.columns.name = "linked to"
    return frame


def coverage_heatmap(
    kb: KnowledgeBase,
    *,
    measure: Literal["share", "mappings"] = "share",
    frameworks: Iterable[str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """A framework × framework heatmap of :func:`coverage_frame` (a matplotlib Figure)."""
    frame = coverage_frame(kb, measure=measure, frameworks=frameworks)
    figure, ax = _axes(ax, (1.2 + 0.75 * len(frame.columns), 1.0 + 0.6 * len(frame.index)))
    values = frame.to_numpy(dtype=float)
    maximum = 1.0 if measure == "share" else max(1.0, float(frame.max().max()))
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=maximum, aspect="auto")
    ax.set_xticks(range(len(frame.columns)), frame.columns, rotation=45, ha="right")
    ax.set_yticks(range(len(frame.index)), frame.index)
    ax.set_xlabel("linked to")
    ax.set_ylabel("clauses of")
    for (row, column), value in _cells(values):
        text = (
            "—"
            if math.isnan(value)
            else (f"{100 * value:.0f}%" if measure == "share" else f"{value:.0f}")
        )
        dark = not math.isnan(value) and value > 0.6 * maximum
        ax.text(
            column,
            row,
            text,
            ha="center",
            va="center",
            fontsize=8,
            color="white" if dark else "black",
        )
    title = (
        "Share of clauses linked (asserted mappings)"
        if measure == "share"
        else "Mappings between frameworks"
    )
    ax.set_title(title)
    figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    figure.tight_layout()
    return figure


def _cells(values: Any) -> Iterable[tuple[tuple[int, int], float]]:
    for row, line in enumerate(values):
        for column, value in enumerate(line):
            yield (row, column), float(value)


def _axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    """Draw on the given axes, or on a new figure that pyplot does not keep open.

    A notebook then shows the figure once, when it is returned.
    """
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=size)
    plt.close(figure)
    return figure, ax


def domain_chart(
    report: GapReport,
    *,
    share: bool = False,
    applicable_only: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """A gap report's sections (capability domains) as stacked bars of statuses.

    ``share`` draws shares instead of counts; ``applicable_only`` leaves out sections
    where nothing applies to the profile. The provisional capability score of each
    domain, where the report has one, is written beside its bar.
    """
    from crosswalk.gap.report import STATUSES

    sections = [s for s in report.sections if not applicable_only or s.applicable]
    if not sections:
        sections = list(report.sections)
    figure, ax = _axes(ax, (9.0, 1.4 + 0.34 * max(3, len(sections))))
    labels = [f"{s.section.split(':', 1)[-1]} — {shorten(s.title, 40)}" for s in sections]
    left = [0.0] * len(sections)
    for status in STATUSES:
        values = [float(s.counts.get(status, 0)) for s in sections]
        if share:
            values = [
                v / (sum(s.counts.values()) or 1) for v, s in zip(values, sections, strict=True)
            ]
        if not any(values):
            continue
        ax.barh(
            range(len(sections)),
            values,
            left=left,
            color=CHART_COLOURS[status],
            label=status.replace("_", " "),
            edgecolor="white",
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(range(len(sections)), labels)
    ax.set_ylim(len(sections) - 0.5, -0.5)
    ax.set_xlabel("share of clauses" if share else "clauses")
    ax.spines[["top", "right"]].set_visible(False)
    framework = report.kb.framework(report.target)
    ax.set_title(f"{framework.short_name}: status per section", loc="left")
    capability = report.capability
    if capability is not None:
        for number, section in enumerate(sections):
            domain = section.section.split(":", 1)[-1]
            if domain in capability.domains:
                ax.text(
                    1.02,
                    number,
                    f"{capability.domains[domain]:.0f}/100 {capability.domain_level(domain)}",
                    transform=ax.get_yaxis_transform(),
                    va="center",
                    fontsize=8,
                    clip_on=False,
                )
        ax.text(
            1.02,
            -0.9,
            "capability (provisional)",
            transform=ax.get_yaxis_transform(),
            fontsize=8,
            style="italic",
            clip_on=False,
        )
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.5 / max(3, len(sections)) - 0.08),
        fontsize=8,
        frameon=False,
        ncols=len(STATUSES),
    )
    figure.tight_layout()
    return figure
