"""The closed vocabularies of the records: clause kinds, provision types, statuses, roles.

They are ``Literal`` types, so pydantic refuses any other word (in a file entry, or where an
importer validates a record) and the JSON Schemas list the allowed ones;
:mod:`crosswalk.model.records` and :mod:`crosswalk.model.fields` use them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

__all__ = [
    "ART50_CATEGORIES",
    "CATEGORY_MEANINGS",
    "COARSE_CATEGORIES",
    "COUNTED_PROVISIONS",
    "PROVISION_OF_KIND",
    "RISK_KINDS",
    "Addressee",
    "Category",
    "ClauseKind",
    "DocumentKind",
    "ProvisionType",
    "Rationale",
    "RelationName",
    "Role",
    "ScopeCondition",
    "Status",
    "SummaryAuthor",
    "expand_categories",
]

ClauseKind = Literal[
    "section",
    "clause",
    "principle",
    "requirement",
    "obligation",
    "prohibition",
    "objective",
    "risk_source",
    "risk_category",
    "measure",
    "guideline",
    "capability_domain",
    "capability_item",
    "capability_level",
    "annex",
    "definition",
    "front_matter",
    "part",
]
RISK_KINDS: frozenset[str] = frozenset({"risk_source", "risk_category"})
Status = Literal["confirmed", "provisional"]
DocumentKind = Literal["standard", "regulation", "guidance", "policy"]
"""What sort of document a framework is."""
Role = Literal[
    "provider",
    "deployer",
    "importer",
    "distributor",
    "authorised_representative",
    "product_manufacturer",
]
Addressee = Literal[
    "provider",
    "deployer",
    "importer",
    "distributor",
    "authorised_representative",
    "product_manufacturer",
    "commission",
    "ai_office",
    "member_state",
    "notified_body",
    "market_surveillance_authority",
    "ai_board",
    "edps",
    "affected_person",
]
"""Who a provision addresses: the operator roles (:data:`Role`), the public bodies, and
the persons whose rights a provision states (``affected_person``: affected persons, test
subjects, anyone who may complain)."""
Category = Literal[
    "any",
    "prohibited_practice",
    "high_risk_annex1",
    "high_risk_annex3",
    "gpai",
    "gpai_systemic_risk",
    "interacts_with_persons",
    "synthetic_content",
    "emotion_recognition",
    "biometric_categorisation",
    "deep_fake",
    "public_interest_text",
    "transparency",
]
"""AI system categories (:data:`CATEGORY_MEANINGS`); ``transparency`` is the old, coarse
word for every Art 50 case at once (:data:`COARSE_CATEGORIES`)."""

CATEGORY_MEANINGS: dict[str, str] = {
    "any": "every AI system (AI literacy and general provisions)",
    "prohibited_practice": "a practice to screen against the Art 5 prohibitions",
    "high_risk_annex1": "high-risk: a safety component of a product under Annex I law",
    "high_risk_annex3": "high-risk: a use listed in Annex III (recruitment, credit, …)",
    "gpai": "a general-purpose AI model",
    "gpai_systemic_risk": "a general-purpose AI model with systemic risk",
    "interacts_with_persons": "a system meant to interact directly with people, e.g. a chatbot "
    "(Art 50(1), a provider duty)",
    "synthetic_content": "a system generating synthetic audio, image, video or text, general-purpose "
    "ones included (Art 50(2), a provider duty)",
    "emotion_recognition": "an emotion recognition system (Art 50(3), a deployer duty)",
    "biometric_categorisation": "a biometric categorisation system (Art 50(3), a deployer duty)",
    "deep_fake": "a system generating or manipulating image, audio or video that is a deep fake "
    "(Art 50(4), first subparagraph, a deployer duty)",
    "public_interest_text": "a system generating or manipulating text published to inform the "
    "public on matters of public interest (Art 50(4), second subparagraph, a deployer duty)",
    "transparency": "coarse, kept for older inventories: every Art 50 case at once; name the "
    "cases that fit instead",
}
"""What each system category means, in one line: the README, the template and messages."""

ART50_CATEGORIES: tuple[str, ...] = (
    "interacts_with_persons",
    "synthetic_content",
    "emotion_recognition",
    "biometric_categorisation",
    "deep_fake",
    "public_interest_text",
)
"""The cases of Art 50 (transparency), one category each: who must do what differs per case."""

COARSE_CATEGORIES: dict[str, tuple[str, ...]] = {"transparency": ART50_CATEGORIES}
"""Older category words that stand for several categories; they keep that meaning wherever
they are matched (a profile or a clause saying ``transparency`` means every Art 50 case)."""


def expand_categories(categories: Iterable[str]) -> frozenset[str]:
    """The categories with every coarse word replaced by what it stands for.

    >>> sorted(expand_categories(["gpai", "transparency"]))[:3]
    ['biometric_categorisation', 'deep_fake', 'emotion_recognition']
    """
    expanded: set[str] = set()
    for category in categories:
        expanded.update(COARSE_CATEGORIES.get(category, (category,)))
    return frozenset(expanded)


RelationName = Literal[
    "equal", "subset_of", "superset_of", "intersects_with", "no_relationship", "addresses"
]
Rationale = Literal["syntactic", "semantic", "functional"]

ProvisionType = Literal[
    "obligation",
    "prohibition",
    "guidance",
    "principle",
    "definition",
    "scope",
    "classification",
    "condition",
    "permission",
    "procedure",
    "transitional",
    "application",
    "penalty",
    "informative",
    "risk",
    "structure",
]
"""What a provision does (mappings/README.md, "Provision types"). Only the types in
:data:`COUNTED_PROVISIONS` ask an organisation for an outcome; a gap analysis shows the
others as "not an obligation", with their type, never as gaps."""

COUNTED_PROVISIONS: frozenset[str] = frozenset({"obligation", "prohibition", "guidance"})
"""Provision types that bind or guide the organisation itself: the only gap-analysis targets."""

PROVISION_OF_KIND: dict[str, ProvisionType] = {
    "section": "structure",
    "front_matter": "scope",
    "definition": "definition",
    "risk_source": "risk",
    "risk_category": "risk",
    "capability_level": "definition",
    "obligation": "obligation",
    "prohibition": "prohibition",
    "principle": "principle",
}
"""The provision type of a clause whose catalogue entry states none; any other kind is
``guidance``, and a ``part`` takes its parent's type."""

ScopeCondition = Literal["ai_risk_only", "systems_in_scope"]
"""A condition under which a covering mapping holds (mappings/README.md, "Scope policy"):
``ai_risk_only`` — for AI-related risk only (ISO/IEC 23894 applies the organisation-wide
ISO 31000 to AI); ``systems_in_scope`` — only for the AI systems inside the subject's
management-system scope (ISO/IEC 42001 against the per-system EU AI Act)."""

SummaryAuthor = Literal["ours", "official"]
"""Whose words a framework's clause summaries are: ``ours`` (a paraphrase; the rule for
copyrighted standards) or ``official`` (the publisher's own text, where it may be quoted,
e.g. NIST's public-domain publications)."""
