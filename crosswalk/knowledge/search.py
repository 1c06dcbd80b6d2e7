"""Searching clauses by words, ranked by the field they match and the language they are in.

A query is split into terms (a run of Chinese characters is one term; other words split
at spaces and punctuation), each term widened by the small synonym table below, and a
clause matches when every term matches one of its fields. Clauses rank by where their
terms match — id or alias, then heading (English or Chinese), then summary — a match in
the query's own words ahead of one through a synonym, and a heading that is the whole
query ahead of all. The work is linear in the query: terms are deduplicated, and each
term only narrows the clauses the earlier ones left.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from crosswalk.io.limits import limit
from crosswalk.model.errors import QueryError
from crosswalk.model.records import Clause

__all__ = ["SYNONYMS", "SearchIndex"]

SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("generative", "生成式", "genai", "gai"),
    (  # the AI Act says "AI systems intended to interact directly with natural persons"
        "chatbot",
        "chatbots",
        "chat",
        "conversational",
        "interact with",
        "interact directly",
        "聊天机器人",
        "对话",
    ),
    ("risk", "risks", "风险"),
    ("identification", "identify", "识别"),
    ("assessment", "assess", "评估"),
    ("treatment", "处置"),
    ("governance", "治理"),
    ("transparency", "透明", "透明度"),
    ("privacy", "隐私"),
    ("personal", "个人信息"),
    ("bias", "discrimination", "偏见", "歧视"),
    ("oversight", "监督"),
    ("monitoring", "监测", "监控"),
    ("incident", "incidents", "事件"),
    ("deepfake", "deep synthesis", "深度合成", "深度伪造"),
    ("label", "labelling", "labeling", "标识"),
    ("training", "训练"),
    ("data", "数据"),
    ("model", "models", "模型"),
    ("accountability", "问责"),
    ("explainability", "explainable", "可解释"),
    ("robustness", "robust", "鲁棒"),
    ("cybersecurity", "网络安全"),
    ("documentation", "文档"),
    ("supplier", "third party", "供应商", "第三方"),
)
"""Words that mean the same to a searcher, in English and Chinese (data: extend freely)."""

_WEIGHTS = {"id": 8.0, "heading": 4.0, "summary": 1.0}
_SYNONYM_FACTOR = 0.75
"""A match through a synonym counts a little less than one in the query's own words."""
_WHOLE_HEADING = 20.0
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TERMS = re.compile(rf"[{_CJK}]+|[^\s{_CJK}\"'“”‘’()\[\],;:!?。，、；：（）]+")


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _expansions() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for group in SYNONYMS:
        for word in group:
            table[word] = tuple(w for w in group if w != word)
    return table


_EXPANSIONS = _expansions()


@dataclass(frozen=True)
class _Entry:
    clause: Clause
    ids: str
    heading: str
    summary: str


class SearchIndex:
    """The searchable text of every clause, lower-cased once."""

    def __init__(self, clauses: Iterable[Clause]) -> None:
        self.entries = [
            _Entry(
                clause,
                _normal(" ".join([clause.id, *clause.aliases])),
                _normal(" | ".join(filter(None, [clause.title, clause.title_zh]))),
                _normal(clause.summary or ""),
            )
            for clause in clauses
        ]

    def search(self, text: str, *, framework: str | None = None, limit_: int = 20) -> list[Clause]:
        """Clauses matching every term of ``text``, best first (see the module docstring)."""
        if len(text) > limit("search_chars"):
            raise QueryError(
                f"a search of {len(text)} characters is over the {limit('search_chars')} character limit"
            )
        query = _normal(text)
        terms = list(dict.fromkeys(_TERMS.findall(query)))
        if not terms:
            return []
        scored = [
            (entry, 0.0)
            for entry in self.entries
            if framework is None or entry.clause.framework == framework
        ]
        for term in terms:
            scored = [
                (entry, score + gained)
                for entry, score in scored
                if (gained := _term_score(term, entry)) > 0
            ]
            if not scored:
                return []
        phrase = " ".join(query.split())
        ranked = sorted(
            scored,
            key=lambda item: (
                -(item[1] + _WHOLE_HEADING * (phrase in item[0].heading.split(" | "))),
                item[0].clause.depth,
                item[0].clause.order,
            ),
        )
        return [entry.clause for entry, _ in ranked[:limit_]]


def _field_score(word: str, entry: _Entry) -> float:
    if word in entry.ids:
        return _WEIGHTS["id"]
    if word in entry.heading:
        return _WEIGHTS["heading"]
    if word in entry.summary:
        return _WEIGHTS["summary"]
    return 0.0


def _term_score(term: str, entry: _Entry) -> float:
    """How well ``term`` (or, a little less, a synonym of it) matches a clause; 0: not at all."""
    own = _field_score(term, entry)
    if own >= _WEIGHTS["heading"]:
        return own
    through = max((_field_score(w, entry) for w in _EXPANSIONS.get(term, ())), default=0.0)
    return max(own, through * _SYNONYM_FACTOR)
