"""Hardening.

Every reader either loads its input or raises a CrosswalkError subclass that names the place and the
rule — never another exception type, a hang, or a partial result.

Generated cases per run (hypothesis ``max_examples``) are listed in the README.
"""

from __future__ import annotations

import datetime as dt
import io
import string
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crosswalk
from crosswalk.api import KnowledgeBase
from crosswalk.io.inventory import LIMITS, read_inventory
from crosswalk.model.errors import CrosswalkError, InventoryError

pytestmark = pytest.mark.fuzz
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "implemented",
            "planned",
            "=SUM(A1)",
            "@cmd",
            "iso31000:6.4.2",
            "ISO 31000 6.4.9",
            "Art. 9(2)(a) AI Act",
            "#REF!",
            "\ufeffid",
        ]
    ),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 1, 1)),
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "title",
                    "status",
                    "implements",
                    "controls",
                    "inventory",
                    "profile",
                    "clause",
                    "coverage",
                    "maturity",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


def _ok_or_crosswalk_error(call) -> object:
    try:
        return call()
    except CrosswalkError as error:
        assert str(error).strip(), "an error must say what went wrong"
        return error


@FUZZ
@given(documents)
def test_yaml_inventories(kb: KnowledgeBase, tmp_path_factory, document) -> None:
    path = tmp_path_factory.mktemp("inv") / "inventory.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    result = _ok_or_crosswalk_error(lambda: read_inventory(path, kb=kb))
    if isinstance(result, InventoryError):
        assert all(p.file == str(path) and p.rule for p in result.problems)


@FUZZ
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.text(alphabet=string.printable + "中文\u00e9", max_size=20),
                st.sampled_from(["id", "title", "status", "implemented", "iso31000:6.4.2"]),
            ),
            max_size=6,
        ),
        max_size=6,
    ),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]),
)
def test_csv_inventories(kb: KnowledgeBase, tmp_path_factory, rows, encoding) -> None:
    text = "\n".join(",".join(cell.replace(",", " ") for cell in row) for row in rows)
    path = tmp_path_factory.mktemp("inv") / "inventory.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        return
    _ok_or_crosswalk_error(lambda: read_inventory(path, kb=kb))


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([".xlsx", ".csv", ".yaml", ".txt", ""]))
def test_random_bytes_with_any_extension(kb: KnowledgeBase, tmp_path_factory, data, suffix) -> None:
    path = tmp_path_factory.mktemp("inv") / f"inventory{suffix}"
    path.write_bytes(data)
    _ok_or_crosswalk_error(lambda: read_inventory(path, kb=kb))


cells = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
    st.integers(-5, 99),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2030, 1, 1)),
    st.sampled_from(
        [
            "=1+1",
            "#N/A",
            "implemented",
            "partially_implemented",
            "Art. 9(2)(a) AI Act",
            "iso23894:6.4.2",
            "RM-01",
        ]
    ),
)


