"""RDF export and import (crosswalk.rdf), the ontology files and their SHACL shapes."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import typing
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, SKOS

from crosswalk import model
from crosswalk.api import KnowledgeBase
from crosswalk.io.resources import ontologies_dir
from crosswalk.knowledge.base import KnowledgeBase as CoreKnowledgeBase
from crosswalk.model.errors import DataError, ExportError
from crosswalk.model.records import (
    Adoption,
    ApplicationDates,
    CategoryDates,
    Clause,
    Framework,
    GraceDates,
    Mapping,
    MappingSet,
    Source,
    to_dict,
)
from crosswalk.model.validation import validated
from crosswalk.rdf import (
    AIRO,
    CW,
    clause_iri,
    composition_turtle,
    eli_subdivision_iri,
    offline,
    parse_graph,
    read_graph,
    read_rdf,
    to_graph,
    to_knowledge_base,
    write_rdf,
)
from crosswalk.rdf.triples import GENID
from crosswalk.reasoning.relations import Relation, composition_table

ELI = "http://data.europa.eu/eli/reg/2024/1689/"
SH = "http://www.w3.org/ns/shacl#"
PREFIXES = """
PREFIX cw: <https://w3id.org/crosswalk/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


# -- a small knowledge base exercising every field --------------------------------------


def _clause(prefix: str, local: str, order: int, **fields: typing.Any) -> Clause:
    parent = fields.pop("parent", None)
    return Clause(
        id=f"{prefix}:{local}",
        framework=prefix,
        local=local,
        parent=f"{prefix}:{parent}" if parent else None,
        kind=fields.pop("kind", "requirement"),
        title=fields.pop("title", f"Clause {local}"),
        status=fields.pop("status", "confirmed"),
        source=fields.pop("source", "S1"),
        order=order,
        depth=1 if parent else 0,
        **fields,
    )


def _mapping(
    index: int, subjects: tuple[str, ...], relation: str, obj: str, **fields: typing.Any
) -> Mapping:
    return validated(
        Mapping,
        {
            "id": f"std-eu/{index:04d}",
            "subjects": subjects,
            "relation": relation,
            "object": obj,
            "strength": fields.pop("strength", 6),
            "rationale": fields.pop("rationale", "semantic"),
            "justification": fields.pop("justification", "They overlap."),
            "source": fields.pop("source", "crosswalk-curation"),
            "author": fields.pop("author", "crosswalk curators"),
            "date": dt.date(2026, 1, 2),
            "mapping_set": "std-eu",
            "index": index,
            **fields,
        },
    )


