"""In-process SPARQL (crosswalk.rdf.sparql): named queries, bindings, rdflib and Oxigraph agree."""

from __future__ import annotations

import datetime as dt
import re
import typing
from dataclasses import replace
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef

from crosswalk.api import KnowledgeBase
from crosswalk.model.errors import CrosswalkError, QueryError
from crosswalk.rdf import to_graph
from crosswalk.rdf.engines import graph_of, to_store
from crosswalk.rdf.sparql import get_named_query, named_queries, query, run_query

pytest.importorskip("pyoxigraph", reason="the engine comparison needs pyoxigraph (the test extra)")

REQUIRED = {
    "gbt46347-items-without-euaiact-link",
    "nistairmf-clauses-without-iso42001-link",
    "iso42001-clauses-without-euaiact-link",
    "deployer-obligations-to-iso23894-treatment",
    "gaps-by-domain",
    "mappings-of-clause",
    "clauses-by-framework",
    "contradiction-free-exact-matches",
}
PARAMETERS: dict[str, dict[str, typing.Any]] = {
    "mappings-of-clause": {"clause": "iso31000:6.4.2"},
    "clauses-by-framework": {"framework": "iso31000"},
    "contradiction-free-exact-matches": {"framework": "gbt24353"},
    "measures-addressing-risk": {},
    "gaps-by-domain": {},
}
CW = "PREFIX cw: <https://w3id.org/crosswalk/ontology#>\n"


def gap_report(kb: KnowledgeBase) -> SimpleNamespace:
    """A report shaped like crosswalk.gap.analysis.GapReport over the GB/T 46347 capability items."""
    items = [c for c in kb.clauses_of("gbt46347") if c.kind == "capability_item"]
    statuses = ("covered", "partial", "gap")
    findings = [
        SimpleNamespace(
            clause_id=c.id, status=statuses[i % 3], score=float(i % 10), controls=(f"C{i % 4}",)
        )
        for i, c in enumerate(items)
    ]
    return SimpleNamespace(findings=findings, target="gbt46347")


@pytest.fixture(scope="module")
def report_graph(kb: KnowledgeBase) -> Graph:
    return to_graph(kb, report=gap_report(kb), store="SimpleMemory")


# -- the named query files --------------------------------------------------------------


def test_the_named_queries_are_there_and_documented() -> None:
    queries = named_queries()
    assert set(queries) >= REQUIRED, f"missing named queries: {sorted(REQUIRED - set(queries))}"
    for named in queries.values():
        assert named.title and len(named.description) > 40, f"{named.path}: document its purpose"
        assert named.columns, f"{named.path}: list the columns it returns"
        body = "\n".join(line for line in named.text.splitlines() if not line.startswith("#"))
        for parameter in named.parameters:
            assert re.search(rf"\?{parameter.name}\b", body), (
                f"{named.path}: ?{parameter.name} is never used"
            )
            assert parameter.description, f"{named.path}: describe {parameter.name}"


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_rdflib_and_oxigraph_give_the_same_table(
    kb: KnowledgeBase, report_graph: Graph, name: str
) -> None:
    parameters = PARAMETERS.get(name, {})
    source = report_graph if name == "gaps-by-domain" else kb
    via_rdflib = query(source, name, engine="rdflib", **parameters)
    via_oxigraph = query(source, name, engine="oxigraph", **parameters)
    pd.testing.assert_frame_equal(via_rdflib, via_oxigraph)
    assert tuple(via_rdflib.columns) == get_named_query(name).columns


# -- answers checked against the knowledge base -----------------------------------------


def test_mapping_counts_add_up_to_the_mappings(kb: KnowledgeBase) -> None:
    counts = query(kb, "mapping-counts")
    assert counts.mappings.sum() == len(kb.mappings)
    total = run_query(kb, CW + "SELECT (COUNT(?m) AS ?n) WHERE { ?m a cw:Mapping }")
    assert total.n.tolist() == [len(kb.mappings)]


def test_mappings_of_clause(kb: KnowledgeBase) -> None:
    clause = "iso31000:6.4.2"
    expected = {m.id for m in kb.mappings if clause in m.subjects or m.object == clause}
    found = query(kb, "mappings-of-clause", clause=clause)
    assert set(found.mapping) == expected and expected
    assert set(found.relation) <= {
        "equal",
        "subset_of",
        "superset_of",
        "intersects_with",
        "no_relationship",
        "addresses",
    }


def test_clauses_by_framework_in_document_order(kb: KnowledgeBase) -> None:
    for engine in ("rdflib", "oxigraph"):
        found = query(kb, "clauses-by-framework", framework="iso23894", engine=engine)
        assert found.clause.tolist() == [c.id for c in kb.clauses_of("iso23894")]


