"""Search (issue 18 §7): ranked by field and language, with English/Chinese synonyms."""

from __future__ import annotations

from crosswalk import KnowledgeBase
from crosswalk.knowledge.search import SYNONYMS


def test_a_heading_that_is_the_whole_query_ranks_first(kb: KnowledgeBase) -> None:
    hits = kb.search("risk identification")
    assert hits[0].title.lower() == "risk identification"
    headed = [i for i, c in enumerate(hits) if c.title.lower() == "risk identification"]
    others = [i for i, c in enumerate(hits) if "ce marking" in c.title.lower()]
    assert not others or max(headed) < min(others)


def test_chinese_finds_generative_ai_through_the_synonym_table(kb: KnowledgeBase) -> None:
    hits = kb.search("生成式")
    assert hits and hits[0].id.startswith("nistairmf:GAI")


def test_chatbot_finds_the_duty_to_tell_people_they_deal_with_ai(kb: KnowledgeBase) -> None:
    """The AI Act never says "chatbot": it says AI systems that interact with people."""
    found = {c.id for c in kb.search("chatbot")}
    assert {"euaiact:art50.1", "gbt46347:communication.transparency-p1"} <= found


def test_own_words_rank_before_synonyms(kb: KnowledgeBase) -> None:
    """风险识别 matches the Chinese headings before any English one reached through 'risk'."""
    hits = kb.search("风险识别")
    assert hits and "风险识别" in (hits[0].title_zh or "")


def test_every_word_must_match(kb: KnowledgeBase) -> None:
    assert kb.search("risk identification zzzznotaword") == []


def test_framework_filter(kb: KnowledgeBase) -> None:
    assert {c.framework for c in kb.search("risk", framework="iso31000")} == {"iso31000"}


def test_the_synonym_table_is_small_and_each_group_has_a_chinese_or_english_pair() -> None:
    assert all(len(group) >= 2 for group in SYNONYMS)
    words = [w for group in SYNONYMS for w in group]
    assert len(words) == len(set(words)), "a word in two groups would join them"