def small_kb(
    *,
    justification: str = 'Both "ask" for\nlogging; 两者都要求记录.',
    title: str = "Risk 'identification'",
) -> KnowledgeBase:
    """Two frameworks (one under an ELI base), an adoption, risks, a union and every optional field."""
    std = Framework(
        prefix="std",
        title="A standard",
        title_zh="一个标准",
        short_name="STD 1",
        edition="2024",
        publisher="SDO",
        kind="standard",
        official_url="https://example.org/std",
        iri_base="https://w3id.org/crosswalk/clause/std/",
        aliases=("STD", "Std One", "标准"),
        copyright="Numbers and headings only.",
        sources=(
            Source(
                id="S1",
                title="Catalogue",
                url="https://example.org/s1",
                accessed=dt.date(2026, 1, 1),
                note="seen",
            ),
            Source(id="S0", title="Older source"),
        ),
    )
    copy = Framework(
        prefix="cpy",
        title="A copy",
        short_name="CPY",
        kind="standard",
        iri_base="https://w3id.org/crosswalk/clause/cpy/",
        adoption_of=Adoption(
            framework="std", status="provisional", source="S1", note="IDT believed"
        ),
        sources=(Source(id="S1", title="Copy source"),),
    )
    eu = Framework(
        prefix="eu",
        title="A regulation",
        short_name="REG",
        kind="regulation",
        iri_base=ELI,
        sources=(Source(id="S1", title="OJ"),),
    )
    clauses = [
        _clause("std", "6", 0, kind="section", title=title, title_zh="风险识别", exhaustive=True),
        _clause("std", "6.1", 1, parent="6", summary="Find risks.", aliases=("6.1bis", "6-1")),
        _clause(
            "std",
            "6.2",
            2,
            parent="6",
            normative=False,
            status="provisional",
            note="not seen",
            url="https://example.org/std#6.2",
        ),
        _clause("std", "B.1", 3, kind="risk_source", source="S0"),
        _clause("std", "B.2", 4, kind="risk_category"),
        _clause("cpy", "6", 0, kind="section", source="S1"),
        _clause(
            "eu",
            "art9",
            0,
            kind="obligation",
            addressees=("provider", "deployer"),
            categories=("high_risk_annex3", "high_risk_annex1"),
            applies_from=ApplicationDates(
                original=dt.date(2026, 8, 2),
                omnibus=dt.date(2027, 12, 2),
                note="Art 113",
                by_category=(
                    CategoryDates(
                        category="high_risk_annex1",
                        original=dt.date(2027, 8, 2),
                        omnibus=dt.date(2028, 8, 2),
                    ),
                ),
                grace=GraceDates(placed_before=dt.date(2026, 8, 2), omnibus=dt.date(2030, 12, 31)),
            ),
        ),
        _clause(
            "eu",
            "art9.2.a",
            1,
            parent="art9",
            addressees=("deployer",),
            categories=("any",),
            applies_from=ApplicationDates(note="only a note"),
        ),
        _clause("eu", "annex3.1.a", 2, kind="annex"),
    ]
    mappings = (
        _mapping(0, ("eu:art9",), "equal", "std:6", justification=justification, confidence=0.85),
        _mapping(1, ("eu:art9.2.a",), "subset_of", "std:6.1", strength=9, rationale="syntactic"),
        _mapping(2, ("eu:art9.2.a",), "addresses", "std:B.1", source="X1"),
        _mapping(3, ("eu:art9", "eu:annex3.1.a"), "intersects_with", "std:6.2", author="Ann Other"),
        _mapping(4, ("eu:annex3.1.a",), "no_relationship", "std:B.2", confidence=0.3),
    )
    mapping_sets = [
        MappingSet(
            id="cpy-std-adoption",
            title="adoption",
            subject_framework="cpy",
            object_framework="std",
            source="S1",
            author="crosswalk",
            date=dt.date(2026, 1, 1),
            derived=True,
            mappings=(
                Mapping(
                    id="cpy-std-adoption/0",
                    subjects=("cpy:6",),
                    relation="equal",
                    object="std:6",
                    strength=10,
                    rationale="syntactic",
                    justification="adopted",
                    source="S1",
                    author="crosswalk",
                    date=dt.date(2026, 1, 1),
                    confidence=0.9,
                    mapping_set="cpy-std-adoption",
                ),
            ),
        ),
        MappingSet(
            id="std-eu",
            title="EU to standard",
            description="test set",
            subject_framework="eu",
            object_framework="std",
            source="crosswalk-curation",
            author="crosswalk curators",
            date=dt.date(2026, 1, 2),
            license="CC-BY-4.0",
            sources=(Source(id="X1", title="A public crosswalk", url="https://example.org/x1"),),
            mappings=mappings,
        ),
    ]
    return KnowledgeBase([std, copy, eu], clauses, mapping_sets)


def _dump(kb: CoreKnowledgeBase) -> dict[str, typing.Any]:
    """Everything a knowledge base holds, except the files it was read from."""
    return {
        "frameworks": [to_dict(f, exclude={"path"}) for f in kb.frameworks.values()],
        "clauses": {k: to_dict(c) for k, c in kb.clauses.items()},
        "mapping_sets": [
            {
                **to_dict(s, exclude={"path", "mappings"}),
                "mappings": [to_dict(m, exclude={"path"}) for m in s.mappings],
            }
            for s in kb.mapping_sets
        ],
    }


def _ask(graph: Graph, where: str) -> int:
    """Count the solutions of a WHERE block (exports are checked by counting SPARQL results)."""
    rows = list(graph.query(f"{PREFIXES} SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"))
    return int(rows[0][0])  # type: ignore[index, arg-type]  # a COUNT row


@pytest.fixture(scope="module")
def small() -> KnowledgeBase:
    return small_kb()


@pytest.fixture(scope="module")
def bundled_graph(kb: KnowledgeBase) -> Graph:
    return to_graph(kb)


