"""Groups of a target's sections, so that a chart of them stays legible.

A gap report counts statuses per top-level section: six capability domains for GB/T
46347, a handful of clauses for the ISO standards — but 130 articles and annexes for the
EU AI Act, far too many bars for one chart. The catalogue has no chapter nodes, so the
Act's chapters are derived here from article numbers, with the table below (Regulation
(EU) 2024/1689 as published in the Official Journal: chapter headings and their article
ranges; Chapter III, which holds most obligations, is split into its five sections).
An article inserted later (``art4a``, ``art75c``) sits in the chapter of the article it
follows; annexes form one group.

Other targets (at most a dozen sections each) are charted section by section.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["AI_ACT_CHAPTERS", "SectionGroup", "group_sections"]

AI_ACT_CHAPTERS: tuple[tuple[int, int, str, str], ...] = (
    (1, 4, "Chapter I", "General provisions"),
    (5, 5, "Chapter II", "Prohibited AI practices"),
    (6, 7, "Chapter III, Section 1", "Classification of AI systems as high-risk"),
    (8, 15, "Chapter III, Section 2", "Requirements for high-risk AI systems"),
    (
        16,
        27,
        "Chapter III, Section 3",
        "Obligations of providers and deployers of high-risk AI systems and other parties",
    ),
    (28, 39, "Chapter III, Section 4", "Notifying authorities and notified bodies"),
    (
        40,
        49,
        "Chapter III, Section 5",
        "Standards, conformity assessment, certificates, registration",
    ),
    (
        50,
        50,
        "Chapter IV",
        "Transparency obligations for providers and deployers of certain AI systems",
    ),
    (51, 56, "Chapter V", "General-purpose AI models"),
    (57, 63, "Chapter VI", "Measures in support of innovation"),
    (64, 70, "Chapter VII", "Governance"),
    (71, 71, "Chapter VIII", "EU database for high-risk AI systems"),
    (
        72,
        94,
        "Chapter IX",
        "Post-market monitoring, information sharing and market surveillance",
    ),
    (95, 96, "Chapter X", "Codes of conduct and guidelines"),
    (97, 98, "Chapter XI", "Delegation of power and committee procedure"),
    (99, 101, "Chapter XII", "Penalties"),
    (102, 113, "Chapter XIII", "Final provisions"),
)
"""(first article, last article, chapter, heading) of the EU AI Act (OJ L, 12.7.2024).

Source of the ranges and headings: the Act's table of contents, as reproduced at
https://streamlex.eu/articles/aia-en-art-90 and https://ai-act-law.eu/chapter/3/
(accessed 2026-12).
"""

_ARTICLE = re.compile(r"^euaiact:art(\d+)[a-z]?$")
_ANNEX = re.compile(r"^euaiact:annex\d+$")


@dataclass(frozen=True)
class SectionGroup:
    """Sections counted together in a chart: a label, a heading, the section ids."""

    label: str
    title: str
    sections: tuple[str, ...]


def _ai_act_group(section: str) -> tuple[str, str]:
    article = _ARTICLE.match(section)
    if article:
        number = int(article.group(1))
        for first, last, chapter, heading in AI_ACT_CHAPTERS:
            if first <= number <= last:
                return chapter, heading
    if _ANNEX.match(section):
        return "Annexes", "Annexes"
    return "Other", "Other provisions"


def group_sections(target: str, sections: Sequence[str]) -> list[SectionGroup] | None:
    """The groups to chart ``sections`` by, in order; None to chart each section.

    >>> [g.label for g in group_sections("euaiact", ["euaiact:art4", "euaiact:art9", "euaiact:art10"])]
    ['Chapter I', 'Chapter III, Section 2']
    >>> group_sections("gbt46347", ["gbt46347:planning"]) is None
    True
    """
    if target != "euaiact":
        return None
    groups: dict[str, tuple[str, list[str]]] = {}
    for section in sections:
        label, title = _ai_act_group(section)
        groups.setdefault(label, (title, []))[1].append(section)
    return [SectionGroup(label, title, tuple(ids)) for label, (title, ids) in groups.items()]
