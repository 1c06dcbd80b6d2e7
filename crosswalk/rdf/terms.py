"""The RDF terms of crosswalk's vocabulary and the formats it reads and writes.

Every IRI comes from :mod:`crosswalk.model.ids`; this module only makes rdflib terms of
them and names the namespaces, relation nodes and SKOS match properties.
"""

from __future__ import annotations

from rdflib import RDFS, XSD, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from crosswalk.io.limits import limit
from crosswalk.model import ids
from crosswalk.model.ids import (
    VOCABULARY_IRI,
)
from crosswalk.reasoning.relations import Relation

__all__ = [
    "ADDRESSES",
    "AIRO",
    "CW",
    "MAX_RDF_BYTES",
    "PREFIXES",
    "RDF_FORMATS",
    "RELATION_NODES",
    "RISK_CLASSES",
    "SKOS_MATCH",
    "SUFFIX_FORMATS",
    "WRITABLE_FORMATS",
    "clause_iri",
    "framework_iri",
    "mapping_iri",
]

CW = Namespace(VOCABULARY_IRI)
AIRO = Namespace("https://w3id.org/airo#")

RDF_FORMATS: dict[str, str] = {
    "turtle": "turtle",
    "ttl": "turtle",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "xml": "xml",
    "rdf/xml": "xml",
}
"""Format names accepted by :func:`write_rdf` and :func:`parse_graph` (aliases included)."""

SUFFIX_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
WRITABLE_FORMATS = frozenset({"turtle", "json-ld", "nt"})
MAX_RDF_BYTES = limit("data_file_bytes")
"""The largest RDF file read: the data-file limit of :mod:`crosswalk.io.limits`."""
ADDRESSES = "addresses"
RELATION_NODES: dict[str, URIRef] = {r.value: CW[r.value] for r in Relation} | {
    ADDRESSES: CW[ADDRESSES]
}
SKOS_MATCH: dict[str, URIRef] = {r.value: SKOS[r.skos] for r in Relation if r.skos}
RISK_CLASSES = {"risk_source": CW.RiskSource, "risk_category": CW.RiskCategory}
PREFIXES = {
    "cw": CW,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "xsd": XSD,
    "rdfs": RDFS,
    "owl": OWL,
    "airo": AIRO,
}
# -- identifiers ------------------------------------------------------------------------


def framework_iri(prefix: str) -> URIRef:
    """The IRI of a framework as an RDF term (:func:`crosswalk.model.ids.framework_iri`)."""
    return URIRef(ids.framework_iri(prefix))


def mapping_iri(mapping_id: str) -> URIRef:
    """The IRI of a reified mapping as an RDF term (:func:`crosswalk.model.ids.mapping_iri`)."""
    return URIRef(ids.mapping_iri(mapping_id))


def clause_iri(iri_base: str, local: str, prefix: str | None = None) -> URIRef:
    """The IRI of a clause as an RDF term (:func:`crosswalk.model.ids.clause_iri`)."""
    return URIRef(ids.clause_iri(iri_base, local, prefix))