# -- identifiers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("art9", "art_9/oj"),
        ("art9.2", "art_9/par_2/oj"),
        ("art9.2.a", "art_9/par_2/pnt_a/oj"),
        ("art5.1.c.i", "art_5/par_1/pnt_c/pnt_i/oj"),
        ("art16.a", "art_16/pnt_a/oj"),
        ("art4a.1", "art_4a/par_1/oj"),
        ("art5.1a.a.ii", "art_5/par_1a/pnt_a/pnt_ii/oj"),
        ("annex3", "anx_III/oj"),
        ("annex3.1.a", "anx_III/pnt_1/pnt_a/oj"),
        ("annex4.2", "anx_IV/pnt_2/oj"),
        ("rec12", "rct_12/oj"),
    ],
)
def test_eli_subdivision_iris(local: str, expected: str) -> None:
    assert eli_subdivision_iri(ELI, local) == ELI + expected
    assert clause_iri(ELI, local) == URIRef(ELI + expected)


def test_other_frameworks_use_iri_base_plus_local_id() -> None:
    assert clause_iri("https://w3id.org/crosswalk/clause/iso31000/", "6.4.2") == URIRef(
        "https://w3id.org/crosswalk/clause/iso31000/6.4.2"
    )
    # a local id of no ELI shape under an ELI base falls back to base + local
    assert eli_subdivision_iri(ELI, "Recital-12") is None
    assert clause_iri(ELI, "Recital-12") == URIRef(ELI + "Recital-12")


def test_bundled_clause_iris_are_unique_and_eli_for_the_ai_act(
    kb: KnowledgeBase, bundled_graph: Graph
) -> None:
    iris = {c.id: clause_iri(kb.frameworks[c.framework].iri_base, c.local, c.framework) for c in kb}
    assert len(set(iris.values())) == len(iris)
    ai_act = [
        iris[c.id] for c in kb if kb.frameworks[c.framework].iri_base == ELI and c.kind != "part"
    ]
    assert ai_act, "the bundled EU AI Act is expected under its ELI base"
    bad = [str(i) for i in ai_act if not (i.startswith(ELI) and i.endswith("/oj"))]
    assert not bad, f"EU AI Act clauses without an ELI-style IRI: {bad[:5]}"
    # requirement parts are ours: never an IRI in the act's namespace
    parts = [
        str(iris[c.id])
        for c in kb
        if kb.frameworks[c.framework].iri_base == ELI and c.kind == "part"
    ]
    assert parts and all(i.startswith("https://w3id.org/crosswalk/clause/euaiact/") for i in parts)
    assert (
        URIRef(ELI + "art_9/par_2/pnt_a/oj"),
        SKOS.notation,
        Literal("art9.2.a"),
    ) in bundled_graph


def test_colliding_clause_iris_are_refused(small: KnowledgeBase) -> None:
    frameworks = list(small.frameworks.values())
    clash = replace(frameworks[1], iri_base=frameworks[0].iri_base)
    kb = KnowledgeBase([frameworks[0], clash, frameworks[2]], list(small), small.mapping_sets)
    with pytest.raises(DataError, match="unique-iri"):
        to_graph(kb)


# -- round trips ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nt"])
def test_round_trip_is_lossless(small: KnowledgeBase, tmp_path: Path, fmt: str) -> None:
    path = write_rdf(
        small,
        tmp_path / f"kb.{ {'turtle': 'ttl', 'json-ld': 'jsonld', 'nt': 'nt'}[fmt] }",
        format=fmt,
    )
    assert _dump(read_rdf(path)) == _dump(small)


def test_round_trip_of_the_bundled_knowledge_base(kb: KnowledgeBase, bundled_graph: Graph) -> None:
    # the formats are covered on the small knowledge base; rdflib needs ~10 s to write and
    # parse the full export as Turtle, so here the graph is read back directly
    back = to_knowledge_base(bundled_graph)
    assert list(back.frameworks) == list(kb.frameworks)
    assert _dump(back) == _dump(kb)
    assert [m.id for m in back.mappings] == [m.id for m in kb.mappings]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    justification=st.text(st.characters(exclude_categories=["Cs"]), min_size=1).filter(
        lambda t: t.strip()
    ),
    title=st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1).filter(
        lambda t: t.strip()
    ),
)
def test_any_text_survives_a_round_trip(justification: str, title: str) -> None:
    original = small_kb(justification=justification.strip(), title=title.strip())
    back = to_knowledge_base(
        parse_graph(to_graph(original).serialize(format="turtle"), format="turtle")
    )
    assert back.mappings[1].justification == original.mappings[1].justification
    assert back.clause("std:6").title == original.clause("std:6").title


