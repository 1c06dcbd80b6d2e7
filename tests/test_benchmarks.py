"""The benchmark scripts keep working (they are not timed tests: nothing here checks speed)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT

# Each runs a benchmark script end to end (about a minute together on two cores): CI runs
# them in a step of their own (`pytest -m bench`), the everyday suite leaves them out.
pytestmark = pytest.mark.bench


def test_benchmark_suite_runs_on_the_bundled_data(tmp_path) -> None:
    output = tmp_path / "results.md"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--sizes",
            "bundled",
            "--repeat",
            "1",
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    table = output.read_text(encoding="utf-8")
    assert "closure with derivations (engine)" in table and "≤ 30 ms" in table
    assert "gap analysis on the closure" in table and "PC-2 queue 419 ms (2026-12-06)" in table
    # lazy findings are not free: the statuses and the fully expanded report are two rows
    assert "statuses and counts" in table and "with every finding expanded" in table
    assert "kb.relation(a, b) with its explanation as text" in table
    assert 'cold `python -c "import crosswalk"`' in table and "bytecode cached" in table
    assert "Turtle export" in table and "≤ 500 ms" in table


def test_excel_writer_benchmark_runs_and_compares_both_writers() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_excel.py"),
            "--targets",
            "30",
            "--controls",
            "20",
            "--repeat",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| openpyxl |" in result.stdout and "| xlsxwriter |" in result.stdout


def test_both_excel_writers_write_the_same_cells(tmp_path) -> None:
    import openpyxl

    from benchmarks.bench_excel import rows, write_openpyxl, write_xlsxwriter

    matrix, gaps = rows(12, 9)
    matrix[0][0] = "=HYPERLINK(1)"  # hostile text stays text in both
    values = []
    for writer in (write_openpyxl, write_xlsxwriter):
        path = tmp_path / f"{writer.__name__}.xlsx"
        writer(path, matrix, gaps, 9)
        book = openpyxl.load_workbook(path)
        values.append(
            {
                name: [[c.value for c in row] for row in book[name].iter_rows()]
                for name in ("Matrix", "Gaps")
            }
        )
        assert book["Matrix"]["A2"].data_type == "s"
    assert values[0] == values[1]


def test_rdf_benchmark_times_every_named_query_on_both_engines(tmp_path) -> None:
    import pytest

    pytest.importorskip("pyoxigraph")
    from crosswalk.rdf.sparql import named_queries

    output = tmp_path / "rdf.md"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_rdf.py"),
            "--repeat",
            "1",
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    table = output.read_text(encoding="utf-8")
    for name in named_queries():
        line = next(line for line in table.splitlines() if line.startswith(f"query: {name} "))
        assert line.rstrip().endswith("x"), line  # timed on rdflib and on Oxigraph


def test_gap_benchmark_runs_on_every_bundled_framework() -> None:
    import crosswalk

    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_gap.py"),
            "--controls",
            "60",
            "--targets",
            "30",
            "--repeat",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for prefix in crosswalk.load().frameworks:
        assert f"| {prefix} |" in result.stdout
    assert "Gap workbook, 30 targets × 60 controls" in result.stdout
