"""The citation resolver as organisations write citations (issue 21), and its refusals (issue 20 §3)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosswalk import CitationError, KnowledgeBase


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ISO/IEC 42001:2023 A.6.2.4", "iso42001:A.6.2.4"),
        ("42001 clause 6.1.2", "iso42001:6.1.2"),
        ("ISO 42001 6.1.2", "iso42001:6.1.2"),
        ("ISO/IEC 42001 Annex D", "iso42001:D"),
        ("AI RMF GOVERN 1.2", "nistairmf:GV-1.2"),
        ("govern 1.2", "nistairmf:GV-1.2"),
        ("nistairmf:map 5.1", "nistairmf:MP-5.1"),
        ("NIST AI 600-1 GAI risk 'Confabulation'", "nistairmf:GAI-2.2"),
        ("NIST AI 600-1 GAI risk “Confabulation”", "nistairmf:GAI-2.2"),
        ("NIST AI 600-1 GAI risk Confabulation", "nistairmf:GAI-2.2"),
    ],
)
def test_new_frameworks_resolve_as_written(kb: KnowledgeBase, text: str, expected: str) -> None:
    assert kb.resolve(text).id == expected


def test_a_bare_alias_several_frameworks_share_is_refused_with_the_candidates(
    kb: KnowledgeBase,
) -> None:
    shared = [
        local
        for local in ("A.2.2", "A.6.2.4", "A.2")
        if sum(f"{p}:{local}" in kb for p in kb.frameworks) > 1
    ]
    if not shared:
        pytest.skip("no annex id is shared by two bundled frameworks")
    with pytest.raises(CitationError, match="ambiguous") as error:
        kb.resolve(shared[0])
    assert len(error.value.suggestions) > 1


def test_a_bare_number_is_never_guessed(kb: KnowledgeBase) -> None:
    """'6.4.2' is a clause of several standards: no framework named, no clause."""
    with pytest.raises(CitationError):
        kb.resolve("6.4.2")


def test_a_word_that_is_an_id_does_not_hide_the_heading(kb: KnowledgeBase) -> None:
    """'GAI' is the parent of every GAI risk: the heading after it names the narrower clause."""
    assert kb.resolve("NIST AI 600-1 GAI Confabulation").id == "nistairmf:GAI-2.2"


def test_an_inventory_citing_iso_42001_resolves(kb: KnowledgeBase, tmp_path: Path) -> None:
    """It used to stop the run, suggesting an unrelated ISO 31000 clause."""
    path = tmp_path / "inventory.yaml"
    path.write_text(
        "controls:\n"
        "  - id: C1\n"
        "    title: AI risk assessment\n"
        "    status: implemented\n"
        '    implements: ["ISO 42001 6.1.2", "ISO/IEC 42001 Annex A.6.2.4", "GOVERN 1.2"]\n',
        encoding="utf-8",
    )
    inventory = kb.read_inventory(path)
    assert [ref.clause for ref in inventory.controls[0].implements] == [
        "iso42001:6.1.2",
        "iso42001:A.6.2.4",
        "nistairmf:GV-1.2",
    ]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("ISO 31000 6.4.2\u200d", "U+200D"),
        ("ISO 31000 6.4.2\u00ad", "U+00AD"),
        ("ISO 31000 \u20666.4.2\u2069", "U+2066"),
        ("ISO 31000 6.4.2\x1b", "U+001B"),
        ("ISO 31000 6.4,2", "6.4,2"),
        ("ISO 31000 6.4. 2", "6.4. 2"),
    ],
)
def test_refusals_show_what_is_wrong(kb: KnowledgeBase, text: str, shown: str) -> None:
    with pytest.raises(CitationError) as error:
        kb.resolve(text)
    assert shown in str(error.value)


@pytest.mark.parametrize(
    "text",
    ["ISO 31000:2018, 6.4.2", "ISO 31000\t6.4.2", "ISO 31000\n6.4.2", "ISO\u300031000 6.4.2"],
)
def test_ordinary_spellings_resolve(kb: KnowledgeBase, text: str) -> None:
    assert kb.resolve(text).id == "iso31000:6.4.2"


def test_an_over_long_citation_is_refused_quickly(kb: KnowledgeBase) -> None:
    with pytest.raises(CitationError, match="character limit"):
        kb.resolve("annex " + "i" * 10_000)


def test_suggestions_for_a_long_text_are_bounded(kb: KnowledgeBase) -> None:
    """suggest() reads at most a prefix of its text (ids are short)."""
    assert isinstance(kb.suggest("iso31000:" + "6." * 50_000), list)


_CITED = [
    ("ISO 31000 6.4.2", "iso31000:6.4.2"),
    ("Art. 9(2)(a) AI Act", "euaiact:art9.2.a"),
    ("ISO/IEC 42001:2023 A.6.2.4", "iso42001:A.6.2.4"),
    ("AI RMF GOVERN 1.2", "nistairmf:GV-1.2"),
]
_ODD = st.characters(categories=("Cf", "Zs", "Cc"))
"""Invisible format characters, spaces of every kind, control characters."""


@settings(max_examples=300, deadline=None)
@given(
    cited=st.sampled_from(_CITED),
    inserted=st.lists(st.tuples(st.integers(0, 40), _ODD), min_size=1, max_size=3),
)
def test_odd_characters_never_widen_a_citation(
    kb: KnowledgeBase, cited: tuple[str, str], inserted: list[tuple[int, str]]
) -> None:
    """§3: Cf/Zs/Cc characters anywhere: the clause the text names, or a refusal.

    An invisible or control character the text holds is shown in the error.
    """
    text, expected = cited
    for position, character in inserted:
        at = min(position, len(text))
        text = text[:at] + character + text[at:]
    try:
        clause = kb.resolve(text)
    except CitationError as error:
        hidden = [
            c
            for _, c in inserted
            if unicodedata.category(c) == "Cf"
            or (unicodedata.category(c) == "Cc" and c not in "\t\n\r")
        ]
        for character in hidden:
            assert f"U+{ord(character):04X}" in str(error), f"{character!r} not shown: {error}"
        return
    assert clause.id == expected, f"{text!r} resolved to {clause.id}, not {expected}"
