"""The table of benchmarks/results.md: issue 16's targets, earlier figures, rendering.

The targets each row is held to (:data:`TARGETS`, :data:`MEMORY`), the last figures of
the engines the suite no longer runs (:data:`BEFORE`), and :func:`render`, which writes
the collected rows as the markdown table. Apart from the measuring so that the figures
quoted in the table are data in one place.
"""

from __future__ import annotations

from benchmarks.measuring import Row, duration
from benchmarks.synthetic import SIZES

__all__ = ["BEFORE", "MEMORY", "TARGETS", "label", "render"]

TARGETS: dict[tuple[str, str], float] = {
    ("bundled", "closure"): 0.030,
    ("S", "closure"): 0.050,
    ("M", "closure"): 2.0,
    ("L", "closure"): 60.0,
    ("L", "gap"): 0.050,
    ("bundled", "query"): 0.001,
    ("S", "query"): 0.001,
    ("M", "query"): 0.001,
    ("L", "query"): 0.001,
    ("bundled", "relation"): 0.001,
    ("S", "relation"): 0.001,
    ("M", "relation"): 0.001,
    ("L", "relation"): 0.001,
    ("bundled", "cold-warm"): 0.3,
    ("bundled", "cold-empty"): 1.0,
    ("bundled", "turtle"): 0.5,
}
"""Issue 16's time targets (seconds), by data and row."""
MEMORY = {"M": 1024.0, "L": 6144.0}
"""Issue 16's memory targets (MB) for the closure, by data."""

BEFORE: dict[tuple[str, str], str] = {
    ("bundled", "cold-import"): "637 ms (2026-12-06)",
    ("bundled", "cold-empty"): "2.03 s (2026-12-06)",
    ("bundled", "cold-warm"): "773 ms (2026-12-06)",
    ("bundled", "closure"): "PC-2 queue 419 ms (2026-12-06)",
    ("S", "closure"): "PC-2 queue 2.54 s (2026-12-06)",
    ("M", "closure"): "PC-2 queue ≈ 103 s, projected (2026-12-06)",
    ("L", "closure"): "PC-2 queue ≈ 83.5 min, projected (2026-12-06)",
    ("bundled", "gap"): "16 ms; fastgap 474 µs (2026-11-26)",
    ("S", "gap"): "60.1 ms; fastgap 798 µs (2026-11-26)",
    ("M", "gap"): "fastgap 3.07 ms + index 166 ms (2026-11-26)",
    ("bundled", "gap-expanded"): "CPU 47.6 ms, statuses and findings at once (2026-12-07 04:36)",
    ("S", "gap-expanded"): "CPU 33.4 ms, statuses and findings at once (2026-12-07 04:36)",
    ("M", "gap-expanded"): "CPU 340 ms, statuses and findings at once (2026-12-07 04:36)",
    ("L", "gap-expanded"): "CPU 2.6 s, statuses and findings at once (12-07, outside the suite)",
    ("L", "gap"): "fastgap 44.8 ms + index 3.4 s (2026-11-26)",
    ("S", "related"): "chain_relations 297 µs (2026-11-26)",
    ("M", "related"): "chain_relations 668 µs (2026-11-26)",
    ("L", "related"): "chain_relations 6.11 ms (2026-11-26)",
    ("bundled", "excel"): "125 ms (2026-11-26)",
    ("bundled", "turtle"): "Oxigraph from N-Triples ≈ 0.8 s; rdflib 4.8 s (2026-12-07)",
}
"""The last figures of the engines this suite no longer runs (they were deleted with
issue 16): the PC-2 closure with supports (``crosswalk.inference``), the chain-based gap
analysis (``gap --fast``) and its index, ``kb.chain_relations``; from
``benchmarks/results.md`` of 2026-11-26 and ``benchmarks/results-engine.md`` of
2026-12-06, on this machine. "Projected": fitted on 250–1,000 clauses, never run. For the
gap analysis with every finding expanded: the analysis before the statuses were computed
apart from the findings (it built both at once), CPU time."""


def label(name: str) -> str:
    if name == "bundled":
        import crosswalk

        kb = crosswalk.load()
        return f"bundled ({len(kb.clauses):,} clauses, {len(kb.mappings):,} mappings)"
    size = SIZES[name]
    return (
        f"synthetic {name} ({size.clauses:,} clauses, {size.mappings:,} mappings, "
        f"{size.controls:,} controls)"
    )


def _target(row: Row, name: str) -> str:
    key = row.get("key", "")
    shown = ""
    limit = TARGETS.get((name, key))
    if limit is not None and row.get("seconds") is not None:
        shown = f"≤ {duration(limit)}: {'met' if row['seconds'] <= limit else 'NOT met'}"
    if key == "closure" and name in MEMORY:
        fits = row["rss_mb"] <= MEMORY[name]
        shown += f"; ≤ {MEMORY[name] / 1024:.0f} GB: {'met' if fits else 'NOT met'}"
    return shown


def render(rows: list[Row], names: list[str], header: dict[str, str]) -> str:
    lines = [
        "# Benchmarks (issue 16)",
        "",
        f"Command: `{header['command']}`  ",
        f"Machine: {header['machine']}  ",
        f"Started {header['started']}, finished {header['finished']}; load average {header['load']}.",
        "",
        "| data | operation | median | target | before (engine, date) | peak RSS | runs | note |",
        "|---|---|---:|---|---|---:|---:|---|",
    ]
    for name in names:
        for row in (r for r in rows if r["size"] == name):
            before = BEFORE.get((name, row.get("key", "")), "")
            rss = f"{row['rss_mb']:,.0f} MB" if row.get("rss_mb") else ""
            lines.append(
                f"| {label(name)} | {row['operation']} | {duration(row['seconds'])} | "
                f"{_target(row, name)} | {before} | {rss} | {row.get('runs', '')} | {row.get('note', '')} |"
            )
    lines += [
        "",
        (
            "Peak RSS: the row's own process (`os.wait4`), the data held in memory included (for "
            "the synthetic sizes most of it is the generated model objects and their facts). "
            "Before: the last figures of the engines issue 16 replaced, measured on this machine "
            "on the date given (their code is gone; see `BEFORE` in benchmarks/run.py)."
        ),
    ]
    return "\n".join(lines) + "\n"
