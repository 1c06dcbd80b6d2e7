"""The command line: every command has help text, errors become messages and exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crosswalk.cli import build_parser, main

from .conftest import CONTRADICTING_MAPPINGS

COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr, arg-type]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: crosswalk {command}" in out and len(out) > 80


def test_frameworks_lists_all_five(capsys) -> None:
    assert main(["-q", "frameworks"]) == 0
    out = capsys.readouterr().out
    for prefix in ("gbt46347", "iso23894", "iso31000", "gbt24353", "aisgf1", "euaiact"):
        assert prefix in out


def test_show_accepts_a_citation(capsys) -> None:
    assert main(["-q", "show", "Art. 9(2)(a) AI Act"]) == 0
    out = capsys.readouterr().out
    assert "euaiact:art9.2.a" in out and "eur-lex.europa.eu" in out and "applies from" in out


def test_resolve_failure_exit_code_and_suggestion(capsys) -> None:
    assert main(["-q", "resolve", "ISO 31000 6.4.2", "ISO 31000 6.4.9"]) == 2
    captured = capsys.readouterr()
    assert "iso31000:6.4.2" in captured.out
    assert "closest" in captured.err


def test_search_bilingual(capsys) -> None:
    assert main(["-q", "search", "风险识别"]) == 0
    assert "gbt24353:6.4.2" in capsys.readouterr().out


def test_relation_explains(capsys) -> None:
    assert main(["-q", "relation", "iso23894:6.4.2", "iso31000:6.4.2"]) == 0
    assert "superset_of" in capsys.readouterr().out


def test_related_lists_clauses_of_one_framework(capsys) -> None:
    assert main(["-q", "related", "iso23894:6.4.2", "--framework", "euaiact", "--limit", "3"]) == 0
    captured = capsys.readouterr()
    header, *lines = captured.out.splitlines()
    assert "status if iso23894:6.4.2 is fully implemented" in header
    assert len(lines) == 3 and all(line.startswith("euaiact:") for line in lines)
    assert "more (--limit)" in captured.err
    assert main(["-q", "related", "iso23894:6.4.2", "--framework", "nosuch"]) == 2
    assert "nosuch" in capsys.readouterr().err


def test_validate_bundled_data_is_clean(capsys) -> None:
    assert main(["-q", "validate", "--no-redundancy"]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_stats(capsys) -> None:
    assert main(["-q", "stats", "--unlinked", "gbt46347"]) == 0
    out = capsys.readouterr().out
    assert "iso23894   iso31000" in out


def test_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crosswalk", "-q", "resolve", "ISO 31000 6.5.2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "iso31000:6.5.2" in result.stdout


def test_import_crosswalk_stays_light() -> None:
    code = "import sys, crosswalk; heavy = [m for m in ('pandas', 'rdflib', 'openpyxl', 'networkx') if m in sys.modules]; print(heavy)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_export_then_import_round_trip(tmp_path, capsys) -> None:
    import yaml

    sssom = tmp_path / "set.sssom.tsv"
    assert (
        main(
            [
                "-q",
                "export",
                "--format",
                "sssom",
                "--subject",
                "iso23894",
                "--object",
                "iso31000",
                "-o",
                str(sssom),
            ]
        )
        == 0
    )
    back = tmp_path / "back.yaml"
    assert main(["-q", "import", str(sssom), "-o", str(back)]) == 0
    document = yaml.safe_load(back.read_text(encoding="utf-8"))
    assert document["mapping_set"]["subject_framework"] == "iso23894"
    assert len(document["mappings"]) > 40
    capsys.readouterr()
    # loading it beside the bundled set of the same id is refused, naming the rule
    assert main(["-q", "validate", "--no-redundancy", str(back)]) == 2
    assert "unique-set" in capsys.readouterr().err


def test_all_sets_sssom_imports_into_canonical_mapping_files(tmp_path, capsys) -> None:
    import crosswalk
    from crosswalk.interop import import_

    every = tmp_path / "all.sssom.tsv"
    assert main(["-q", "export", "--format", "sssom", "-o", str(every)]) == 0
    folder = tmp_path / "crosswalks"  # `crosswalk format` checks files in crosswalks/
    assert main(["-q", "import", str(every), "-o", str(folder)]) == 0
    kb = crosswalk.load()
    written = sorted(folder.glob("*.yaml"))
    assert sorted(p.stem for p in written) == sorted(s.id for s in kb.mapping_sets)
    capsys.readouterr()
    assert main(["-q", "format", "--check", str(folder)]) == 0
    assert "0 not canonical" in capsys.readouterr().out
    assert "&id" not in "".join(p.read_text(encoding="utf-8") for p in written)
    original = {s.id: s for s in kb.mapping_sets}
    for path in written:
        back = import_(path, kb=kb)
        key = {(m.subjects, m.relation, m.object, m.strength) for m in back.mappings}
        assert key == {
            (m.subjects, m.relation, m.object, m.strength) for m in original[path.stem].mappings
        }
    # a file of several sets cannot go to one mapping file
    assert main(["-q", "import", str(every), "-o", str(tmp_path / "all.sssom.tsv")]) == 2


def test_sparql_named_query_with_parameter(capsys) -> None:
    assert (
        main(
            [
                "-q",
                "sparql",
                "mappings-of-clause",
                "--param",
                "clause=iso31000:6.4.4",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "iso23894:6.4.4" in out and "superset_of" in out
    assert main(["-q", "sparql", "mappings-of-clause", "--param", "nope=1"]) == 2


def test_gap_writes_findings_as_rdf_that_sparql_can_query(tmp_path, capsys) -> None:
    from crosswalk.rdf import read_graph
    from crosswalk.rdf.sparql import query

    from .conftest import EXAMPLES

    out = tmp_path / "report.ttl"
    assert (
        main(
            [
                "-q",
                "gap",
                str(EXAMPLES / "cn-enterprise.yaml"),
                "--target",
                "gbt46347",
                "--rdf",
                str(out),
            ]
        )
        == 0
    )
    frame = query(read_graph(out), "gaps-by-domain", framework="gbt46347")
    assert len(frame) > 0


def test_the_options_of_the_engines_that_are_gone_are_refused(capsys) -> None:
    """`gap --fast`, `relation --chains` and `validate --no-inference` chose other engines."""
    from .conftest import EXAMPLES

    gap = ["-q", "gap", str(EXAMPLES / "eu-provider.yaml"), "--target", "euaiact", "--fast"]
    for args in (gap, ["relation", "a", "b", "--chains"], ["validate", "--no-inference"]):
        with pytest.raises(SystemExit) as exited:
            main(args)
        assert exited.value.code == 2
        assert "unrecognized arguments" in capsys.readouterr().err


def test_validate_finds_contradictions_and_unknown_references(tmp_path, capsys) -> None:
    wrong = tmp_path / "iso31000-iso23894.yaml"
    wrong.write_text(CONTRADICTING_MAPPINGS, encoding="utf-8")
    assert main(["-q", "validate", "--no-redundancy", str(wrong)]) == 1
    assert "consistency" in capsys.readouterr().out
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(
        wrong.read_text(encoding="utf-8").replace("object: iso23894:6.4", "object: iso23894:99.9"),
        encoding="utf-8",
    )
    assert main(["-q", "validate", str(unknown)]) != 0
    captured = capsys.readouterr()
    assert "iso23894:99.9" in captured.out + captured.err
