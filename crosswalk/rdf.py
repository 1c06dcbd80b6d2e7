"""RDF export and import of a knowledge base (DESIGN.md §8; vocabulary in ``ontologies/``).

Frameworks become ``skos:ConceptScheme``, clauses ``skos:Concept`` and every mapping a
reified ``cw:Mapping`` node carrying its relation and provenance, plus the SKOS match
triple of DESIGN.md §4 for tools that read only SKOS. Reading an export back gives an
equal knowledge base. User RDF is parsed from local files or strings only, with no
network access and no external entities.

>>> import crosswalk
>>> from crosswalk.rdf import CW, to_graph
>>> kb = crosswalk.load()
>>> graph = to_graph(kb)
>>> len(list(graph.subjects(predicate=None, object=CW.Mapping))) == len(kb.mappings)
True
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from pydantic import ValidationError
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS
from rdflib.term import Node

from crosswalk.errors import DataError, ExportError, Problem
from crosswalk.knowledge import KnowledgeBase
from crosswalk.model import (
    RISK_KINDS,
    Adoption,
    ApplicationDates,
    CategoryDates,
    Clause,
    Framework,
    GraceDates,
    Mapping,
    MappingSet,
    Review,
    Source,
)
from crosswalk.relations import Relation, composition_table
from crosswalk.resources import ontologies_dir

__all__ = [
    "AIRO",
    "BASE",
    "CW",
    "RDF_FORMATS",
    "clause_iri",
    "composition_turtle",
    "eli_subdivision_iri",
    "framework_iri",
    "mapping_iri",
    "offline",
    "parse_graph",
    "read_graph",
    "read_rdf",
    "to_graph",
    "to_knowledge_base",
    "write_composition",
    "write_rdf",
]

BASE = "https://w3id.org/crosswalk/"
CW = Namespace(BASE + "ontology#")
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

_SUFFIX_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
_WRITABLE = frozenset({"turtle", "json-ld", "nt"})
_MAX_RDF_BYTES = 200 * 1024 * 1024
_ADDRESSES = "addresses"
_RELATION_NODES: dict[str, URIRef] = {r.value: CW[r.value] for r in Relation} | {
    _ADDRESSES: CW[_ADDRESSES]
}
_SKOS_MATCH: dict[str, URIRef] = {r.value: SKOS[r.skos] for r in Relation if r.skos}
_RISK_CLASSES = {"risk_source": CW.RiskSource, "risk_category": CW.RiskCategory}
_PREFIXES = {
    "cw": CW,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "xsd": XSD,
    "rdfs": RDFS,
    "owl": OWL,
    "airo": AIRO,
}
_ELI_ACT = re.compile(r"^http://data\.europa\.eu/eli/[a-z_]+/\d{4}/\d+/$")
_ELI_HEAD = re.compile(r"^(art|annex|rec)(\d+)([a-z]*)$")
_ELI_SEGMENT = re.compile(r"^[0-9a-z]+$")


# -- identifiers ------------------------------------------------------------------------


def _segment(text: str, *, safe: str = "") -> str:
    return quote(text, safe=safe + ":")


def framework_iri(prefix: str) -> URIRef:
    """The IRI of a framework (a ``skos:ConceptScheme``)."""
    return URIRef(f"{BASE}framework/{_segment(prefix)}")


def mapping_iri(mapping_id: str) -> URIRef:
    """The IRI of a reified mapping (its id keeps its ``set/hash`` shape)."""
    return URIRef(f"{BASE}mapping/{_segment(mapping_id, safe='/')}")


def _roman(number: int) -> str:
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    result = ""
    for value, letters in numerals:
        while number >= value:
            result += letters
            number -= value
    return result


def eli_subdivision_iri(act_base: str, local: str) -> str | None:
    """The ELI-style IRI of a subdivision of an EU act, or None for an unknown shape.

    The scheme follows the Publications Office's subdivision names: the first segment
    ``artN`` → ``art_N``, ``annexN`` → ``anx_<Roman N>``, ``recN`` → ``rct_N``; under an
    article a segment starting with a digit is a paragraph (``par_N``); every other
    segment is a point (``pnt_x``: letters, Roman sub-points, annex items). ``/oj``
    closes the IRI, as for the act itself.

    >>> eli_subdivision_iri("http://data.europa.eu/eli/reg/2024/1689/", "art9.2.a")
    'http://data.europa.eu/eli/reg/2024/1689/art_9/par_2/pnt_a/oj'
    >>> eli_subdivision_iri("http://data.europa.eu/eli/reg/2024/1689/", "annex3.1.a")
    'http://data.europa.eu/eli/reg/2024/1689/anx_III/pnt_1/pnt_a/oj'
    """
    segments = local.split(".")
    head = _ELI_HEAD.match(segments[0])
    if head is None:
        return None
    kind, number, suffix = head.groups()
    if kind == "annex":
        parts = [f"anx_{_roman(int(number))}{suffix}"]
    elif kind == "rec":
        parts = [f"rct_{number}{suffix}"]
    else:
        parts = [f"art_{number}{suffix}"]
    for position, segment in enumerate(segments[1:]):
        if not _ELI_SEGMENT.match(segment):
            return None
        if kind == "art" and position == 0 and segment[0].isdigit():
            parts.append(f"par_{segment}")
        else:
            parts.append(f"pnt_{segment}")
    return act_base + "/".join(parts) + "/oj"


def clause_iri(iri_base: str, local: str, prefix: str | None = None) -> URIRef:
    """The IRI of a clause: ELI-style under an ELI act base, else ``iri_base + local``.

    A clause of an ELI-addressed act that is no subdivision of it (a requirement part, which
    is our own decomposition) gets crosswalk's own IRI when ``prefix`` is given, never one
    minted in the act's namespace.

    >>> str(clause_iri("http://data.europa.eu/eli/reg/2024/1689/", "art9.1-p1", "euaiact"))
    'https://w3id.org/crosswalk/clause/euaiact/art9.1-p1'
    """
    if _ELI_ACT.match(iri_base):
        eli = eli_subdivision_iri(iri_base, local)
        if eli is not None:
            return URIRef(eli)
        if prefix is not None:
            return URIRef(_default_clause_base(prefix) + _segment(local))
    return URIRef(iri_base + _segment(local))


def _default_clause_base(prefix: str) -> str:
    return f"{BASE}clause/{prefix}/"


# -- export -----------------------------------------------------------------------------


def _decimal(value: float) -> Literal:
    """xsd:decimal that reads back as the same float (and prints as 0.85, not 8.5e-01)."""
    return Literal(Decimal(repr(float(value))), datatype=XSD.decimal)


def _text(value: Any) -> str:
    """Plain text of a duck-typed value (an Enum's value, else str)."""
    return str(getattr(value, "value", value))


class _Writer:
    """Adds the triples of one knowledge base (and optional inventory/report) to a graph."""

    def __init__(self, graph: Graph, kb: KnowledgeBase) -> None:
        self.graph = graph
        self.kb = kb
        self.add = graph.add
        self.clause_nodes: dict[str, URIRef] = {}

    def clause_node(self, clause_id: str) -> URIRef:
        node = self.clause_nodes.get(clause_id)
        if node is None:
            prefix, local = clause_id.split(":", 1)
            framework = self.kb.frameworks.get(prefix)
            base = framework.iri_base if framework else _default_clause_base(prefix)
            node = self.clause_nodes[clause_id] = clause_iri(base, local, prefix)
        return node

    def literal_list(self, node: Node, predicate: URIRef, values: Sequence[Any]) -> None:
        """Values kept in order (only when order can matter: two or more)."""
        if len(values) > 1:
            head = BNode()
            Collection(self.graph, head, [Literal(v) if not isinstance(v, Node) else v for v in values])
            self.add((node, predicate, head))

    def source(self, owner: str, sources: Sequence[Source], source_id: str) -> URIRef:
        if any(s.id == source_id for s in sources):
            return URIRef(f"{owner}/source/{_segment(source_id)}")
        node = URIRef(f"{BASE}source/{_segment(source_id)}")
        self.add((node, RDF.type, CW.Source))
        self.add((node, DCTERMS.identifier, Literal(source_id)))
        return node

    def sources(self, owner: URIRef, sources: Sequence[Source]) -> None:
        for order, source in enumerate(sources):
            node = URIRef(f"{owner}/source/{_segment(source.id)}")
            self.add((owner, CW.citesSource, node))
            self.add((node, RDF.type, CW.Source))
            self.add((node, DCTERMS.identifier, Literal(source.id)))
            self.add((node, DCTERMS.title, Literal(source.title)))
            self.add((node, CW.order, Literal(order)))
            if source.url:
                self.add((node, CW.url, Literal(source.url, datatype=XSD.anyURI)))
            if source.accessed:
                self.add((node, CW.accessed, Literal(source.accessed)))
            if source.note:
                self.add((node, SKOS.note, Literal(source.note)))

    def agent(self, name: str) -> URIRef:
        node = URIRef(f"{BASE}agent/{_segment(name)}")
        self.add((node, RDF.type, PROV.Agent))
        self.add((node, RDFS.label, Literal(name)))
        return node

    def framework(self, framework: Framework, order: int) -> None:
        node = framework_iri(framework.prefix)
        add = self.add
        add((node, RDF.type, SKOS.ConceptScheme))
        add((node, RDF.type, CW.Framework))
        add((node, CW.prefix, Literal(framework.prefix)))
        add((node, CW.order, Literal(order)))
        add((node, SKOS.prefLabel, Literal(framework.title, lang="en")))
        add((node, DCTERMS.title, Literal(framework.title, lang="en")))
        if framework.title_zh:
            add((node, SKOS.prefLabel, Literal(framework.title_zh, lang="zh")))
            add((node, DCTERMS.title, Literal(framework.title_zh, lang="zh")))
        add((node, CW.shortName, Literal(framework.short_name)))
        add((node, CW.kind, Literal(framework.kind)))
        add((node, CW.iriBase, Literal(framework.iri_base)))
        for name, value in (
            (CW.edition, framework.edition),
            (CW.publisher, framework.publisher),
            (CW.copyright, framework.copyright),
        ):
            if value:
                add((node, name, Literal(value)))
        if framework.official_url:
            add((node, CW.url, Literal(framework.official_url, datatype=XSD.anyURI)))
        for alias in framework.aliases:
            add((node, SKOS.altLabel, Literal(alias)))
        self.literal_list(node, CW.aliasList, framework.aliases)
        self.sources(node, framework.sources)
        adoption = framework.adoption_of
        if adoption is not None:
            adoption_node = URIRef(f"{node}/adoption")
            add((node, CW.adoption, adoption_node))
            add((adoption_node, RDF.type, CW.Adoption))
            add((adoption_node, CW.adopts, framework_iri(adoption.framework)))
            add((adoption_node, CW.relation, _RELATION_NODES[adoption.relation]))
            add((adoption_node, CW.status, Literal(adoption.status)))
            add((adoption_node, DCTERMS.source, self.source(str(node), framework.sources, adoption.source)))
            if adoption.note:
                add((adoption_node, SKOS.note, Literal(adoption.note)))
            if adoption.review is not None:
                self.review(adoption_node, adoption.review)

    def clause(self, clause: Clause) -> None:
        node = self.clause_node(clause.id)
        scheme = framework_iri(clause.framework)
        add = self.add
        add((node, RDF.type, SKOS.Concept))
        add((node, RDF.type, CW.Clause))
        if clause.kind in RISK_KINDS:
            add((node, RDF.type, CW.RiskConcept))
            add((node, RDF.type, _RISK_CLASSES[clause.kind]))
        add((node, DCTERMS.identifier, Literal(clause.id)))
        add((node, SKOS.inScheme, scheme))
        add((node, SKOS.notation, Literal(clause.local)))
        if clause.parent:
            parent = self.clause_node(clause.parent)
            add((node, SKOS.broader, parent))
            add((parent, SKOS.narrower, node))
        else:
            add((node, SKOS.topConceptOf, scheme))
            add((scheme, SKOS.hasTopConcept, node))
        add((node, CW.kind, Literal(clause.kind)))
        add((node, CW.provision, Literal(clause.provision)))
        add((node, SKOS.prefLabel, Literal(clause.title, lang="en")))
        if clause.title_zh:
            add((node, SKOS.prefLabel, Literal(clause.title_zh, lang="zh")))
        if clause.summary:
            add((node, CW.summary, Literal(clause.summary)))
        add((node, CW.normative, Literal(clause.normative)))
        add((node, CW.exhaustive, Literal(clause.exhaustive)))
        add((node, CW.status, Literal(clause.status)))
        framework = self.kb.frameworks.get(clause.framework)
        sources = framework.sources if framework else ()
        add((node, DCTERMS.source, self.source(str(scheme), sources, clause.source)))
        if clause.url:
            add((node, CW.url, Literal(clause.url, datatype=XSD.anyURI)))
        if clause.note:
            add((node, SKOS.note, Literal(clause.note)))
        for predicate, list_predicate, values in (
            (CW.alias, CW.aliasList, clause.aliases),
            (CW.addressee, CW.addresseeList, clause.addressees),
            (CW.category, CW.categoryList, clause.categories),
        ):
            for value in values:
                add((node, predicate, Literal(value)))
            self.literal_list(node, list_predicate, values)
        dates = clause.applies_from
        if dates is not None:
            if dates.original:
                add((node, CW.appliesFromOriginal, Literal(dates.original)))
            if dates.omnibus:
                add((node, CW.appliesFromOmnibus, Literal(dates.omnibus)))
            if dates.note:
                add((node, CW.applicationNote, Literal(dates.note)))
            for special in dates.by_category:
                holder = BNode()
                add((node, CW.categoryDates, holder))
                add((holder, CW.category, Literal(special.category)))
                if special.original:
                    add((holder, CW.appliesFromOriginal, Literal(special.original)))
                if special.omnibus:
                    add((holder, CW.appliesFromOmnibus, Literal(special.omnibus)))
            if dates.grace is not None:
                holder = BNode()
                add((node, CW.graceDates, holder))
                add((holder, CW.placedBefore, Literal(dates.grace.placed_before)))
                if dates.grace.original:
                    add((holder, CW.appliesFromOriginal, Literal(dates.grace.original)))
                if dates.grace.omnibus:
                    add((holder, CW.appliesFromOmnibus, Literal(dates.grace.omnibus)))
        add((node, CW.order, Literal(clause.order)))
        add((node, CW.depth, Literal(clause.depth)))

    def review(self, subject: Node, review: Review) -> None:
        """A second review as a blank node: who, when, on what evidence."""
        node = BNode()
        self.add((subject, CW.review, node))
        self.add((node, RDF.type, CW.Review))
        self.add((node, PROV.wasAttributedTo, self.agent(review.by)))
        self.add((node, DCTERMS.date, Literal(review.date)))
        self.add((node, CW.evidence, Literal(review.evidence)))
        if review.source:
            self.add((node, CW.reviewSource, Literal(review.source)))

    def mapping_set(self, mapping_set: MappingSet, order: int) -> None:
        node = URIRef(f"{BASE}mappingset/{_segment(mapping_set.id)}")
        add = self.add
        add((node, RDF.type, CW.MappingSet))
        add((node, DCTERMS.identifier, Literal(mapping_set.id)))
        add((node, DCTERMS.title, Literal(mapping_set.title)))
        if mapping_set.description:
            add((node, DCTERMS.description, Literal(mapping_set.description)))
        add((node, CW.subjectFramework, framework_iri(mapping_set.subject_framework)))
        add((node, CW.objectFramework, framework_iri(mapping_set.object_framework)))
        add((node, DCTERMS.source, self.source(str(node), mapping_set.sources, mapping_set.source)))
        add((node, PROV.wasAttributedTo, self.agent(mapping_set.author)))
        add((node, DCTERMS.date, Literal(mapping_set.date)))
        if mapping_set.license:
            add((node, CW.license, Literal(mapping_set.license)))
        add((node, CW.derived, Literal(mapping_set.derived)))
        add((node, CW.order, Literal(order)))
        self.sources(node, mapping_set.sources)
        for mapping in mapping_set.mappings:
            self.mapping(mapping, node, mapping_set.sources)

    def mapping(self, mapping: Mapping, set_node: URIRef, sources: Sequence[Source]) -> None:
        node = mapping_iri(mapping.id)
        add = self.add
        subjects = [self.clause_node(s) for s in mapping.subjects]
        target = self.clause_node(mapping.object)
        add((node, RDF.type, CW.Mapping))
        add((node, DCTERMS.identifier, Literal(mapping.id)))
        for subject in subjects:
            add((node, CW.subject, subject))
        self.literal_list(node, CW.unionOf, subjects)
        add((node, CW.object, target))
        add((node, CW.relation, _RELATION_NODES[mapping.relation]))
        add((node, CW.strength, Literal(mapping.strength)))
        add((node, CW.rationale, Literal(mapping.rationale)))
        add((node, CW.justification, Literal(mapping.justification)))
        add((node, DCTERMS.source, self.source(str(set_node), sources, mapping.source)))
        add((node, PROV.wasAttributedTo, self.agent(mapping.author)))
        add((node, DCTERMS.date, Literal(mapping.date)))
        if mapping.confidence is not None:
            add((node, CW.confidence, _decimal(mapping.confidence)))
        if mapping.scope is not None:
            add((node, CW.scopeCondition, Literal(mapping.scope)))
        if mapping.review is not None:
            self.review(node, mapping.review)
        add((node, CW.inMappingSet, set_node))
        add((node, CW["index"], Literal(mapping.index)))
        if not mapping.is_union:
            # the direct triples a SKOS-only (or AIRO) tool reads; unions have no single subject
            if mapping.relation in _SKOS_MATCH:
                add((subjects[0], _SKOS_MATCH[mapping.relation], target))
            elif mapping.relation == _ADDRESSES:
                add((subjects[0], CW[_ADDRESSES], target))

    def control_node(self, control_id: str) -> URIRef:
        node = URIRef(f"{BASE}control/{_segment(control_id)}")
        if (node, RDF.type, CW.Control) not in self.graph:
            self.add((node, RDF.type, CW.Control))
            self.add((node, DCTERMS.identifier, Literal(control_id)))
        return node

    def inventory(self, inventory: Any) -> None:
        for control in getattr(inventory, "controls", inventory):
            node = self.control_node(_text(control.id))
            title = getattr(control, "title", None)
            if title:
                self.add((node, DCTERMS.title, Literal(_text(title))))
            status = getattr(control, "status", None)
            if status is not None:
                self.add((node, CW.status, Literal(_text(status))))
            for item in getattr(control, "implements", ()):
                clause_id, coverage = _implementation(item)
                clause = self.clause_node(clause_id)
                implementation = URIRef(f"{node}/implements/{_segment(clause_id)}")
                self.add((node, CW.implements, clause))
                self.add((node, CW.implementation, implementation))
                self.add((implementation, RDF.type, CW.Implementation))
                self.add((implementation, CW.clause, clause))
                if coverage is not None:
                    self.add((implementation, CW.coverage, Literal(_text(coverage))))

    def report(self, report: Any) -> None:
        report_node = URIRef(f"{BASE}report/gap")
        self.add((report_node, RDF.type, CW.GapReport))
        target = getattr(report, "target", None)
        if isinstance(target, str):
            self.add((report_node, CW.targetFramework, framework_iri(target)))
        created = getattr(report, "created", None)
        if isinstance(created, dt.date):
            self.add((report_node, DCTERMS.created, Literal(created)))
        seen: dict[str, int] = {}
        for finding in getattr(report, "findings", report):
            clause_id = _text(finding.clause_id)
            seen[clause_id] = seen.get(clause_id, 0) + 1
            suffix = "" if seen[clause_id] == 1 else f"-{seen[clause_id]}"
            node = URIRef(f"{report_node}/finding/{_segment(clause_id)}{suffix}")
            self.add((report_node, CW.finding, node))
            self.add((node, RDF.type, CW.GapFinding))
            self.add((node, CW.target, self.clause_node(clause_id)))
            self.add((node, CW.status, Literal(_text(finding.status))))
            score = getattr(finding, "score", None)
            if score is not None:
                self.add((node, CW.score, _decimal(score)))
            for control in getattr(finding, "controls", ()) or ():
                control_id = _text(getattr(control, "id", control))
                self.add((node, CW.justifiedBy, self.control_node(control_id)))


def _implementation(item: Any) -> tuple[str, Any]:
    """(clause id, coverage) from a pair or an object with ``clause_id``/``coverage``."""
    if isinstance(item, str):
        return item, None
    if isinstance(item, Sequence):
        return _text(item[0]), (item[1] if len(item) > 1 else None)
    return _text(getattr(item, "clause_id", getattr(item, "clause", item))), getattr(item, "coverage", None)


def to_graph(
    kb: KnowledgeBase, *, inventory: Any = None, report: Any = None, store: str = "default"
) -> Graph:
    """The knowledge base as an RDF graph (plus an inventory's controls and a gap report's findings).

    ``inventory`` needs ``.controls``, each with ``id``, ``title``, ``status`` and
    ``implements`` (pairs of clause id and coverage); ``report`` needs ``.findings``,
    each with ``clause_id``, ``status``, ``score`` and ``controls``. Either may be None.
    ``store`` is the rdflib store plugin: ``"SimpleMemory"`` answers SPARQL much faster
    but is not context-aware (pyshacl, for one, needs the default store).
    """
    graph = Graph(store=store)
    for name, namespace in _PREFIXES.items():
        graph.bind(name, namespace, override=True)
    for prefix, framework in kb.frameworks.items():
        if prefix not in _PREFIXES and not _ELI_ACT.match(framework.iri_base):
            graph.bind(prefix, framework.iri_base, override=False)
    writer = _Writer(graph, kb)
    for order, framework in enumerate(kb.frameworks.values()):
        writer.framework(framework, order)
    for clause in kb.clauses.values():
        writer.clause(clause)
    _check_unique_iris(writer.clause_nodes)
    for order, mapping_set in enumerate(kb.mapping_sets):
        writer.mapping_set(mapping_set, order)
    if inventory is not None:
        writer.inventory(inventory)
    if report is not None:
        writer.report(report)
    return graph


def _check_unique_iris(nodes: dict[str, URIRef]) -> None:
    owners: dict[URIRef, list[str]] = {}
    for clause_id, node in nodes.items():
        owners.setdefault(node, []).append(clause_id)
    problems = [
        Problem("(export)", str(node), "unique-iri", f"clauses {', '.join(ids)} share one IRI; give their frameworks distinct iri_base values")
        for node, ids in owners.items()
        if len(ids) > 1
    ]
    if problems:
        raise DataError(problems, title="clause IRIs collide")


OXIGRAPH_TURTLE_TRIPLES = 200_000
"""From this many triples, Turtle is written by Oxigraph when it is installed (``engine="auto"``)."""


def _serialize(graph: Graph, fmt: str, engine: str = "auto") -> bytes:
    if fmt == "json-ld":
        context = {name: str(namespace) for name, namespace in _PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, indent=1, encoding="utf-8")
    if fmt == "turtle" and engine != "rdflib":
        fast = _oxigraph_turtle(graph) if engine == "oxigraph" or len(graph) >= OXIGRAPH_TURTLE_TRIPLES else None
        if fast is not None:
            return fast
        if engine == "oxigraph":
            raise ExportError("engine='oxigraph' needs pyoxigraph: pip install 'crosswalk[oxigraph]'")
    return graph.serialize(format=fmt, encoding="utf-8")


def _oxigraph_turtle(graph: Graph) -> bytes | None:
    """Turtle written by Oxigraph, or None when it is not installed: about 6× faster than
    rdflib's writer (benchmarks/bench_rdf.py), but RDF lists come out as rdf:first/rdf:rest
    blank nodes rather than ``( … )``, which is why small graphs keep rdflib's writer. The
    triples go through N-Triples, sorted, so subjects are grouped; the prefixes are the
    graph's own, those it uses, in sorted order."""
    try:
        import pyoxigraph
    except ImportError:
        return None
    lines = graph.serialize(format="nt", encoding="utf-8").splitlines()
    data = b"\n".join(sorted(set(lines))) + b"\n"
    prefixes = {
        prefix: str(namespace)
        for prefix, namespace in graph.namespaces()
        if prefix and prefix != "xml" and b"<" + str(namespace).encode() in data
    }
    triples = pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
    text = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes) or b""
    # the prefix lines come in hash order: sort them too
    head = [line for line in text.splitlines(keepends=True)[: len(prefixes)] if line.startswith(b"@prefix ")]
    return b"".join(sorted(head)) + text[sum(map(len, head)) :]