def test_reading_a_broken_export_lists_every_problem(small: KnowledgeBase) -> None:
    graph = to_graph(small)
    clause = clause_iri("https://w3id.org/crosswalk/clause/std/", "6.1")
    graph.remove((clause, SKOS.notation, None))
    graph.remove((URIRef("https://w3id.org/crosswalk/mapping/std-eu/0000"), CW.strength, None))
    with pytest.raises(DataError) as caught:
        to_knowledge_base(graph, origin="broken.ttl")
    text = str(caught.value)
    assert (
        "broken.ttl" in text
        and "skos:notation is missing" in text
        and "cw:strength is missing" in text
    )


# -- what an export says, counted with SPARQL -------------------------------------------


def test_export_counts_match_the_knowledge_base(kb: KnowledgeBase, bundled_graph: Graph) -> None:
    graph = bundled_graph
    assert _ask(graph, "?m a cw:Mapping") == len(kb.mappings)
    assert _ask(graph, "?c a cw:Clause ; a skos:Concept") == len(kb.clauses)
    assert _ask(graph, "?f a cw:Framework ; a skos:ConceptScheme") == len(kb.frameworks)
    assert _ask(graph, "?s a cw:MappingSet") == len(kb.mapping_sets)
    assert _ask(graph, "?c skos:broader ?p") == sum(1 for c in kb if c.parent)
    assert _ask(graph, "?c a cw:RiskSource") == sum(1 for c in kb if c.kind == "risk_source")
    for relation in [*(r.value for r in Relation), "addresses"]:
        expected = sum(1 for m in kb.mappings if m.relation == relation)
        assert _ask(graph, f"?m a cw:Mapping ; cw:relation cw:{relation}") == expected, relation


def test_skos_match_triples_render_each_single_subject_mapping(
    kb: KnowledgeBase, bundled_graph: Graph
) -> None:
    def scheme(clause_id: str) -> str:
        return clause_id.split(":", 1)[0]

    for relation in Relation:
        pairs = {
            (m.subjects[0], m.object)
            for m in kb.mappings
            if m.relation == relation.value
            and not m.is_union
            and scheme(m.subjects[0]) != scheme(m.object)
        }
        if relation.skos is None:
            continue
        where = f"?a skos:{relation.skos} ?b"
        assert _ask(bundled_graph, where) == len(pairs), relation
        # SKOS mapping properties link concepts of different schemes only (SKOS 10)
        assert not _ask(
            bundled_graph,
            f"?a skos:{relation.skos} ?b . ?a skos:inScheme ?s . ?b skos:inScheme ?s",
        ), relation
        missing = _ask(
            bundled_graph,
            f"?m cw:relation cw:{relation.value} ; cw:subject ?a ; cw:object ?b . "
            f"FILTER NOT EXISTS {{ ?m cw:subject ?other FILTER(?other != ?a) }} "
            f"FILTER NOT EXISTS {{ ?a skos:{relation.skos} ?b }} "
            "FILTER NOT EXISTS { ?a skos:inScheme ?s . ?b skos:inScheme ?s }",
        )
        assert missing == 0, relation
        within = sum(
            1
            for m in kb.mappings
            if m.relation == relation.value
            and not m.is_union
            and scheme(m.subjects[0]) == scheme(m.object)
        )
        same_scheme = (
            "skos:related" if relation.value == "intersects_with" else f"cw:{relation.value}"
        )
        assert (
            _ask(bundled_graph, f"?a {same_scheme} ?b . ?a skos:inScheme ?s . ?b skos:inScheme ?s")
            >= within
        )
    assert _ask(bundled_graph, "?a cw:addresses ?risk") == len(
        {
            (m.subjects[0], m.object)
            for m in kb.mappings
            if m.relation == "addresses" and not m.is_union
        }
    )


