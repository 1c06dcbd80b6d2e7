"""Smaller command-line faults of issue 18 §7.

Outputs written as their names say, clean errors before any work, ``--version``, and
consistent answers.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crosswalk.cli import main

from .conftest import EXAMPLES

GAP = ["-q", "gap", str(EXAMPLES / "eu-provider.yaml"), "--target", "gbt46347"]


def test_gap_output_directory_is_a_clean_error(tmp_path: Path, capsys) -> None:
    assert main([*GAP, "-o", f"{tmp_path}/"]) == 2
    err = capsys.readouterr().err
    assert "is a directory; give a file name" in err and "Traceback" not in err
    assert main([*GAP, "-o", str(tmp_path)]) == 2
    assert list(tmp_path.iterdir()) == []


def test_gap_output_is_written_as_its_name_says(tmp_path: Path, capsys) -> None:
    output = tmp_path / "out.csv"
    assert main([*GAP, "-o", str(output)]) == 0
    assert not output.read_bytes().startswith(b"PK"), "a .csv name gets CSV, not a workbook"
    with output.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {"clause", "status"} <= set(rows[0])
    capsys.readouterr()
    assert main([*GAP, "-o", str(tmp_path / "out.ods")]) == 2
    assert "must end in .xlsx (xlsx) or .csv (csv)" in capsys.readouterr().err
    assert main([*GAP, "--csv", str(tmp_path / "out.xlsx")]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_version(capsys) -> None:
    from crosswalk._version import __version__

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == f"crosswalk {__version__}"


def test_relation_of_a_clause_to_itself_is_consistent(capsys) -> None:
    assert main(["-q", "relation", "iso31000:6.4.2", "iso31000:6.4.2"]) == 0
    out = capsys.readouterr().out
    assert "relation: equal" in out
    assert "nothing can be concluded" not in out and "the same clause" in out


def test_stats_with_an_unknown_prefix_errors_before_printing(capsys) -> None:
    assert main(["-q", "stats", "--unlinked", "nosuch"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "unknown framework 'nosuch'" in captured.err