def write_rdf(
    kb: KnowledgeBase | Graph,
    path: str | os.PathLike[str],
    *,
    format: str = "turtle",
    inventory: Any = None,
    report: Any = None,
    engine: str = "auto",
) -> Path:
    """Write a knowledge base (or a graph) as Turtle, JSON-LD or N-Triples, atomically.

    The text is written to a temporary file beside ``path`` and moved over it, so a
    failed export leaves any previous file untouched (:class:`ExportError`). Turtle is
    written by rdflib, or by Oxigraph (``engine="oxigraph"``, or ``"auto"`` from
    :data:`OXIGRAPH_TURTLE_TRIPLES` triples when pyoxigraph is installed).
    """
    if engine not in ("auto", "rdflib", "oxigraph"):
        raise ValueError(f"unknown engine {engine!r}; use auto, rdflib or oxigraph")
    fmt = RDF_FORMATS.get(format.lower())
    if fmt not in _WRITABLE:
        raise ValueError(f"unknown RDF output format {format!r}; use turtle (ttl), json-ld (jsonld) or nt")
    graph = kb if isinstance(kb, Graph) else to_graph(kb, inventory=inventory, report=report)
    data = _serialize(graph, fmt, engine)
    target = Path(path)
    temporary: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "wb", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
        ) as handle:
            temporary = handle.name
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise ExportError(f"cannot write {target}: {error}") from error
    return target