def test_gaps_by_domain_counts_the_report(kb: KnowledgeBase, report_graph: Graph) -> None:
    report = gap_report(kb)
    expected: dict[tuple[str, str], int] = {}
    for finding in report.findings:
        domain = (kb.ancestors(finding.clause_id) or [finding.clause_id])[-1]
        expected[domain, finding.status] = expected.get((domain, finding.status), 0) + 1
    found = query(report_graph, "gaps-by-domain", framework="gbt46347")
    assert {(r.domain, r.status): r.findings for r in found.itertuples()} == expected
    assert query(report_graph, "gaps-by-domain", framework="iso31000").empty
    assert query(kb, "gaps-by-domain").empty, "a knowledge base alone has no findings"


def test_the_real_gap_report_exports_and_queries(kb: KnowledgeBase) -> None:
    gap = pytest.importorskip("crosswalk.gap.analysis")
    inventory = pytest.importorskip("crosswalk.io.inventory")
    from tests.conftest import EXAMPLES

    controls = inventory.read_inventory(EXAMPLES / "cn-enterprise.yaml", kb=kb)
    report = gap.gap_analysis(kb, controls, target="gbt46347")
    graph = to_graph(kb, inventory=controls, report=report, store="SimpleMemory")
    found = query(graph, "gaps-by-domain", framework="gbt46347")
    expected = {
        (s.section, status): n for s in report.sections for status, n in s.counts.items() if n
    }
    assert {(r.domain, r.status): r.findings for r in found.itertuples()} == expected
    count = run_query(graph, CW + "SELECT (COUNT(?c) AS ?n) WHERE { ?c a cw:Control }")
    assert count.n[0] >= len(controls.controls)


def test_deployer_obligations_are_deployer_obligations(kb: KnowledgeBase) -> None:
    found = query(kb, "deployer-obligations-to-iso23894-treatment")
    for row in found.itertuples():
        assert "deployer" in kb.clause(row.obligation).addressees
        assert row.treatment == "iso23894:6.5" or "iso23894:6.5" in kb.ancestors(row.treatment)
        assert row.relation != "no_relationship"


def test_exact_matches_are_equal_mappings(kb: KnowledgeBase) -> None:
    found = query(kb, "contradiction-free-exact-matches")
    equal = {
        (m.subjects[0], m.object) for m in kb.mappings if m.relation == "equal" and not m.is_union
    }
    assert set(zip(found.left, found.right, strict=True)) <= equal
    assert len(found) > 0


# -- bindings and errors ----------------------------------------------------------------


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_user_text_is_bound_never_spliced(kb: KnowledgeBase, engine: str) -> None:
    hostile = 'iso31000:6.4.2" } UNION { ?node ?p ?o } #'
    hostile_framework = 'iso31000" . ?scheme ?p ?o . #'
    # bound as it is (no knowledge base resolves it), the text matches nothing
    graph = graph_of(kb)
    assert query(graph, "mappings-of-clause", clause=hostile, engine=engine).empty
    assert query(graph, "clauses-by-framework", framework=hostile_framework, engine=engine).empty
    # checked by the knowledge base, it is refused or names one clause: never more rows
    try:
        found = query(kb, "mappings-of-clause", clause=hostile, engine=engine)
    except CrosswalkError:
        pass
    else:
        plain = query(kb, "mappings-of-clause", clause="iso31000:6.4.2", engine=engine)
        assert sorted(found.mapping) == sorted(plain.mapping)
    with pytest.raises(CrosswalkError):
        query(kb, "clauses-by-framework", framework=hostile_framework, engine=engine)


@settings(max_examples=40, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"])))
def test_any_string_binding_comes_back_unchanged(text: str) -> None:
    graph = Graph()
    for engine in ("rdflib", "oxigraph"):
        found = run_query(graph, "SELECT ?x WHERE { }", bindings={"x": text}, engine=engine)
        assert found.x.tolist() == [text], engine


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_typed_bindings(kb: KnowledgeBase, engine: str) -> None:
    iri = URIRef("https://w3id.org/crosswalk/framework/iso31000")
    found = run_query(
        kb,
        CW + "SELECT ?p ?n ?d ?l WHERE { ?s cw:prefix ?p }",
        bindings={"s": iri, "n": 3, "d": dt.date(2026, 8, 2), "l": Literal("Titel", lang="de")},
        engine=engine,
    )
    assert found.values.tolist() == [["iso31000", 3, dt.date(2026, 8, 2), "Titel"]]


@pytest.mark.parametrize(
    ("bindings", "message"),
    [
        ({"x": URIRef("https://example.org/a> } ?s ?p ?o { <b")}, "not a valid IRI"),
        ({"x y": "v"}, "not a variable name"),
        ({"x": object()}, "cannot bind"),
        ({"x": BNode()}, "only IRIs and literals"),
    ],
)
def test_bad_bindings_are_refused(bindings: dict[str, typing.Any], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        run_query(Graph(), "SELECT ?x WHERE { }", bindings=bindings)


def test_named_query_parameters_are_checked(kb: KnowledgeBase) -> None:
    with pytest.raises(QueryError, match="needs clause"):
        query(kb, "mappings-of-clause")
    with pytest.raises(QueryError, match="has no parameter 'prefix'"):
        query(kb, "clauses-by-framework", framework="iso31000", prefix="x")
    with pytest.raises(
        QueryError, match=r"no named query .*did you mean mappings-of-clause.*known: "
    ):
        query(kb, "mapping-of-clause", clause="iso31000:6.4.2")


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_malformed_queries_raise_query_error(engine: str) -> None:
    with pytest.raises(QueryError):
        run_query(Graph(), "SELEC ?x WHERE { ?x ?p ?o }", engine=engine)
    with pytest.raises(QueryError, match="unknown engine"):
        run_query(Graph(), "SELECT * WHERE { }", engine="virtuoso")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <https://example.org/data.ttl> WHERE { ?s ?p ?o }",
        "INSERT DATA { <https://example.org/a> <https://example.org/b> 1 }",
    ],
)
def test_network_and_updates_are_refused_in_process(text: str) -> None:
    with pytest.raises(QueryError, match="not allowed|only reads"):
        run_query(Graph(), text)