def test_union_subjects_are_listed_in_order(small: KnowledgeBase) -> None:
    graph = to_graph(small)
    node = URIRef("https://w3id.org/crosswalk/mapping/std-eu/0003")
    head = graph.value(node, CW.unionOf)
    assert head is not None
    members = list(Collection(graph, head))
    assert members == [clause_iri(ELI, "art9"), clause_iri(ELI, "annex3.1.a")]
    assert set(graph.objects(node, CW.subject)) == set(members)
    assert not list(graph.objects(members[0], SKOS.relatedMatch)), (
        "a union has no single subject to match"
    )


# -- SHACL ------------------------------------------------------------------------------


def _shapes() -> Graph:
    return Graph().parse(ontologies_dir() / "shapes.ttl")


def _validate(graph: Graph) -> tuple[bool, str]:
    import pyshacl

    conforms, _, text = pyshacl.validate(
        graph, shacl_graph=_shapes(), inference="none", advanced=False
    )
    return bool(conforms), str(text)


def fake_inventory_and_report(kb: KnowledgeBase) -> tuple[SimpleNamespace, SimpleNamespace]:
    """Objects shaped like crosswalk.model.inventory.Inventory and crosswalk.gap.analysis.GapReport."""
    ids = list(kb.clauses)[:3]
    controls = [
        SimpleNamespace(
            id="C-1",
            title="Risk register",
            status="implemented",
            implements=[(ids[0], "full"), (ids[1], "partial")],
        ),
        SimpleNamespace(
            id="C 2/x",
            title="Logging",
            status="planned",
            implements=[SimpleNamespace(clause=ids[2], coverage="full")],
        ),
    ]
    findings = [
        SimpleNamespace(clause_id=ids[0], status="covered", score=9.0, controls=("C-1",)),
        SimpleNamespace(clause_id=ids[1], status="partial", score=4.5, controls=("C-1", "C 2/x")),
        SimpleNamespace(clause_id=ids[2], status="gap", score=None, controls=()),
    ]
    return SimpleNamespace(controls=controls), SimpleNamespace(
        findings=findings, target=kb.clause(ids[0]).framework
    )


def test_shapes_hold_with_the_ontology_and_rdfs_inference(small: KnowledgeBase) -> None:
    # as `pyshacl -s shapes.ttl -e crosswalk.ttl -i rdfs`: the ontology's domains and ranges
    # must not type a node into a class whose shape it fails (e.g. dates as a clause)
    import pyshacl

    inventory, report = fake_inventory_and_report(small)
    graph = to_graph(small, inventory=inventory, report=report)
    assert _ask(graph, "?n a cw:CategoryDates") and _ask(graph, "?n a cw:GraceDates")
    assert _ask(graph, "?n a cw:Adoption ; cw:relation ?r")
    conforms, results, text = pyshacl.validate(
        graph,
        shacl_graph=_shapes(),
        ont_graph=Graph().parse(ontologies_dir() / "crosswalk.ttl"),
        inference="rdfs",
        advanced=False,
        inplace=False,
    )
    assert conforms, str(text)[:3000]
    assert not list(
        results.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#ValidationResult"))
    )


def test_every_export_of_the_bundled_data_conforms(kb: KnowledgeBase) -> None:
    inventory, report = fake_inventory_and_report(kb)
    conforms, text = _validate(to_graph(kb, inventory=inventory, report=report))
    assert conforms, text[:3000]


def _break(graph: Graph, triple_to_remove: tuple | None, triple_to_add: tuple | None) -> Graph:
    if triple_to_remove is not None:
        graph.remove(triple_to_remove)
    if triple_to_add is not None:
        graph.add(triple_to_add)
    return graph


_MAPPING = URIRef("https://w3id.org/crosswalk/mapping/std-eu/0001")
_CLAUSE = clause_iri("https://w3id.org/crosswalk/clause/std/", "6.1")


