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

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import pickle
import platform
import random
import resource
import stat
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
Row = dict[str, Any]
QUERIES = 2000

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


# -- measuring ------------------------------------------------------------------------------


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


def cache_path(size: Size, seed: int) -> Path:
    """Where the generated data of a size and seed is kept.

    Keyed on the generator's code and the records' (a pickle of records made before a
    field was added unpickles into records without it).
    """
    digest = hashlib.sha256((ROOT / "benchmarks" / "synthetic.py").read_bytes())
    for source in sorted((ROOT / "crosswalk" / "model").glob("*.py")):
        digest.update(source.read_bytes())
    code = digest.hexdigest()[:12]
    folder = Path(
        os.environ.get("CROSSWALK_BENCH_CACHE") or Path.home() / ".cache" / "crosswalk-benchmarks"
    )
    return folder / f"synthetic-{size.name}-{seed}-{code}.pickle"


def _ours(path: Path) -> bool:
    """True when ``path`` is this user's and no one else may write it (a pickle runs code)."""
    info = path.lstat()
    loose = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return info.st_uid == os.geteuid() and not loose and not stat.S_ISLNK(info.st_mode)


def load_data(size: Size, seed: int) -> Synthetic | None:
    """The cached data of a size and seed, or None when missing or not safely ours."""
    path = cache_path(size, seed)
    if not (path.is_file() and _ours(path) and _ours(path.parent)):
        return None
    with path.open("rb") as handle:
        data: Synthetic = pickle.load(handle)  # our own file, checked above
    return data


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(size: Size, seed: int) -> Synthetic:
    """The generated data of a size, from the cache (filled if missing)."""
    cached = load_data(size, seed)
    if cached is not None:
        return cached
    path = cache_path(size, seed)
    data = generate(size, seed=seed)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _ours(path.parent):
        return data
    partial = path.with_suffix(".tmp")
    with partial.open("wb") as handle:
        pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
    return data


# -- rows, each size in a child process ---------------------------------------------------------


def _data(args: argparse.Namespace) -> tuple[Any, Any, str]:
    """The knowledge base, inventory and target of a size (the bundled data: the example)."""
    if args.size == "bundled":
        import crosswalk

        kb = crosswalk.load()
        kb.closure_store = None  # time the engine, not the cache
        return kb, kb.read_inventory(EXAMPLE), TARGET
    data = synthetic(SIZES[args.size], args.seed)
    return data.knowledge_base(), data.inventory, data.target


def closure_row(args: argparse.Namespace, kb: Any) -> tuple[Row, Any]:
    """The closure with derivations, from the facts the knowledge base states."""
    from crosswalk.reasoning import engine

    network = kb.network
    facts, size = network.facts, len(network.nodes)
    before = peak_mb()
    start = time.perf_counter()
    closure = engine.close(size, facts)
    first = time.perf_counter() - start
    small = args.size in ("bundled", "S")
    repeat = args.repeat if args.size != "L" else min(args.repeat, 3)
    walls: list[float] = []
    cpus: list[float] = []
    while len(walls) < repeat or (small and sum(walls) < 0.5 and len(walls) < 200):
        wall, cpu = time.perf_counter(), time.process_time()
        engine.close(size, facts)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    arrays = engine.closure_arrays(closure) or {}
    stored = sum(a.nbytes for a in arrays.values())
    row = {
        "key": "closure",
        "operation": "closure with derivations (engine)",
        "seconds": statistics.median(walls),
        "runs": len(walls),
        "closure_mb": peak_mb(),
        "note": (
            f"CPU {duration(statistics.median(cpus))}; {len(facts):,} facts, {size:,} nodes → "
            f"{closure.edge_count():,} pairs, {arrays['slot_fact'].size:,} walk states, "
            f"{len(closure.contradictions)} contradictions; arrays {stored / 2**20:,.1f} MB, "
            f"peak RSS +{peak_mb() - before:,.0f} MB while closing; first call in this process "
            f"{duration(first)}"
        ),
    }
    return row, closure


