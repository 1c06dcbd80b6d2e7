"""The SSSOM terms crosswalk writes and reads: columns, extension slots, prefixes."""

from __future__ import annotations

import re
from typing import Any

from crosswalk.interop.vocabulary import (
    VOCABULARY,
)
from crosswalk.model.ids import (
    LEGACY_VOCABULARY_IRI,
    MAPPING_IRI,
    MAPPING_SET_IRI,
)

__all__ = [
    "BUILT_IN_PREFIXES",
    "COLUMNS",
    "COMPOSED",
    "CURATED",
    "EXTENSIONS",
    "GENERATED",
    "LEGACY_PREFIXES",
    "OWN_PREFIXES",
    "PROPAGATABLE",
    "REQUIRED_COLUMNS",
    "SET_IRI",
    "SET_SLOTS",
    "SPDX",
    "SPDX_PATTERN",
    "UNION",
    "UNSPECIFIED_LICENSE",
    "license_id",
    "license_iri",
    "union_members",
]


SET_IRI = MAPPING_SET_IRI
"""``mapping_set_id`` is this + the set id (as in RDF; :data:`LEGACY_MAPPING_SET_IRI` is read too)."""


UNSPECIFIED_LICENSE = "https://w3id.org/sssom/license/unspecified"


SPDX = "https://spdx.org/licenses/{}.html"


SPDX_PATTERN = re.compile(r"^https?://spdx\.org/licenses/([^/]+?)(?:\.html)?$")


BUILT_IN_PREFIXES = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sssom": "https://w3id.org/sssom/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "linkml": "https://w3id.org/linkml/",
}


OWN_PREFIXES = {"crosswalk": VOCABULARY, "crosswalkmapping": MAPPING_IRI}


LEGACY_PREFIXES = {"crosswalk": LEGACY_VOCABULARY_IRI}  # read as crosswalk:, never written


UNION = re.compile(r"^crosswalk:union\((.+)\)$")


CURATED = "semapv:ManualMappingCuration"


GENERATED = "semapv:LogicalReasoning"


COMPOSED = "composed entity expression"


# (slot, property, type) of the extension slots, sorted by property (SSSOM canonical form)
EXTENSIONS = (
    ("ext_default_source", "crosswalk:defaultSource", "xsd:string"),
    ("ext_derived", "crosswalk:derived", "xsd:boolean"),
    ("ext_mapping_set", "crosswalk:mappingSet", "xsd:string"),
    ("ext_mapping_sets", "crosswalk:mappingSets", "xsd:string"),
    ("ext_object_framework", "crosswalk:objectFramework", "xsd:string"),
    ("ext_review_evidence", "crosswalk:reviewEvidence", "xsd:string"),
    ("ext_review_source", "crosswalk:reviewSource", "xsd:string"),
    ("ext_scope_condition", "crosswalk:scopeCondition", "xsd:string"),
    ("ext_source", "crosswalk:source", "xsd:string"),
    ("ext_sources", "crosswalk:sources", "xsd:string"),
    ("ext_strm_rationale", "crosswalk:strmRationale", "xsd:string"),
    ("ext_strm_relation", "crosswalk:strmRelation", "xsd:string"),
    ("ext_strm_strength", "crosswalk:strmStrength", "xsd:integer"),
    ("ext_subject_framework", "crosswalk:subjectFramework", "xsd:string"),
)


COLUMNS = (
    # SSSOM's canonical column order: the standard slots in the order of the ``mapping``
    # class of the SSSOM schema, then the extension slots sorted by their property IRI.
    "record_id",
    "subject_id",
    "subject_label",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "mapping_justification",
    "author_label",
    "reviewer_label",
    "subject_type",
    "mapping_date",
    "review_date",
    "confidence",
    "comment",
    "ext_mapping_set",
    "ext_review_evidence",
    "ext_review_source",
    "ext_scope_condition",
    "ext_source",
    "ext_strm_rationale",
    "ext_strm_relation",
    "ext_strm_strength",
)


SET_SLOTS = (
    # the slots of SSSOM's ``mapping set`` class in schema order (canonical metadata order)
    "sssom_version",
    "curie_map",
    "mappings",
    "mapping_set_id",
    "mapping_set_version",
    "mapping_set_source",
    "mapping_set_title",
    "mapping_set_description",
    "mapping_set_confidence",
    "creator_id",
    "creator_label",
    "license",
    "subject_type",
    "subject_source",
    "subject_source_version",
    "object_type",
    "object_source",
    "object_source_version",
    "predicate_type",
    "mapping_provider",
    "cardinality_scope",
    "mapping_tool",
    "mapping_tool_id",
    "mapping_tool_version",
    "mapping_date",
    "publication_date",
    "subject_match_field",
    "object_match_field",
    "subject_preprocessing",
    "object_preprocessing",
    "similarity_measure",
    "curation_rule",
    "curation_rule_text",
    "see_also",
    "issue_tracker",
    "other",
    "comment",
    "extension_definitions",
)


REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")


PROPAGATABLE = ("mapping_date", "subject_type")


def license_iri(license_id: str | None) -> str:
    """The licence IRI of a set: an SPDX id's page, an IRI as given, or SSSOM's "unspecified"."""
    if license_id is None:
        return UNSPECIFIED_LICENSE
    if "://" in license_id:
        return license_id
    return SPDX.format(license_id)


def license_id(iri: Any) -> str | None:
    """The licence of a file's ``license`` slot: the SPDX id of an SPDX IRI, else the IRI."""
    if not iri or iri == UNSPECIFIED_LICENSE:
        return None
    match = SPDX_PATTERN.match(str(iri))
    return match.group(1) if match else str(iri)


def union_members(subject_id: str) -> list[str]:
    """The member CURIEs of ``crosswalk:union(a,b)``, or the one CURIE of a plain subject."""
    match = UNION.match(subject_id)
    return match.group(1).split(",") if match else [subject_id]
