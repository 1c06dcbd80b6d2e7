"""crosswalk's own Turtle writer: the same graph as the N-Triples export, byte-stable.

The writer shortens IRIs and datatypes to prefixed names only where Turtle allows it
without escapes; Oxigraph and rdflib, two independent parsers, read every file back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from crosswalk.api import KnowledgeBase
from crosswalk.rdf.sinks import NTriplesSink
from crosswalk.rdf.turtle import turtle
from crosswalk.rdf.write import write_rdf

EX = "http://example.org/ns/"


def _triples(data: bytes, fmt: pyoxigraph.RdfFormat) -> set[pyoxigraph.Triple]:
    return set(pyoxigraph.parse(data, format=fmt))


def test_the_bundled_export_is_the_same_graph_as_its_ntriples(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    ttl = write_rdf(kb, tmp_path / "kb.ttl").read_bytes()
    nt = write_rdf(kb, tmp_path / "kb.nt", format="nt").read_bytes()
    expected = _triples(nt, pyoxigraph.RdfFormat.N_TRIPLES)
    assert _triples(ttl, pyoxigraph.RdfFormat.TURTLE) == expected
    assert write_rdf(kb, tmp_path / "again.ttl").read_bytes() == ttl
    by_oxigraph = write_rdf(kb, tmp_path / "ox.ttl", engine="oxigraph").read_bytes()
    assert _triples(by_oxigraph, pyoxigraph.RdfFormat.TURTLE) == expected
    prefixes = [line for line in ttl.decode().splitlines() if line.startswith("@prefix ")]
    assert (
        prefixes == sorted(prefixes)
        and "@prefix cw: <https://w3id.org/crosswalk/ontology#> ." in prefixes
    )


def test_awkward_terms_are_written_so_that_both_parsers_read_them_back() -> None:
    sink = NTriplesSink()
    subject = EX + "a"
    sink.link(subject, EX + "p", EX + "b")
    sink.link(subject, EX + "p", EX + "with.dot.")  # a local part may not end with "."
    sink.link(subject, EX + "p", EX + "has%20space")
    sink.link(subject, EX + "p", EX + "deeper/c")  # no prefix ends at the last "/"
    sink.link(subject, EX + "p", "http://other.example/x")
    sink.link(subject, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", EX + "Thing")
    sink.value(subject, EX + "q", 'quote " and ^^<not a datatype> \\ and\nnewline')
    sink.value(subject, EX + "q", "中文", "zh")
    sink.value(subject, EX + "q", "https://example.org/?a=b", "uri")
    sink.value(subject, EX + "q", dt.date(2026, 12, 7))
    sink.value(subject, EX + "q", 7)
    sink.value(EX + "1", EX + "p", "starts with a digit")
    prefixes = {
        "ex": EX,
        "ex1": "http://example.org/ns1/",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "unused": "http://unused.example/",
    }
    data = turtle(sink, prefixes)
    text = data.decode()
    assert _triples(data, pyoxigraph.RdfFormat.TURTLE) == _triples(
        sink.data(), pyoxigraph.RdfFormat.N_TRIPLES
    )
    assert len(Graph().parse(data=data, format="turtle")) == len(sink.data().splitlines())
    assert "ex:b" in text and "<http://example.org/ns/with.dot.>" in text
    assert '"7"^^xsd:integer' in text and "\ta ex:Thing" in text
    assert "unused" not in text and "ex1" not in text
