"""The benchmark scripts keep working (they are not timed tests: nothing here checks speed)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_benchmark_suite_runs_on_the_bundled_data(tmp_path) -> None:
    output = tmp_path / "results.md"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "", "--repeat", "1", "--output", str(output)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    table = output.read_text(encoding="utf-8")
    assert "full path-consistency closure" in table and "fastgap" in table
