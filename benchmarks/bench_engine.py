"""The reasoning engine at every scale (issue 16), in one command.

    .venv/bin/python benchmarks/bench_engine.py [--sizes bundled,S,M,L] [--repeat 5]
        [--output benchmarks/results-engine.md]

For each size, in its own process (so that its peak resident memory is its own): the
path-consistent closure with derivations (:func:`crosswalk.reasoning.engine.close`,
median of ``--repeat`` runs, facts prepared before timing), ``relation(a, b)`` with its
explanation per query (mask, derivation tree and its facts, for a seeded sample of
known pairs), and on M and L a planted contradiction: the closure that finds it and the
minimal sets of facts behind it. Today's engine (:class:`crosswalk.inference.Network`)
is timed on the bundled data and S, and projected to M and L from a fit on 250, 500
and 1,000 generated clauses (marked as such). Fresh processes give the first closure's cost
with the compiled kernel cached on disk and with an empty numba cache (compiling it).
Synthetic data is generated once and kept as in benchmarks/run.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import os
import pickle
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.run import cache_path, cold_rows, duration, load_data, measure, spawn
from benchmarks.synthetic import SIZES, Size, Synthetic, generate

Row = dict[str, Any]
TARGETS = {"bundled": 0.030, "S": 0.050, "M": 2.0, "L": 60.0}
"""Median closure time each size must meet (issue 16); M must stay under 1 GB, L 6 GB."""
MEMORY = {"M": 1024.0, "L": 6144.0}
QUERIES = 2000
NOTE = (
    "Peak RSS: the row's own process (`os.wait4`), the data and today's network included (for "
    "L most of it: the generated model objects and today's `Fact` objects); the closure's own "
    "arrays are in the note. × today: today's engine over the engine on the same data. Times "
    "exclude building the facts; the first call in a process also loads the compiled kernel "
    "(see the fresh-process rows). Projected rows are marked ≈ and PROJECTED. The cold "
    "`crosswalk.load()` rows are today's (the knowledge base still closes with "
    "crosswalk.inference): after integration, an empty-cache load costs today's minus "
    "today's closure plus the engine's first closure in a fresh process; a warm-cache load "
    "unpickles the closure's arrays and imports no numba."
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the data -------------------------------------------------------------------------------


def synthetic(size: Size, seed: int) -> Synthetic:
    """The generated data of a size, from benchmarks/run.py's cache (filled if missing)."""
    path = cache_path(size, seed)
    if path.exists():
        return load_data(size, seed)
    data = generate(size, seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    with partial.open("wb") as handle:
        pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
    return data


def network_of(name: str, seed: int) -> Any:
    """Today's network (crosswalk.inference) of the bundled data or a synthetic size."""
    if name == "bundled":
        import crosswalk

        return crosswalk.load().network
    return synthetic(SIZES[name], seed).knowledge_base().network


def engine_facts(network: Any) -> list[Any]:
    """The network's facts as engine facts (same order and payloads)."""
    from crosswalk.reasoning.engine import Fact

    return [
        Fact(
            f.left,
            f.right,
            f.mask,
            f.kind,
            f.label,
            f.strength,
            f.confidence,
            f.rationale,
            f.payload,
        )
        for f in network.facts
    ]


# -- rows, each size in a child process ---------------------------------------------------------


def closure_rows(args: argparse.Namespace) -> list[Row]:
    from crosswalk.reasoning import engine

    network = network_of(args.size, args.seed)
    facts = engine_facts(network)
    size = len(network.nodes)
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
    walks: Any = closure.explainer
    stored = sum(
        array.nbytes
        for array in (closure.row_pointer, closure.neighbour, closure.relation)
        + tuple(
            getattr(walks, name)
            for name in ("slot_start", "row_slot", "slot_pred", "slot_fact", "slot_state")
        )
    )
    rows = [
        {
            "operation": "closure with derivations (engine)",
            "target": TARGETS[args.size],
            "seconds": statistics.median(walls),
            "runs": len(walls),
            "note": (
                f"CPU {duration(statistics.median(cpus))}; {len(facts):,} facts, {size:,} nodes → {closure.edge_count():,} pairs, "
                f"{walks.slot_fact.size:,} walk states, {len(closure.contradictions)} contradictions; "
                f"arrays {stored / 2**20:,.1f} MB, peak RSS +{peak_mb() - before:,.0f} MB while closing; "
                f"first call in this process {duration(first)}"
            ),
        }
    ]
    rows.append(query_row(closure, args.seed))
    if small:
        today = measure(network.close, min(repeat, 3), traced=False, warm=False)
        rows.append(
            {
                "operation": "closure with supports (today's crosswalk.inference)",
                "baseline": True,
                **today,
            }
        )
    if args.size in ("M", "L"):
        rows += contradiction_rows(closure, facts, size)
    return rows


def query_row(closure: Any, seed: int) -> Row:
    """relation(a, b) with its explanation: the mask, the derivation tree and its facts,
    for pairs drawn uniformly from the stored ones."""
    import numpy as np

    rng = random.Random(seed)
    entries = int(closure.neighbour.size)
    picks = np.array([rng.randrange(entries) for _ in range(QUERIES)])
    lefts = np.searchsorted(closure.row_pointer, picks, side="right") - 1
    times = []
    chain = 0
    for left, right in zip(lefts.tolist(), closure.neighbour[picks].tolist(), strict=True):
        start = time.perf_counter()
        closure.mask(left, right)
        derivation = closure.derivation(left, right)
        facts = derivation.distinct_facts()
        times.append(time.perf_counter() - start)
        chain = max(chain, len(facts))
    times.sort()
    p99 = times[int(0.99 * len(times))]
    return {
        "operation": "relation(a, b) + explanation, per query",
        "target": 0.001,
        "seconds": statistics.median(times),
        "runs": len(times),
        "note": f"p99 {duration(p99)}, max {duration(times[-1])}; up to {chain} facts in one derivation",
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


def projection_rows(args: argparse.Namespace) -> list[Row]:
    """Today's engine at 250, 500 and 1,000 generated clauses (S's proportions; median of
    three runs each), projected with the steeper of the two growth exponents (as
    benchmarks/run.py does)."""
    points = []
    shape = SIZES["S"]
    for clauses in (250, 500, 1000):
        size = Size(
            f"c{clauses}",
            clauses,
            clauses * shape.mappings // shape.clauses,
            clauses // 2,
            shape.frameworks,
        )
        network = generate(size, seed=args.seed).knowledge_base().network
        points.append((clauses, measure(network.close, 3, traced=False, warm=False)["seconds"]))
    exponent = max(
        math.log(b[1] / a[1]) / math.log(b[0] / a[0]) for a, b in itertools.pairwise(points)
    )
    seconds = points[-1][1]
    return [
        {
            "size": name,
            "operation": "closure with supports (today's crosswalk.inference)",
            "baseline": True,
            "projected": True,
            "seconds": seconds * (SIZES[name].clauses / 1000) ** exponent,
            "note": (
                f"PROJECTED: {duration(seconds)} × (clauses / 1,000)^{exponent:.2f}, "
                "fit on 250, 500 and 1,000 clauses"
            ),
        }
        for name in ("M", "L")
    ]


FIRST_CLOSURE = """\
import sys, time
sys.path.insert(0, {root!r})
from benchmarks.bench_engine import engine_facts, network_of
network = network_of("bundled", 0)
facts = engine_facts(network)
start = time.perf_counter()
from crosswalk.reasoning import engine
engine.close(len(network.nodes), facts)
print(time.perf_counter() - start)
"""


def first_closure_rows(args: argparse.Namespace) -> list[Row]:
    """The first closure in a fresh process: numba imported and the kernel loaded from its
    on-disk cache, or compiled into an empty one."""
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


CHILDREN = {"closure": closure_rows, "projection": projection_rows, "first": first_closure_rows}


# -- the parent ---------------------------------------------------------------------------------


def child(name: str, args: argparse.Namespace, size: str = "") -> list[Row]:
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
        command += ["--repeat", str(args.repeat), "--seed", str(args.seed), "--size", size]
        print(f"· {name} {size}", file=sys.stderr, flush=True)
        _, rss = spawn(command)
        rows: list[Row] = json.loads(out.read_text(encoding="utf-8"))
    for row in rows:
        row.setdefault("rss_mb", rss)
        row.setdefault("size", size)
    return rows


def label(name: str) -> str:
    if name == "bundled":
        import crosswalk

        kb = crosswalk.load()
        return f"bundled ({len(kb.clauses):,} clauses, {len(kb.mappings):,} mappings)"
    size = SIZES[name]
    return f"synthetic {name} ({size.clauses:,} clauses, {size.mappings:,} mappings)"


def render(rows: list[Row], names: list[str], header: dict[str, str]) -> str:
    lines = [
        "# The reasoning engine at every scale (issue 16)",
        "",
        f"Command: `{header['command']}`  ",
        f"Machine: {header['machine']}  ",
        f"Started {header['started']}, finished {header['finished']}; load average {header['load']}.",
        "",
        "| data | operation | median | target | × today | peak RSS | runs | note |",
        "|---|---|---:|---|---:|---:|---:|---|",
    ]
    for name in names:
        mine = [r for r in rows if r["size"] == name]
        engine_row = next(
            (r for r in mine if r["operation"].startswith("closure with derivations")), None
        )
        for row in mine:
            seconds = row["seconds"]
            shown = ("≈ " if row.get("projected") else "") + duration(seconds)
            target = ""
            if "target" in row:
                met = seconds <= row["target"]
                target = f"≤ {duration(row['target'])}: {'met' if met else 'NOT met'}"
                if name in MEMORY and row is engine_row:
                    fits = row["rss_mb"] <= MEMORY[name]
                    target += f"; ≤ {MEMORY[name] / 1024:.0f} GB: {'met' if fits else 'NOT met'}"
            ratio = ""
            if row.get("baseline") and engine_row:
                ratio = f"{seconds / engine_row['seconds']:,.0f}×"
            rss = (
                f"{row['rss_mb']:,.0f} MB" if row.get("rss_mb") and not row.get("projected") else ""
            )
            lines.append(
                f"| {label(name)} | {row['operation']} | {shown} | {target} | {ratio} | {rss} | "
                f"{row.get('runs', '')} | {row.get('note', '')} |"
            )
    lines += ["", NOTE]
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
        rows += [{**r, "size": "bundled"} for r in cold_rows(args)]
        rows += [{**r, "size": "bundled"} for r in child("first", args, "bundled")]
    for name in names:
        rows += child("closure", args, name)
    projected = [n for n in names if n in ("M", "L")]
    if projected:
        rows += [r for r in child("projection", args, "S") if r["size"] in projected]
    header = {
        "command": "python benchmarks/bench_engine.py " + " ".join(sys.argv[1:]),
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
    parser.add_argument(
        "--sizes", default="bundled,S,M,L", help="sizes to run (default bundled,S,M,L)"
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs per timed row (median reported)"
    )
    parser.add_argument(
        "--output",
        default=str(ROOT / "benchmarks" / "results-engine.md"),
        help="markdown file ('' for none)",
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