# -- safe parsing -----------------------------------------------------------------------

_OFFLINE: contextvars.ContextVar[bool] = contextvars.ContextVar("crosswalk_offline", default=False)
_NETWORK_EVENTS = frozenset({"socket.connect", "socket.getaddrinfo", "urllib.Request", "http.client.connect"})
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _NETWORK_EVENTS and _OFFLINE.get():
        raise PermissionError(f"network access is blocked while crosswalk parses or queries RDF ({event})")


@contextlib.contextmanager
def offline() -> Iterator[None]:
    """Block network access from this thread while the block runs (an audit hook)."""
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True
    token = _OFFLINE.set(True)
    try:
        yield
    finally:
        _OFFLINE.reset(token)


def _json_ld_problems(document: Any, origin: str) -> list[Problem]:
    """Remote or imported contexts (which a JSON-LD processor would fetch) are refused."""
    problems = []
    stack = [(document, "$")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "@context":
                    for context in item if isinstance(item, list) else [item]:
                        if isinstance(context, str):
                            problems.append(Problem(origin, where, "no-remote-context", f"remote @context {context!r} is not fetched; inline the context"))
                if key == "@import":
                    problems.append(Problem(origin, where, "no-remote-context", f"@import {item!r} is not fetched; inline the context"))
                stack.append((item, f"{where}.{key}"))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{index}]") for index, item in enumerate(value))
    return problems


