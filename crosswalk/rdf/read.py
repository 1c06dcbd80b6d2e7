"""Reading an RDF export back into a knowledge base, collecting every problem.

Reading an export gives an equal knowledge base (frameworks, clauses and mappings in
their order, with their provenance).
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import unquote

from pydantic import ValidationError
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import DataError, Problem
from crosswalk.model.records import (
    Adoption,
    Clause,
    Framework,
    Mapping,
    MappingSet,
    Review,
    Source,
)
from crosswalk.model.validation import failures, validated
from crosswalk.rdf.parse import read_graph
from crosswalk.rdf.terms import (
    CW,
    RELATION_NODES,
)

__all__ = [
    "read_rdf",
    "to_knowledge_base",
]

R = TypeVar("R")

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

    def one(
        self, node: Node, predicate: URIRef, *, required: bool = True, language: str | None = None
    ) -> Any:
        """The single value of a functional property, as a Python value (None if absent)."""
        found = self.values(node, predicate)
        if language is not None:
            found = [v for v in found if isinstance(v, Literal) and v.language == language]
        if len(found) > 1:
            self.problem(
                node, "functional", f"{self.graph.qname(predicate)} has {len(found)} values"
            )
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

    def build(self, node: Node, factory: type[R], **fields: Any) -> R | None:
        """A record of the values read for ``node``, checked (None after reporting why not)."""
        try:
            return validated(factory, fields)
        except ValidationError as error:
            for where, rule, message in failures(error):
                self.problem(node, rule, f"{where}: {message}")
            return None

    def sources(self, owner: Node) -> tuple[Source, ...]:
        nodes = sorted(
            self.values(owner, CW.citesSource),
            key=lambda n: (_as_int(self.graph.value(n, CW.order)), str(n)),
        )
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
                summaries=self.one(node, CW.summaries, required=False) or "ours",
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
            dates = [
                self.one(node, p, required=False)
                for p in (CW.appliesFromOriginal, CW.appliesFromOmnibus, CW.applicationNote)
            ]
            special = tuple(
                sorted(
                    (
                        {
                            "category": str(self.graph.value(holder, CW.category)),
                            "original": self.one(holder, CW.appliesFromOriginal, required=False),
                            "omnibus": self.one(holder, CW.appliesFromOmnibus, required=False),
                        }
                        for holder in self.graph.objects(node, CW.categoryDates)
                    ),
                    key=lambda d: str(d["category"]),
                )
            )
            grace_node = self.graph.value(node, CW.graceDates)
            grace = (
                {
                    "placed_before": self.one(grace_node, CW.placedBefore),
                    "original": self.one(grace_node, CW.appliesFromOriginal, required=False),
                    "omnibus": self.one(grace_node, CW.appliesFromOmnibus, required=False),
                }
                if grace_node is not None
                else None
            )
            ends = [self.one(node, p, required=False) for p in (CW.endsOriginal, CW.endsOmnibus)]
            end_dates = (
                {"original": ends[0], "omnibus": ends[1]}
                if any(e is not None for e in ends)
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
                applies_with=self.texts(node, CW.appliesWith, CW.appliesWithList),
                applies_from={
                    "original": dates[0],
                    "omnibus": dates[1],
                    "note": dates[2],
                    "by_category": special,
                    "grace": grace,
                    "ends": end_dates,
                }
                if any(d is not None for d in dates) or special or grace or end_dates
                else None,
                order=self.one(node, CW.order),
                depth=self.one(node, CW.depth),
            )
            if clause is not None:
                if clause.id != f"{clause.framework}:{clause.local}":
                    self.problem(
                        node,
                        "clause-id",
                        f"{clause.id} does not match {clause.framework}:{clause.local}",
                    )
                result.append(clause)
        result.sort(
            key=lambda c: (framework_order.get(c.framework, len(framework_order)), c.order, c.id)
        )
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
            for member in sorted(
                members.get(node, []),
                key=lambda n: (_as_int(self.graph.value(n, CW["index"])), str(n)),
            ):
                mapping = self.mapping(member, ids, set_id)
                if mapping is not None:
                    mappings.append(mapping)
            built = self.build(
                node,
                MappingSet,
                id=set_id,
                title=self.one(node, DCTERMS.title),
                description=self.one(node, DCTERMS.description, required=False),
                subject_framework=self.prefix_of(
                    self.graph.value(node, CW.subjectFramework), prefixes
                ),
                object_framework=self.prefix_of(
                    self.graph.value(node, CW.objectFramework), prefixes
                ),
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
        review: Review | None = self.build(
            node,
            Review,
            by=self.agent(node),
            date=self.one(node, DCTERMS.date),
            evidence=self.one(node, CW.evidence),
            source=self.one(node, CW.reviewSource, required=False),
        )
        return review

    def mapping(self, node: Node, ids: dict[Node, str], set_id: str | None) -> Mapping | None:
        head = self.graph.value(node, CW.unionOf)
        subject_nodes = (
            list(Collection(self.graph, head))
            if head is not None
            else self.values(node, CW.subject)
        )
        target = self.graph.value(node, CW.object)
        if target is None:
            self.problem(node, "required", "cw:object is missing")
            return None
        unknown = [n for n in [*subject_nodes, target] if n not in ids]
        if unknown:
            self.problem(
                node,
                "known-clause",
                f"refers to {', '.join(str(n) for n in unknown)}, which is no exported clause",
            )
            return None
        mapping: Mapping | None = self.build(
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
        return mapping


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


_RELATION_NAMES: dict[Node, str] = {iri: name for name, iri in RELATION_NODES.items()}


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
        raise DataError(
            problems, title=f"{origin}: {len(problems)} problem(s) rebuilding the knowledge base"
        )
    return kb


def read_rdf(path: str | os.PathLike[str], *, format: str | None = None) -> KnowledgeBase:
    """Load an exported knowledge base (Turtle, JSON-LD, N-Triples or RDF/XML) back.

    >>> # write_rdf(kb, "kb.ttl"); read_rdf("kb.ttl") has the same frameworks, clauses, mappings
    """
    graph = read_graph(path, format=format, store="SimpleMemory")
    return to_knowledge_base(graph, origin=str(path))
