"""Interoperability: every format round-trips, and malformed input is reported precisely.

Round trips run over the real bundled mapping sets and over hypothesis-generated sets;
the files written are checked against what the other tools require (SSSOM's metadata
rules, the OSCAL 1.2.1 JSON Schemas in tests/data/oscal/, CISO Assistant's importer,
Excel's formula and validation rules).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
import types
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF
from rdflib.namespace import DCTERMS

import crosswalk
from crosswalk.api import KnowledgeBase
from crosswalk.interop import FORMATS, export, find_format, import_
from crosswalk.interop.ciso import (
    UNION_MEMBER_RELATION,
    node_urn,
    to_ciso_framework,
    to_ciso_mapping,
    write_ciso_mapping,
)
from crosswalk.interop.flat_table import read_mapping_csv, write_mapping_csv
from crosswalk.interop.mapping_file import read_mapping_yaml, write_mapping_yaml
from crosswalk.interop.matrix import (
    CELL_GRAMMAR,
    IMPORT_AUTHOR,
    LEGEND_SHEET,
    MATRIX_SHEET,
    RELATIONS_SHEET,
    read_crosswalk_matrix,
    write_crosswalk_matrix,
)
from crosswalk.interop.oscal import (
    read_oscal,
    to_oscal_catalog,
    to_oscal_mapping_collection,
    write_oscal,
)
from crosswalk.interop.sssom import read_sssom, read_sssom_sets, write_sssom
from crosswalk.interop.sssom_terms import SET_SLOTS
from crosswalk.interop.vocabulary import (
    RATIONALES,
    RELATION_NAMES,
    RELATION_TERMS,
    oscal_relationship,
    relation_from_ciso,
    relation_from_oscal,
    relation_from_sssom,
)
from crosswalk.io.mapping_sets import mapping_id
from crosswalk.model.errors import DataError, ExportError
from crosswalk.model.ids import clause_id_from_iri, converter
from crosswalk.model.records import Clause, Framework, Mapping, MappingSet, Review, Source, to_dict
from crosswalk.model.validation import validated
from crosswalk.reasoning.relations import Relation

DATA = Path(__file__).parent / "data"
DAY = dt.date(2026, 11, 25)


# -- fixtures (`kb`, the bundled knowledge base, comes from conftest.py) -------------


def _clause(prefix: str, local: str, parent: str | None = None, **more: Any) -> Clause:
    fields = {
        "kind": "clause",
        "title": f"Heading {local}",
        "status": "confirmed",
        "source": "S",
    } | more
    return Clause(
        id=f"{prefix}:{local}",
        framework=prefix,
        local=local,
        parent=f"{prefix}:{parent}" if parent else None,
        depth=1 if parent else 0,
        **fields,
    )


def _mapping(
    set_id: str, subjects: tuple[str, ...], relation: str, target: str, **more: Any
) -> Mapping:
    fields = {
        "strength": 6,
        "rationale": "semantic",
        "justification": f"Why {relation}.",
        "source": "crosswalk-curation",
        "author": "tester",
        "date": DAY,
    } | more
    return validated(
        Mapping,
        {
            "id": mapping_id(set_id, sorted(subjects), target),
            "subjects": subjects,
            "relation": relation,
            "object": target,
            "mapping_set": set_id,
            **fields,
        },
    )


@pytest.fixture(scope="module")
def tiny_kb() -> KnowledgeBase:
    """Two small frameworks, a union subject, an `addresses` link and a formula-like title."""
    frameworks = [
        Framework(
            prefix=p,
            title=f"Framework {p}",
            title_zh="框架" if p == "aa" else None,
            short_name=p.upper(),
            kind="standard",
            iri_base=f"https://w3id.org/crosswalk/clause/{p}/",
        )
        for p in ("aa", "bb")
    ]
    clauses = [
        _clause("aa", "1", kind="section"),
        _clause("aa", "1.1", "1", title_zh="一点一"),
        _clause("aa", "1.2", "1", title='=HYPERLINK("http://example.org")'),
        _clause("aa", "2"),
        _clause("bb", "1"),
        _clause("bb", "2"),
        _clause("bb", "2.1", "2"),
        _clause("bb", "risk.x", kind="risk_source", title="-a risk"),
    ]
    stated = (
        _mapping("aa-bb", ("aa:1.1",), "equal", "bb:1", rationale="syntactic", confidence=0.75),
        _mapping("aa-bb", ("aa:1.1", "aa:1.2"), "equal", "bb:2"),
        _mapping("aa-bb", ("aa:2",), "no_relationship", "bb:2.1"),
        _mapping("aa-bb", ("aa:1.2",), "addresses", "bb:risk.x", source="X9"),
    )
    mappings = tuple(replace(m, index=i) for i, m in enumerate(stated))
    mapping_set = MappingSet(
        id="aa-bb",
        title="AA to BB",
        subject_framework="aa",
        object_framework="bb",
        source="crosswalk-curation",
        author="tester",
        date=DAY,
        license="CC-BY-4.0",
        sources=(Source(id="X9", title="A cited crosswalk", url="https://example.org/x9"),),
        mappings=mappings,
    )
    return KnowledgeBase(frameworks, clauses, [mapping_set])


def _set(kb: KnowledgeBase, set_id: str) -> MappingSet:
    return next(s for s in kb.mapping_sets if s.id == set_id)


def _content(mapping_set: MappingSet) -> list[dict[str, Any]]:
    return [to_dict(m, exclude={"path"}) for m in mapping_set.mappings]


def _unordered(mapping_set: MappingSet) -> list[str]:
    """The mappings' content in a canonical order (for formats that reorder rows)."""
    return sorted(str(to_dict(m, exclude={"path", "index"})) for m in mapping_set.mappings)


def _header(mapping_set: MappingSet) -> dict[str, Any]:
    return to_dict(mapping_set, exclude={"path", "mappings"})


_BUNDLED = crosswalk.load()  # only to parametrize: one test per bundled set and framework
REAL_SETS = [s.id for s in _BUNDLED.mapping_sets]
PREFIXES = sorted(_BUNDLED.frameworks)


# -- random mapping sets -------------------------------------------------------------

_line = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=24)
    .map(str.strip)
    .filter(bool)
)
_prose = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t\r\x85\u2028"),
        min_size=1,
        max_size=60,
    )
    .map(str.strip)
    .filter(bool)
)
_local = st.from_regex(r"[A-Za-z0-9]{1,3}([._-][A-Za-z0-9]{1,3}){0,2}", fullmatch=True)


def _reviews(cited: list[str]) -> st.SearchStrategy[Review]:
    """A second review: who, when, on what evidence, and sometimes which cited source."""
    return st.builds(
        Review,
        by=_line,
        date=st.dates(dt.date(1990, 1, 1)),
        evidence=_prose,
        source=st.none() | st.sampled_from(cited) if cited else st.none(),
    )


