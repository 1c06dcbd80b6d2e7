"""Bad data files give errors that name the file, the record and the rule."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import crosswalk
from crosswalk.model.errors import DataError

from .conftest import CONTRADICTING_MAPPINGS

CATALOGUE = """\
framework:
  prefix: acme
  title: ACME internal AI policy
  short_name: ACME AI Policy
  kind: policy
  aliases: [ACME policy]
sources:
  - id: S1
    title: ACME intranet
clauses:
  - id: "1"
    kind: section
    title: Risk
    status: confirmed
    source: S1
  - id: "1.1"
    parent: "1"
    kind: requirement
    title: Identify AI risks
    summary: Identify the risks of each AI system before use.
    status: confirmed
    source: S1
"""

MAPPINGS = """\
mapping_set:
  id: acme-iso31000
  title: ACME policy to ISO 31000
  subject_framework: acme
  object_framework: iso31000
  author: ACME governance team
  date: 2026-11-01
mappings:
  - subject: acme:1.1
    relation: subset_of
    object: iso31000:6.4.2
    strength: 7
    rationale: semantic
    justification: Our policy asks for identification only, a part of 6.4.2.
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_user_catalogue_and_mappings_load_beside_the_bundled_ones(tmp_path: Path) -> None:
    write(tmp_path, "acme.yaml", CATALOGUE)
    write(tmp_path, "acme-iso31000.yaml", MAPPINGS)
    kb = crosswalk.load([tmp_path])
    assert kb.clause("acme:1.1").title == "Identify AI risks"
    assert kb.resolve("ACME policy 1.1").id == "acme:1.1"
    # chained through the bundled crosswalks: partial towards ISO/IEC 23894, never covered
    assert kb.relation("acme:1.1", "iso31000:6.4.2").status == "partial"
    # (23894 6.4 contains ISO 31000 6.4 for AI risk; 6.4.2 alone no longer shows containment)
    assert kb.relation("iso23894:6.4", "acme:1.1").status == "covered"


def problems_of(tmp_path: Path, catalogue: str = CATALOGUE, mappings: str | None = None) -> list:
    write(tmp_path, "acme.yaml", catalogue)
    if mappings is not None:
        write(tmp_path, "acme-iso31000.yaml", mappings)
    with pytest.raises(DataError) as raised:
        crosswalk.load([tmp_path])
    return list(raised.value.problems)


def test_unknown_key_is_an_error_naming_record_and_line(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        CATALOGUE.replace(
            "    title: Identify AI risks\n", "    title: Identify AI risks\n    colour: red\n"
        ),
    )
    assert len(problems) == 1
    assert problems[0].rule == "extra_forbidden"
    assert "acme.yaml" in problems[0].file
    assert "clauses[1]" in problems[0].location and "line 16" in problems[0].location


def test_missing_parent_and_unknown_source(tmp_path: Path) -> None:
    broken = CATALOGUE.replace('parent: "1"', 'parent: "9"').replace(
        "    source: S1\n", "    source: S2\n", 1
    )
    rules = {p.rule for p in problems_of(tmp_path, broken)}
    assert rules == {"parent-first", "known-source"}


def test_duplicate_clause_id(tmp_path: Path) -> None:
    doubled = CATALOGUE + CATALOGUE.split("clauses:\n", 1)[1]
    rules = [p.rule for p in problems_of(tmp_path, doubled)]
    assert rules.count("unique-id") == 2


def test_unknown_clause_in_mapping_names_closest_ids(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, mappings=MAPPINGS.replace("iso31000:6.4.2", "iso31000:6.4.9"))
    assert [p.rule for p in problems] == ["known-clause"]
    assert "iso31000:6.4" in problems[0].message
    assert "acme-iso31000.yaml" in problems[0].file and problems[0].location == "mappings[0]"


def test_wrong_relation_and_strength_are_collected_together(tmp_path: Path) -> None:
    bad = MAPPINGS.replace("relation: subset_of", "relation: broader").replace(
        "strength: 7", "strength: 90"
    )
    problems = problems_of(tmp_path, mappings=bad)
    assert {p.rule for p in problems} == {"literal_error", "less_than_equal"}
    assert all("line 9, mappings[0]" in p.location for p in problems)


def test_subject_outside_the_declared_framework(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path, mappings=MAPPINGS.replace("subject: acme:1.1", "subject: iso23894:6.4.2")
    )
    assert [p.rule for p in problems] == ["subject-framework"]


def test_duplicate_pair_in_a_mapping_file(tmp_path: Path) -> None:
    row = MAPPINGS.split("mappings:\n", 1)[1]
    problems = problems_of(tmp_path, mappings=MAPPINGS + row)
    assert [p.rule for p in problems] == ["one-row-per-pair"]


def test_like_with_like_rule(tmp_path: Path) -> None:
    bad = (
        MAPPINGS.replace("object: iso31000:6.4.2", "object: iso23894:B.5")
        .replace("object_framework: iso31000", "object_framework: iso23894")
        .replace("acme-iso31000", "acme-iso23894")
    )
    problems = problems_of(tmp_path, mappings=bad)
    assert [p.rule for p in problems] == ["like-with-like"]


def test_user_mapping_contradicting_bundled_data_is_reported(tmp_path: Path) -> None:
    """ISO/IEC 23894 6.4.2 contains ISO 31000 6.4.2 (bundled).

    Saying 31000 6.4.2 contains all of 23894 6.4 contradicts it — the load works, inference refuses
    to answer quietly.
    """
    write(tmp_path, "iso31000-iso23894.yaml", CONTRADICTING_MAPPINGS)
    kb = crosswalk.load([tmp_path])
    problems = kb.validate()
    assert problems and all(p.rule == "consistency" for p in problems)
    assert any("iso31000-iso23894.yaml" in p.file for p in problems)
    with pytest.raises(crosswalk.ContradictionError):
        kb.relation("iso31000:6.4.2", "iso23894:6.4")


def test_not_yaml_at_all(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_bytes(b"framework: [unclosed\n\x00\x01")
    problems = problems_of(tmp_path, catalogue=path.read_text(encoding="latin-1"))
    assert problems[0].rule in {"yaml-syntax", "catalogue-shape"}


@pytest.mark.parametrize("odd", ["\x85", "\u2028", "\u2029", "\r"])
def test_format_keeps_every_yaml_line_break_character(tmp_path: Path, odd: str) -> None:
    """`crosswalk format` once turned NEL (U+0085) into a space: each break must survive."""
    import yaml

    from crosswalk.io.canonical import format_files

    path = tmp_path / "catalogues" / "t.yaml"
    path.parent.mkdir()
    note = f"first{odd}second"
    document = {"framework": {"prefix": "t"}, "clauses": [{"id": "a", "note": note}]}
    path.write_text(yaml.safe_dump(document, allow_unicode=False), encoding="utf-8")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["clauses"][0]["note"] == note
    format_files([path])
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["clauses"][0]["note"] == note
    assert format_files([path], check=True) == []  # and the result is canonical


def test_applies_with_names_clauses_of_the_catalogue(tmp_path: Path) -> None:
    served = CATALOGUE + '    applies_with: ["1.2"]\n'
    problems = problems_of(tmp_path, served)
    assert [p.rule for p in problems] == ["known-clause"]
    assert "names 'acme:1.2'" in problems[0].message