def gap_rows(args: argparse.Namespace, kb: Any, inventory: Any, target: str) -> list[Row]:
    """The gap analysis on the closure (computed before), and one closure row read whole.

    Two figures, so that nobody mistakes lazy for free: the statuses (the analysis and its
    counts: what the report computes before a finding is read), and the same with every
    finding expanded (evidence, causes, remedies, parts) and the risk sources.
    """
    from collections import Counter

    from crosswalk.gap.analysis import gap_analysis

    def statuses() -> Any:
        report = gap_analysis(kb, inventory, target=target)
        report.counts  # noqa: B018 - the counts are what is measured
        return report

    def expanded() -> Any:
        report = gap_analysis(kb, inventory, target=target)
        report.findings  # noqa: B018 - building every finding is what is measured
        report.risks  # noqa: B018
        return report

    _ = kb.closure
    # the first analysis on a closure also filters its containment rows, indexes the
    # inventory and, when a target needs the two-mapping chain, the knowledge base's
    # asserted mappings (all kept for the next analyses): timed apart from the rest
    wall, cpu = time.perf_counter(), time.process_time()
    statuses()
    first = f"first analysis on this closure {duration(time.perf_counter() - wall)} (CPU {duration(time.process_time() - cpu)})"
    # the first expansion also ranks the evidence's derivations (their strengths are then
    # kept on the closure): also timed apart
    wall, cpu = time.perf_counter(), time.process_time()
    expanded()
    first_expanded = f"first expansion on this closure {duration(time.perf_counter() - wall)} (CPU {duration(time.process_time() - cpu)})"
    run = measure(statuses, args.repeat, traced=False)
    whole = measure(expanded, args.repeat, traced=False)
    report = expanded()
    counts = Counter(f.status for f in report.findings)
    shown = ", ".join(f"{k} {v}" for k, v in counts.most_common())
    evidence = sum(len(f.evidence) for f in report.findings)
    source = max(kb.clauses, key=lambda c: int(kb.closure.row(kb.network.index[c])[0].size))
    related = measure(lambda: kb.related(source), args.repeat, traced=False)
    return [
        {
            "key": "gap",
            "operation": f"gap analysis on the closure → {target}: statuses and counts",
            "note": (
                f"CPU {duration(run['cpu'])}; {len(report.findings):,} target clauses: {shown}; "
                f"{len(inventory.controls):,} controls; findings not yet built; {first}"
            ),
            **run,
        },
        {
            "key": "gap-expanded",
            "operation": "the same, with every finding expanded (evidence, causes, remedies, parts) and the risks",
            "note": (
                f"CPU {duration(whole['cpu'])}; {evidence:,} pieces of evidence, "
                f"{len(report.risks):,} risk sources; {first_expanded}"
            ),
            **whole,
        },
        {
            "key": "related",
            "operation": "kb.related(clause): every clause related to one",
            "note": f"{len(kb.related(source)):,} related to {source} (the longest row)",
            **related,
        },
    ]


def validate_row(kb: Any) -> Row:
    """What `crosswalk validate` does once the data is loaded.

    References, contradictions (the closure, computed here) and mappings the rest entails.
    """
    from crosswalk.knowledge.stats import redundant_mappings

    kb.__dict__.pop("unchecked_closure", None)
    start = time.perf_counter()
    problems = kb.validate()
    redundant = redundant_mappings(kb)
    seconds = time.perf_counter() - start
    return {
        "key": "validate",
        "operation": "validate with inference (references, closure, contradictions, redundancy)",
        "seconds": seconds,
        "runs": 1,
        "note": f"{len(problems)} problems, {len(redundant):,} redundant mappings; data already in memory",
    }


def excel_row(args: argparse.Namespace, kb: Any, inventory: Any) -> Row:
    import itertools

    report = kb.gap(inventory, target=TARGET)
    with tempfile.TemporaryDirectory() as folder:
        paths = (Path(folder) / f"gap-{n}.xlsx" for n in itertools.count())
        row = measure(lambda: report.to_excel(next(paths)), args.repeat)
    return {"key": "excel", "operation": "Excel export of that report", **row}


def turtle_row(args: argparse.Namespace, kb: Any) -> Row:
    """The Turtle export of the knowledge base (``crosswalk export --format turtle``'s work)."""
    from crosswalk.rdf.write import write_rdf

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kb.ttl"
        row = measure(lambda: write_rdf(kb, path), args.repeat, traced=False)
        size = path.stat().st_size
    return {
        "key": "turtle",
        "operation": "Turtle export (`write_rdf`, crosswalk's writer)",
        "note": f"CPU {duration(row['cpu'])}; {size / 2**20:,.1f} MB; RDF modules already imported",
        **row,
    }