@pytest.mark.parametrize(
    ("name", "remove", "add", "component"),
    [
        (
            "strength out of range",
            (_MAPPING, CW.strength, None),
            (_MAPPING, CW.strength, Literal(11)),
            "MaxInclusive",
        ),
        ("no relation", (_MAPPING, CW.relation, None), None, "MinCount"),
        (
            "unknown rationale",
            (_MAPPING, CW.rationale, None),
            (_MAPPING, CW.rationale, Literal("vibes")),
            "In",
        ),
        ("unknown kind", (_CLAUSE, CW.kind, None), (_CLAUSE, CW.kind, Literal("chapter")), "In"),
        ("no scheme", (_CLAUSE, SKOS.inScheme, None), None, "MinCount"),
        (
            "addresses a requirement",
            None,
            (clause_iri(ELI, "art9"), CW.addresses, _CLAUSE),
            "Class",
        ),
        (
            "untyped date",
            (_MAPPING, URIRef("http://purl.org/dc/terms/date"), None),
            (_MAPPING, URIRef("http://purl.org/dc/terms/date"), Literal("2026-01-02")),
            "Datatype",
        ),
    ],
)
def test_shapes_reject_broken_exports(
    small: KnowledgeBase, name: str, remove: tuple | None, add: tuple | None, component: str
) -> None:
    conforms, text = _validate(to_graph(small))
    assert conforms, text
    conforms, text = _validate(_break(to_graph(small), remove, add))
    assert not conforms, f"{name}: the shapes accepted it"
    assert f"{component}ConstraintComponent" in text, text


def _shape_values(shapes: Graph, target: URIRef, path: URIRef) -> list[str]:
    shape_class = URIRef(SH + "targetClass")
    for shape in shapes.subjects(shape_class, target):
        for prop in shapes.objects(shape, URIRef(SH + "property")):
            if (
                shapes.value(prop, URIRef(SH + "path")) == path
                and shapes.value(prop, URIRef(SH + "in")) is not None
            ):
                return [
                    str(v).rsplit("#", 1)[-1]
                    for v in Collection(shapes, shapes.value(prop, URIRef(SH + "in")))  # type: ignore[arg-type]
                ]
    raise AssertionError(f"no sh:in for {path} on {target}")


@pytest.mark.parametrize(
    ("target", "path", "vocabulary"),
    [
        (CW.Clause, CW.kind, model.ClauseKind),
        (CW.Clause, CW.status, model.Status),
        (CW.Clause, CW.addressee, model.Addressee),
        (CW.Clause, CW.category, model.Category),
        (CW.Mapping, CW.rationale, model.Rationale),
        (CW.Mapping, CW.relation, model.RelationName),
        (CW.Framework, CW.kind, typing.get_type_hints(Framework)["kind"]),
    ],
)
def test_shape_vocabularies_equal_the_model(
    target: URIRef, path: URIRef, vocabulary: typing.Any
) -> None:
    expected = sorted(typing.get_args(vocabulary))
    found = sorted(_shape_values(_shapes(), target, path))
    assert found == expected, (
        f"ontologies/shapes.ttl: the sh:in list of {path} on {target} is {found}, but crosswalk/model.py "
        f"allows {expected}; edit the list in shapes.ttl to match"
    )


# -- the ontology files -----------------------------------------------------------------


def _ontology() -> Graph:
    graph = Graph()
    for name in ("crosswalk.ttl", "alignments.ttl", "composition.ttl"):
        graph.parse(ontologies_dir() / name)
    return graph


def test_composition_ttl_is_generated_from_the_tsv() -> None:
    path = ontologies_dir() / "composition.ttl"
    assert path.read_text(encoding="utf-8") == composition_turtle(), (
        f"{path} is out of date with composition.tsv; regenerate it with: "
        'python -c "import crosswalk.rdf as r; r.write_composition()"'
    )
    graph = Graph().parse(path)
    table = {}
    for cell in graph.subjects(RDF.type, CW.Composition):
        left = Relation(str(graph.value(cell, CW.left)).rsplit("#", 1)[-1])
        right = Relation(str(graph.value(cell, CW.right)).rsplit("#", 1)[-1])
        table[left, right] = frozenset(
            Relation(str(r).rsplit("#", 1)[-1]) for r in graph.objects(cell, CW.result)
        )
    assert table == composition_table()


def test_relation_individuals_follow_the_relation_table() -> None:
    graph = _ontology()
    for relation in Relation:
        node = CW[relation.value]
        assert graph.value(node, CW.converse) == CW[relation.converse.value]
        match = graph.value(node, CW.skosMatch)
        assert match == (SKOS[relation.skos] if relation.skos else None), relation