@st.composite
def mapping_sets(draw: Any, *, min_size: int = 0) -> MappingSet:
    """A random, well-formed mapping set from framework `aa` to framework `b_2`."""
    set_id = draw(st.from_regex(r"[a-z][a-z0-9_.-]{0,12}", fullmatch=True))
    cited = draw(
        st.lists(st.from_regex(r"[A-Z][A-Z0-9-]{0,5}", fullmatch=True), max_size=2, unique=True)
    )
    pairs = draw(
        st.lists(
            st.tuples(st.lists(_local, min_size=1, max_size=3, unique=True), _local),
            min_size=min_size,
            max_size=6,
            unique_by=lambda p: (tuple(sorted(p[0])), p[1]),
        )
    )
    mappings = tuple(
        _mapping(
            set_id,
            tuple(f"aa:{s}" for s in subjects),
            draw(st.sampled_from(RELATION_NAMES)),
            f"b_2:{target}",
            strength=draw(st.integers(1, 10)),
            rationale=draw(st.sampled_from(RATIONALES)),
            justification=draw(_prose),
            author=draw(_line),
            date=draw(st.dates(dt.date(1990, 1, 1))),
            source=draw(st.sampled_from(["crosswalk-curation", *cited])),
            confidence=draw(st.none() | st.floats(0, 1)),
            review=draw(st.none() | _reviews(cited)),
            index=index,
        )
        for index, (subjects, target) in enumerate(pairs)
    )
    return MappingSet(
        id=set_id,
        title=draw(_line),
        description=draw(st.none() | _prose),
        subject_framework="aa",
        object_framework="b_2",
        source="crosswalk-curation",
        author=draw(_line),
        date=DAY,
        license=draw(st.none() | st.just("CC-BY-4.0")),
        mappings=mappings,
        sources=tuple(Source(id=c, title=draw(_line)) for c in cited),
    )


_HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_HYPOTHESIS
@given(mapping_sets())
def test_sssom_round_trip_of_random_sets(tmp_path: Path, mapping_set: MappingSet) -> None:
    path = write_sssom(mapping_set, tmp_path / "random.sssom.tsv")
    back = read_sssom(path)
    # canonical SSSOM/TSV sorts the rows, so the order may change
    assert (_unordered(back), _header(back)) == (_unordered(mapping_set), _header(mapping_set))


@_HYPOTHESIS
@given(mapping_sets(min_size=1))
def test_oscal_round_trip_of_random_sets(tmp_path: Path, mapping_set: MappingSet) -> None:
    path = write_oscal(mapping_set, tmp_path / "random.json")[0]
    back = read_oscal(path)
    assert (_content(back), _header(back)) == (_content(mapping_set), _header(mapping_set))


@_HYPOTHESIS
@given(mapping_sets())
def test_mapping_file_round_trip_of_random_sets(tmp_path: Path, mapping_set: MappingSet) -> None:
    back = read_mapping_yaml(write_mapping_yaml(mapping_set, tmp_path / "random.yaml"))
    # the file is in canonical form (`crosswalk format`): mappings sorted by subject, object
    assert (_unordered(back), _header(back)) == (_unordered(mapping_set), _header(mapping_set))


@_HYPOTHESIS
@given(mapping_sets(min_size=1))
def test_csv_round_trip_of_random_sets(tmp_path: Path, mapping_set: MappingSet) -> None:
    back = read_mapping_csv(write_mapping_csv(mapping_set, tmp_path / "random.csv"))
    assert _content(back) == _content(mapping_set)


# -- registry and vocabulary ---------------------------------------------------------


def test_relation_table_is_complete_and_invertible() -> None:
    assert tuple(RELATION_TERMS) == RELATION_NAMES
    for name in RELATION_NAMES:
        terms = RELATION_TERMS[name]
        assert all(relation_from_oscal(oscal_relationship(name, r)) == name for r in RATIONALES)
        assert terms.ciso is None or relation_from_ciso(terms.ciso) == name
        ambiguous = name == "intersects_with"  # SKOS has no "overlaps": needs ext_strm_relation
        expected = None if ambiguous else name
        assert relation_from_sssom(terms.sssom_predicate, terms.sssom_negated) == expected
    for relation in Relation:  # the same SKOS rendering as the algebra's own table
        if relation.skos:
            assert RELATION_TERMS[relation.value].sssom_predicate == f"skos:{relation.skos}"


def test_registry_covers_every_export_format() -> None:
    assert set(FORMATS) == {"sssom", "oscal", "ciso", "xlsx", "csv", "yaml", "ttl", "jsonld"}
    assert {n for n, f in FORMATS.items() if f.reader} == {"sssom", "oscal", "xlsx", "csv", "yaml"}
    for name, fmt in FORMATS.items():
        assert fmt.name == name and fmt.extensions and fmt.description and callable(fmt.writer)


@pytest.mark.parametrize(
    ("file", "name"),
    [
        ("a.sssom.tsv", "sssom"),
        ("a.tsv", "sssom"),
        ("a.json", "oscal"),
        ("a.xlsx", "xlsx"),
        ("a.csv", "csv"),
        ("a.yaml", "yaml"),
        ("a.YML", "yaml"),
        ("a.ttl", "ttl"),
    ],
)
def test_format_is_found_by_extension(file: str, name: str) -> None:
    assert find_format(file).name == name


def test_import_refuses_unknown_and_write_only_formats(kb: KnowledgeBase) -> None:
    with pytest.raises(DataError) as unknown:
        import_("mappings.docx", kb=kb)
    assert unknown.value.problems[0].rule == "known-format"
    with pytest.raises(DataError) as write_only:
        import_("x.yaml", "ciso", kb=kb)
    assert write_only.value.problems[0].rule == "readable-format"


@pytest.mark.parametrize("fmt", ["sssom", "oscal", "csv", "yaml", "xlsx"])
def test_export_then_import_gives_the_set_back(kb: KnowledgeBase, tmp_path: Path, fmt: str) -> None:
    suffix = {
        "sssom": ".sssom.tsv",
        "oscal": ".json",
        "csv": ".csv",
        "yaml": ".yaml",
        "xlsx": ".xlsx",
    }[fmt]
    path = tmp_path / f"pair{suffix}"
    written = export(kb, fmt, path, subject="iso23894", object="iso31000")
    assert path in written and all(p.exists() for p in written)
    back = import_(path, kb=kb)
    expected = _set(kb, "iso23894-iso31000")
    assert _unordered(back) == _unordered(expected)


def test_export_of_everything(kb: KnowledgeBase, tmp_path: Path) -> None:
    ciso = export(kb, "ciso", tmp_path / "ciso")
    pairs = {
        pair
        for s in kb.mapping_sets
        if s.subject_framework != s.object_framework
        for pair in [
            (s.subject_framework, s.object_framework),
            (s.object_framework, s.subject_framework),
        ]
    }
    assert len(kb.frameworks) < len(ciso) <= len(kb.frameworks) + len(pairs)
    assert len(read_sssom_sets(export(kb, "sssom", tmp_path / "all.sssom.tsv")[0])) == len(
        kb.mapping_sets
    )
    with pytest.raises(ExportError, match="--subject and --object"):
        export(kb, "xlsx", tmp_path / "m.xlsx", subject="iso23894")
    with pytest.raises(crosswalk.UnknownFrameworkError):
        export(kb, "csv", tmp_path / "x.csv", subject="iso9999")


