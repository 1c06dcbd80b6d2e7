"""The README's code is the documentation users copy: it must run as written."""

from __future__ import annotations

import os
import re
import shutil

from crosswalk.cli import build_parser

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_examples_run(tmp_path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
    assert blocks
    cwd = os.getcwd()
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    os.chdir(tmp_path)
    try:
        namespace: dict[str, object] = {}
        for block in blocks:
            exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    finally:
        os.chdir(cwd)
    assert (tmp_path / "gap.xlsx").exists()


def test_every_cli_command_is_documented() -> None:
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in commands:  # type: ignore[union-attr]
        assert f"crosswalk {name}" in README, f"`crosswalk {name}` is missing from the README"


def test_first_commands_are_the_setup_and_the_tests() -> None:
    first, second = re.findall(r"```bash\n(.*?)```", README, flags=re.DOTALL)[:2]
    assert "pip install" in first and "crosswalk gap examples/eu-provider.yaml" in first
    assert second.strip() == ".venv/bin/python -m pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\n.venv/bin/python -m pytest\n" in ci


def test_sparql_examples_give_real_answers(tmp_path, capsys, monkeypatch) -> None:
    import shlex

    from crosswalk.cli import main

    block = README.split("## RDF and SPARQL", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    lines = [line.split("   #", 1)[0].strip() for line in block.splitlines()]
    commands = [
        shlex.split(line)[1:]
        for line in lines
        if line.startswith(("crosswalk sparql", "crosswalk gap")) and "--endpoint" not in line
    ]
    assert len([c for c in commands if c[0] == "sparql"]) >= 3
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    for command in commands:
        capsys.readouterr()
        assert main(["-q", *command]) == 0, command
        if command[0] == "sparql":
            out = capsys.readouterr().out
            assert out.strip() and "(no results)" not in out, command
