"""Timing and memory helpers shared by the rows of the benchmark suite (benchmarks/run.py).

How a row is measured — medians of repeated runs, CPU time beside wall time, a traced
allocation peak, a child process's own peak memory — and how a duration is printed, kept apart from what each row runs
so that every row is measured, and shown, alike.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["SAMPLE_SECONDS", "Row", "duration", "measure", "peak_mb", "spawn"]

Row = dict[str, Any]
"""One row of the table: its operation, median seconds, runs, note and more."""

SAMPLE_SECONDS = 0.5
"""Operations faster than this are run until about this much time is spent (at most 200
runs, at least ``--repeat``): a median of five runs of a millisecond is mostly noise."""


def measure(
    operation: Callable[[], object], repeat: int, *, traced: bool = True, warm: bool = True
) -> Row:
    """Median time of at least ``repeat`` runs (more for fast operations, see SAMPLE_SECONDS.

    After one untimed warm-up run that fills lazy caches, unless ``warm`` is false), the median
    CPU time of the same runs (``cpu``: on a loaded machine the wall time counts waiting for a
    core too), and the traced allocation peak of one more run.
    """
    if warm:
        operation()
    times: list[float] = []
    cpus: list[float] = []
    while len(times) < repeat or (sum(times) < SAMPLE_SECONDS and len(times) < 200):
        start, cpu = time.perf_counter(), time.process_time()
        operation()
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        if not warm and len(times) >= repeat:
            break  # cold measurements (fresh processes) keep the requested count
    peak = None
    if traced:
        tracemalloc.start()
        operation()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return {
        "seconds": statistics.median(times),
        "cpu": statistics.median(cpus),
        "runs": len(times),
        "traced_mb": peak,
    }


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def duration(seconds: float) -> str:
    for limit, unit, scale in (
        (1e-3, "µs", 1e6),
        (1, "ms", 1e3),
        (120, "s", 1),
        (7200, "min", 1 / 60),
        (172800, "h", 1 / 3600),
    ):
        if seconds < limit:
            return f"{seconds * scale:.3g} {unit}"
    return f"{seconds / 86400:,.0f} days"


def spawn(
    command: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    *,
    limit: float | None = None,
) -> tuple[float, float]:
    """Run a command.

    Return its wall time and its own peak resident memory (MB). A command still running after
    ``limit`` seconds is stopped (TimeoutError).
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=sys.stderr, env=env, cwd=cwd)
    timer = threading.Timer(limit, process.kill) if limit else None
    if timer:
        timer.start()
    _, status, usage = os.wait4(process.pid, 0)
    if timer:
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if limit and seconds >= limit:
        raise TimeoutError(seconds)
    if process.returncode:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return seconds, usage.ru_maxrss / 1024