def size_rows(args: argparse.Namespace) -> list[Row]:
    kb, inventory, target = _data(args)
    row, closure = closure_row(args, kb)
    rows = [row, query_row(closure, args.seed)]
    rows += gap_rows(args, kb, inventory, target)
    rows.append(relation_row(kb, args.seed))
    if args.size == "bundled":
        rows.append(excel_row(args, kb, inventory))
        rows.append(turtle_row(args, kb))
    if args.size in ("M", "L"):
        rows += contradiction_rows(closure, list(closure.facts), closure.size)
    if args.size in ("bundled", "L"):
        rows.append(validate_row(kb))
    return rows


def query_row(closure: Any, seed: int) -> Row:
    """relation(a, b) with its explanation, for pairs drawn uniformly from the stored ones.

    The mask, the derivation tree and its facts.
    """
    import numpy as np

    rng = random.Random(seed)
    entries = int(closure.neighbour.size)
    picks = np.array([rng.randrange(entries) for _ in range(QUERIES)])
    lefts = np.searchsorted(closure.row_pointer, picks, side="right") - 1
    times = []
    cpus = []
    chain = 0
    for left, right in zip(lefts.tolist(), closure.neighbour[picks].tolist(), strict=True):
        start, cpu = time.perf_counter(), time.process_time()
        closure.mask(left, right)
        derivation = closure.derivation(left, right)
        facts = derivation.distinct_facts()
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        chain = max(chain, len(facts))
    times.sort()
    p99 = times[int(0.99 * len(times))]
    return {
        "key": "query",
        "operation": "relation(a, b) + explanation, per query",
        "target": 0.001,
        "seconds": statistics.median(times),
        "runs": len(times),
        "note": (
            f"CPU {duration(statistics.median(cpus))}; p99 {duration(p99)}, max "
            f"{duration(times[-1])}; up to {chain} facts in one derivation"
        ),
    }


def relation_row(kb: Any, seed: int) -> Row:
    """``kb.relation(a, b)`` with its explanation as text, the way a user asks for it.

    Pairs of clauses drawn uniformly from the closure's stored entries (union nodes left out).
    """
    closure, nodes, clauses = kb.closure, kb.network.nodes, kb.clauses
    rng = random.Random(seed + 1)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < QUERIES:
        left = rng.randrange(closure.size)
        others, _ = closure.row(left)
        if others.size and nodes[left] in clauses:
            right = nodes[int(others[rng.randrange(others.size)])]
            if right in clauses:
                pairs.append((nodes[left], right))
    times: list[float] = []
    cpus: list[float] = []
    for source, target in pairs:
        start, cpu = time.perf_counter(), time.process_time()
        str(kb.relation(source, target))
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    times.sort()
    return {
        "key": "relation",
        "operation": "kb.relation(a, b) with its explanation as text, per query",
        "seconds": statistics.median(times),
        "runs": len(times),
        "note": (
            f"CPU {duration(statistics.median(cpus))}; p99 {duration(times[int(0.99 * len(times))])}, "
            f"max {duration(times[-1])}; pairs of clauses with a known relation"
        ),
    }


def contradiction_rows(closure: Any, facts: list[Any], size: int) -> list[Row]:
    """A disjointness asserted against a derived subset relation (three facts or more)."""
    from crosswalk.reasoning import engine

    asserted = {(f.left, f.right) for f in facts} | {(f.right, f.left) for f in facts}
    left, right = next(
        (i, j)
        for i in range(closure.size)
        for j, m in closure.neighbours(i).items()
        if m == engine.SUB
        and (i, j) not in asserted
        and len(closure.derivation(i, j).distinct_facts()) >= 3
    )
    planted = engine.Fact.asserted(left, right, engine.DIS, label="planted")
    broken_facts = [*facts, planted]
    start = time.perf_counter()
    broken = engine.close(size, broken_facts)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    first = broken.conflict(*broken.contradictions[0])
    one = time.perf_counter() - start
    start = time.perf_counter()
    every = broken.conflicts()
    total = time.perf_counter() - start
    return [
        {
            "operation": "closure finding a planted contradiction",
            "seconds": seconds,
            "runs": 1,
            "note": f"{len(broken.contradictions):,} pairs left empty by one planted fact",
        },
        {
            "operation": "minimal set of facts behind one contradiction",
            "seconds": one,
            "runs": 1,
            "note": f"{len(first)} facts, planted one included: {planted in first}",
        },
        {
            "operation": "minimal sets behind every contradiction",
            "seconds": total,
            "runs": 1,
            "note": f"{len(every)} distinct minimal sets, each with the planted fact: {all(planted in s for s in every)}",
        },
    ]


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


CHILDREN: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
    "size": size_rows,
    "first": first_closure_rows,
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
