"""Gap analysis at inventory scale on the bundled data (issue 5), and the streamed workbook.

    python benchmarks/bench_gap.py [--controls 5000] [--targets 2000] [--repeat 3]

1. A seeded synthetic inventory of N controls, each implementing 1–3 random clauses of any
   bundled framework (full or partial), analysed against every bundled framework with
   ``kb.gap`` (on the closure, computed once and cached beside the records).
2. The Excel workbook of a synthetic report with T targets × N controls in its Matrix sheet
   (streamed, openpyxl write-only), with time and peak memory.
Prints a markdown table (not a test: timings on shared machines are noisy).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import crosswalk
from crosswalk.model.inventory import ClauseRef, Control, Inventory


def _median(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic_inventory(kb: crosswalk.KnowledgeBase, count: int, seed: int = 7) -> Inventory:
    """N controls implementing random clauses of the bundled frameworks."""
    rng = random.Random(seed)
    ids = sorted(kb.clauses)
    statuses = ["implemented"] * 6 + ["partially_implemented"] * 2 + ["planned", "not_implemented"]
    controls = []
    for number in range(count):
        refs = tuple(
            ClauseRef(clause=rng.choice(ids), coverage=rng.choice(["full", "full", "partial"]))
            for _ in range(rng.randint(1, 3))
        )
        controls.append(
            Control(
                id=f"C-{number:05d}",
                title=f"Control {number}",
                status=rng.choice(statuses),
                implements=refs,
            )
        )
    return Inventory(organisation="synthetic", controls=tuple(controls))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--controls", type=int, default=5000)
    parser.add_argument("--targets", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    kb = crosswalk.load()
    inventory = synthetic_inventory(kb, args.controls)
    rows = []
    total_gap = 0.0
    for prefix in kb.frameworks:
        slow = _median(lambda p=prefix: kb.gap(inventory, target=p), args.repeat)
        total_gap += slow
        rows.append((prefix, slow))
    print(f"## {args.controls:,} synthetic controls against each bundled framework\n")
    print("| target | kb.gap (on the closure) |\n|---|---:|")
    for prefix, slow in rows:
        print(f"| {prefix} | {slow * 1000:.0f} ms |")
    print(f"| all {len(rows)} frameworks | {total_gap:.2f} s |\n")

    # a large report: many targets, many controls, every control supporting some targets
    from tests.conftest import synthetic_kb

    rng = random.Random(11)
    clauses = [(f"c{i}", None) for i in range(args.targets)]
    mappings = list(
        {
            (f"c{a}", f"c{b}"): (f"c{a}", "intersects_with", f"c{b}")
            for a, b in (
                (rng.randrange(args.targets), rng.randrange(args.targets))
                for _ in range(args.targets)
            )
            if a != b
        }.values()
    )
    small = synthetic_kb(clauses, mappings)
    controls = tuple(
        Control(
            id=f"K{j}",
            title="k",
            status="implemented",
            implements=tuple(
                ClauseRef(clause=f"t:c{rng.randrange(args.targets)}") for _ in range(3)
            ),
        )
        for j in range(args.controls)
    )
    report = small.gap(Inventory(controls=controls), target="t")
    with tempfile.TemporaryDirectory() as directory:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        path = report.to_excel(Path(directory) / "big.xlsx")
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = path.stat().st_size
    print(
        f"## Gap workbook, {args.targets:,} targets × {args.controls:,} controls (Matrix sheet)\n"
    )
    print(
        f"written in {elapsed:.1f} s, {size / 1e6:.1f} MB on disk; process peak RSS {peak / 1024:.0f} MB (was {before / 1024:.0f} MB before writing)"
    )


if __name__ == "__main__":
    main()
