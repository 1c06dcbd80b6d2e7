"""The performance suite of issue 10, in one command.

    .venv/bin/python benchmarks/run.py [--sizes S,M,L] [--repeat N] [--output benchmarks/results.md]

Every row runs in its own subprocess, so that its peak resident memory (``ru_maxrss`` of
that process, from ``os.wait4``) is its own; it includes the row's setup (loading or
generating the data), and a second figure, the peak of what the measured operation itself
allocates (``tracemalloc``, one extra untimed run), isolates the operation. Times are
medians of ``--repeat`` runs. Synthetic data (benchmarks/synthetic.py) is generated once
per size and seed and kept as a pickle in ``$CROSSWALK_BENCH_CACHE`` (default: the
system temporary directory). Path consistency is run only where a fit on small
catalogues projects it under 60 s; the two baselines of benchmarks/baselines.py run on a
seeded sample within ``--budget`` seconds and are extrapolated, and the table says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import json
import math
import os
import pickle
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import SIZES, Size, Synthetic, generate

EXAMPLE = ROOT / "examples" / "eu-provider.yaml"
TARGET = "gbt46347"
PC_LIMIT = 60.0
GENERATE = "generate catalogues, mappings, inventory (one-time)"
Row = dict[str, Any]


# -- measuring ------------------------------------------------------------------------------


SAMPLE_SECONDS = 0.5
"""Operations faster than this are run until about this much time is spent (at most 200
runs, at least ``--repeat``): a median of five runs of a millisecond is mostly noise."""


def measure(
    operation: Callable[[], object], repeat: int, *, traced: bool = True, warm: bool = True
) -> Row:
    """Median time of at least ``repeat`` runs (more for fast operations, see SAMPLE_SECONDS.

    After one untimed warm-up run that fills lazy caches, unless ``warm`` is false), and the traced
    allocation peak of one more run.
    """
    if warm:
        operation()
    times: list[float] = []
    while len(times) < repeat or (sum(times) < SAMPLE_SECONDS and len(times) < 200):
        start = time.perf_counter()
        operation()
        times.append(time.perf_counter() - start)
        if not warm and len(times) >= repeat:
            break  # cold measurements (fresh processes) keep the requested count
    peak = None
    if traced:
        tracemalloc.start()
        operation()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return {"seconds": statistics.median(times), "runs": len(times), "traced_mb": peak}


def cache_path(size: Size, seed: int) -> Path:
    """Where the generated data of a size and seed is kept (keyed on the generator's code)."""
    code = hashlib.sha256((ROOT / "benchmarks" / "synthetic.py").read_bytes()).hexdigest()[:12]
    folder = Path(
        os.environ.get("CROSSWALK_BENCH_CACHE")
        or Path(tempfile.gettempdir()) / "crosswalk-benchmarks"
    )
    return folder / f"synthetic-{size.name}-{seed}-{code}.pickle"


def load_data(size: Size, seed: int) -> Synthetic:
    with cache_path(size, seed).open("rb") as handle:
        data: Synthetic = pickle.load(handle)
    return data


def inventory_nodes(kb: Any, inventory: Any) -> tuple[set[int], set[int]]:
    index = kb.network.index
    full: set[int] = set()
    partial: set[int] = set()
    for control in inventory.controls:
        if control.effective:
            for ref in control.implements:
                (full if control.coverage_of(ref) == "full" else partial).add(index[ref.clause])
    return full, partial


def agreement(fast: Any, slow: Any) -> str:
    mine = fast.statuses
    same = sum(mine[f.clause.id] == f.status for f in slow.findings)
    return f"statuses equal to fastgap's on {same}/{len(slow.findings)} targets"


# -- rows, each run in a child process ----------------------------------------------------------


def bundled_closure(args: argparse.Namespace) -> list[Row]:
    import crosswalk

    kb = crosswalk.load()
    return [
        {
            "operation": "full path-consistency closure",
            "compare": True,
            **measure(kb.network.close, args.repeat),
        }
    ]


def bundled_gap(args: argparse.Namespace) -> list[Row]:
    import crosswalk
    from crosswalk.gap.analysis import gap_analysis
    from crosswalk.gap.fast import fast_gap_analysis

    kb = crosswalk.load()
    inventory = kb.read_inventory(EXAMPLE)
    row = measure(lambda: gap_analysis(kb, inventory, target=TARGET), args.repeat)
    fast = fast_gap_analysis(kb, inventory, target=TARGET)
    note = "closure already computed by load(); " + agreement(
        fast, gap_analysis(kb, inventory, target=TARGET)
    )
    return [
        {
            "operation": f"gap analysis, eu-provider.yaml → {TARGET} (gap.py)",
            "note": note,
            "compare": True,
            **row,
        }
    ]


def fresh_index(kb: Any) -> Any:
    """The chain analysis of ``kb`` built from scratch (its facts too), as a build is timed."""
    from crosswalk.gap.fast import FastGapAnalysis
    from crosswalk.reasoning.chains import GapIndex
    from crosswalk.reasoning.facts import FactTable

    facts = FactTable.build(kb.clauses.values(), kb.mappings, kb.children)
    return FastGapAnalysis(kb, index=GapIndex(facts))


def bundled_fastgap(args: argparse.Namespace) -> list[Row]:
    import crosswalk

    kb = crosswalk.load()
    inventory = kb.read_inventory(EXAMPLE)
    build = measure(lambda: fresh_index(kb), args.repeat)
    index = fresh_index(kb)
    run = measure(lambda: index.analyse(inventory, target=TARGET), args.repeat)
    return [
        {"operation": "fastgap index build", **build},
        {
            "operation": f"gap analysis, eu-provider.yaml → {TARGET} (fastgap)",
            "reference": True,
            **run,
        },
    ]


def bundled_excel(args: argparse.Namespace) -> list[Row]:
    import crosswalk

    kb = crosswalk.load()
    report = kb.gap(EXAMPLE, target=TARGET)
    with tempfile.TemporaryDirectory() as folder:
        paths = (Path(folder) / f"gap-{n}.xlsx" for n in itertools.count())
        row = measure(lambda: report.to_excel(next(paths)), args.repeat)
    return [{"operation": "Excel export of that report", **row}]


def synthetic_generate(args: argparse.Namespace) -> list[Row]:
    size = SIZES[args.size]
    start = time.perf_counter()
    data = generate(size, seed=args.seed)
    seconds = time.perf_counter() - start
    path = cache_path(size, args.seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    with partial.open("wb") as handle:
        pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
    counts = data.relation_counts()
    total = sum(counts.values())
    mix = ", ".join(f"{name} {100 * n / total:.0f}%" for name, n in counts.most_common())
    row = {
        "operation": GENERATE,
        "seconds": seconds,
        "runs": 1,
        "note": mix,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    path.with_suffix(".json").write_text(json.dumps(row), encoding="utf-8")
    return [row]


def synthetic_calibrate(args: argparse.Namespace) -> list[Row]:
    """Path-consistency time at 250, 500 and 1,000 clauses (S's proportions).

    The projection uses the steeper of the two growth exponents.
    """
    points = []
    for clauses in (250, 500, 1000):
        shape = SIZES["S"]
        size = Size(
            f"c{clauses}",
            clauses,
            clauses * shape.mappings // shape.clauses,
            clauses // 2,
            shape.frameworks,
        )
        network = generate(size, seed=args.seed).knowledge_base().network
        start = time.perf_counter()
        network.close()
        points.append((clauses, time.perf_counter() - start))
    exponent = max(
        math.log(b[1] / a[1]) / math.log(b[0] / a[0]) for a, b in itertools.pairwise(points)
    )
    return [
        {
            "operation": "calibration",
            "seconds": points[-1][1],
            "clauses": points[-1][0],
            "exponent": exponent,
        }
    ]


def synthetic_pc(args: argparse.Namespace) -> list[Row]:
    from crosswalk.gap.analysis import gap_analysis
    from crosswalk.gap.fast import FastGapAnalysis

    data = load_data(SIZES[args.size], args.seed)
    kb = data.knowledge_base()
    network = kb.network
    start = time.perf_counter()
    problems = len(kb.unchecked_closure.contradictions)  # computed once and kept for gap.py
    first = time.perf_counter() - start
    repeat = args.repeat - 1 if args.projected * args.repeat < 2 * PC_LIMIT else 0
    times = [first] + (
        [measure(network.close, 1, traced=False, warm=False)["seconds"] for _ in range(repeat)]
    )
    closure = {"seconds": statistics.median(times), "runs": len(times)}
    run = measure(
        lambda: gap_analysis(kb, data.inventory, target=data.target), args.repeat, traced=False
    )
    note = agreement(
        FastGapAnalysis(kb).analyse(data.inventory, target=data.target),
        gap_analysis(kb, data.inventory, target=data.target),
    )
    return [
        {
            "operation": "full path-consistency closure",
            "note": f"{problems} contradictions",
            "compare": True,
            **closure,
        },
        {
            "operation": "gap analysis (gap.py, closure computed)",
            "note": note,
            "compare": True,
            **run,
        },
    ]


def synthetic_fastgap(args: argparse.Namespace) -> list[Row]:

    data = load_data(SIZES[args.size], args.seed)
    kb = data.knowledge_base()
    start = time.perf_counter()
    index = fresh_index(kb)
    build = time.perf_counter() - start
    run = measure(lambda: index.analyse(data.inventory, target=data.target), args.repeat)
    counts = index.analyse(data.inventory, target=data.target).counts
    shown = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    # the clause with the most facts: a well-connected starting point
    degree = index.index.degrees()[: len(kb.clauses)]
    source = index.index.nodes[int(degree.argmax())]
    chains = measure(lambda: index.index.relations_from(source), args.repeat)
    related = len(index.index.relations_from(source).related())
    return [
        {
            "operation": "fastgap index build (fact network + arrays, one-time)",
            "seconds": build,
            "runs": 1,
            "note": f"{index.index.edge_count:,} directed edges",
        },
        {"operation": "gap analysis (fastgap)", "reference": True, "note": shown, **run},
        {
            "operation": "relations from one clause to every other along chains (kb.chain_relations)",
            "note": f"{related:,} clauses related to {source}",
            **chains,
        },
    ]


def synthetic_baseline(args: argparse.Namespace) -> list[Row]:
    from benchmarks.baselines import (
        PairGrid,
        adjacency,
        path_enumeration,
        per_target_search,
        timed_sample,
    )
    from crosswalk.gap.targets import is_target

    data = load_data(SIZES[args.size], args.seed)
    kb = data.knowledge_base()
    edges = adjacency(kb.network)
    full, partial = inventory_nodes(kb, data.inventory)
    index = kb.network.index
    targets = [index[c.id] for c in kb.clauses_of(data.target) if is_target(kb, c)]
    times: list[float] = []
    interleaved = ""
    if args.child == "per-target":

        def search_all() -> None:
            for target in targets:
                per_target_search(edges, target, full, partial)

        sample = timed_sample(
            targets,
            lambda t: per_target_search(edges, t, full, partial),
            budget=args.budget,
            seed=args.seed,
        )
        # when a whole pass fits the budget, time whole passes, each right after a burst of
        # fastgap runs on the same data: on a shared machine whose speed drifts, the ratio
        # of neighbouring measurements is steadier than that of two processes' medians
        fast = fresh_index(kb)
        fast.analyse(data.inventory, target=data.target)
        ratios = []
        while sample.complete and len(times) < args.repeat and sum(times) < args.budget:
            burst = measure(
                lambda: fast.analyse(data.inventory, target=data.target), 5, traced=False
            )
            start = time.perf_counter()
            search_all()
            times.append(time.perf_counter() - start)
            ratios.append(times[-1] / burst["seconds"])
        if ratios:
            interleaved = f"; {statistics.median(ratios):,.0f}× fastgap when interleaved with it ({len(ratios)} rounds)"
        what, unit = (
            "per-target BFS over edges (pure Python; chain statuses, no union rule)",
            "targets",
        )
    else:
        pairs = PairGrid(sorted(full | partial), targets)
        sample = timed_sample(
            pairs, lambda pair: path_enumeration(edges, *pair), budget=args.budget, seed=args.seed
        )
        what, unit = (
            "naive path enumeration, simple paths ≤ 4 edges per (implemented, target) pair",
            "pairs",
        )
    note = (
        f"all {sample.total:,} {unit}{interleaved}"
        if sample.complete
        else (
            f"EXTRAPOLATED from {sample.done:,} of {sample.total:,} {unit} ({sample.seconds:.0f} s sample)"
        )
    )
    seconds = statistics.median(times) if times else sample.estimate
    return [
        {
            "operation": what,
            "seconds": seconds,
            "runs": max(1, len(times)),
            "extrapolated": not sample.complete,
            "note": note,
            "compare": True,
        }
    ]


CHILDREN: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
    "bundled-closure": bundled_closure,
    "bundled-gap": bundled_gap,
    "bundled-fastgap": bundled_fastgap,
    "bundled-excel": bundled_excel,
    "generate": synthetic_generate,
    "calibrate": synthetic_calibrate,
    "pc": synthetic_pc,
    "fastgap": synthetic_fastgap,
    "per-target": synthetic_baseline,
    "paths": synthetic_baseline,
}


# -- the parent: spawn, collect, render ---------------------------------------------------------


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


def child(
    name: str, args: argparse.Namespace, *, limit: float | None = None, **extra: Any
) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "rows.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            name,
            "--result",
            str(out),
        ]
        command += [
            "--repeat",
            str(args.repeat),
            "--seed",
            str(args.seed),
            "--budget",
            str(args.budget),
        ]
        for key, value in extra.items():
            command += [f"--{key}", str(value)]
        print(f"· {name} {extra.get('size', '')}", file=sys.stderr, flush=True)
        _, rss = spawn(command, limit=limit)
        rows: list[Row] = json.loads(out.read_text(encoding="utf-8"))
    for row in rows:
        row.setdefault("rss_mb", rss)
    return rows


def cold_rows(args: argparse.Namespace) -> list[Row]:
    """Fresh interpreters, run from outside the checkout.

    Import, load with an empty compiled cache, load with a warm one (a private cache directory,
    never the user's).
    """
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        warm = work / "warm-cache"
        load = [sys.executable, "-c", "import crosswalk; crosswalk.load()"]
        spawn(load, dict(os.environ, CROSSWALK_CACHE_DIR=str(warm)), work)  # fills the warm cache
        cases = [
            (
                'cold `python -c "import crosswalk"`',
                [sys.executable, "-c", "import crosswalk"],
                None,
            ),
            ('cold `python -c "import crosswalk; crosswalk.load()"`, empty cache', load, "empty"),
            ('cold `python -c "import crosswalk; crosswalk.load()"`, warm cache', load, "warm"),
        ]
        for label, command, cache in cases:
            times, peaks = [], []
            for _ in range(args.repeat):
                folder_for_run = warm if cache == "warm" else Path(tempfile.mkdtemp(dir=work))
                seconds, rss = spawn(
                    command, dict(os.environ, CROSSWALK_CACHE_DIR=str(folder_for_run)), work
                )
                times.append(seconds)
                peaks.append(rss)
            rows.append(
                {
                    "operation": label,
                    "seconds": statistics.median(times),
                    "runs": args.repeat,
                    "rss_mb": max(peaks),
                    "note": "whole process, interpreter start-up included",
                }
            )
    return rows


def bundled_label() -> str:
    import crosswalk

    kb = crosswalk.load()
    return f"bundled ({len(kb.clauses):,} clauses, {len(kb.mappings):,} mappings)"


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


def render(sections: list[tuple[str, list[Row]]], header: dict[str, str], notes: list[str]) -> str:
    lines = [
        "# Benchmarks (issue 10)",
        "",
        f"Command: `{header['command']}`  ",
        f"Machine: {header['machine']}  ",
        f"Started {header['started']}, finished {header['finished']}; load average {header['load']}.",
        "",
        "| data | operation | median | × fastgap | peak RSS | op. alloc. peak | runs | note |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, rows in sections:
        reference = next((r["seconds"] for r in rows if r.get("reference")), None)
        for row in rows:
            seconds = row.get("seconds")
            shown = (
                "skipped"
                if seconds is None
                else ("≈ " if row.get("extrapolated") else "") + duration(seconds)
            )
            ratio = ""
            if reference and seconds is not None and (row.get("compare") or row.get("reference")):
                ratio = f"{seconds / reference:,.3g}×"
            rss = f"{row['rss_mb']:,.0f} MB" if row.get("rss_mb") else ""
            traced = f"{row['traced_mb']:,.1f} MB" if row.get("traced_mb") is not None else ""
            lines.append(
                f"| {label} | {row['operation']} | {shown} | {ratio} | {rss} | {traced} | {row.get('runs', '')} | {row.get('note', '')} |"
            )
    lines += ["", *notes]
    return "\n".join(lines) + "\n"


def parent(args: argparse.Namespace) -> None:
    started = dt.datetime.now().astimezone().replace(microsecond=0)
    load_before = os.getloadavg()
    sections: list[tuple[str, list[Row]]] = []
    label = bundled_label()
    bundled = cold_rows(args)
    for name in ("bundled-closure", "bundled-gap", "bundled-fastgap", "bundled-excel"):
        bundled += child(name, args)
    sections.append((label, bundled))
    notes = [
        (
            "Peak RSS: the row's own process (`os.wait4`), setup included (the data held in memory "
            "dominates it for synthetic rows). Op. alloc. peak: what the measured operation itself "
            "allocates (`tracemalloc`, one extra untimed run). × fastgap: time over the fastgap gap "
            "analysis of the same data."
        ),
    ]
    sizes = [s for s in args.sizes.split(",") if s]
    if sizes:
        calibration = child("calibrate", args)[0]
        exponent, t_ref, c_ref = (
            calibration["exponent"],
            calibration["seconds"],
            calibration["clauses"],
        )
        notes.append(
            f"Path consistency projected as {duration(t_ref)} × (clauses / {c_ref})^{exponent:.2f} "
            f"(fit on 250, 500 and 1,000 generated clauses); rows projected over {PC_LIMIT:.0f} s are skipped."
        )
    for name in sizes:
        size = SIZES[name]
        rows: list[Row] = []
        cached = cache_path(size, args.seed)
        if cached.exists() and cached.with_suffix(".json").exists():
            row = json.loads(cached.with_suffix(".json").read_text(encoding="utf-8"))
            rows.append({**row, "note": row["note"] + " (timed when the cache was filled)"})
        else:
            rows += child("generate", args, size=name)
        projected = t_ref * (size.clauses / c_ref) ** exponent
        stopped = None
        if projected <= PC_LIMIT:
            try:
                rows += child("pc", args, size=name, projected=projected, limit=3 * PC_LIMIT + 60)
            except TimeoutError as error:
                stopped = (
                    f"stopped after {duration(error.args[0])} (projected {duration(projected)})"
                )
        if stopped:
            rows += [
                {"operation": "full path-consistency closure", "seconds": None, "note": stopped},
                {
                    "operation": "gap analysis (gap.py, closure computed)",
                    "seconds": None,
                    "note": "needs the closure",
                },
            ]
        elif projected > PC_LIMIT:
            skip = f"skipped: projected {duration(projected)}"
            rows += [
                {"operation": "full path-consistency closure", "seconds": None, "note": skip},
                {
                    "operation": "gap analysis (gap.py, closure computed)",
                    "seconds": None,
                    "note": "needs the closure",
                },
            ]
        rows += child("fastgap", args, size=name)
        for baseline in ("per-target", "paths"):
            rows += child(baseline, args, size=name)
        title = f"synthetic {name} ({size.clauses:,} clauses, {size.mappings:,} mappings, {size.controls:,} controls)"
        sections.append((title, rows))
    import numpy

    header = {
        "command": "python benchmarks/run.py " + " ".join(sys.argv[1:]),
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, numpy {numpy.__version__}",
        "started": started.isoformat(),
        "finished": dt.datetime.now().astimezone().replace(microsecond=0).isoformat(),
        "load": f"{load_before[0]:.1f} at start, {os.getloadavg()[0]:.1f} at end (other work on the machine slows every row)",
    }
    text = render(sections, header, notes)
    print(text)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"written to {args.output}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default="S,M,L",
        help="synthetic sizes to run, e.g. S,M (default S,M,L; '' for none)",
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
    parser.add_argument(
        "--budget", type=float, default=10.0, help="seconds per sampled baseline row"
    )
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--projected", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        rows = CHILDREN[args.child](args)
        Path(args.result).write_text(json.dumps(rows), encoding="utf-8")
        return
    parent(args)


if __name__ == "__main__":
    main()