def test_every_term_an_export_uses_is_declared(small: KnowledgeBase) -> None:
    inventory, report = fake_inventory_and_report(small)
    graph = to_graph(small, inventory=inventory, report=report)
    ontology = _ontology()
    declared = {
        s
        for s, kind in ontology.subject_objects(RDF.type)
        if kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, CW.Relation)
    }
    used = {p for p in graph.predicates() if str(p).startswith(str(CW))}
    used |= {o for o in graph.objects(None, RDF.type) if str(o).startswith(str(CW))}
    used |= {o for o in graph.objects(None, CW.relation)}
    assert used - declared == set(), (
        f"not declared in ontologies/crosswalk.ttl: {sorted(map(str, used - declared))}"
    )


def test_alignments_with_airo() -> None:
    graph = _ontology()
    assert (CW.RiskSource, RDFS.subClassOf, AIRO.RiskSource) in graph
    assert (CW.addresses, RDFS.subPropertyOf, AIRO.mitigatesRiskConcept) in graph


# -- controls and gap findings ----------------------------------------------------------


def test_inventory_and_report_are_exported_by_duck_typing(small: KnowledgeBase) -> None:
    inventory, report = fake_inventory_and_report(small)
    graph = to_graph(small, inventory=inventory, report=report)
    assert _ask(graph, "?c a cw:Control") == 2
    assert _ask(graph, "?c cw:implements ?clause . ?clause a cw:Clause") == 3
    assert _ask(graph, '?c cw:implementation [ cw:coverage "partial" ]') == 1
    assert _ask(graph, "?f a cw:GapFinding ; cw:target ?t ; cw:status ?s") == 3
    assert _ask(graph, "?f cw:justifiedBy ?c . ?c a cw:Control") == 3
    assert _ask(graph, "?f cw:score ?s") == 2
    plain = to_graph(small)
    assert _ask(plain, "?c a cw:Control") == 0 and _ask(plain, "?f a cw:GapFinding") == 0


# -- safe parsing and writing -----------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        {"@context": "https://example.org/context.jsonld", "@id": "https://example.org/a"},
        {
            "@context": [{"ex": "https://example.org/"}, "https://example.org/c.jsonld"],
            "@id": "ex:a",
        },
        {"@context": {"@import": "https://example.org/c.jsonld"}, "@id": "https://example.org/a"},
        {"@graph": [{"@context": "file:///etc/passwd", "@id": "https://example.org/a"}]},
    ],
)
def test_remote_json_ld_contexts_are_refused(document: dict[str, typing.Any]) -> None:
    with pytest.raises(DataError, match="no-remote-context"):
        parse_graph(json.dumps(document), format="json-ld")


def test_inline_json_ld_context_is_read() -> None:
    document = {"@context": {"ex": "https://example.org/"}, "@id": "ex:a", "ex:p": "v"}
    assert len(parse_graph(json.dumps(document), format="json-ld")) == 1


_XML_HEAD = '<?xml version="1.0"?>\n'
_XML_BODY = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">'
    '<rdf:Description rdf:about="https://example.org/a"><ex:p>&e;</ex:p></rdf:Description></rdf:RDF>'
)


@pytest.mark.parametrize(
    ("doctype", "rule"),
    [
        ('<!DOCTYPE rdf:RDF [<!ENTITY e SYSTEM "file:///etc/passwd">]>', "no-external-entity"),
        (
            '<!DOCTYPE rdf:RDF SYSTEM "https://example.org/x.dtd" [<!ENTITY e "v">]>',
            "no-external-entity",
        ),
        (
            '<!DOCTYPE rdf:RDF [<!ENTITY a "aaaa"><!ENTITY e "&a;&a;&a;&a;">]>',
            "no-entity-expansion",
        ),
    ],
)
def test_rdf_xml_external_entities_are_refused(doctype: str, rule: str) -> None:
    with pytest.raises(DataError, match=rule):
        parse_graph(_XML_HEAD + doctype + _XML_BODY, format="xml")