def test_rdf_formats_are_written_by_crosswalk_rdf(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Path, str]] = []
    fake: Any = types.ModuleType("crosswalk.rdf.write")

    def write_rdf(kb: KnowledgeBase, path: Path, format: str) -> Path:
        calls.append((Path(path), format))
        return Path(path)

    fake.write_rdf = write_rdf
    monkeypatch.setitem(sys.modules, "crosswalk.rdf.write", fake)
    export(kb, "ttl", tmp_path / "kb.ttl")
    export(kb, "jsonld", tmp_path / "kb.jsonld")
    assert calls == [(tmp_path / "kb.ttl", "turtle"), (tmp_path / "kb.jsonld", "json-ld")]


# -- SSSOM ---------------------------------------------------------------------------


@pytest.mark.parametrize("set_id", REAL_SETS)
def test_sssom_round_trip_of_real_sets(kb: KnowledgeBase, tmp_path: Path, set_id: str) -> None:
    mapping_set = _set(kb, set_id)
    back = read_sssom(write_sssom(mapping_set, tmp_path / f"{set_id}.sssom.tsv", kb=kb), kb=kb)
    assert (_unordered(back), _header(back)) == (_unordered(mapping_set), _header(mapping_set))


def _sssom_parts(path: Path) -> tuple[dict[str, Any], list[dict[str, str]]]:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    metadata = yaml.safe_load("".join(line[1:] for line in lines if line.startswith("#")))
    body = "".join(line for line in lines if not line.startswith("#"))
    return metadata, list(csv.DictReader(io.StringIO(body), delimiter="\t"))


