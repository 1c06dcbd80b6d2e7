"""The closed vocabularies of the records: clause kinds, provision types, statuses, roles.

They are ``Literal`` types, so pydantic refuses any other word and the JSON Schemas list
the allowed ones; :mod:`crosswalk.model.records` and :mod:`crosswalk.model.fields` use them.
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "COUNTED_PROVISIONS",
    "PROVISION_OF_KIND",
    "RISK_KINDS",
    "Addressee",
    "Category",
    "ClauseKind",
    "ProvisionType",
    "Rationale",
    "RelationName",
    "Role",
    "ScopeCondition",
    "Status",
    "SummaryAuthor",
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
    "transparency",
]
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

PROVISION_OF_KIND: dict[str, str] = {
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
