"""Rows measured in fresh interpreters: start-up, loading, and the first closure.

Each run is a new process, so these rows time what a user's command pays once: the
import, the knowledge base read from an empty or a warm cache, and numba loading (or
compiling) the kernel. Apart from :mod:`benchmarks.rows`, whose rows run inside one
process that already holds the data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.measuring import Row, duration, spawn

__all__ = ["COLD", "FIRST_CLOSURE", "cold_rows", "first_closure_rows"]

ROOT = Path(__file__).resolve().parent.parent

FIRST_CLOSURE = """\
import sys, time
sys.path.insert(0, {root!r})
import crosswalk
kb = crosswalk.load()
network = kb.network
start = time.perf_counter()
from crosswalk.reasoning import engine
engine.close(len(network.nodes), network.facts)
print(time.perf_counter() - start)
"""


def first_closure_rows(args: argparse.Namespace) -> list[Row]:
    """The first closure in a fresh process.

    Numba imported and the kernel loaded from its on-disk cache, or compiled into an empty one.
    """
    rows = []
    code = FIRST_CLOSURE.format(root=str(ROOT))
    with tempfile.TemporaryDirectory() as folder:
        for label, empty in (
            ("compiled kernel cached on disk", False),
            ("empty numba cache: compiles the kernel", True),
        ):
            times = []
            for run in range(max(1, min(args.repeat, 3))):
                env = dict(os.environ, CROSSWALK_CACHE_DIR=str(Path(folder) / "crosswalk"))
                if empty:
                    env["NUMBA_CACHE_DIR"] = str(Path(folder) / f"numba-{run}")
                result = subprocess.run(
                    [sys.executable, "-c", code],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                times.append(float(result.stdout.split()[-1]))
            rows.append(
                {
                    "operation": f"first closure in a fresh process, {label}",
                    "seconds": statistics.median(times),
                    "runs": len(times),
                    "note": "numba import + kernel + closure of the bundled data",
                }
            )
    return rows


COLD = (
    ("cold-import", 'cold `python -c "import crosswalk"`', "import crosswalk", None),
    (
        "cold-empty",
        'cold `python -c "import crosswalk; crosswalk.load()"`, empty cache',
        "import crosswalk; crosswalk.load()",
        "empty",
    ),
    (
        "cold-warm",
        'cold `python -c "import crosswalk; crosswalk.load()"`, warm cache',
        "import crosswalk; crosswalk.load()",
        "warm",
    ),
    (
        "cold-relation",
        "cold `crosswalk relation A B`, warm cache (closure read from it)",
        (
            "import sys; from crosswalk.cli import main; sys.exit(main(['-q', 'relation', "
            "'iso31000:6.4.2', 'iso23894:6.4.2']))"
        ),
        "warm",
    ),
)


def cold_rows(args: argparse.Namespace) -> list[Row]:
    """Fresh interpreters, run from outside the checkout, with a private cache directory.

    Python's bytecode is cached (in a private ``PYTHONPYCACHEPREFIX``, filled by the first
    run) as an installed package has it, whatever ``PYTHONDONTWRITEBYTECODE`` says: without
    it every run would compile crosswalk's source again, which no user's start-up does.
    """
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "work"
        work.mkdir()
        base = dict(os.environ, PYTHONPYCACHEPREFIX=str(Path(folder) / "pycache"))
        base.pop("PYTHONDONTWRITEBYTECODE", None)
        warm = Path(folder) / "warm-cache"
        fill = [sys.executable, "-c", "import crosswalk; crosswalk.load().closure"]
        spawn(fill, dict(base, CROSSWALK_CACHE_DIR=str(warm)), work)
        for key, label, code, cache in COLD:
            times, cpus, peaks = [], [], []
            for _ in range(args.repeat):
                directory = warm if cache == "warm" else Path(tempfile.mkdtemp(dir=folder))
                environment = dict(base, CROSSWALK_CACHE_DIR=str(directory))
                with open(os.devnull, "w") as quiet:
                    start = time.perf_counter()
                    process = subprocess.Popen(
                        [sys.executable, "-c", code], stdout=quiet, env=environment, cwd=work
                    )
                    _, status, usage = os.wait4(process.pid, 0)
                    times.append(time.perf_counter() - start)
                if os.waitstatus_to_exitcode(status):
                    raise SystemExit(f"failed: {code}")
                cpus.append(usage.ru_utime + usage.ru_stime)
                peaks.append(usage.ru_maxrss / 1024)
            rows.append(
                {
                    "key": key,
                    "operation": label,
                    "seconds": statistics.median(times),
                    "cpu": statistics.median(cpus),
                    "runs": args.repeat,
                    "rss_mb": max(peaks),
                    "note": (
                        f"CPU {duration(statistics.median(cpus))}; whole process, interpreter "
                        "start-up and exit included; bytecode cached"
                    ),
                    "size": "bundled",
                }
            )
    return rows
