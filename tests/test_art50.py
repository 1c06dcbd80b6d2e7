"""Art 50 of the AI Act, one system category per case (issue 18, the chatbot deployer).

Each paragraph binds a different operator for a different kind of system; a profile names
the cases that fit, so a chatbot deployer is not told to label deep fakes. The older
``transparency`` category still means every case at once, and reports say it is coarse.
"""

from __future__ import annotations

import re
from typing import get_args

import pytest

from crosswalk.api import KnowledgeBase
from crosswalk.cli import main
from crosswalk.io.resources import mappings_dir
from crosswalk.model.inventory import Inventory, Profile
from crosswalk.model.vocabularies import (
    ART50_CATEGORIES,
    CATEGORY_MEANINGS,
    COARSE_CATEGORIES,
    Category,
    expand_categories,
)

from .conftest import EXAMPLES, ROOT

# Who each paragraph addresses and which systems (Art 50(1)-(4) of Reg. (EU) 2024/1689).
PARAGRAPHS = {
    "euaiact:art50.1": ({"provider"}, {"interacts_with_persons"}),
    "euaiact:art50.2": ({"provider"}, {"synthetic_content"}),
    "euaiact:art50.3": ({"deployer"}, {"emotion_recognition", "biometric_categorisation"}),
    "euaiact:art50.4": ({"deployer"}, {"deep_fake", "public_interest_text"}),
}


@pytest.mark.parametrize("clause_id", sorted(PARAGRAPHS))
def test_each_paragraph_names_its_operator_and_systems(kb: KnowledgeBase, clause_id: str) -> None:
    clause = kb.clauses[clause_id]
    addressees, categories = PARAGRAPHS[clause_id]
    assert set(clause.addressees) == addressees
    assert set(clause.categories) == categories


def test_the_article_and_its_manner_rule_reach_every_case(kb: KnowledgeBase) -> None:
    for clause_id in ("euaiact:art50", "euaiact:art50.5"):
        assert set(kb.clauses[clause_id].categories) == set(ART50_CATEGORIES), clause_id


def test_bundled_data_names_the_case_not_the_coarse_category() -> None:
    catalogues = mappings_dir() / "catalogues"
    for path in sorted(catalogues.glob("*.yaml")):
        for word in COARSE_CATEGORIES:
            found = re.search(rf"categories:[^\n]*\b{word}\b", path.read_text(encoding="utf-8"))
            assert found is None, f"{path.name} uses the coarse category {word!r}"


def test_every_category_has_a_meaning_and_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shapes = (ROOT / "ontologies" / "shapes.ttl").read_text(encoding="utf-8")
    assert set(CATEGORY_MEANINGS) == set(get_args(Category))
    for category in get_args(Category):
        assert f"`{category}`" in readme, category
        assert f'"{category}"' in shapes, category
    assert expand_categories(["transparency"]) == frozenset(ART50_CATEGORIES)


def _report(kb: KnowledgeBase, categories: tuple[str, ...], roles: tuple[str, ...] = ("deployer",)):  # type: ignore[no-untyped-def]
    inventory = kb.read_inventory(EXAMPLES / "deployer-chatbot.yaml")
    profile = Profile.model_validate(
        {**inventory.profile.model_dump(), "categories": categories, "roles": roles}  # type: ignore[union-attr]
    )
    return kb.gap(inventory, target="euaiact", profile=profile)


def test_a_chatbot_deployer_gets_no_emotion_or_deep_fake_duty(kb: KnowledgeBase) -> None:
    inventory = kb.read_inventory(EXAMPLES / "deployer-chatbot.yaml")
    report = kb.gap(inventory, target="euaiact")
    for clause_id in ("euaiact:art50.3", "euaiact:art50.4"):
        finding = report.finding(clause_id)
        assert finding.status == "not_applicable", (clause_id, finding.reason)
        assert "interacts_with_persons" in finding.reason
    for clause_id in ("euaiact:art50.1", "euaiact:art50.2"):  # the vendor's duties
        finding = report.finding(clause_id)
        assert finding.status == "not_applicable"
        assert "addressed to provider" in finding.reason
    manner = report.finding("euaiact:art50.5")
    assert manner.status == "not_applicable", (
        "Art 50(5) binds only who owes Art 50(1)-(4) information"
    )
    assert "serves art50.1, art50.2, art50.3, art50.4, none of which applies" in manner.reason
    assert report.finding("euaiact:art50").status == "not_applicable"
    planned = {item.finding.clause.id for item in report.plan().items}
    assert not planned & {
        "euaiact:art50.1",
        "euaiact:art50.2",
        "euaiact:art50.3",
        "euaiact:art50.4",
    }
    assert not inventory.profile or not inventory.profile.warnings


def test_each_deployer_case_brings_its_own_paragraph(kb: KnowledgeBase) -> None:
    emotion = _report(kb, ("emotion_recognition",))
    assert emotion.status("euaiact:art50.3") != "not_applicable"
    assert emotion.status("euaiact:art50.5") != "not_applicable", "it serves Art 50(3)"
    assert emotion.status("euaiact:art50.4") == "not_applicable"
    news = _report(kb, ("public_interest_text",))
    assert news.status("euaiact:art50.4") != "not_applicable"
    assert news.status("euaiact:art50.3") == "not_applicable"


def test_the_coarse_category_keeps_its_meaning_and_warns(kb: KnowledgeBase) -> None:
    report = _report(kb, ("transparency",))
    for clause_id in ("euaiact:art50.3", "euaiact:art50.4", "euaiact:art50.5"):
        assert report.status(clause_id) != "not_applicable", clause_id
    assert report.profile is not None and report.profile.warnings
    text = report.summary_text()
    assert "warning: category 'transparency' is coarse" in text
    assert "transparency (coarse: every Art 50 case)" in text


def test_the_cli_warns_about_a_coarse_category(
    kb: KnowledgeBase, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text("roles: [deployer]\ncategories: [transparency]\n", encoding="utf-8")
    assert (
        main(["-q", "check", str(EXAMPLES / "deployer-chatbot.yaml"), "--profile", str(profile)])
        == 0
    )
    assert "warning: category 'transparency' is coarse" in capsys.readouterr().err


def test_a_profile_without_coarse_words_has_no_warning() -> None:
    assert Profile(categories=("interacts_with_persons",)).warnings == ()
    assert Inventory().profile is None


def test_the_provider_of_a_chatbot_owes_the_disclosure_and_its_manner(kb: KnowledgeBase) -> None:
    report = _report(kb, ("interacts_with_persons",), roles=("provider",))
    assert report.status("euaiact:art50.1") != "not_applicable"
    assert report.status("euaiact:art50.5") != "not_applicable"
    assert report.status("euaiact:art50.2") == "not_applicable"
    assert report.finding("euaiact:art50").rollup_of == ("euaiact:art50.1", "euaiact:art50.5")


@pytest.mark.parametrize("clause_id", ["euaiact:art79.4", "euaiact:art82.2"])
def test_corrective_action_on_request_binds_who_made_the_system_available(
    kb: KnowledgeBase, clause_id: str
) -> None:
    # "... all the AI systems concerned that it has made available on the Union market":
    # a deployer uses a system and makes none available
    assert "deployer" not in kb.clauses[clause_id].addressees
    assert _report(kb, ("interacts_with_persons",)).status(clause_id) == "not_applicable"
    provider = _report(kb, ("high_risk_annex3",), roles=("provider",))
    assert provider.status(clause_id) != "not_applicable"