_DOCTYPE = re.compile(r"<!DOCTYPE\b(?P<body>[^\[>]*)(?:\[(?P<subset>.*?)\])?\s*>", re.DOTALL | re.IGNORECASE)
_ENTITY = re.compile(r"<!ENTITY\s+(?P<body>[^>]*)>", re.DOTALL | re.IGNORECASE)


def _xml_problems(text: str, origin: str) -> list[Problem]:
    """External entities and DTDs, and entities built from entities, are refused."""
    problems = []
    for doctype in _DOCTYPE.finditer(text):
        if re.search(r"\b(SYSTEM|PUBLIC)\b", doctype.group("body")):
            problems.append(Problem(origin, "DOCTYPE", "no-external-entity", "an external DTD is not loaded"))
        for entity in _ENTITY.finditer(doctype.group("subset") or ""):
            body = entity.group("body")
            if re.search(r"\b(SYSTEM|PUBLIC)\b", body):
                problems.append(Problem(origin, "ENTITY", "no-external-entity", f"external entity refused: <!ENTITY {body.strip()[:60]}>"))
            elif "&" in body or "%" in body:
                problems.append(Problem(origin, "ENTITY", "no-entity-expansion", f"entity built from entities refused: <!ENTITY {body.strip()[:60]}>"))
    return problems


