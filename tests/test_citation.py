"""The citation resolver: loose citations in, canonical ids out, or the closest ids."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosswalk.api import KnowledgeBase
from crosswalk.model.errors import CitationError, UnknownClauseError

CASES = {
    "Art. 9(2)(a) AI Act": "euaiact:art9.2.a",
    "Article 9 paragraph 2 point (a)": "euaiact:art9.2.a",
    "AI Act Art. 13(3)(b)(iv)": "euaiact:art13.3.b.iv",
    "Art 5(1)(c)(i) EU AI Act": "euaiact:art5.1.c.i",
    "Annex III point 4(a)": "euaiact:annex3.4.a",
    "Regulation (EU) 2024/1689 Article 26": "euaiact:art26",
    "ISO 31000 6.4.2": "iso31000:6.4.2",
    "ISO 31000:2018, clause 4 h)": "iso31000:4.h",
    "ISO/IEC 23894:2023 clause 6.4.2.3": "iso23894:6.4.2.3",
    "ISO/IEC 23894 Annex B.5": "iso23894:B.5",
    "GB/T 24353—2022 6.4.2": "gbt24353:6.4.2",
    "GB/T 24353-2022 第6.4条": "gbt24353:6.4",
    "TC260 framework 3.1.1(b)": "aisgf1:3.1.1.b",
    "iso31000:6.5.2": "iso31000:6.5.2",
    "EUAIACT:art9": "euaiact:art9",
    "人工智能法 第10条第2款(f)项": "euaiact:art10.2.f",
    "GB/T 46347 planning.governance": "gbt46347:planning.governance",
    "GB/T 46347 风险评估": "gbt46347:assessment",
    "AISGF 2.0 5.risk_grading": "aisgf2:5.risk_grading",
    "TC260 framework 3.1.1 b": "aisgf1:3.1.1.b",
    "GB/T 24353-2022 第6.4.4条": "gbt24353:6.4.4",
}


@pytest.mark.parametrize(("text", "expected"), list(CASES.items()))
def test_loose_citations_resolve(kb: KnowledgeBase, text: str, expected: str) -> None:
    assert kb.resolve(text).id == expected


def test_unknown_clause_names_the_closest(kb: KnowledgeBase) -> None:
    with pytest.raises(CitationError) as raised:
        kb.resolve("ISO 31000 6.4.9")
    assert "iso31000:6.4" in raised.value.suggestions[0] or raised.value.suggestions
    with pytest.raises(UnknownClauseError) as missing:
        kb.clause("iso31000:6.4.22")
    assert "iso31000:6.4.2" in missing.value.suggestions
    assert isinstance(missing.value, KeyError)


def test_no_framework_named(kb: KnowledgeBase) -> None:
    with pytest.raises(CitationError, match="no framework named"):
        kb.resolve("clause 6.4.2 of something")


def test_wrong_ids_from_other_tools_are_refused(kb: KnowledgeBase) -> None:
    """Ids cited by low-quality crosswalks (reference X14) do not exist in ISO/IEC 23894."""
    for bogus in ("iso23894:6.8", "iso23894:7.1", "iso23894:9.1"):
        assert kb.find_clause(bogus) is None


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_every_canonical_id_resolves_to_itself(kb: KnowledgeBase, data) -> None:
    clause_id = data.draw(st.sampled_from(sorted(kb.clauses)))
    assert kb.resolve(clause_id).id == clause_id


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_iso_numbers_resolve_with_the_short_name(kb: KnowledgeBase, data) -> None:
    clause = data.draw(
        st.sampled_from(
            [c for c in kb.clauses_of("iso31000") if "." in c.local and c.local[0].isdigit()]
        )
    )
    assert kb.resolve(f"ISO 31000 {clause.local}").id == clause.id


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_any_text_resolves_or_raises_a_citation_error(kb: KnowledgeBase, text: str) -> None:
    with contextlib.suppress(CitationError):
        kb.resolve(text)


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("gbt46347:asessment", "gbt46347:assessment"),
        ("iso31000:6.4.2.9", "iso31000:6.4.2"),
        ("euaiact:art9.2.z", "euaiact:art9.2.d"),
    ],
)
def test_a_misspelt_canonical_id_is_refused_with_the_closest_ids(
    kb: KnowledgeBase, typo: str, meant: str
) -> None:
    with pytest.raises(CitationError) as error:
        kb.resolve(typo)
    assert f"{typo} is not in the catalogue" in str(error.value) and meant in str(error.value)
    assert (
        kb.resolve("euaiact:art9(2)(a)").id == "euaiact:art9.2.a"
    )  # not an id: still read as a citation
