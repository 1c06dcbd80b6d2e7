"""Data tests over the real files in mappings/.

Shape, schema, references, rules and consistency after inference. Each record is checked on its own,
named in the message.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from crosswalk.api import KnowledgeBase
from crosswalk.io.grammar import json_schemas
from crosswalk.io.resources import mappings_dir


def test_bundled_data_loads_without_problems(kb: KnowledgeBase) -> None:
    assert kb.reference_problems() == []


def test_bundled_data_has_no_contradictions(kb: KnowledgeBase) -> None:
    problems = kb.contradiction_problems()
    assert not problems, "\n".join(map(str, problems))


def test_checked_in_schemas_equal_the_generated_ones() -> None:
    directory = mappings_dir() / "schema"
    for name, schema in json_schemas().items():
        expected = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        actual = (
            (directory / name).read_text(encoding="utf-8") if (directory / name).exists() else ""
        )
        assert actual == expected, f"{name} is out of date: run `crosswalk schema`"


def test_all_five_frameworks_are_complete(kb: KnowledgeBase) -> None:
    sizes = Counter(c.framework for c in kb)
    assert sizes["iso31000"] >= 50
    assert sizes["gbt24353"] == sizes["iso31000"]
    assert sizes["iso23894"] >= 75
    assert sizes["euaiact"] >= 350
    assert sizes["aisgf1"] >= 100
    assert {"aisgf2", "aisgf3", "gbt46347"} <= set(sizes)
    for domain in ("planning", "communication", "assessment", "treatment", "monitoring", "review"):
        assert kb.clause(f"gbt46347:{domain}").kind == "capability_domain"


def test_iso_numbering_is_the_2018_layout(kb: KnowledgeBase) -> None:
    for local in ["4.a", "4.h", "5.4.5", "5.7.2", "6.3.4", "6.4.4", "6.5.3", "6.7"]:
        assert f"iso31000:{local}" in kb
    assert "iso31000:5.8" not in kb and "iso31000:6.8" not in kb


def test_every_clause_cites_a_source_of_its_framework(kb: KnowledgeBase) -> None:
    bad = [c.id for c in kb if kb.framework(c.framework).source(c.source) is None]
    assert not bad, f"clauses citing unknown sources: {bad[:10]}"


def test_eu_ai_act_provisions_carry_links_and_applicability(kb: KnowledgeBase) -> None:
    for clause in kb.clauses_of("euaiact"):
        assert clause.url, f"{clause.id} has no link to the official text"
        if clause.kind in ("obligation", "requirement", "prohibition"):
            assert clause.addressees, f"{clause.id} has no addressees"
            assert clause.categories, f"{clause.id} has no system categories"
            assert clause.applies_from, f"{clause.id} has no application dates"


def test_annex_iii_obligations_carry_both_dates(kb: KnowledgeBase) -> None:
    dates = kb.clause("euaiact:art9").applies_from
    assert dates and dates.original and dates.omnibus
    assert dates.original.isoformat() == "2026-08-02"
    assert dates.omnibus.isoformat() == "2027-12-02"


def test_at_least_500_curated_mappings(kb: KnowledgeBase) -> None:
    curated = [m for s in kb.mapping_sets if not s.derived for m in s.mappings]
    assert len(curated) >= 500
    for mapping in curated:
        assert mapping.justification.strip() and mapping.author and mapping.source, mapping.id


def test_gbt46347_items_link_to_two_other_frameworks(kb: KnowledgeBase) -> None:
    links: dict[str, set[str]] = {}
    for mapping in kb.mappings:
        ends = [*mapping.subjects, mapping.object]
        for end in ends:
            if end.startswith("gbt46347:"):
                links.setdefault(end, set()).update(
                    e.split(":")[0] for e in ends if not e.startswith("gbt46347:")
                )
    for clause in kb.clauses_of("gbt46347"):
        if clause.kind in ("capability_domain", "capability_item"):
            assert len(links.get(clause.id, set())) >= 2, (
                f"{clause.id} links to {links.get(clause.id)}"
            )


def test_risk_management_provisions_link_to_iso23894(kb: KnowledgeBase) -> None:
    linked = {s for m in kb.mappings if m.object.startswith("iso23894:") for s in m.subjects}
    for article in (
        "art9",
        "art10",
        "art11",
        "art12",
        "art13",
        "art14",
        "art15",
        "art17",
        "art26",
        "art27",
        "art72",
        "art73",
    ):
        for clause_id in [f"euaiact:{article}", *kb.descendants(f"euaiact:{article}")]:
            if kb.children.get(clause_id):
                continue
            assert clause_id in linked, f"{clause_id} has no link to ISO/IEC 23894"


def test_provisional_records_say_why(kb: KnowledgeBase) -> None:
    def explained(clause_id: str) -> bool:
        clause = kb.clause(clause_id)
        if clause.note:
            return True
        return (
            clause.parent is not None
            and kb.clause(clause.parent).status == "provisional"
            and explained(clause.parent)
        )

    silent = [c.id for c in kb if c.status == "provisional" and not explained(c.id)]
    assert not silent, f"provisional clauses without a note: {silent[:10]}"


def test_adoption_links_come_from_the_declaration(kb: KnowledgeBase) -> None:
    derived = [s for s in kb.mapping_sets if s.derived]
    assert [s.id for s in derived] == ["gbt24353-iso31000-adoption"]
    assert len(derived[0].mappings) == len(kb.clauses_of("iso31000"))
    assert kb.relation("gbt24353:6.4.2", "iso31000:6.4.2").relations.names == ("equal",)


@pytest.mark.parametrize(
    "path", sorted((mappings_dir() / "crosswalks").glob("*.yaml")), ids=lambda p: p.name
)
def test_mapping_files_are_named_by_their_set(path) -> None:
    import yaml

    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    header = document["mapping_set"]
    assert header["id"] == path.stem
    pair = path.stem.removesuffix(
        ".parts"
    )  # part-level sets: mappings/README.md, "Requirement parts"
    assert pair == f"{header['subject_framework']}-{header['object_framework']}"


def test_no_mapping_is_already_entailed_by_the_others(kb: KnowledgeBase) -> None:
    from crosswalk.knowledge.stats import redundant_mappings

    redundant = redundant_mappings(kb)
    assert not redundant, "\n".join(f"{m.where}: {why}" for m, why in redundant)


def test_data_files_are_in_canonical_form() -> None:
    from crosswalk.io.canonical import format_files
    from crosswalk.io.discovery import discover

    files = discover([mappings_dir()])
    changed = format_files([*files.catalogues, *files.parts, *files.mapping_sets], check=True)
    assert not changed, (
        f"not in canonical form: {[str(p) for p in changed]} — run `crosswalk format`"
    )


def test_readme_shows_the_current_data_statistics(kb: KnowledgeBase) -> None:
    from crosswalk.knowledge.stats import stats_markdown

    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert stats_markdown(kb) in readme, (
        "README's data table is stale: paste `crosswalk stats --markdown`"
    )
