"""Which library should write the gap workbook? openpyxl (write-only) against xlsxwriter.

Issue 10 allows xlsxwriter for writing where it is faster, chosen by measurement; this is
the measurement. Both engines write the same two sheets of a large gap report, each in its
own process (so peak memory is that engine's alone):

- *Matrix*: T target rows × (2 + N control columns), the status cell coloured, a ● or ◐
  where a control supports the clause (the shape of crosswalk's Matrix sheet);
- *Gaps*: T rows of 15 text columns, long text wrapped (the shape of the Gaps sheet).

openpyxl is driven through crosswalk's own streamed sheet (``crosswalk.excel.sheets._StreamSheet``);
xlsxwriter through an equivalent writer in ``constant_memory`` mode. Not a test: run by hand.

    python benchmarks/bench_excel.py [--targets 2000] [--controls 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STATUSES = ("covered", "partial", "undetermined", "gap", "not_applicable")


def rows(targets: int, controls: int) -> tuple[list[list[Any]], list[list[Any]]]:
    """Seeded Matrix and Gaps rows."""
    rng = random.Random(5)
    matrix = []
    gaps = []
    for t in range(targets):
        status = rng.choice(STATUSES)
        marks: list[Any] = [None] * controls
        for _ in range(3):
            marks[rng.randrange(controls)] = rng.choice("●◐")
        matrix.append([f"t:{t // 100}.{t % 100}", status, *marks])
        why = "proved by a chain of containment through " + ", ".join(
            f"c{rng.randrange(999)}" for _ in range(6)
        )
        gaps.append(
            [
                f"t:{t}",
                f"Clause heading {t}",
                "条款",
                f"t:{t // 100}",
                status,
                why,
                7,
                0.9,
                40,
                "K1, K2",
                why * 2,
                "implement c1",
                "",
                "confirmed",
                f"https://example.org/{t}",
            ]
        )
    return matrix, gaps


def write_openpyxl(
    path: Path, matrix: list[list[Any]], gaps: list[list[Any]], controls: int
) -> None:
    from openpyxl import Workbook

    from crosswalk.excel.sheets import _StreamSheet

    workbook = Workbook(write_only=True)
    sheet = _StreamSheet(
        workbook,
        "Matrix",
        ["Clause", "Status", *[f"K{j}" for j in range(controls)]],
        [24, 14, *[8] * controls],
        status_column=2,
        freeze="C2",
    )
    for row in matrix:
        sheet.append(row)
    sheet.finish()
    sheet = _StreamSheet(workbook, "Gaps", [f"h{k}" for k in range(15)], [20] * 15, status_column=5)
    for row in gaps:
        sheet.append(row, link_column=15)
    sheet.finish()
    workbook.save(path)


def write_xlsxwriter(
    path: Path, matrix: list[list[Any]], gaps: list[list[Any]], controls: int
) -> None:
    import xlsxwriter

    from crosswalk.excel.sheets import _HEADER_FILL, STATUS_COLOURS, safe_cell_value

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    header = workbook.add_format(
        {"bold": True, "font_color": "#FFFFFF", "bg_color": f"#{_HEADER_FILL}", "text_wrap": True}
    )
    fills = {k: workbook.add_format({"bg_color": f"#{v}"}) for k, v in STATUS_COLOURS.items()}
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    link = workbook.add_format({"font_color": "blue", "underline": 1})

    def sheet(
        name: str,
        headers: list[str],
        widths: list[int],
        table: list[list[Any]],
        status: int,
        url: int | None,
    ) -> None:
        ws = workbook.add_worksheet(name)
        for column, width in enumerate(widths):
            ws.set_column(column, column, width)
        ws.freeze_panes(1, 2 if name == "Matrix" else 1)
        ws.write_row(0, 0, headers, header)
        for r, row in enumerate(table, start=1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                value = safe_cell_value(value)
                if c == status - 1:
                    ws.write_string(r, c, value, fills.get(value))
                elif url is not None and c == url - 1:
                    ws.write_url(r, c, value, link)
                elif isinstance(value, str):
                    ws.write_string(r, c, value, wrap if len(value) > 40 else None)
                else:
                    ws.write_number(r, c, value)
        ws.autofilter(0, 0, len(table), len(headers) - 1)

    sheet(
        "Matrix",
        ["Clause", "Status", *[f"K{j}" for j in range(controls)]],
        [24, 14, *[8] * controls],
        matrix,
        2,
        None,
    )
    sheet("Gaps", [f"h{k}" for k in range(15)], [20] * 15, gaps, 5, 15)
    workbook.close()


def child(engine: str, targets: int, controls: int) -> None:
    import resource

    matrix, gaps = rows(targets, controls)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.xlsx"
        start = time.perf_counter()
        (write_openpyxl if engine == "openpyxl" else write_xlsxwriter)(path, matrix, gaps, controls)
        seconds = time.perf_counter() - start
        size = path.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "added_mb": (peak - before) / 1024,
                "peak_mb": peak / 1024,
                "size_mb": size / 1e6,
            }
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=2000)
    parser.add_argument("--controls", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=["openpyxl", "xlsxwriter"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.targets, args.controls)
        return
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    engines = ["openpyxl", "xlsxwriter"]
    if importlib.util.find_spec("xlsxwriter") is None:
        print("xlsxwriter is not installed (pip install -e '.[bench]'): measuring openpyxl only\n")
        engines.remove("xlsxwriter")
    results: dict[str, list[dict[str, float]]] = {}
    for _ in range(args.repeat):
        for engine in engines:
            command = [
                sys.executable,
                __file__,
                "--child",
                engine,
                "--targets",
                str(args.targets),
                "--controls",
                str(args.controls),
            ]
            output = subprocess.run(
                command, check=True, capture_output=True, text=True, env=environment
            ).stdout
            results.setdefault(engine, []).append(json.loads(output))
    print(
        f"## Gap workbook, {args.targets:,} targets × {args.controls:,} controls (Matrix + Gaps sheets), medians of {args.repeat}\n"
    )
    print("| writer | time | added peak RSS | file |\n|---|---:|---:|---:|")
    for engine, runs in results.items():
        median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        print(
            f"| {engine} | {median['seconds']:.2f} s | {median['added_mb']:.0f} MB | {median['size_mb']:.1f} MB |"
        )


if __name__ == "__main__":
    main()
