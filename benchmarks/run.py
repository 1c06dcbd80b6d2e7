"""The performance suite of issue 16, in one command: every row of its table.

    .venv/bin/python benchmarks/run.py [--sizes bundled,S,M[,L]] [--repeat N] [--output benchmarks/results.md]

Every size runs in its own subprocess, so that the peak resident memory of a row
(``ru_maxrss`` of that process, from ``os.wait4``) is its own; it includes the setup
(loading or generating the data). Times are medians of ``--repeat`` runs (more for
fast operations). Synthetic data (benchmarks/synthetic.py) is generated once per size
and seed and kept as a pickle in ``$CROSSWALK_BENCH_CACHE`` (default:
``~/.cache/crosswalk-benchmarks``, mode 0700); a pickle runs code when read, so one that
another user owns or may write is never read (the data is generated again). The engines the reasoning engine replaced (the PC-2 closure, the
chain-based fast gap analysis) are gone from the package; their last measured figures
are shown beside each row (:data:`BEFORE`, with the date of their run).
"""

# This module is the command and the parent process: it spawns a child per size, collects
# the rows and writes the table. The rows live in benchmarks/rows.py (one size, inside its
# process) and benchmarks/cold.py (fresh interpreters); how they are timed in
# benchmarks/measuring.py; the kept synthetic data in benchmarks/datasets.py; the targets,
# the earlier figures (BEFORE) and the rendering in benchmarks/table.py. The docstring
# above is the --help text, unchanged.

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.cold import cold_rows, first_closure_rows
from benchmarks.measuring import Row, spawn
from benchmarks.rows import size_rows
from benchmarks.table import BEFORE, MEMORY, TARGETS, render

__all__ = ["BEFORE", "MEMORY", "TARGETS", "main"]

CHILDREN: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
    "size": size_rows,
    "first": first_closure_rows,
}


# -- the parent: spawn, collect, render ---------------------------------------------------------


def child(name: str, args: argparse.Namespace, size: str = "") -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "rows.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--child", name]
        command += ["--result", str(out), "--repeat", str(args.repeat), "--seed", str(args.seed)]
        command += ["--size", size]
        print(f"· {name} {size}", file=sys.stderr, flush=True)
        _, rss = spawn(command)
        rows: list[Row] = json.loads(out.read_text(encoding="utf-8"))
    for row in rows:
        row.setdefault("rss_mb", rss)
        row["size"] = size
    return rows


def parent(args: argparse.Namespace) -> None:
    import numba
    import numpy

    started = dt.datetime.now().astimezone().replace(microsecond=0)
    load_before = os.getloadavg()
    names = [s for s in args.sizes.split(",") if s]
    rows: list[Row] = []
    if "bundled" in names:
        print("· cold processes", file=sys.stderr, flush=True)
        rows += cold_rows(args)
        rows += child("first", args, "bundled")
    for name in names:
        rows += child("size", args, name)
    header = {
        "command": "python benchmarks/run.py " + " ".join(sys.argv[1:]),
        "machine": (
            f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
            f"numpy {numpy.__version__}, numba {numba.__version__}"
        ),
        "started": started.isoformat(),
        "finished": dt.datetime.now().astimezone().replace(microsecond=0).isoformat(),
        "load": f"{load_before[0]:.1f} at start, {os.getloadavg()[0]:.1f} at end (other work on the machine slows every row)",
    }
    text = render(rows, names, header)
    print(text)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"written to {args.output}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(  # L needs about 2 GB and minutes: run only when asked for
        "--sizes",
        default="bundled,S,M",
        help="data to run (default bundled,S,M; add L for 100k clauses, about 2 GB)",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs per timed row (median reported)"
    )
    parser.add_argument(
        "--output",
        default=str(ROOT / "benchmarks" / "results.md"),
        help="markdown file to write ('' for none)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the synthetic data and the samples"
    )
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--size", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        rows = CHILDREN[args.child](args)
        Path(args.result).write_text(json.dumps(rows), encoding="utf-8")
        return
    parent(args)


if __name__ == "__main__":
    main()