def parse_graph(
    data: str | bytes,
    *,
    format: str,
    base: str | None = None,
    origin: str = "<string>",
    store: str = "default",
) -> Graph:
    """Parse RDF text safely: no network, no remote JSON-LD contexts, no external entities.

    Raises :class:`DataError` naming ``origin`` for unsafe input or a syntax error.
    ``store`` is the rdflib store plugin (see :func:`to_graph`).
    """
    fmt = RDF_FORMATS.get(format.lower())
    if fmt is None:
        raise DataError([Problem(origin, "", "rdf-format", f"unknown RDF format {format!r}; known: {', '.join(sorted(RDF_FORMATS))}")])
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    problems: list[Problem] = []
    if fmt == "json-ld":
        try:
            problems = _json_ld_problems(json.loads(text), origin)
        except json.JSONDecodeError as error:
            problems = [Problem(origin, f"line {error.lineno}, column {error.colno}", "json-syntax", error.msg)]
    elif fmt == "xml":
        problems = _xml_problems(text, origin)
    if problems:
        raise DataError(problems, title=f"{origin}: refused to parse RDF")
    # rdflib's JSON-LD parser needs a context-aware store
    graph = Graph(store="default" if fmt == "json-ld" else store)
    try:
        with offline(), warnings.catch_warnings():
            # rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph
            warnings.simplefilter("ignore", DeprecationWarning)
            graph.parse(data=text, format=fmt, publicID=base or f"{BASE}input/")
    except PermissionError as error:
        raise DataError([Problem(origin, "", "no-network", str(error))]) from error
    except Exception as error:  # rdflib's parsers raise many unrelated types
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DataError([Problem(origin, "", "rdf-syntax", message)], title=f"{origin}: not valid {fmt}") from error
    return graph