def test_sssom_metadata_and_columns(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = write_sssom(_set(kb, "euaiact-iso23894"), tmp_path / "x.sssom.tsv", kb=kb)
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")  # SSSOM/TSV: no byte-order mark
    metadata, rows = _sssom_parts(path)
    assert metadata["curie_map"]["euaiact"] == kb.frameworks["euaiact"].iri_base
    assert metadata["curie_map"]["iso23894"] == "https://w3id.org/crosswalk/clause/iso23894/"
    assert "skos" not in metadata["curie_map"]  # built-in prefixes stay out (canonical form)
    assert metadata["mapping_set_id"] == "https://w3id.org/crosswalk/mappingset/euaiact-iso23894"
    assert metadata["license"] == "https://spdx.org/licenses/CC-BY-4.0.html"
    declared = {d["slot_name"] for d in metadata["extension_definitions"]}
    used = {k for k in metadata if k.startswith("ext_")} | {
        c for c in rows[0] if c.startswith("ext_")
    }
    assert used == declared
    bases = {f.iri_base: f.prefix for f in kb.frameworks.values()}
    expand = converter(metadata["curie_map"].items()).expand
    for row in rows:
        terms = RELATION_TERMS[row["ext_strm_relation"]]
        assert (row["predicate_id"], row["predicate_modifier"] == "Not") == (
            terms.sssom_predicate,
            terms.sssom_negated,
        )
        assert row["mapping_justification"] == "semapv:ManualMappingCuration" and row["comment"]
        named = clause_id_from_iri(expand(row["subject_id"]), bases)  # the IRI decides
        assert named is not None and row["subject_label"] == kb.clause(named).title
    assert {
        r["predicate_modifier"] for r in rows if r["ext_strm_relation"] == "no_relationship"
    } == {"Not"}


@pytest.mark.parametrize("several", [False, True])
def test_sssom_output_is_canonical_and_stable(
    kb: KnowledgeBase, tmp_path: Path, several: bool
) -> None:
    """Canonical SSSOM/TSV: slot orders of the schema, sorted rows, one line per scalar."""
    sets = kb.mapping_sets if several else _set(kb, "euaiact-euaiact")
    first = write_sssom(sets, tmp_path / "a.sssom.tsv", kb=kb).read_bytes()
    assert write_sssom(sets, tmp_path / "b.sssom.tsv", kb=kb).read_bytes() == first
    text = first.decode("utf-8")
    meta_lines = [line[1:] for line in text.split("\n") if line.startswith("#")]
    assert meta_lines[0] == 'sssom_version: "1.1"'
    # plain or double-quoted scalars only: no single quotes, block or folded scalars
    assert not [line for line in meta_lines if re.match(r"\s*(- )?\w+: ('|[>|])", line)]
    assert all(line.startswith(("  ", "- ")) or ":" in line for line in meta_lines)
    metadata, _ = _sssom_parts(tmp_path / "a.sssom.tsv")
    standard = [k for k in metadata if not k.startswith("ext_")]
    assert standard == sorted(standard, key=SET_SLOTS.index)
    properties = [d["property"] for d in metadata["extension_definitions"]]
    assert properties == sorted(properties)
    extension_keys = [k for k in metadata if k.startswith("ext_")]
    by_slot = {d["slot_name"]: d["property"] for d in metadata["extension_definitions"]}
    assert extension_keys == sorted(extension_keys, key=by_slot.__getitem__)
    body = [line for line in text.split("\n") if line and not line.startswith("#")]
    header = body[0].split("\t")
    standard_columns = [c for c in header if not c.startswith("ext_")]
    assert header[: len(standard_columns)] == standard_columns  # extensions come last
    assert header[len(standard_columns) :] == sorted(
        header[len(standard_columns) :], key=by_slot.__getitem__
    )
    rows = list(csv.reader(io.StringIO("\n".join(body[1:])), delimiter="\t"))
    assert len(rows) > 1 and rows == sorted(rows)


def test_second_reviews_travel_in_standard_slots_and_named_columns(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """SSSOM reviewer_label and review_date, OSCAL props in our ns, CSV review_* columns."""
    mapping_set = _set(kb, "euaiact-euaiact")
    review = mapping_set.mappings[0].review
    assert review is not None and review.source
    metadata, rows = _sssom_parts(write_sssom(mapping_set, tmp_path / "r.sssom.tsv", kb=kb))
    record = f"crosswalkmapping:{mapping_set.mappings[0].id}"
    (reviewed,) = [r for r in rows if r["record_id"] == record]  # canonical form sorts rows
    assert (reviewed["reviewer_label"], reviewed["review_date"]) == (
        review.by,
        review.date.isoformat(),
    )
    assert (reviewed["ext_review_evidence"], reviewed["ext_review_source"]) == (
        review.evidence,
        review.source,
    )
    declared = {d["slot_name"] for d in metadata["extension_definitions"]}
    assert {"ext_review_evidence", "ext_review_source"} <= declared
    path = write_oscal(mapping_set, tmp_path / "r.json")[0]
    first = json.loads(path.read_text(encoding="utf-8"))["mapping-collection"]["mappings"][0][
        "maps"
    ][0]
    props = {p["name"]: p["value"] for p in first["props"]}
    assert props["review-by"] == review.by and props["review-evidence"] == review.evidence
    with write_mapping_csv(mapping_set, tmp_path / "r.csv").open(encoding="utf-8-sig") as handle:
        row = next(csv.DictReader(handle))
    assert (row["review_by"], row["review_date"], row["review_source"]) == (
        review.by,
        review.date.isoformat(),
        review.source,
    )


def test_sssom_union_subject_is_a_composed_entity(tiny_kb: KnowledgeBase, tmp_path: Path) -> None:
    mapping_set = _set(tiny_kb, "aa-bb")
    path = write_sssom(mapping_set, tmp_path / "u.sssom.tsv", kb=tiny_kb)
    _, rows = _sssom_parts(path)
    union = next(r for r in rows if r["subject_type"])
    assert union["subject_id"] == "crosswalk:union(aa:1.1,aa:1.2)"
    assert union["subject_type"] == "composed entity expression"
    assert _unordered(read_sssom(path, kb=tiny_kb)) == _unordered(mapping_set)


def _edit_sssom(path: Path, column: str, value: str, row: int = 0) -> Path:
    metadata_lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
        if line.startswith("#")
    ]
    _, rows = _sssom_parts(path)
    rows[row][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text("".join(metadata_lines) + out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("ext_strm_relation", "equals", "relation-name"),
        ("ext_strm_relation", "subset_of", "predicate-agrees"),
        ("ext_strm_strength", "11", "valid-strength"),
        ("object_id", "nope:1", "curie-map"),
        ("object_id", "iso31000:99.9", "known-clause"),
    ],
)
def test_sssom_malformed_row_names_file_line_and_rule(
    kb: KnowledgeBase, tmp_path: Path, column: str, value: str, rule: str
) -> None:
    path = write_sssom(_set(kb, "iso23894-iso31000"), tmp_path / "bad.sssom.tsv", kb=kb)
    header_line = (
        sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")) + 1
    )
    _edit_sssom(path, column, value, row=2)
    with pytest.raises(DataError) as error:
        read_sssom(path, kb=kb)
    (problem,) = error.value.problems
    assert (problem.file, problem.location, problem.rule) == (
        str(path),
        f"line {header_line + 3}",
        rule,
    )
    assert str(path) in str(error.value) and rule in str(error.value)


def test_sssom_missing_columns_and_foreign_predicates(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "foreign.sssom.tsv"
    path.write_text(
        "#curie_map:\n#  iso31000: https://w3id.org/crosswalk/clause/iso31000/\n"
        "subject_id\tobject_id\nx\ty\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as missing:
        read_sssom(path)
    assert missing.value.problems[0].rule == "sssom-columns"
    assert "predicate_id" in missing.value.problems[0].message
    path.write_text(
        "#curie_map:\n#  A: https://w3id.org/crosswalk/clause/iso31000/\n#  B: https://w3id.org/crosswalk/clause/gbt24353/\n"
        "subject_id\tpredicate_id\tobject_id\tmapping_justification\n"
        "A:6.4.2\tskos:exactMatch\tB:6.4.2\tsemapv:ManualMappingCuration\n"
        "A:6.4.3\tskos:relatedMatch\tB:6.4.3\tsemapv:ManualMappingCuration\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as related:
        read_sssom(path, kb=kb)
    assert [(p.location, p.rule) for p in related.value.problems] == [("line 6", "strm-relation")]
    path.write_text(path.read_text(encoding="utf-8").rsplit("A:6.4.3", 1)[0], encoding="utf-8")
    (mapping,) = read_sssom(path, kb=kb).mappings  # prefixes are resolved by IRI, not by name
    assert (mapping.subjects, mapping.relation, mapping.object) == (
        ("iso31000:6.4.2",),
        "equal",
        "gbt24353:6.4.2",
    )


def test_sssom_file_of_several_sets_needs_read_sssom_sets(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    sets = [_set(kb, "iso23894-iso31000"), _set(kb, "aisgf2-aisgf3")]
    path = write_sssom(sets, tmp_path / "two.sssom.tsv", kb=kb)
    assert [(_unordered(s), _header(s)) for s in read_sssom_sets(path, kb=kb)] == [
        (_unordered(s), _header(s)) for s in sets
    ]
    with pytest.raises(DataError) as error:
        read_sssom(path)
    assert error.value.problems[0].rule == "one-mapping-set"


def test_sssom_file_is_read_by_sssom_py(kb: KnowledgeBase, tmp_path: Path) -> None:
    parsers = pytest.importorskip("sssom.parsers")
    path = write_sssom(_set(kb, "euaiact-iso23894"), tmp_path / "x.sssom.tsv", kb=kb)
    frame = parsers.parse_sssom_table(path).df
    assert len(frame) == len(_set(kb, "euaiact-iso23894").mappings)


# -- OSCAL ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oscal_schemas() -> dict[str, Any]:
    jsonschema = pytest.importorskip("jsonschema")
    return {
        name: jsonschema.Draft202012Validator(
            json.loads((DATA / "oscal" / f"oscal-1.2.1-{name}.schema.json").read_text())
        )
        for name in ("mapping", "catalog")
    }


def _schema_errors(validator: Any, document: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ][:5]


@pytest.mark.parametrize("set_id", REAL_SETS)
def test_oscal_round_trip_and_schema_of_real_sets(
    kb: KnowledgeBase, tmp_path: Path, set_id: str, oscal_schemas: dict[str, Any]
) -> None:
    mapping_set = _set(kb, set_id)
    path = write_oscal(mapping_set, tmp_path / f"{set_id}.json")[0]
    document = json.loads(path.read_text(encoding="utf-8"))
    assert _schema_errors(oscal_schemas["mapping"], document) == []
    back = read_oscal(path, kb=kb)
    assert (_content(back), _header(back)) == (_content(mapping_set), _header(mapping_set))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_oscal_catalogs_meet_the_schema(
    kb: KnowledgeBase, prefix: str, oscal_schemas: dict[str, Any]
) -> None:
    catalog = to_oscal_catalog(kb, prefix)
    assert _schema_errors(oscal_schemas["catalog"], catalog) == []

    def ids(controls: list[dict[str, Any]]) -> list[str]:
        return [i for c in controls for i in [c["id"], *ids(c.get("controls", []))]]

    assert len(ids(catalog["catalog"]["controls"])) == len(kb.clauses_of(prefix))


def _controls(controls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for c in controls for d in [c, *_controls(c.get("controls", []))]]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_oscal_controls_meet_the_statement_constraint(kb: KnowledgeBase, prefix: str) -> None:
    # NIST metaschema (oscal_control_metaschema.xml), which the JSON Schema does not encode:
    # oscal-catalog-control-require-statement-when-not-withdrawn
    catalog = to_oscal_catalog(kb, prefix)["catalog"]
    missing = [
        c["id"]
        for c in _controls(catalog["controls"])
        if not any(p.get("name") == "status" and p.get("value") == "withdrawn" for p in c["props"])
        and not any(p["name"] == "statement" and p.get("prose") for p in c.get("parts", []))
    ]
    assert missing == []
    summaries = {c.id: c.summary for c in kb.clauses_of(prefix) if c.summary}
    for control in _controls(catalog["controls"]):
        clause_id = control["id"].replace("-", ":", 1)
        if clause_id in summaries:
            assert control["parts"][0]["prose"] == summaries[clause_id]


@pytest.mark.parametrize("set_id", REAL_SETS)
def test_oscal_back_matter_resources_are_referenced(kb: KnowledgeBase, set_id: str) -> None:
    collection = to_oscal_mapping_collection(_set(kb, set_id))["mapping-collection"]
    resources = {r["uuid"] for r in collection.get("back-matter", {}).get("resources", [])}
    text = json.dumps({k: v for k, v in collection.items() if k != "back-matter"})
    assert {r for r in resources if f'"#{r}"' not in text} == set()
    # trestle finds a reference only when the UUID has the version-4 layout
    assert {r for r in resources if uuid.UUID(r).version != 4} == set()


def test_oscal_structure(kb: KnowledgeBase, tiny_kb: KnowledgeBase, tmp_path: Path) -> None:
    written = write_oscal(_set(kb, "iso23894-iso31000"), tmp_path / "pair.json", kb=kb)
    assert [p.name for p in written] == [
        "pair.json",
        "iso23894.catalog.json",
        "iso31000.catalog.json",
    ]
    collection = json.loads(written[0].read_text(encoding="utf-8"))["mapping-collection"]
    provenance = collection["provenance"]
    assert (provenance["method"], provenance["status"]) == ("human", "complete")
    assert provenance["matching-rationale"] in RATIONALES and provenance["mapping-description"]
    (mapping,) = collection["mappings"]
    assert mapping["source-resource"] == {"type": "catalog", "href": "iso23894.catalog.json"}
    for item, source in zip(mapping["maps"], _set(kb, "iso23894-iso31000").mappings, strict=True):
        # compliance-trestle sees only version-4 UUIDs as references (its UUID_REGEX)
        assert uuid.UUID(item["uuid"]).version == 4 and item["remarks"] == source.justification
        assert item["sources"][0] == {
            "type": "control",
            "id-ref": source.subjects[0].replace(":", "-", 1),
        }
    assert (
        written[0].read_bytes()
        == write_oscal(_set(kb, "iso23894-iso31000"), tmp_path / "again.json")[0].read_bytes()
    )
    tiny = to_oscal_mapping_collection(_set(tiny_kb, "aa-bb"))["mapping-collection"]["mappings"][0][
        "maps"
    ]
    assert [m["relationship"] for m in tiny] == [
        "equal-to",
        "equivalent-to",
        "no-relationship",
        "addresses",
    ]
    assert len(tiny[1]["sources"]) == 2 and tiny[3]["ns"] == "https://w3id.org/crosswalk/ns/oscal"
    assert tiny[0]["confidence-score"] == {"percentage": 0.75}


def test_oscal_validates_with_trestle_when_installed(kb: KnowledgeBase) -> None:
    mapping = pytest.importorskip("trestle.oscal.mapping")
    catalog = pytest.importorskip("trestle.oscal.catalog")
    mapping.Model.model_validate(to_oscal_mapping_collection(_set(kb, "euaiact-iso23894")))
    catalog.Model.model_validate(to_oscal_catalog(kb, "euaiact"))


def test_oscal_malformed_maps_are_all_reported(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = write_oscal(_set(kb, "iso23894-iso31000"), tmp_path / "bad.json")[0]
    document = json.loads(path.read_text(encoding="utf-8"))
    maps = document["mapping-collection"]["mappings"][0]["maps"]
    maps[1]["relationship"] = "same-as"
    maps[2]["targets"].append({"type": "control", "id-ref": "iso31000-6.1"})
    maps[3]["sources"][0]["id-ref"] = "iso23894-99.9"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_oscal(path, kb=kb)
    found = {(p.location.rsplit(".", 1)[-1], p.rule) for p in error.value.problems}
    assert found == {
        ("maps[1]", "relation-name"),
        ("maps[2]", "one-target"),
        ("maps[3]", "known-clause"),
    }
    assert all(p.file == str(path) for p in error.value.problems)


# -- CISO Assistant ------------------------------------------------------------------

CISO_LIBRARY_KEYS = {
    "urn",
    "locale",
    "ref_id",
    "name",
    "description",
    "version",
    "provider",
    "packager",
    "objects",
}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_ciso_framework_has_the_structure_the_importer_requires(
    kb: KnowledgeBase, prefix: str
) -> None:
    library = yaml.safe_load(yaml.safe_dump(to_ciso_framework(kb, prefix), allow_unicode=True))
    assert set(library) >= CISO_LIBRARY_KEYS and library["urn"] == library["urn"].lower()
    (framework,) = library["objects"]["frameworks"]
    assert (
        framework["urn"] == f"urn:crosswalk:risk:framework:{prefix}"
        and framework["ref_id"] == prefix
    )
    nodes = framework["requirement_nodes"]
    assert len(nodes) == len(kb.clauses_of(prefix))
    seen: dict[str, int] = {}
    for node, clause in zip(nodes, kb.clauses_of(prefix), strict=True):
        assert node["urn"] == node["urn"].lower() == node_urn(clause.id) and node["urn"] not in seen
        assert (
            isinstance(node["assessable"], bool) and node["ref_id"] == clause.local and node["name"]
        )
        if clause.parent:
            assert node["depth"] == seen[node["parent_urn"]] + 1  # parents come first
        else:
            assert "parent_urn" not in node and node["depth"] == 1
        assert node.get("translations", {}).get("zh", {}).get("name") == clause.title_zh
        seen[node["urn"]] = node["depth"]


def test_ciso_mapping_libraries_point_at_framework_nodes(kb: KnowledgeBase) -> None:
    libraries = [to_ciso_framework(kb, p)["objects"]["frameworks"][0] for p in kb.frameworks]
    nodes = {n["urn"] for framework in libraries for n in framework["requirement_nodes"]}
    frameworks = {framework["urn"] for framework in libraries}
    for mapping_set in kb.mapping_sets:
        library = to_ciso_mapping(kb, mapping_set)
        assert (
            set(library) >= CISO_LIBRARY_KEYS
            and "requirement_mapping_set" not in library["objects"]
        )
        (ciso_set,) = library["objects"]["requirement_mapping_sets"]
        assert {"urn", "name", "source_framework_urn", "target_framework_urn"} <= set(ciso_set)
        assert {ciso_set["source_framework_urn"], ciso_set["target_framework_urn"]} <= frameworks
        for row in ciso_set["requirement_mappings"]:
            assert {row["source_requirement_urn"], row["target_requirement_urn"]} <= nodes
            assert row["relationship"] in {
                "equal",
                "subset",
                "superset",
                "intersect",
                "not_related",
            }
            assert 1 <= row["strength_of_relationship"] <= 10 and row["rationale"] in RATIONALES
        # one row per mapping, per union member where sound, none for addresses
        rows = [
            (len(m.subjects) if UNION_MEMBER_RELATION[m.relation] else 0) if m.is_union else 1
            for m in mapping_set.mappings
            if m.relation != "addresses"
        ]
        assert len(ciso_set["requirement_mappings"]) == sum(rows)


def test_ciso_union_rows_are_downgraded_soundly(tiny_kb: KnowledgeBase) -> None:
    library = to_ciso_mapping(tiny_kb, _set(tiny_kb, "aa-bb"))
    (ciso_set,) = library["objects"]["requirement_mapping_sets"]
    rows = [
        (
            r["source_requirement_urn"].rsplit(":", 1)[-1],
            r["relationship"],
            r["target_requirement_urn"].rsplit(":", 1)[-1],
        )
        for r in ciso_set["requirement_mappings"]
    ]
    # aa:1.1 ∪ aa:1.2 equal bb:2  ⇒  each member is inside bb:2; addresses has no CISO form
    assert rows == [
        ("1.1", "equal", "1"),
        ("1.1", "subset", "2"),
        ("1.2", "subset", "2"),
        ("2", "not_related", "2.1"),
    ]
    assert "1 `addresses` link(s)" in ciso_set["description"]
    assert "Member of the union" in ciso_set["requirement_mappings"][1]["annotation"]


# CISO Assistant's importer and mapping engine, as read in intuitem/ciso-assistant-community
# (backend/core/models.py, backend/library/utils.py, backend/core/mappings/engine.py)
CISO_URN = re.compile(
    r"^urn:([a-zA-Z0-9_-]+):([a-zA-Z0-9_-]+):([a-zA-Z0-9_-]+)(?::([a-zA-Z0-9_-]+))?"
    r":([0-9A-Za-z\[\]\(\)\-\._:]+)$"
)
CISO_LENGTHS = {"urn": 255, "ref_id": 100, "name": 200, "provider": 200, "packager": 100}
CISO_RELATIONSHIPS = {"equal", "subset", "superset", "intersect", "not_related"}


def _ciso_node_problems(framework: dict[str, Any], records: list[dict[str, Any]]) -> list[str]:
    """Requirement nodes: a boolean assessable, parents first, depth one more than the parent."""
    problems: list[str] = []
    if not framework.get("requirement_nodes"):
        problems.append(f"{framework.get('urn')}: no requirement nodes")
    depth: dict[str, int] = {}
    for node in framework.get("requirement_nodes", []):
        records.append(node)
        if not isinstance(node.get("assessable"), bool):
            problems.append(f"{node['urn']}: assessable must be a boolean")
        parent = node.get("parent_urn")
        if parent is not None and parent not in depth:
            problems.append(f"{node['urn']}: parent {parent} is not an earlier node")
        expected = depth[parent] + 1 if parent in depth else 1
        if node.get("depth") != expected:
            problems.append(f"{node['urn']}: depth {node.get('depth')} (expected {expected})")
        depth[node["urn"]] = expected
    return problems


def _ciso_set_problems(mapping_set: dict[str, Any]) -> list[str]:
    """A mapping set: its keys, at least one row, two frameworks, known relationships."""
    problems: list[str] = []
    for key in ("urn", "name", "source_framework_urn", "target_framework_urn"):
        if key not in mapping_set:
            problems.append(f"mapping set without {key}")
    if not mapping_set.get("requirement_mappings"):
        problems.append(f"{mapping_set.get('urn')}: No requirement mappings objects")
    if mapping_set.get("source_framework_urn") == mapping_set.get("target_framework_urn"):
        problems.append(f"{mapping_set.get('urn')}: source framework = target framework")
    for row in mapping_set.get("requirement_mappings") or []:
        if row.get("relationship") not in CISO_RELATIONSHIPS:
            problems.append(f"relationship {row.get('relationship')!r}")
        strength = row.get("strength_of_relationship")
        if strength is not None and not 0 <= strength <= 10:
            problems.append(f"strength {strength}")
    return problems


def _ciso_problems(library: dict[str, Any]) -> list[str]:
    """What CISO Assistant's importer refuses (or PostgreSQL rejects) in one library."""
    problems = [
        f"missing {k}" for k in ("urn", "name", "version", "objects", "ref_id") if k not in library
    ]
    if not CISO_URN.match(str(library.get("urn", "")).lower()):
        problems.append(f"library urn {library.get('urn')!r}")
    if not isinstance(library.get("version"), int) or library["version"] < 1:
        problems.append(f"version {library.get('version')!r}")
    objects = library.get("objects", {})
    if "framework" in objects or "requirement_mapping_set" in objects:
        problems.append("deprecated singular object field")
    records = [
        library,
        *objects.get("frameworks", []),
        *objects.get("requirement_mapping_sets", []),
    ]
    for framework in objects.get("frameworks", []):
        problems += _ciso_node_problems(framework, records)
    for mapping_set in objects.get("requirement_mapping_sets", []):
        problems += _ciso_set_problems(mapping_set)
    for record in records:
        for key, most in CISO_LENGTHS.items():
            if len(str(record.get(key, ""))) > most:
                problems.append(f"{record.get('urn')}: {key} longer than {most}")
    return problems


def test_every_ciso_library_passes_the_importer_rules(kb: KnowledgeBase, tmp_path: Path) -> None:
    written = export(kb, "ciso", tmp_path / "ciso")
    libraries = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in written}
    assert {
        name: _ciso_problems(lib) for name, lib in libraries.items() if _ciso_problems(lib)
    } == {}
    nodes = {
        node["urn"]: framework["urn"]
        for lib in libraries.values()
        for framework in lib["objects"].get("frameworks", [])
        for node in framework["requirement_nodes"]
    }
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for lib in libraries.values():
        for mapping_set in lib["objects"].get("requirement_mapping_sets", []):
            pair = (mapping_set["source_framework_urn"], mapping_set["target_framework_urn"])
            assert pair not in pairs, f"the engine keeps one set per framework pair: {pair}"
            pairs[pair] = mapping_set
            for row in mapping_set["requirement_mappings"]:
                assert nodes[row["source_requirement_urn"]] == pair[0]
                assert nodes[row["target_requirement_urn"]] == pair[1]
    # the engine never inverts: every direction is there, with the converse relationship
    converse = {"subset": "superset", "superset": "subset"}
    for (source, target), mapping_set in pairs.items():
        back = {
            (r["target_requirement_urn"], r["source_requirement_urn"]): r["relationship"]
            for r in pairs[(target, source)]["requirement_mappings"]
        }
        for row in mapping_set["requirement_mappings"]:
            key = (row["source_requirement_urn"], row["target_requirement_urn"])
            relation = row["relationship"]
            assert back.get(key) == converse.get(relation, relation), (source, target, key)
    iso31000, gbt24353 = (
        "urn:crosswalk:risk:framework:iso31000",
        "urn:crosswalk:risk:framework:gbt24353",
    )
    assert (iso31000, gbt24353) in pairs and (gbt24353, iso31000) in pairs


def test_ciso_version_grows_with_the_data(kb: KnowledgeBase) -> None:
    mapping_set = _set(kb, "iso23894-iso31000")
    before = to_ciso_mapping(kb, mapping_set)["version"]
    newer = replace(mapping_set, date=dt.date(2099, 1, 2))
    assert before >= 20000101 and to_ciso_mapping(kb, newer)["version"] == 20990102 > before


def test_a_ciso_set_without_rows_is_not_written(tiny_kb: KnowledgeBase, tmp_path: Path) -> None:
    only_addresses = replace(
        _set(tiny_kb, "aa-bb"),
        mappings=tuple(m for m in _set(tiny_kb, "aa-bb").mappings if m.relation == "addresses"),
    )
    assert only_addresses.mappings
    with pytest.raises(ExportError, match="no row CISO Assistant can hold"):
        write_ciso_mapping(tiny_kb, only_addresses, tmp_path / "x.yaml")
    assert not (tmp_path / "x.yaml").exists()


# -- crosswalk matrix ----------------------------------------------------------------


def test_matrix_round_trip_of_a_real_pair(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = write_crosswalk_matrix(kb, "gbt46347", "iso23894", tmp_path / "m.xlsx")
    back = read_crosswalk_matrix(path, kb=kb)
    assert _unordered(back) == _unordered(_set(kb, "gbt46347-iso23894"))
    assert to_dict(back, exclude={"mappings", "path"}) == to_dict(
        _set(kb, "gbt46347-iso23894"), exclude={"mappings", "path"}
    )


def test_matrix_workbook_structure(tiny_kb: KnowledgeBase, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_crosswalk_matrix(tiny_kb, "aa", "bb", tmp_path / "m.xlsx", inferred=True)
    book = load_workbook(path)
    assert book.sheetnames == [MATRIX_SHEET, LEGEND_SHEET, RELATIONS_SHEET]
    sheet, lists = book[MATRIX_SHEET], book[RELATIONS_SHEET]
    assert sheet.freeze_panes == "C3" and lists.sheet_state == "hidden"
    assert [c.value for c in lists["A"]] == list(RELATION_NAMES)
    (validation,) = sheet.data_validations.dataValidation
    assert (
        validation.type == "list"
        and RELATIONS_SHEET in validation.formula1
        and str(validation.sqref) == "C3:F7"
    )
    assert any(c.value == CELL_GRAMMAR for row in book[LEGEND_SHEET].iter_rows() for c in row)
    formula_like = next(c for c in sheet["B"] if c.value and str(c.value).startswith("="))
    assert formula_like.data_type == "s"  # text, never a formula
    assert sheet["A7"].value == "aa:1.1 ∪ aa:1.2" and sheet["D7"].value == "equal"
    inferred = [
        c
        for row in sheet.iter_rows(min_row=3, min_col=3)
        for c in row
        if c.value and "(inferred)" in str(c.value)
    ]
    assert inferred and all(c.font.i and c.font.color.rgb.endswith("808080") for c in inferred)


def _fill(path: Path, cells: dict[str, Any]) -> Path:
    from openpyxl import load_workbook

    book = load_workbook(path)
    for ref, value in cells.items():
        book[MATRIX_SHEET][ref] = value
    book.save(path)
    return path


def test_matrix_edits_become_mappings(tiny_kb: KnowledgeBase, tmp_path: Path) -> None:
    # C4: aa:1.1 → bb:1 changed; D7: the union row cleared; D5: aa:1.2 → bb:2 new;
    # F5: only the strength changed; E6 unchanged
    edits = {"C4": "subset_of:7", "D7": None, "D5": "intersects_with", "F5": "addresses:9"}
    path = _fill(write_crosswalk_matrix(tiny_kb, "aa", "bb", tmp_path / "m.xlsx"), edits)
    back = {(m.subject, m.object): m for m in read_crosswalk_matrix(path, kb=tiny_kb).mappings}
    assert set(back) == {
        ("aa:1.1", "bb:1"),
        ("aa:1.2", "bb:2"),
        ("aa:1.2", "bb:risk.x"),
        ("aa:2", "bb:2.1"),
    }
    changed, new = back[("aa:1.1", "bb:1")], back[("aa:1.2", "bb:2")]
    assert (changed.relation, changed.strength, changed.rationale, changed.author) == (
        "subset_of",
        7,
        "semantic",
        IMPORT_AUTHOR,
    )
    assert (new.relation, new.strength, new.author) == ("intersects_with", 5, IMPORT_AUTHOR)
    reweighed = back[("aa:1.2", "bb:risk.x")]
    assert (reweighed.strength, reweighed.author, reweighed.justification) == (
        9,
        IMPORT_AUTHOR,
        "Why addresses.",
    )
    assert back[("aa:2", "bb:2.1")] == replace(_set(tiny_kb, "aa-bb").mappings[2], index=3)


def test_matrix_invalid_cells_are_reported_at_once(tiny_kb: KnowledgeBase, tmp_path: Path) -> None:
    path = _fill(
        write_crosswalk_matrix(tiny_kb, "aa", "bb", tmp_path / "m.xlsx"),
        {"C3": "equals", "D4": "subset_of:11", "G1": "bb:9", "A9": "aa:7", "E5": "=1+1"},
    )
    with pytest.raises(DataError) as error:
        read_crosswalk_matrix(path, kb=tiny_kb)
    found = {(p.location, p.rule) for p in error.value.problems}
    assert found == {
        ("Matrix!C3", "relation-name"),
        ("Matrix!D4", "strength"),
        ("Matrix!G1", "known-clause"),
        ("Matrix!A9", "known-clause"),
        ("Matrix!E5", "relation-name"),
    }
    assert all(p.file == str(path) for p in error.value.problems)
    assert "closest" in next(p.message for p in error.value.problems if p.location == "Matrix!G1")


def test_matrix_checks_kinds_of_new_cells(tiny_kb: KnowledgeBase, tmp_path: Path) -> None:
    path = _fill(
        write_crosswalk_matrix(tiny_kb, "aa", "bb", tmp_path / "m.xlsx"), {"C6": "addresses"}
    )
    with pytest.raises(DataError) as error:
        read_crosswalk_matrix(path, kb=tiny_kb)
    assert [(p.location, p.rule) for p in error.value.problems] == [("Matrix!C6", "addresses-risk")]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from("CDEF"), st.sampled_from("3456")),
        st.tuples(st.sampled_from(RELATION_NAMES[:5]), st.none() | st.integers(1, 10)),
        max_size=8,
    )
)
def test_matrix_reads_exactly_the_cells_written(
    tmp_path: Path, cells: dict[tuple[str, str], tuple[str, int | None]]
) -> None:
    empty = KnowledgeBase(
        [
            Framework(prefix=p, title=p, short_name=p, kind="policy", iri_base=f"x:{p}/")
            for p in "pq"
        ],
        [_clause(p, str(i)) for p in "pq" for i in range(1, 5)],
        [],
    )
    path = write_crosswalk_matrix(empty, "p", "q", tmp_path / "random.xlsx")
    _fill(path, {c + r: rel + (f":{s}" if s else "") for (c, r), (rel, s) in cells.items()})
    back = {
        (m.subjects[0], m.object): (m.relation, m.strength)
        for m in read_crosswalk_matrix(path, kb=empty).mappings
    }
    assert back == {
        (f"p:{int(r) - 2}", f"q:{'CDEF'.index(c) + 1}"): (rel, s or 5)
        for (c, r), (rel, s) in cells.items()
    }


# -- mapping file and CSV ------------------------------------------------------------


@pytest.mark.parametrize("set_id", REAL_SETS)
def test_mapping_file_and_csv_round_trip_of_real_sets(
    kb: KnowledgeBase, tmp_path: Path, set_id: str
) -> None:
    mapping_set = _set(kb, set_id)
    path = write_mapping_yaml(mapping_set, tmp_path / f"{set_id}.yaml")
    back = read_mapping_yaml(path, kb=kb)
    assert (_content(back), _header(back) | {"derived": mapping_set.derived}) == (
        _content(mapping_set),
        _header(mapping_set),
    )
    assert path.read_bytes() == write_mapping_yaml(back, tmp_path / "again.yaml").read_bytes()
    assert _content(
        read_mapping_csv(write_mapping_csv(mapping_set, tmp_path / "x.csv"), kb=kb)
    ) == _content(mapping_set)


def test_mapping_file_loads_as_user_data(kb: KnowledgeBase, tmp_path: Path) -> None:
    mapping_set = replace(_set(kb, "iso23894-iso31000"), id="my-review")
    path = write_mapping_yaml(mapping_set, tmp_path / "my-review.yaml")
    loaded = crosswalk.load([path])
    assert len(next(s for s in loaded.mapping_sets if s.id == "my-review").mappings) == len(
        mapping_set.mappings
    )


def test_csv_malformed_rows_name_row_column_and_rule(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = write_mapping_csv(_set(kb, "iso23894-iso31000"), tmp_path / "bad.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace(",equal,", ",same,", 1)
    lines[4] = lines[4].replace(",10,", ",12,", 1)
    lines[5] = lines[5].replace("iso31000:4.d", "iso31000:4.z", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_mapping_csv(path, kb=kb)
    found = {(p.location, p.rule) for p in error.value.problems}
    assert found == {
        ("row 3, column relation", "relation-name"),
        ("row 5, column strength", "valid-strength"),
        ("row 6", "known-clause"),
    }
    path.write_text("subject,object\n", encoding="utf-8")
    with pytest.raises(DataError) as missing:
        read_mapping_csv(path)
    assert missing.value.problems[0].rule == "csv-columns"


def test_every_clause_has_one_iri_in_rdf_sssom_and_oscal(kb: KnowledgeBase, tmp_path: Path) -> None:
    """A clause's CURIE, expanded by each file's own prefix map, is the IRI RDF gives it."""
    from crosswalk.interop.oscal import to_oscal_catalog
    from crosswalk.model.ids import clause_curie
    from crosswalk.rdf import CW, to_graph

    graph = to_graph(kb)
    rdf = {
        str(graph.value(node, DCTERMS.identifier)): str(node)
        for node in graph.subjects(RDF.type, CW.Clause)
    }
    assert set(rdf) == set(kb.clauses)
    path = write_sssom(kb.mapping_sets, tmp_path / "all.sssom.tsv", kb=kb)
    lines = path.read_text(encoding="utf-8").splitlines(True)
    header = "".join(line[1:] for line in lines if line.startswith("#"))
    curie_map = yaml.safe_load(header)["curie_map"]
    from_file = converter(curie_map.items())
    body = [
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    rows = list(csv.DictReader(body, delimiter="\t"))
    subjects = [re.sub(r"^crosswalk:union\((.*)\)$", r"\1", row["subject_id"]) for row in rows]
    written = {row["object_id"] for row in rows} | {m for s in subjects for m in s.split(",")}
    assert written, "the SSSOM file names clauses"
    iris = set(rdf.values())
    for curie in written:
        assert from_file.expand(curie) in iris, curie
    for clause in kb:
        framework = kb.frameworks[clause.framework]
        curie = clause_curie(clause.framework, clause.local, framework.iri_base)
        assert converter([(framework.prefix, framework.iri_base)]).expand(curie) == rdf[clause.id]
    for prefix in ("euaiact", "iso31000"):
        controls = _oscal_controls(to_oscal_catalog(kb, prefix)["catalog"])
        for control in controls:
            canonical = [link["href"] for link in control["links"] if link["rel"] == "canonical"]
            clause_id = control["id"].replace("-", ":", 1)
            assert canonical == [rdf[clause_id]], control["id"]


def _oscal_controls(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for control in node.get("controls", []):
        found.append(control)
        found.extend(_oscal_controls(control))
    return found


def test_older_sssom_files_are_still_read(kb: KnowledgeBase, tmp_path: Path) -> None:
    """Files from before one IRI per clause: vocab#, mapping-set/ and ELI bases + local ids."""
    path = tmp_path / "old.sssom.tsv"
    path.write_text(
        "#curie_map:\n"
        "#  crosswalk: https://w3id.org/crosswalk/vocab#\n"
        "#  euaiact: http://data.europa.eu/eli/reg/2024/1689/\n"
        "#  iso23894: https://w3id.org/crosswalk/clause/iso23894/\n"
        "#mapping_set_id: https://w3id.org/crosswalk/mapping-set/old\n"
        "subject_id\tpredicate_id\tobject_id\tmapping_justification\text_strm_relation\n"
        "euaiact:art9.2.a\tskos:relatedMatch\tiso23894:6.4.2\tsemapv:ManualMappingCuration\tintersects_with\n",
        encoding="utf-8",
    )
    mapping_set = read_sssom(path, kb=kb)
    assert mapping_set.id == "old"
    (mapping,) = mapping_set.mappings
    assert (mapping.subjects, mapping.object) == (("euaiact:art9.2.a",), "iso23894:6.4.2")


@pytest.mark.parametrize("author", ["=", "~", "null", "yes", "2026-01-01"])
def test_sssom_metadata_that_yaml_would_read_otherwise_is_quoted(
    tiny_kb: KnowledgeBase, tmp_path: Path, author: str
) -> None:
    """A plain ``=`` is not even loadable by a safe YAML loader; found by hypothesis."""
    mapping_set = replace(_set(tiny_kb, "aa-bb"), author=author)
    path = write_sssom(mapping_set, tmp_path / "aa-bb.sssom.tsv", kb=tiny_kb)
    assert read_sssom(path, kb=tiny_kb).author == author
