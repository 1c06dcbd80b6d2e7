"""The rows of one size, measured inside its own process (``run.py --child size``).

The closure with derivations, queries on it, the gap analysis, ``kb.relation``, and for
some sizes the Excel and Turtle exports, the planted contradiction and validation: what
one process that holds the data measures. Which rows a size gets is :func:`size_rows`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.datasets import synthetic
from benchmarks.measuring import Row, duration, measure, peak_mb
from benchmarks.synthetic import SIZES

__all__ = ["EXAMPLE", "QUERIES", "TARGET", "size_rows"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "eu-provider.yaml"
TARGET = "gbt46347"
QUERIES = 2000


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