@FUZZ
@given(
    st.sampled_from(["Controls", "controls", "Sheet1", "Inventory"]),
    st.lists(st.lists(cells, max_size=8), max_size=6),
    st.booleans(),
    st.booleans(),
)
def test_xlsx_inventories(
    kb: KnowledgeBase, tmp_path_factory, sheet_name, rows, with_header, merged
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    if with_header:
        sheet.append(
            ["id", "title", "description", "owner", "status", "maturity", "evidence", "implements"]
        )
    for row in rows:
        sheet.append(row)
    if merged and sheet.max_row >= 2:
        sheet.merge_cells("A2:B2")
    path = tmp_path_factory.mktemp("inv") / "inventory.xlsx"
    workbook.save(path)
    result = _ok_or_crosswalk_error(lambda: read_inventory(path, kb=kb))
    if isinstance(result, InventoryError):
        assert all(p.file == str(path) for p in result.problems)


def test_formula_cells_are_refused_not_evaluated(kb: KnowledgeBase, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Controls"
    sheet.append(["id", "title", "status"])
    sheet.append(["A", '=HYPERLINK("http://example.invalid")', "implemented"])
    path = tmp_path / "formula.xlsx"
    workbook.save(path)
    with pytest.raises(InventoryError) as raised:
        read_inventory(path, kb=kb)
    assert [p.rule for p in raised.value.problems] == ["formula"]
    assert "row 2, column B" in raised.value.problems[0].location


def test_zip_bomb_is_refused_before_loading(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(LIMITS["uncompressed_bytes"] // len(chunk) + 2):
                member.write(chunk)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(InventoryError) as raised:
        read_inventory(path, kb=kb)
    assert raised.value.problems[0].rule == "zip-size"


def test_control_characters_never_break_the_workbook(kb: KnowledgeBase, tmp_path: Path) -> None:
    from crosswalk.gap.analysis import gap_analysis
    from crosswalk.model.inventory import Control, Inventory

    inventory = Inventory(
        controls=(Control(id="A\x1f", title="bell\x07 =1+1", status="implemented"),)
    )
    report = gap_analysis(kb, inventory, target="iso31000")
    path = report.to_excel(tmp_path / "gap.xlsx")
    values = [c.value for row in openpyxl.load_workbook(path)["Controls"].iter_rows() for c in row]
    assert "bell\ufffd =1+1" in values


def test_enormous_cell_is_refused(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("id,title,status\nA," + "x" * 40_000 + ",implemented\n", encoding="utf-8")
    with pytest.raises(InventoryError) as raised:
        read_inventory(path, kb=kb)
    assert raised.value.problems[0].rule == "cell-size"


def test_date_where_text_is_expected(kb: KnowledgeBase, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Controls"
    sheet.append(["id", "title", "status"])
    sheet.append(["A", dt.datetime(2026, 1, 1), "implemented"])
    path = tmp_path / "date.xlsx"
    workbook.save(path)
    with pytest.raises(InventoryError) as raised:
        read_inventory(path, kb=kb)
    assert raised.value.problems[0].rule == "text-expected"


def test_wrong_sheet_name(kb: KnowledgeBase, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Sheet1"
    path = tmp_path / "sheet.xlsx"
    workbook.save(path)
    with pytest.raises(InventoryError, match="no sheet named 'Controls'"):
        read_inventory(path, kb=kb)


def test_bom_and_mixed_encodings(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffid,title,status\nA,风险识别,implemented\n".encode("utf-8"))
    inventory = read_inventory(path, kb=kb)
    assert inventory.controls[0].title == "风险识别"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,title,status\nA,Gef\xe4hrdung,implemented\n".encode("latin-1"))
    with pytest.raises(InventoryError) as raised:
        read_inventory(latin, kb=kb)
    assert raised.value.problems[0].rule == "encoding"


mapping_documents = st.fixed_dictionaries(
    {
        "mapping_set": st.one_of(
            documents,
            st.just(
                {
                    "id": "user",
                    "title": "t",
                    "subject_framework": "acme",
                    "object_framework": "acme",
                    "author": "a",
                    "date": "2026-01-01",
                }
            ),
        ),
        "mappings": st.lists(
            st.dictionaries(
                st.sampled_from(
                    ["subject", "relation", "object", "strength", "rationale", "justification", "x"]
                ),
                st.one_of(
                    scalars,
                    st.sampled_from(
                        ["acme:1", "acme:1.1", "acme:2", "equal", "subset_of", "semantic"]
                    ),
                ),
                max_size=7,
            ),
            max_size=4,
        ),
    }
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.one_of(mapping_documents, documents))
def test_user_mapping_files(tmp_path_factory, document) -> None:
    from .test_catalogue import CATALOGUE

    directory = tmp_path_factory.mktemp("data")
    (directory / "acme.yaml").write_text(CATALOGUE, encoding="utf-8")
    (directory / "user.yaml").write_text(
        yaml.safe_dump(document, allow_unicode=True, default_flow_style=False), encoding="utf-8"
    )
    result = _ok_or_crosswalk_error(lambda: crosswalk.load([directory], bundled=False))
    if isinstance(result, crosswalk.DataError):
        assert all(p.rule and p.file for p in result.problems)


def test_deeply_nested_yaml(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("controls: " + "[" * 2000 + "]" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(InventoryError):
        read_inventory(path, kb=kb)


_ = io


# -- mapping readers of other formats, RDF, citations ------------------------------------

tsv_cells = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\t\n\r"),
        max_size=25,
    ),
    st.sampled_from(
        [
            "skos:exactMatch",
            "skos:relatedMatch",
            "Not",
            "semapv:ManualMappingCuration",
            "iso31000:6.4.2",
            "iso23894:6.4.2",
            "0.9",
            "subset_of",
            "ext_strm_relation",
        ]
    ),
)


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            [
                "#curie_map:",
                "#  iso31000: https://w3id.org/crosswalk/clause/iso31000/",
                "#mapping_set_id: x",
                "#license: CC-BY-4.0",
                "# bad: [",
                "#\x00",
            ]
        ),
        max_size=4,
    ),
    st.lists(st.lists(tsv_cells, min_size=1, max_size=9), max_size=5),
)
def test_sssom_reader(kb: KnowledgeBase, tmp_path_factory, header, rows) -> None:
    from crosswalk.interop import import_

    columns = [
        "subject_id",
        "predicate_id",
        "object_id",
        "mapping_justification",
        "predicate_modifier",
        "confidence",
        "ext_strm_relation",
        "author_label",
        "comment",
    ]
    text = "\n".join(header + ["\t".join(columns)] + ["\t".join(row) for row in rows]) + "\n"
    path = tmp_path_factory.mktemp("sssom") / "fuzz.sssom.tsv"
    path.write_text(text, encoding="utf-8")
    _ok_or_crosswalk_error(lambda: import_(path, kb=kb))


@FUZZ
@given(st.one_of(documents, st.fixed_dictionaries({"mapping-collection": documents})))
def test_oscal_reader(kb: KnowledgeBase, tmp_path_factory, document) -> None:
    import json

    from crosswalk.interop import import_

    path = tmp_path_factory.mktemp("oscal") / "fuzz.json"
    path.write_text(json.dumps(document, default=str), encoding="utf-8")
    _ok_or_crosswalk_error(lambda: import_(path, "oscal", kb=kb))


@FUZZ
@given(st.lists(st.lists(cells, max_size=5), max_size=5))
def test_crosswalk_matrix_reader(kb: KnowledgeBase, tmp_path_factory, rows) -> None:
    from crosswalk.interop import import_

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Matrix"
    sheet.append([None, "iso31000:6.4.2", "iso31000:6.5", "bogus:1"])
    for row in rows:
        sheet.append(["iso23894:6.4.2", *row])
    path = tmp_path_factory.mktemp("matrix") / "matrix.xlsx"
    workbook.save(path)
    _ok_or_crosswalk_error(lambda: import_(path, kb=kb))


turtle_fragments = st.lists(
    st.sampled_from(
        [
            "@prefix cw: <https://w3id.org/crosswalk/ontology#> .",
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
            "<https://w3id.org/crosswalk/clause/iso31000/6.4.2> a skos:Concept .",
            '<x> <y> "unterminated',
            "[] a cw:Mapping ; cw:relation cw:equal .",
            "<a> skos:exactMatch <b> .",
            "@base <http://example.invalid/> .",
            "<?xml version='1.0'?><!DOCTYPE r [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><r>&e;</r>",
            '{"@context": "http://example.invalid/context.jsonld", "@id": "x"}',
        ]
    ),
    max_size=6,
)


@FUZZ
@given(turtle_fragments, st.sampled_from(["turtle", "json-ld", "xml", "nt"]))
def test_rdf_reader(tmp_path_factory, fragments, fmt) -> None:
    from crosswalk.rdf import read_rdf

    suffix = {"turtle": ".ttl", "json-ld": ".jsonld", "xml": ".rdf", "nt": ".nt"}[fmt]
    path = tmp_path_factory.mktemp("rdf") / f"fuzz{suffix}"
    path.write_text("\n".join(fragments), encoding="utf-8")
    _ok_or_crosswalk_error(lambda: read_rdf(path, format=fmt))


def test_rdf_xml_external_entities_are_not_resolved(tmp_path: Path) -> None:
    from crosswalk.rdf import read_graph

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    path = tmp_path / "xxe.rdf"
    path.write_text(
        f"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY e SYSTEM 'file://{secret}'>]>"
        "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' xmlns:ex='http://example.org/'>"
        "<rdf:Description rdf:about='http://example.org/a'><ex:p>&e;</ex:p></rdf:Description></rdf:RDF>",
        encoding="utf-8",
    )
    try:
        graph = read_graph(path, format="xml")
    except CrosswalkError:
        return
    assert all("TOP-SECRET" not in str(o) for o in graph.objects())
