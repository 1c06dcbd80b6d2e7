"""The bottom layer: records, identifiers, inventory records and errors.

Nothing here imports another crosswalk layer; every other layer builds on it. The
inventory records are imported on first use (PEP 562): a load of the knowledge base
never needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crosswalk.model.ids import (
    BASE,
    CLAUSE_ID_PATTERN,
    LOCAL_PATTERN,
    MAPPING_IRI,
    MAPPING_SET_IRI,
    PREFIX_PATTERN,
    UNION_PREFIX,
    VOCABULARY_IRI,
    clause_iri,
    default_iri_base,
    eli_subdivision_iri,
    framework_iri,
    is_eli_act,
    is_union_node,
    mapping_iri,
    mapping_set_iri,
    segment,
    split_id,
    union_node,
)
from crosswalk.model.records import (
    COUNTED_PROVISIONS,
    PROVISION_OF_KIND,
    RISK_KINDS,
    Addressee,
    Adoption,
    ApplicationDates,
    Category,
    CategoryDates,
    Clause,
    ClauseKind,
    EndDates,
    Framework,
    GraceDates,
    Mapping,
    MappingSet,
    ProvisionType,
    Rationale,
    RelationName,
    Review,
    Role,
    ScopeCondition,
    Source,
    Status,
    SummaryAuthor,
    to_dict,
)

if TYPE_CHECKING:
    from crosswalk.model.inventory import (
        CONTROL_STATUSES,
        ClauseRef,
        Control,
        ControlStatus,
        Coverage,
        Exclusion,
        Inventory,
        Profile,
    )

_INVENTORY = frozenset(
    ("CONTROL_STATUSES", "ClauseRef", "Control", "ControlStatus", "Coverage", "Exclusion")
    + ("Inventory", "Profile")
)

__all__ = [
    "BASE",
    "CLAUSE_ID_PATTERN",
    "CONTROL_STATUSES",
    "COUNTED_PROVISIONS",
    "LOCAL_PATTERN",
    "MAPPING_IRI",
    "MAPPING_SET_IRI",
    "PREFIX_PATTERN",
    "PROVISION_OF_KIND",
    "RISK_KINDS",
    "UNION_PREFIX",
    "VOCABULARY_IRI",
    "Addressee",
    "Adoption",
    "ApplicationDates",
    "Category",
    "CategoryDates",
    "Clause",
    "ClauseKind",
    "ClauseRef",
    "Control",
    "ControlStatus",
    "Coverage",
    "EndDates",
    "Exclusion",
    "Framework",
    "GraceDates",
    "Inventory",
    "Mapping",
    "MappingSet",
    "Profile",
    "ProvisionType",
    "Rationale",
    "RelationName",
    "Review",
    "Role",
    "ScopeCondition",
    "Source",
    "Status",
    "SummaryAuthor",
    "clause_iri",
    "default_iri_base",
    "eli_subdivision_iri",
    "framework_iri",
    "is_eli_act",
    "is_union_node",
    "mapping_iri",
    "mapping_set_iri",
    "segment",
    "split_id",
    "to_dict",
    "union_node",
]


def __getattr__(name: str) -> Any:
    """An inventory record's name, imported from :mod:`crosswalk.model.inventory` on first use."""
    if name in _INVENTORY:
        from crosswalk.model import inventory

        return getattr(inventory, name)
    raise AttributeError(f"module 'crosswalk.model' has no attribute {name!r}")