def test_keywords_inside_strings_iris_and_comments_are_fine() -> None:
    text = (
        "# SERVICE and FROM in a comment\n"
        'SELECT ?x WHERE { BIND("FROM service, insert" AS ?x) '
        "FILTER(?x != <https://example.org/SERVICE/from>) }"
    )
    assert run_query(Graph(), text, engine="rdflib").x.tolist() == ["FROM service, insert"]


def test_ask_construct_and_sources(kb: KnowledgeBase) -> None:
    assert run_query(kb, CW + "ASK { ?m a cw:Mapping }").ask.tolist() == [True]
    constructed = run_query(
        kb, CW + "CONSTRUCT { ?f a cw:Framework } WHERE { ?f a cw:Framework }", engine="rdflib"
    )
    assert list(constructed.columns) == ["subject", "predicate", "object"] and len(
        constructed
    ) == len(kb.frameworks)
    store = to_store(kb)
    via_store = run_query(store, CW + "SELECT (COUNT(*) AS ?n) WHERE { ?c a cw:Clause }")
    assert via_store.n.tolist() == [len(kb.clauses)]
    assert run_query(
        store, CW + "SELECT (COUNT(*) AS ?n) WHERE { ?c a cw:Clause }", engine="rdflib"
    ).equals(via_store)


def test_standard_prefixes_need_no_declaration() -> None:
    import crosswalk
    from crosswalk.rdf.sparql import with_standard_prefixes

    kb = crosswalk.load()
    frame = kb.sparql("SELECT ?c WHERE { ?c skos:notation ?n }", n="6.4.2")
    assert sorted(frame["c"]) == sorted(
        f"https://w3id.org/crosswalk/clause/{p}/6.4.2" for p in ("gbt24353", "iso23894", "iso31000")
    )
    declared = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT * { ?a skos:x ?b }"
    assert with_standard_prefixes(declared) == declared


@pytest.mark.parametrize(
    ("name", "framework", "other"),
    [
        ("nistairmf-clauses-without-iso42001-link", "nistairmf", "iso42001"),
        ("iso42001-clauses-without-euaiact-link", "iso42001", "euaiact"),
    ],
)
def test_clauses_without_a_link_are_exactly_those(
    kb: KnowledgeBase, name: str, framework: str, other: str
) -> None:
    linked = set()
    for m in kb.mappings:
        ends = {*m.subjects, m.object}
        if any(e.startswith(f"{other}:") for e in ends):
            linked |= {e for e in ends if e.startswith(f"{framework}:")}
    headings = {"section", "annex", "front_matter", "definition", "part"}
    expected = {c.id for c in kb.clauses_of(framework) if c.kind not in headings} - linked
    found = query(kb, name)
    assert list(found.clause) == sorted(found.clause)
    assert set(found.clause) == expected and expected


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_items_without_an_ai_act_link_are_exactly_those(kb: KnowledgeBase, engine: str) -> None:
    # the bundled data links every item; keep half of the GB/T 46347 <-> AI Act mappings
    sets = [
        replace(s, mappings=s.mappings[: len(s.mappings) // 2])
        if {s.subject_framework, s.object_framework} == {"gbt46347", "euaiact"}
        else s
        for s in kb.mapping_sets
    ]
    thinner = KnowledgeBase(kb.frameworks.values(), kb.clauses.values(), sets)
    linked = set()
    for m in thinner.mappings:
        ends = {*m.subjects, m.object}
        if any(e.startswith("euaiact:") for e in ends):
            linked |= {e for e in ends if e.startswith("gbt46347:")}
    expected = {
        c.id for c in thinner.clauses_of("gbt46347") if c.kind == "capability_item"
    } - linked
    found = query(thinner, "gbt46347-items-without-euaiact-link", engine=engine)
    assert set(found.item) == expected and expected
