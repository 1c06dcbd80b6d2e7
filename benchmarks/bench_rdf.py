"""Benchmark RDF export, loading and the named queries: rdflib against Oxigraph.

Runs on the bundled knowledge base and prints, for each step, the median time of each
engine and their ratio (rdflib / Oxigraph). Not a test: run it by hand.

    python benchmarks/bench_rdf.py [--repeat N]

Steps:
  export   the knowledge base as an RDF graph (crosswalk.rdf.to_graph; rdflib only), then
           written as Turtle and as N-Triples (rdflib ``serialize`` / Oxigraph ``dump``);
  load     the same Turtle and N-Triples parsed back (rdflib ``parse`` / Oxigraph ``load``),
           and read_rdf (Turtle back to a KnowledgeBase; rdflib only);
  queries  every named query of ontologies/queries/ on a graph prepared once per engine
           (crosswalk.rdf.sparql.run_query with engine="rdflib" / "oxigraph").
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import crosswalk
from crosswalk.rdf import read_rdf, to_graph, write_rdf
from crosswalk.rdf.engines import to_store
from crosswalk.rdf.sparql import get_named_query, named_queries, run_query

ROOT = Path(__file__).resolve().parent.parent
PARAMETERS: dict[str, dict[str, Any]] = {
    "mappings-of-clause": {"clause": "iso31000:6.4.2"},
    "clauses-by-framework": {"framework": "euaiact"},
}


def median_time(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def row(step: str, rdflib_seconds: float | None, oxigraph_seconds: float | None) -> str:
    """One line of the table: medians in ms and the ratio rdflib / Oxigraph."""
    left = f"{rdflib_seconds * 1000:10.1f}" if rdflib_seconds is not None else f"{'-':>10}"
    right = f"{oxigraph_seconds * 1000:10.1f}" if oxigraph_seconds is not None else f"{'-':>10}"
    ratio = (
        f"{rdflib_seconds / oxigraph_seconds:8.1f}x"
        if rdflib_seconds is not None and oxigraph_seconds
        else f"{'':>9}"
    )
    return f"{step:<52}{left}{right}{ratio}"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per step (median shown)")
    parser.add_argument("--output", type=Path, help="also write the table to this markdown file")
    options = parser.parse_args(argv)
    lines: list[str] = []

    def emit(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    repeat = max(1, options.repeat)
    try:
        import pyoxigraph
    except ImportError:
        print("pyoxigraph is not installed: pip install 'crosswalk[oxigraph]'", file=sys.stderr)
        return 1

    kb = crosswalk.load()
    emit(f"{kb!r}; median of {repeat} run(s), in ms")
    emit(f"{'step':<52}{'rdflib':>10}{'oxigraph':>10}{'ratio':>9}")
    graph = to_graph(kb, store="SimpleMemory")
    store = to_store(kb)
    emit(
        row(
            f"export: to_graph ({len(graph)} triples)",
            median_time(lambda: to_graph(kb), repeat),
            None,
        )
    )

    with tempfile.TemporaryDirectory() as directory:
        turtle = Path(directory) / "kb.ttl"
        ntriples = Path(directory) / "kb.nt"
        write_rdf(graph, turtle)
        write_rdf(graph, ntriples, format="nt")
        for name, rdflib_format, oxigraph_format in (
            ("Turtle", "turtle", pyoxigraph.RdfFormat.TURTLE),
            ("N-Triples", "nt", pyoxigraph.RdfFormat.N_TRIPLES),
        ):

            def rdflib_write(f: str = rdflib_format) -> object:
                return graph.serialize(format=f)

            def oxigraph_write(f: Any = oxigraph_format) -> object:
                return store.dump(format=f, from_graph=pyoxigraph.DefaultGraph())

            emit(
                row(
                    f"export: write {name}",
                    median_time(rdflib_write, repeat),
                    median_time(oxigraph_write, repeat),
                )
            )
        for name, path, rdflib_format, oxigraph_format in (
            ("Turtle", turtle, "turtle", pyoxigraph.RdfFormat.TURTLE),
            ("N-Triples", ntriples, "nt", pyoxigraph.RdfFormat.N_TRIPLES),
        ):
            data = path.read_bytes()

            def rdflib_load(d: bytes = data, f: str = rdflib_format) -> object:
                from rdflib import Graph

                return Graph(store="SimpleMemory").parse(data=d, format=f)

            def oxigraph_load(d: bytes = data, f: Any = oxigraph_format) -> object:
                fresh = pyoxigraph.Store()
                fresh.load(d, format=f)
                return fresh

            emit(
                row(
                    f"load: parse {name}",
                    median_time(rdflib_load, repeat),
                    median_time(oxigraph_load, repeat),
                )
            )
        emit(
            row(
                "load: read_rdf (Turtle to KnowledgeBase)",
                median_time(lambda: read_rdf(turtle), repeat),
                None,
            )
        )

    # the queries run on the knowledge base with a real gap report (gaps-by-domain reads it)
    inventory = kb.read_inventory(ROOT / "examples" / "cn-enterprise.yaml")
    graph = to_graph(
        kb, inventory=inventory, report=kb.gap(inventory, target="gbt46347"), store="SimpleMemory"
    )
    store = to_store(graph)
    emit(
        f"queries on the knowledge base and the gap report of examples/cn-enterprise.yaml ({len(graph)} triples)"
    )
    for name in named_queries():
        named = get_named_query(name)
        bindings = named.bindings(PARAMETERS.get(name, {}))
        emit(
            row(
                f"query: {name}",
                median_time(
                    partial(run_query, graph, named.text, bindings=bindings, engine="rdflib"),
                    repeat,
                ),
                median_time(
                    partial(run_query, store, named.text, bindings=bindings, engine="oxigraph"),
                    repeat,
                ),
            )
        )
    if options.output:
        command = f"python benchmarks/bench_rdf.py --repeat {repeat} --output {options.output}"
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        text = "\n".join(lines)
        options.output.write_text(
            f"# RDF and SPARQL: rdflib against Oxigraph\n\nCommand: `{command}`  \nRun: {started}\n\n```\n{text}\n```\n",
            encoding="utf-8",
        )
        print(f"\nwritten to {options.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
