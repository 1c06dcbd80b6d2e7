"""RDF export of a knowledge base (vocabulary in ``ontologies/``).

Frameworks become ``skos:ConceptScheme``, clauses ``skos:Concept`` and every mapping a
reified ``cw:Mapping`` node carrying its relation and provenance, plus the SKOS match
triple of each relation for tools that read only SKOS; an inventory's controls and a
gap report's findings can come along.

>>> import crosswalk
>>> from crosswalk.rdf import CW, to_graph
>>> kb = crosswalk.load()
>>> graph = to_graph(kb)
>>> len(list(graph.subjects(predicate=None, object=CW.Mapping))) == len(kb.mappings)
True
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

from crosswalk.io.atomic import write_bytes_atomic
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import DataError, ExportError, Problem
from crosswalk.model.ids import (
    BASE,
    default_iri_base,
    is_eli_act,
    mapping_set_iri,
    segment,
)
from crosswalk.model.records import (
    RISK_KINDS,
    ApplicationDates,
    Clause,
    Framework,
    Mapping,
    MappingSet,
    Review,
    Source,
)
from crosswalk.rdf.terms import (
    ADDRESSES,
    CW,
    PREFIXES,
    RDF_FORMATS,
    RELATION_NODES,
    RISK_CLASSES,
    SKOS_MATCH,
    WRITABLE_FORMATS,
    clause_iri,
    framework_iri,
    mapping_iri,
)

__all__ = [
    "OXIGRAPH_TURTLE_TRIPLES",
    "to_graph",
    "write_rdf",
]

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
            base = framework.iri_base if framework else default_iri_base(prefix)
            node = self.clause_nodes[clause_id] = clause_iri(base, local, prefix)
        return node

    def literal_list(self, node: Node, predicate: URIRef, values: Sequence[Any]) -> None:
        """Values kept in order (only when order can matter: two or more)."""
        if len(values) > 1:
            head = BNode()
            Collection(
                self.graph, head, [Literal(v) if not isinstance(v, Node) else v for v in values]
            )
            self.add((node, predicate, head))

    def source(self, owner: str, sources: Sequence[Source], source_id: str) -> URIRef:
        if any(s.id == source_id for s in sources):
            return URIRef(f"{owner}/source/{segment(source_id)}")
        node = URIRef(f"{BASE}source/{segment(source_id)}")
        self.add((node, RDF.type, CW.Source))
        self.add((node, DCTERMS.identifier, Literal(source_id)))
        return node

    def sources(self, owner: URIRef, sources: Sequence[Source]) -> None:
        for order, source in enumerate(sources):
            node = URIRef(f"{owner}/source/{segment(source.id)}")
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
        node = URIRef(f"{BASE}agent/{segment(name)}")
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
        add((node, CW.summaries, Literal(framework.summaries)))
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
            add((adoption_node, CW.relation, RELATION_NODES[adoption.relation]))
            add((adoption_node, CW.status, Literal(adoption.status)))
            add(
                (
                    adoption_node,
                    DCTERMS.source,
                    self.source(str(node), framework.sources, adoption.source),
                )
            )
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
            add((node, RDF.type, RISK_CLASSES[clause.kind]))
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
        if clause.applies_from is not None:
            self.dates(node, clause.applies_from)
        add((node, CW.order, Literal(clause.order)))
        add((node, CW.depth, Literal(clause.depth)))

    def dates(self, node: URIRef, dates: ApplicationDates) -> None:
        """A provision's application dates: Art 113, the Digital Omnibus, per category, grace."""
        add = self.add
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
        if dates.ends is not None:
            if dates.ends.original:
                add((node, CW.endsOriginal, Literal(dates.ends.original)))
            if dates.ends.omnibus:
                add((node, CW.endsOmnibus, Literal(dates.ends.omnibus)))

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
        node = URIRef(mapping_set_iri(mapping_set.id))
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
        add((node, CW.relation, RELATION_NODES[mapping.relation]))
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
            if mapping.relation in SKOS_MATCH:
                add((subjects[0], SKOS_MATCH[mapping.relation], target))
            elif mapping.relation == ADDRESSES:
                add((subjects[0], CW[ADDRESSES], target))

    def control_node(self, control_id: str) -> URIRef:
        node = URIRef(f"{BASE}control/{segment(control_id)}")
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
                implementation = URIRef(f"{node}/implements/{segment(clause_id)}")
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
            node = URIRef(f"{report_node}/finding/{segment(clause_id)}{suffix}")
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
    return _text(getattr(item, "clause_id", getattr(item, "clause", item))), getattr(
        item, "coverage", None
    )


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
    for name, namespace in PREFIXES.items():
        graph.bind(name, namespace, override=True)
    for prefix, framework in kb.frameworks.items():
        if prefix not in PREFIXES and not is_eli_act(framework.iri_base):
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
        Problem(
            "(export)",
            str(node),
            "unique-iri",
            f"clauses {', '.join(ids)} share one IRI; give their frameworks distinct iri_base values",
        )
        for node, ids in owners.items()
        if len(ids) > 1
    ]
    if problems:
        raise DataError(problems, title="clause IRIs collide")


OXIGRAPH_TURTLE_TRIPLES = 200_000
"""From this many triples, Turtle is written by Oxigraph when it is installed (``engine="auto"``)."""


def _serialize(graph: Graph, fmt: str, engine: str = "auto") -> bytes:
    if fmt == "json-ld":
        context = {name: str(namespace) for name, namespace in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, indent=1, encoding="utf-8")
    if fmt == "turtle" and engine != "rdflib":
        fast = (
            _oxigraph_turtle(graph)
            if engine == "oxigraph" or len(graph) >= OXIGRAPH_TURTLE_TRIPLES
            else None
        )
        if fast is not None:
            return fast
        if engine == "oxigraph":
            raise ExportError(
                "engine='oxigraph' needs pyoxigraph: pip install 'crosswalk[oxigraph]'"
            )
    return graph.serialize(format=fmt, encoding="utf-8")


def _oxigraph_turtle(graph: Graph) -> bytes | None:
    """Turtle written by Oxigraph, or None when it is not installed.

    About 6× faster than rdflib's writer (benchmarks/bench_rdf.py), but RDF lists come out as
    rdf:first/rdf:rest blank nodes rather than ``( … )``, which is why small graphs keep rdflib's
    writer. The triples go through N-Triples, sorted, so subjects are grouped; the prefixes are the
    graph's own, those it uses, in sorted order.
    """
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
    text = (
        pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes) or b""
    )
    # the prefix lines come in hash order: sort them too
    head = [
        line
        for line in text.splitlines(keepends=True)[: len(prefixes)]
        if line.startswith(b"@prefix ")
    ]
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
    if fmt not in WRITABLE_FORMATS:
        raise ValueError(
            f"unknown RDF output format {format!r}; use turtle (ttl), json-ld (jsonld) or nt"
        )
    graph = kb if isinstance(kb, Graph) else to_graph(kb, inventory=inventory, report=report)
    return write_bytes_atomic(path, _serialize(graph, fmt, engine))