def read_graph(
    path: str | os.PathLike[str], *, format: str | None = None, store: str = "default"
) -> Graph:
    """Parse a local RDF file safely; the format comes from the suffix unless given."""
    source = Path(path)
    fmt = format or _SUFFIX_FORMATS.get(source.suffix.lower())
    if fmt is None:
        raise DataError([Problem(str(source), "", "rdf-format", f"cannot tell the RDF format from {source.suffix!r}; pass format=")])
    try:
        size = source.stat().st_size
        if size > _MAX_RDF_BYTES:
            raise DataError([Problem(str(source), "", "file-size", f"{size} bytes is over the {_MAX_RDF_BYTES // 2**20} MB limit")])
        data = source.read_bytes()
    except OSError as error:
        raise DataError([Problem(str(source), "", "readable", str(error))]) from error
    return parse_graph(data, format=fmt, base=source.resolve().as_uri(), origin=str(source), store=store)


# -- import -----------------------------------------------------------------------------


class _Reader:
    """Rebuilds the model objects of an export, collecting every problem."""

    def __init__(self, graph: Graph, origin: str) -> None:
        self.graph = graph
        self.origin = origin
        self.problems: list[Problem] = []

    def problem(self, node: Node, rule: str, message: str) -> None:
        self.problems.append(Problem(self.origin, str(node), rule, message))

    def values(self, node: Node, predicate: URIRef) -> list[Node]:
        return list(self.graph.objects(node, predicate))

    def one(self, node: Node, predicate: URIRef, *, required: bool = True, language: str | None = None) -> Any:
        """The single value of a functional property, as a Python value (None if absent)."""
        found = self.values(node, predicate)
        if language is not None:
            found = [v for v in found if isinstance(v, Literal) and v.language == language]
        if len(found) > 1:
            self.problem(node, "functional", f"{self.graph.qname(predicate)} has {len(found)} values")
        if not found:
            if required:
                self.problem(node, "required", f"{self.graph.qname(predicate)} is missing")
            return None
        value = found[0]
        return _python(value)

    def texts(self, node: Node, predicate: URIRef, list_predicate: URIRef) -> tuple[str, ...]:
        """Multi-valued text, in the order of its list when the export kept one."""
        head = self.graph.value(node, list_predicate)
        if head is not None:
            return tuple(str(v) for v in Collection(self.graph, head))
        return tuple(sorted(str(v) for v in self.values(node, predicate)))

    def ordered(self, cls: URIRef) -> list[Node]:
        nodes = set(self.graph.subjects(RDF.type, cls))
        return sorted(nodes, key=lambda n: (_as_int(self.graph.value(n, CW.order)), str(n)))

    def prefix_of(self, node: Node | None, prefixes: dict[Node, str]) -> str | None:
        """The prefix of a framework node (from its IRI if the framework was not exported)."""
        if node is None:
            return None
        return prefixes.get(node) or unquote(str(node).rsplit("/", 1)[-1])

    def identifier(self, node: Node) -> str | None:
        value = self.graph.value(node, DCTERMS.identifier)
        return str(value) if value is not None else None

    def build(self, node: Node, factory: Callable[..., Any], **fields: Any) -> Any:
        try:
            return factory(**fields)
        except ValidationError as error:
            for item in error.errors():
                where = ".".join(str(p) for p in item["loc"])
                self.problem(node, item["type"], f"{where}: {item['msg']}")
            return None

    def sources(self, owner: Node) -> tuple[Source, ...]:
        nodes = sorted(self.values(owner, CW.citesSource), key=lambda n: (_as_int(self.graph.value(n, CW.order)), str(n)))
        built = (
            self.build(
                node,
                Source,
                id=self.one(node, DCTERMS.identifier),
                title=self.one(node, DCTERMS.title),
                url=self.one(node, CW.url, required=False),
                accessed=self.one(node, CW.accessed, required=False),
                note=self.one(node, SKOS.note, required=False),
            )
            for node in nodes
        )
        return tuple(s for s in built if s is not None)

    def source_id(self, node: Node) -> str | None:
        target = self.graph.value(node, DCTERMS.source)
        if target is None:
            self.problem(node, "required", "dcterms:source is missing")
            return None
        return self.identifier(target) or unquote(str(target).rsplit("/", 1)[-1])

    def agent(self, node: Node) -> str | None:
        target = self.graph.value(node, PROV.wasAttributedTo)
        if target is None:
            self.problem(node, "required", "prov:wasAttributedTo is missing")
            return None
        label = self.graph.value(target, RDFS.label)
        return str(label) if label is not None else unquote(str(target).rsplit("/", 1)[-1])

    def frameworks(self) -> tuple[list[Framework], dict[Node, str]]:
        result, prefixes = [], {}
        for node in self.ordered(CW.Framework):
            prefix = self.one(node, CW.prefix)
            if prefix is None:
                continue
            prefixes[node] = str(prefix)
        for node in self.ordered(CW.Framework):
            if node not in prefixes:
                continue
            adoption = None
            adoption_node = self.graph.value(node, CW.adoption)
            if adoption_node is not None:
                adopted = self.graph.value(adoption_node, CW.adopts)
                relation = self.graph.value(adoption_node, CW.relation)
                adoption = self.build(
                    adoption_node,
                    Adoption,
                    framework=self.prefix_of(adopted, prefixes),
                    relation=_relation_name(relation),
                    status=self.one(adoption_node, CW.status),
                    source=self.source_id(adoption_node),
                    note=self.one(adoption_node, SKOS.note, required=False),
                    review=self.review(adoption_node),
                )
            framework = self.build(
                node,
                Framework,
                prefix=prefixes[node],
                title=self.one(node, SKOS.prefLabel, language="en"),
                title_zh=self.one(node, SKOS.prefLabel, language="zh", required=False),
                short_name=self.one(node, CW.shortName),
                edition=self.one(node, CW.edition, required=False),
                publisher=self.one(node, CW.publisher, required=False),
                kind=self.one(node, CW.kind),
                official_url=self.one(node, CW.url, required=False),
                iri_base=self.one(node, CW.iriBase),
                aliases=self.texts(node, SKOS.altLabel, CW.aliasList),
                copyright=self.one(node, CW.copyright, required=False),
                adoption_of=adoption,
                sources=self.sources(node),
            )
            if framework is not None:
                result.append(framework)
        return result, prefixes

    def clauses(self, prefixes: dict[Node, str]) -> tuple[list[Clause], dict[Node, str]]:
        nodes = list(self.graph.subjects(RDF.type, CW.Clause))
        ids: dict[Node, str] = {}
        for node in nodes:
            identifier = self.identifier(node)
            if identifier is None:
                self.problem(node, "required", "dcterms:identifier is missing")
            else:
                ids[node] = identifier
        framework_order = {prefix: index for index, prefix in enumerate(prefixes.values())}
        result = []
        for node, clause_id in ids.items():
            scheme = self.graph.value(node, SKOS.inScheme)
            if scheme not in prefixes:
                self.problem(node, "in-scheme", f"{clause_id} is in no exported framework")
                continue
            parent = self.graph.value(node, SKOS.broader)
            dates = [self.one(node, p, required=False) for p in (CW.appliesFromOriginal, CW.appliesFromOmnibus, CW.applicationNote)]
            special = tuple(
                sorted(
                    (
                        CategoryDates(
                            category=str(self.graph.value(holder, CW.category)),
                            original=self.one(holder, CW.appliesFromOriginal, required=False),
                            omnibus=self.one(holder, CW.appliesFromOmnibus, required=False),
                        )
                        for holder in self.graph.objects(node, CW.categoryDates)
                    ),
                    key=lambda d: d.category,
                )
            )
            grace_node = self.graph.value(node, CW.graceDates)
            grace = (
                GraceDates(
                    placed_before=self.one(grace_node, CW.placedBefore),
                    original=self.one(grace_node, CW.appliesFromOriginal, required=False),
                    omnibus=self.one(grace_node, CW.appliesFromOmnibus, required=False),
                )
                if grace_node is not None
                else None
            )
            clause = self.build(
                node,
                Clause,
                id=clause_id,
                framework=prefixes[scheme],
                local=self.one(node, SKOS.notation),
                parent=ids.get(parent) if parent is not None else None,
                kind=self.one(node, CW.kind),
                provision=self.one(node, CW.provision),
                title=self.one(node, SKOS.prefLabel, language="en"),
                title_zh=self.one(node, SKOS.prefLabel, language="zh", required=False),
                summary=self.one(node, CW.summary, required=False),
                normative=self.one(node, CW.normative),
                status=self.one(node, CW.status),
                source=self.source_id(node),
                url=self.one(node, CW.url, required=False),
                note=self.one(node, SKOS.note, required=False),
                exhaustive=self.one(node, CW.exhaustive),
                aliases=self.texts(node, CW.alias, CW.aliasList),
                addressees=self.texts(node, CW.addressee, CW.addresseeList),
                categories=self.texts(node, CW.category, CW.categoryList),
                applies_from=ApplicationDates(
                    original=dates[0], omnibus=dates[1], note=dates[2], by_category=special, grace=grace
                )
                if any(d is not None for d in dates) or special or grace
                else None,
                order=self.one(node, CW.order),
                depth=self.one(node, CW.depth),
            )
            if clause is not None:
                if clause.id != f"{clause.framework}:{clause.local}":
                    self.problem(node, "clause-id", f"{clause.id} does not match {clause.framework}:{clause.local}")
                result.append(clause)
        result.sort(key=lambda c: (framework_order.get(c.framework, len(framework_order)), c.order, c.id))
        return result, ids

    def mapping_sets(self, prefixes: dict[Node, str], ids: dict[Node, str]) -> list[MappingSet]:
        members: dict[Node, list[Node]] = {}
        for node in self.graph.subjects(RDF.type, CW.Mapping):
            owner = self.graph.value(node, CW.inMappingSet)
            if owner is None:
                self.problem(node, "required", "cw:inMappingSet is missing")
                continue
            members.setdefault(owner, []).append(node)
        result = []
        for node in self.ordered(CW.MappingSet):
            set_id = self.identifier(node)
            mappings = []
            for member in sorted(members.get(node, []), key=lambda n: (_as_int(self.graph.value(n, CW["index"])), str(n))):
                mapping = self.mapping(member, ids, set_id)
                if mapping is not None:
                    mappings.append(mapping)
            built = self.build(
                node,
                MappingSet,
                id=set_id,
                title=self.one(node, DCTERMS.title),
                description=self.one(node, DCTERMS.description, required=False),
                subject_framework=self.prefix_of(self.graph.value(node, CW.subjectFramework), prefixes),
                object_framework=self.prefix_of(self.graph.value(node, CW.objectFramework), prefixes),
                source=self.source_id(node),
                author=self.agent(node),
                date=self.one(node, DCTERMS.date),
                license=self.one(node, CW.license, required=False),
                sources=self.sources(node),
                mappings=tuple(mappings),
                derived=self.one(node, CW.derived),
            )
            if built is not None:
                result.append(built)
        return result

    def review(self, subject: Node) -> Review | None:
        node = self.graph.value(subject, CW.review)
        if node is None:
            return None
        return self.build(
            node,
            Review,
            by=self.agent(node),
            date=self.one(node, DCTERMS.date),
            evidence=self.one(node, CW.evidence),
            source=self.one(node, CW.reviewSource, required=False),
        )

    def mapping(self, node: Node, ids: dict[Node, str], set_id: str | None) -> Mapping | None:
        head = self.graph.value(node, CW.unionOf)
        subject_nodes = list(Collection(self.graph, head)) if head is not None else self.values(node, CW.subject)
        target = self.graph.value(node, CW.object)
        if target is None:
            self.problem(node, "required", "cw:object is missing")
            return None
        unknown = [n for n in [*subject_nodes, target] if n not in ids]
        if unknown:
            self.problem(node, "known-clause", f"refers to {', '.join(str(n) for n in unknown)}, which is no exported clause")
            return None
        return self.build(
            node,
            Mapping,
            id=self.identifier(node),
            subjects=tuple(ids[n] for n in subject_nodes),
            relation=_relation_name(self.graph.value(node, CW.relation)),
            object=ids[target],
            strength=self.one(node, CW.strength),
            rationale=self.one(node, CW.rationale),
            justification=self.one(node, CW.justification),
            source=self.source_id(node),
            author=self.agent(node),
            date=self.one(node, DCTERMS.date),
            confidence=self.one(node, CW.confidence, required=False),
            scope=self.one(node, CW.scopeCondition, required=False),
            review=self.review(node),
            mapping_set=set_id,
            index=self.one(node, CW["index"]),
        )