def test_rdf_xml_with_a_plain_internal_entity_is_read() -> None:
    graph = parse_graph(
        _XML_HEAD + '<!DOCTYPE rdf:RDF [<!ENTITY e "value">]>' + _XML_BODY, format="xml"
    )
    assert Literal("value") in set(graph.objects())


def test_a_literal_of_many_lines_reaches_rdflib_in_few_pieces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 20 §4: rdflib adds each piece to the literal so far (quadratic); expat buffers."""
    from rdflib.plugins.parsers.rdfxml import RDFXMLHandler

    pieces: list[str] = []
    original = RDFXMLHandler.property_element_char

    def counted(self: RDFXMLHandler, data: str) -> None:
        pieces.append(data)
        original(self, data)

    monkeypatch.setattr(RDFXMLHandler, "property_element_char", counted)
    lines = "a &amp; b\n" * 10_000
    graph = parse_graph(_XML_HEAD + _XML_BODY.replace("&e;", lines), format="xml")
    assert Literal(lines.replace("&amp;", "&")) in set(graph.objects())
    assert len(pieces) < 10, f"{len(pieces)} pieces: the literal is built piece by piece"


def test_no_network_while_parsing() -> None:
    with offline(), pytest.raises(PermissionError, match="network access is blocked"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    # outside the guard the same call reaches the network stack again (refused or not)
    with pytest.raises(OSError) as caught:
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    assert not isinstance(caught.value, PermissionError)


def test_syntax_errors_and_unknown_formats_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b ", encoding="utf-8")
    with pytest.raises(DataError, match="bad.ttl"):
        read_graph(bad)
    odd = tmp_path / "data.xyz"
    odd.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="rdf-format"):
        read_graph(odd)


def test_write_is_atomic(
    small: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "kb.ttl"
    target.write_text("previous", encoding="utf-8")

    def fail(*_: object, **__: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(ExportError, match="disk full"):
        write_rdf(small, target)
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["kb.ttl"], "the temporary file is left behind"
    monkeypatch.undo()
    with pytest.raises(ExportError):
        write_rdf(small, tmp_path / "missing" / "kb.ttl")
    with pytest.raises(ValueError, match="unknown RDF output format"):
        write_rdf(small, target, format="rdfa")


def test_turtle_by_oxigraph_is_the_same_graph_stable_and_prefixed(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    pytest.importorskip("pyoxigraph")
    from rdflib import BNode
    from rdflib.compare import isomorphic

    # a slice of the real export (40 clauses with their blank-node lists), small enough
    # for an isomorphism check
    whole = to_graph(kb)
    part = Graph()
    for prefix, namespace in whole.namespaces():
        part.bind(prefix, namespace)
    pending = list(dict.fromkeys(whole.subjects(CW.addresseeList, None)))[:40]
    while pending:
        node = pending.pop()
        for p, o in whole.predicate_objects(node):
            part.add((node, p, o))
            if isinstance(o, BNode) or str(o).startswith(GENID):
                pending.append(o)
    # the list cells are Skolem IRIs: an export has no blank nodes
    assert any(str(o).startswith(GENID) for o in part.objects())
    assert not any(isinstance(term, BNode) for triple in whole for term in triple)
    first, again, by_rdflib = tmp_path / "a.ttl", tmp_path / "b.ttl", tmp_path / "c.ttl"
    write_rdf(part, first, engine="oxigraph")
    write_rdf(part, again, engine="oxigraph")
    write_rdf(part, by_rdflib, engine="rdflib")
    prefixes = [
        line
        for line in first.read_text(encoding="utf-8").splitlines()
        if line.startswith("@prefix ")
    ]
    assert prefixes == sorted(prefixes) and any(
        line.startswith("@prefix cw: ") for line in prefixes
    )
    assert isomorphic(Graph().parse(first), part) and isomorphic(Graph().parse(by_rdflib), part)
    assert isomorphic(Graph().parse(first), Graph().parse(again))


def test_auto_turtle_engine_keeps_rdflib_lists_for_small_graphs(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    path = write_rdf(kb, tmp_path / "kb.ttl")  # auto: under OXIGRAPH_TURTLE_TRIPLES, rdflib
    assert "rdf:first" not in path.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="engine"):
        write_rdf(kb, tmp_path / "x.ttl", engine="fast")
