"""The triples of an export: a knowledge base (and an inventory, a gap report) as RDF terms.

One walk over the knowledge base (:class:`TripleWriter`) says what an export holds; a
*sink* (:mod:`crosswalk.rdf.sinks`) receives each triple: N-Triples lines (the fast path:
Turtle is written from them, Oxigraph loads them) or rdflib terms added to a graph
(:func:`crosswalk.rdf.write.to_graph`). Both receive the same triples, so every format
holds the same graph.

An export has **no blank nodes**: the nodes that have no name of their own (a mapping's
second review, dates for one system category, the cells of an ordered list) get
Skolem IRIs (RDF 1.1 Concepts, 3.5) under :data:`GENID`, derived from their owner and
role. Two exports of the same data are the same set of triples, so merging them, or
loading a ``gap --rdf`` file beside the knowledge base, duplicates nothing.

A mapping between clauses of *different* frameworks also gets its SKOS mapping triple
(docs/design.md, *Relations*). SKOS mapping properties link concepts of different
concept schemes only (SKOS Reference, section 10), so a mapping inside one framework
gets instead ``skos:related`` for ``intersects_with`` (the associative relation that
``skos:relatedMatch`` specialises) and the relation itself as a property
(``cw:equal``, ``cw:subset_of``, ``cw:superset_of``) otherwise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import DataError, ExportError, Problem
from crosswalk.model.ids import (
    BASE,
    VOCABULARY_IRI,
    clause_iri,
    default_iri_base,
    framework_iri,
    mapping_iri,
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
from crosswalk.rdf.sinks import Sink
from crosswalk.reasoning.relations import Relation

__all__ = ["GENID", "TripleWriter", "write_triples"]

GENID = BASE + ".well-known/genid/"
"""Where the Skolem IRIs of nodes without a name of their own live."""

CW = VOCABULARY_IRI
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
TYPE = RDF + "type"
ADDRESSES = "addresses"
_RISK_CLASSES = {"risk_source": CW + "RiskSource", "risk_category": CW + "RiskCategory"}
_SKOS_MATCH = {r.value: SKOS + r.skos for r in Relation if r.skos}
# inside one framework (one concept scheme) SKOS mapping properties do not apply
_SAME_SCHEME = {
    "equal": CW + "equal",
    "subset_of": CW + "subset_of",
    "superset_of": CW + "superset_of",
    "intersects_with": SKOS + "related",
}
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _genid(*parts: object) -> str:
    """A Skolem IRI named by its owner and role (the same in every export of the same data)."""
    digest = hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:24]
    return GENID + digest


def _decimal(value: float) -> Decimal:
    """xsd:decimal that reads back as the same float (and prints as 0.85, not 8.5e-01)."""
    return Decimal(repr(float(value)))


def _text(value: Any) -> str:
    """Plain text of a duck-typed value (an Enum's value, else str)."""
    return str(getattr(value, "value", value))


class TripleWriter:
    """Sends the triples of one knowledge base (and optional inventory/report) to a sink."""

    def __init__(self, sink: Sink, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.link: Callable[[str, str, str], None] = sink.link
        self.value: Callable[..., None] = sink.value
        self.clause_nodes: dict[str, str] = {}
        self.seen: set[str] = set()
        self._bases = {prefix: self._base(f) for prefix, f in kb.frameworks.items()}

    @staticmethod
    def _base(framework: Framework) -> str:
        if _BAD_IRI.search(framework.iri_base):
            raise ExportError(
                f"framework {framework.prefix}: iri_base {framework.iri_base!r} holds characters "
                "an IRI cannot hold (space, <, >, quotes, braces, backslash)"
            )
        return framework.iri_base

    def once(self, node: str) -> bool:
        """True the first time a shared node (source, agent, control) is met."""
        if node in self.seen:
            return False
        self.seen.add(node)
        return True

    def clause_node(self, clause_id: str) -> str:
        """The IRI of a clause (the id is checked once per export)."""
        node = self.clause_nodes.get(clause_id)
        if node is None:
            prefix, local = clause_id.split(":", 1)
            base = self._bases.get(prefix) or default_iri_base(prefix)
            node = self.clause_nodes[clause_id] = clause_iri(base, local, prefix)
        return node

    def ordered(self, node: str, predicate: str, values: Sequence[Any], *, iris: bool) -> None:
        """Values kept in order as an rdf:List (only when order can matter: two or more)."""
        if len(values) < 2:
            return
        cells = [_genid(node, predicate, index) for index in range(len(values))]
        self.link(node, predicate, cells[0])
        for index, (cell, item) in enumerate(zip(cells, values, strict=True)):
            if iris:
                self.link(cell, RDF + "first", item)
            else:
                self.value(cell, RDF + "first", item)
            self.link(
                cell, RDF + "rest", cells[index + 1] if index + 1 < len(cells) else RDF + "nil"
            )

    def source(self, owner: str, sources: Sequence[Source], source_id: str) -> str:
        """The node of one cited source, written with its title and link."""
        if any(s.id == source_id for s in sources):
            return f"{owner}/source/{segment(source_id)}"
        node = f"{BASE}source/{segment(source_id)}"
        if self.once(node):
            self.link(node, TYPE, CW + "Source")
            self.value(node, DCTERMS + "identifier", source_id)
        return node

    def sources(self, owner: str, sources: Sequence[Source]) -> None:
        """Link every source a framework or mapping file cites."""
        link, value = self.link, self.value
        for order, source in enumerate(sources):
            node = f"{owner}/source/{segment(source.id)}"
            link(owner, CW + "citesSource", node)
            link(node, TYPE, CW + "Source")
            value(node, DCTERMS + "identifier", source.id)
            value(node, DCTERMS + "title", source.title)
            value(node, CW + "order", order)
            if source.url:
                value(node, CW + "url", source.url, "uri")
            if source.accessed:
                value(node, CW + "accessed", source.accessed)
            if source.note:
                value(node, SKOS + "note", source.note)

    def agent(self, name: str) -> str:
        """The node of a person or organisation that asserted or reviewed something."""
        node = f"{BASE}agent/{segment(name)}"
        if self.once(node):
            self.link(node, TYPE, PROV + "Agent")
            self.value(node, RDFS + "label", name)
        return node

    def framework(self, framework: Framework, order: int) -> None:
        """A framework as a concept scheme, with its metadata."""
        node = framework_iri(framework.prefix)
        link, value = self.link, self.value
        link(node, TYPE, SKOS + "ConceptScheme")
        link(node, TYPE, CW + "Framework")
        value(node, CW + "prefix", framework.prefix)
        value(node, CW + "order", order)
        for predicate in (SKOS + "prefLabel", DCTERMS + "title"):
            value(node, predicate, framework.title, "en")
            if framework.title_zh:
                value(node, predicate, framework.title_zh, "zh")
        value(node, CW + "shortName", framework.short_name)
        value(node, CW + "kind", framework.kind)
        value(node, CW + "iriBase", framework.iri_base)
        value(node, CW + "summaries", framework.summaries)
        for name, text in (
            ("edition", framework.edition),
            ("publisher", framework.publisher),
            ("copyright", framework.copyright),
        ):
            if text:
                value(node, CW + name, text)
        if framework.official_url:
            value(node, CW + "url", framework.official_url, "uri")
        for alias in framework.aliases:
            value(node, SKOS + "altLabel", alias)
        self.ordered(node, CW + "aliasList", framework.aliases, iris=False)
        self.sources(node, framework.sources)
        adoption = framework.adoption_of
        if adoption is not None:
            holder = f"{node}/adoption"
            link(node, CW + "adoption", holder)
            link(holder, TYPE, CW + "Adoption")
            link(holder, CW + "adopts", framework_iri(adoption.framework))
            link(holder, CW + "relation", CW + adoption.relation)
            value(holder, CW + "status", adoption.status)
            link(holder, DCTERMS + "source", self.source(node, framework.sources, adoption.source))
            if adoption.note:
                value(holder, SKOS + "note", adoption.note)
            if adoption.review is not None:
                self.review(holder, adoption.review)

    def clause(self, clause: Clause) -> None:
        """A clause as a concept in its framework's scheme."""
        node = self.clause_node(clause.id)
        scheme = framework_iri(clause.framework)
        link, value = self.link, self.value
        link(node, TYPE, SKOS + "Concept")
        link(node, TYPE, CW + "Clause")
        if clause.kind in RISK_KINDS:
            link(node, TYPE, CW + "RiskConcept")
            link(node, TYPE, _RISK_CLASSES[clause.kind])
        value(node, DCTERMS + "identifier", clause.id)
        link(node, SKOS + "inScheme", scheme)
        value(node, SKOS + "notation", clause.local)
        if clause.parent:
            parent = self.clause_node(clause.parent)
            link(node, SKOS + "broader", parent)
            link(parent, SKOS + "narrower", node)
        else:
            link(node, SKOS + "topConceptOf", scheme)
            link(scheme, SKOS + "hasTopConcept", node)
        value(node, CW + "kind", clause.kind)
        value(node, CW + "provision", clause.provision)
        value(node, SKOS + "prefLabel", clause.title, "en")
        if clause.title_zh:
            value(node, SKOS + "prefLabel", clause.title_zh, "zh")
        if clause.summary:
            value(node, CW + "summary", clause.summary)
        value(node, CW + "normative", clause.normative)
        value(node, CW + "exhaustive", clause.exhaustive)
        value(node, CW + "status", clause.status)
        framework = self.kb.frameworks.get(clause.framework)
        sources = framework.sources if framework else ()
        link(node, DCTERMS + "source", self.source(scheme, sources, clause.source))
        if clause.url:
            value(node, CW + "url", clause.url, "uri")
        if clause.note:
            value(node, SKOS + "note", clause.note)
        for name, values in (
            ("alias", clause.aliases),
            ("addressee", clause.addressees),
            ("category", clause.categories),
            ("appliesWith", clause.applies_with),
        ):
            for item in values:
                value(node, CW + name, item)
            self.ordered(node, f"{CW}{name}List", values, iris=False)
        if clause.applies_from is not None:
            self.dates(node, clause.applies_from)
        value(node, CW + "order", clause.order)
        value(node, CW + "depth", clause.depth)

    def dates(self, node: str, dates: ApplicationDates) -> None:
        """A provision's application dates: Art 113, the Digital Omnibus, per category, grace."""
        link, value = self.link, self.value
        if dates.original:
            value(node, CW + "appliesFromOriginal", dates.original)
        if dates.omnibus:
            value(node, CW + "appliesFromOmnibus", dates.omnibus)
        if dates.note:
            value(node, CW + "applicationNote", dates.note)
        for special in dates.by_category:
            holder = _genid(node, "categoryDates", special.category)
            link(node, CW + "categoryDates", holder)
            link(holder, TYPE, CW + "CategoryDates")
            value(holder, CW + "category", special.category)
            if special.original:
                value(holder, CW + "appliesFromOriginal", special.original)
            if special.omnibus:
                value(holder, CW + "appliesFromOmnibus", special.omnibus)
        if dates.grace is not None:
            holder = _genid(node, "graceDates")
            link(node, CW + "graceDates", holder)
            link(holder, TYPE, CW + "GraceDates")
            value(holder, CW + "placedBefore", dates.grace.placed_before)
            if dates.grace.original:
                value(holder, CW + "appliesFromOriginal", dates.grace.original)
            if dates.grace.omnibus:
                value(holder, CW + "appliesFromOmnibus", dates.grace.omnibus)
        if dates.ends is not None:  # a provision an amendment deleted
            if dates.ends.original:
                value(node, CW + "endsOriginal", dates.ends.original)
            if dates.ends.omnibus:
                value(node, CW + "endsOmnibus", dates.ends.omnibus)

    def review(self, subject: str, review: Review) -> None:
        """A second review: who, when, on what evidence."""
        node = _genid(subject, "review")
        self.link(subject, CW + "review", node)
        self.link(node, TYPE, CW + "Review")
        self.link(node, PROV + "wasAttributedTo", self.agent(review.by))
        self.value(node, DCTERMS + "date", review.date)
        self.value(node, CW + "evidence", review.evidence)
        if review.source:
            self.value(node, CW + "reviewSource", review.source)

    def mapping_set(self, mapping_set: MappingSet, order: int) -> None:
        """A mapping set and, in turn, each of its mappings."""
        node = mapping_set_iri(mapping_set.id)
        link, value = self.link, self.value
        link(node, TYPE, CW + "MappingSet")
        value(node, DCTERMS + "identifier", mapping_set.id)
        value(node, DCTERMS + "title", mapping_set.title)
        if mapping_set.description:
            value(node, DCTERMS + "description", mapping_set.description)
        link(node, CW + "subjectFramework", framework_iri(mapping_set.subject_framework))
        link(node, CW + "objectFramework", framework_iri(mapping_set.object_framework))
        link(node, DCTERMS + "source", self.source(node, mapping_set.sources, mapping_set.source))
        link(node, PROV + "wasAttributedTo", self.agent(mapping_set.author))
        value(node, DCTERMS + "date", mapping_set.date)
        if mapping_set.license:
            value(node, CW + "license", mapping_set.license)
        value(node, CW + "derived", mapping_set.derived)
        value(node, CW + "order", order)
        self.sources(node, mapping_set.sources)
        for mapping in mapping_set.mappings:
            self.mapping(mapping, node, mapping_set.sources)

    def mapping(self, mapping: Mapping, set_node: str, sources: Sequence[Source]) -> None:
        """A mapping as a reified node, plus the SKOS (or same-scheme) triple of its relation."""
        node = mapping_iri(mapping.id)
        link, value = self.link, self.value
        subjects = [self.clause_node(s) for s in mapping.subjects]
        target = self.clause_node(mapping.object)
        link(node, TYPE, CW + "Mapping")
        value(node, DCTERMS + "identifier", mapping.id)
        for subject in subjects:
            link(node, CW + "subject", subject)
        self.ordered(node, CW + "unionOf", subjects, iris=True)
        link(node, CW + "object", target)
        link(node, CW + "relation", CW + mapping.relation)
        value(node, CW + "strength", mapping.strength)
        value(node, CW + "rationale", mapping.rationale)
        value(node, CW + "justification", mapping.justification)
        link(node, DCTERMS + "source", self.source(set_node, sources, mapping.source))
        link(node, PROV + "wasAttributedTo", self.agent(mapping.author))
        value(node, DCTERMS + "date", mapping.date)
        if mapping.confidence is not None:
            value(node, CW + "confidence", _decimal(mapping.confidence))
        if mapping.scope is not None:
            value(node, CW + "scopeCondition", mapping.scope)
        if mapping.review is not None:
            self.review(node, mapping.review)
        link(node, CW + "inMappingSet", set_node)
        value(node, CW + "index", mapping.index)
        if not mapping.is_union:  # a union has no single subject to link directly
            link_property = self.direct_property(mapping)
            if link_property is not None:
                link(subjects[0], link_property, target)

    @staticmethod
    def direct_property(mapping: Mapping) -> str | None:
        """The property of the direct triple beside a single-subject mapping (None: none)."""
        if mapping.relation == ADDRESSES:
            return CW + ADDRESSES
        same_scheme = mapping.subjects[0].split(":", 1)[0] == mapping.object.split(":", 1)[0]
        table = _SAME_SCHEME if same_scheme else _SKOS_MATCH
        return table.get(mapping.relation)

    def control_node(self, control_id: str) -> str:
        """The IRI of an inventory control."""
        node = f"{BASE}control/{segment(control_id)}"
        if self.once(node):
            self.link(node, TYPE, CW + "Control")
            self.value(node, DCTERMS + "identifier", control_id)
        return node

    def inventory(self, inventory: Any) -> None:
        """An inventory's controls and the clauses each implements."""
        for control in getattr(inventory, "controls", inventory):
            node = self.control_node(_text(control.id))
            title = getattr(control, "title", None)
            if title:
                self.value(node, DCTERMS + "title", _text(title))
            status = getattr(control, "status", None)
            if status is not None:
                self.value(node, CW + "status", _text(status))
            for item in getattr(control, "implements", ()):
                clause_id, coverage = _implementation(item)
                clause = self.clause_node(clause_id)
                implementation = f"{node}/implements/{segment(clause_id)}"
                self.link(node, CW + "implements", clause)
                self.link(node, CW + "implementation", implementation)
                self.link(implementation, TYPE, CW + "Implementation")
                self.link(implementation, CW + "clause", clause)
                if coverage is not None:
                    self.value(implementation, CW + "coverage", _text(coverage))

    def report(self, report: Any) -> None:
        """A gap report's findings, one node per clause."""
        report_node = f"{BASE}report/gap"
        self.link(report_node, TYPE, CW + "GapReport")
        target = getattr(report, "target", None)
        if isinstance(target, str):
            self.link(report_node, CW + "targetFramework", framework_iri(target))
        created = getattr(report, "created", None)
        if isinstance(created, dt.date):
            self.value(report_node, DCTERMS + "created", created)
        seen: dict[str, int] = {}
        for finding in getattr(report, "findings", report):
            clause_id = _text(finding.clause_id)
            seen[clause_id] = seen.get(clause_id, 0) + 1
            suffix = "" if seen[clause_id] == 1 else f"-{seen[clause_id]}"
            node = f"{report_node}/finding/{segment(clause_id)}{suffix}"
            self.link(report_node, CW + "finding", node)
            self.link(node, TYPE, CW + "GapFinding")
            self.link(node, CW + "target", self.clause_node(clause_id))
            self.value(node, CW + "status", _text(finding.status))
            score = getattr(finding, "score", None)
            if score is not None:
                self.value(node, CW + "score", _decimal(score))
            for below in getattr(finding, "rollup_of", ()) or ():
                self.link(node, CW + "rollUpOf", self.clause_node(_text(below)))
            for control in getattr(finding, "controls", ()) or ():
                control_id = _text(getattr(control, "id", control))
                self.link(node, CW + "justifiedBy", self.control_node(control_id))


def _implementation(item: Any) -> tuple[str, Any]:
    """(clause id, coverage) from a pair or an object with ``clause_id``/``coverage``."""
    if isinstance(item, str):
        return item, None
    if isinstance(item, Sequence):
        return _text(item[0]), (item[1] if len(item) > 1 else None)
    return _text(getattr(item, "clause_id", getattr(item, "clause", item))), getattr(
        item, "coverage", None
    )


def write_triples(
    sink: Sink, kb: KnowledgeBase, *, inventory: Any = None, report: Any = None
) -> None:
    """Send every triple of the export of ``kb`` (and inventory, report) to ``sink``."""
    writer = TripleWriter(sink, kb)
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


def _check_unique_iris(nodes: dict[str, str]) -> None:
    owners: dict[str, list[str]] = {}
    for clause_id, node in nodes.items():
        owners.setdefault(node, []).append(clause_id)
    problems = [
        Problem(
            "(export)",
            node,
            "unique-iri",
            f"clauses {', '.join(ids)} share one IRI; give their frameworks distinct iri_base values",
        )
        for node, ids in owners.items()
        if len(ids) > 1
    ]
    if problems:
        raise DataError(problems, title="clause IRIs collide")
