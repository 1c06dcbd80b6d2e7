"""Second review of every mapping that can make a clause covered (mappings/README.md §5).

`equal`, `subset_of` and `superset_of` rows (union subjects included) can make a gap report
say *covered*, so each carries a `review:` by someone other than its author, naming where a
source shows the containment. Adoption declarations (`adoption_of:`) carry one too; the
`equal` rows generated from an adoption are reviewed through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from crosswalk.api import KnowledgeBase
from crosswalk.model import Framework, Mapping

COVERING = frozenset({"equal", "subset_of", "superset_of"})


def _same_person(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def review_problems(mappings: Iterable[Mapping], frameworks: Iterable[Framework] = ()) -> list[str]:
    """Covering rows and adoptions whose second review is missing or done by their author."""
    adopted = {f.prefix: f for f in frameworks if f.adoption_of is not None}
    problems = []
    for mapping in mappings:
        if mapping.relation not in COVERING:
            continue
        row = f"{mapping.where}: {mapping.subject} {mapping.relation} {mapping.object}"
        if mapping.review is None:
            problems.append(f"{row} has no review: (mappings/README.md §5)")
        elif _same_person(mapping.review.by, mapping.author):
            problems.append(f"{row} is reviewed by its own author {mapping.author!r}")
    # rows generated from an adoption carry the declaration's review (so every export
    # shows it); the declaration itself is checked here
    for framework in adopted.values():
        adoption = framework.adoption_of
        assert adoption is not None
        where = f"{framework.path or framework.prefix}: adoption_of {adoption.framework}"
        if adoption.review is None:
            problems.append(f"{where} has no review: (mappings/README.md §3 and §5)")
        elif _same_person(adoption.review.by, "crosswalk (derived from the adoption declaration)"):
            problems.append(f"{where} is reviewed by the generator of its rows")
    return problems


def test_every_covering_row_and_adoption_has_a_second_review(kb: KnowledgeBase) -> None:
    problems = review_problems(kb.mappings, kb.frameworks.values())
    assert not problems, "covering rows without an independent second review:\n" + "\n".join(
        problems
    )


def test_every_review_names_its_evidence_and_is_not_later_than_today(kb: KnowledgeBase) -> None:
    import datetime as dt

    reviews = [m.review for m in kb.mappings if m.review is not None]
    reviews += [
        f.adoption_of.review
        for f in kb.frameworks.values()
        if f.adoption_of and f.adoption_of.review
    ]
    assert reviews
    for review in reviews:
        assert len(review.evidence.split()) >= 5, f"evidence too thin to check: {review.evidence!r}"
        assert review.date <= dt.date.today(), review


def test_the_review_check_catches_a_missing_or_self_review(kb: KnowledgeBase) -> None:
    row = next(
        m for m in kb.mappings if m.mapping_set == "euaiact-euaiact" and m.relation == "equal"
    )
    assert row.review is not None and review_problems([row]) == []
    unreviewed = replace(row, review=None)
    self_reviewed = replace(row, review=replace(row.review, by=f" {row.author.upper()} "))
    problems = review_problems([unreviewed, self_reviewed])
    assert len(problems) == 2
    assert row.path and all("euaiact-euaiact.yaml mapping #" in p for p in problems), problems
    assert "has no review" in problems[0] and "its own author" in problems[1]


def test_the_review_check_catches_an_unreviewed_adoption(kb: KnowledgeBase) -> None:
    framework = kb.framework("gbt24353")
    assert framework.adoption_of is not None and framework.adoption_of.review is not None
    generated = [m for m in kb.mappings if m.mapping_set == "gbt24353-iso31000-adoption"]
    assert generated and review_problems(generated, [framework]) == []
    bare = replace(framework, adoption_of=replace(framework.adoption_of, review=None))
    problems = review_problems(generated, [bare])
    assert len(problems) == 1 and "adoption_of iso31000 has no review" in problems[0], problems