def _python(value: Node) -> Any:
    if isinstance(value, Literal):
        if value.datatype is None or value.datatype in (XSD.string, XSD.anyURI):
            return str(value)
        result = value.toPython()
        return float(result) if isinstance(result, Decimal) else result
    return str(value)


def _as_int(value: Node | None) -> int:
    """An integer literal's value; missing or malformed values sort last."""
    if isinstance(value, Literal) and isinstance(value.toPython(), int):
        return int(value.toPython())
    return 1 << 31


_RELATION_NAMES: dict[Node, str] = {iri: name for name, iri in _RELATION_NODES.items()}


def _relation_name(node: Node | None) -> str | None:
    return _RELATION_NAMES.get(node) if node is not None else None


def to_knowledge_base(graph: Graph, *, origin: str = "<graph>") -> KnowledgeBase:
    """Rebuild a knowledge base from an exported graph; every problem is raised at once."""
    reader = _Reader(graph, origin)
    frameworks, prefixes = reader.frameworks()
    clauses, ids = reader.clauses(prefixes)
    mapping_sets = reader.mapping_sets(prefixes, ids)
    kb = KnowledgeBase(frameworks, clauses, mapping_sets)
    problems = reader.problems or kb.reference_problems()
    if any(p.severity == "error" for p in problems):
        raise DataError(problems, title=f"{origin}: {len(problems)} problem(s) rebuilding the knowledge base")
    return kb


