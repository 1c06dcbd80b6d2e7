"""The one YAML reader: duplicate keys, alias bombs and deep nesting refused (issue 20 §4)."""

from __future__ import annotations

import pytest

from crosswalk.io.yaml_read import load_yaml, top_level_items
from crosswalk.model.errors import DataError


def _rules(text: str) -> set[str]:
    with pytest.raises(DataError) as error:
        load_yaml(text, "f.yaml")
    return {problem.rule for problem in error.value.problems}


def test_a_second_key_is_refused_naming_both_lines() -> None:
    with pytest.raises(DataError, match="line 1") as error:
        load_yaml("controls: [a]\nother: 1\ncontrols: [b]\n", "f.yaml")
    assert error.value.problems[0].location == "line 3"


def test_an_alias_bomb_is_refused_before_it_is_expanded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    assert _rules("\n".join(lines)) == {"yaml-size"}


def test_shared_aliases_within_the_limit_are_read() -> None:
    assert load_yaml("a: &x [1, 2]\nb: *x\n", "f.yaml") == {"a": [1, 2], "b": [1, 2]}


def test_deep_nesting_is_refused() -> None:
    assert _rules("[" * 500 + "]" * 500) == {"nesting"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\ncontrols:\n- {id: 1}\n- [1, 2]\n- x\nb: [1, 2, 3]\n", 3),
        ("x: {controls: [1]}\ncontrols: [1, [2, 3], {a: b}]\n", 3),
        ("x: {controls: [1]}\n", 0),
        ("controls: [1, 2, 3, 4, 5]\n", 3),  # counting stops after stop_after + 1
        ("controls: [1, 2\n", 2),  # a syntax error ends the count
    ],
)
def test_top_level_items_counts_the_named_sequence_only(text: str, expected: int) -> None:
    assert top_level_items(text, "controls", stop_after=2 if "5" in text else 10) == expected


def test_what_is_read_is_what_pyyaml_safe_load_builds() -> None:
    """Strings, lists and string-keyed mappings are built by the reader itself; the rest by PyYAML."""
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parent.parent
    files = [
        *sorted((root / "mappings").rglob("*.yaml")),
        *sorted((root / "examples").rglob("*.yaml")),
    ]
    texts = [path.read_text(encoding="utf-8") for path in files]
    texts.append(
        "base: &b {x: 1, 'y': 2.5}\n"
        "merged: {<<: *b, z: null}\n"
        "1: one\n"
        "when: 2026-12-07\n"
        "flags: [yes, No, ~, '', !!str 12, 0x1F, 1_000, .inf]\n"
        "nested: {a: [{b: {c: [d, 'e', \"f\\n\"]}}]}\n"
        "block: |\n  two\n  lines\n"
    )
    texts.append("- a\n- {b: [1, 2]}\n- !!binary aGk=\n- 2026-12-07 10:00:00\n")
    for text in texts:
        expected = yaml.safe_load(text)
        got = load_yaml(text, "f.yaml")
        assert got == expected and repr(got) == repr(expected)