def read_rdf(path: str | os.PathLike[str], *, format: str | None = None) -> KnowledgeBase:
    """Load an exported knowledge base (Turtle, JSON-LD, N-Triples or RDF/XML) back.

    >>> # write_rdf(kb, "kb.ttl"); read_rdf("kb.ttl") has the same frameworks, clauses, mappings
    """
    graph = read_graph(path, format=format, store="SimpleMemory")
    return to_knowledge_base(graph, origin=str(path))


# -- the composition table as RDF -------------------------------------------------------


def composition_turtle() -> str:
    """``ontologies/composition.ttl``: the RCC-5 composition table of composition.tsv as RDF."""
    lines = [
        "# RCC-5 composition of the STRM relations (DESIGN.md §4) as RDF: one cw:Composition per",
        "# cell, A cw:left B and B cw:right C leave the cw:result relations possible between A and C.",
        "# GENERATED from ontologies/composition.tsv by crosswalk.rdf.composition_turtle(); do not",
        "# edit. Regenerate with:",
        "#   python -c \"import crosswalk.rdf as r; r.write_composition()\"",
        "",
        "@prefix cw:      <https://w3id.org/crosswalk/ontology#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix owl:     <http://www.w3.org/2002/07/owl#> .",
        "",
        "<https://w3id.org/crosswalk/ontology/composition>",
        "    a owl:Ontology ;",
        '    dcterms:title "crosswalk vocabulary: RCC-5 composition table"@en ;',
        "    owl:imports <https://w3id.org/crosswalk/ontology> .",
    ]
    table = composition_table()
    for left in Relation:
        for right in Relation:
            results = [r for r in Relation if r in table[left, right]]
            lines += [
                "",
                f"cw:compose_{left.value}__{right.value} a cw:Composition ;",
                f"    cw:left cw:{left.value} ;",
                f"    cw:right cw:{right.value} ;",
                "    cw:result " + " , ".join(f"cw:{r.value}" for r in results) + " .",
            ]
    return "\n".join(lines) + "\n"


def write_composition(path: str | os.PathLike[str] | None = None) -> Path:
    """Regenerate ``ontologies/composition.ttl`` from ``ontologies/composition.tsv``."""
    target = Path(path) if path is not None else ontologies_dir() / "composition.ttl"
    target.write_text(composition_turtle(), encoding="utf-8")
    return target

