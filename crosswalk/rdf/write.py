"""RDF export of a knowledge base (vocabulary in ``ontologies/``).

Frameworks become ``skos:ConceptScheme``, clauses ``skos:Concept`` and every mapping a
reified ``cw:Mapping`` node carrying its relation and provenance, plus the SKOS match
triple of each relation for tools that read only SKOS; an inventory's controls and a
gap report's findings can come along. What the export holds is said once, in
:mod:`crosswalk.rdf.triples`; this module turns it into an rdflib graph or a file.

Turtle and N-Triples are written without an RDF library: the triples become sorted
N-Triples lines, and :mod:`crosswalk.rdf.turtle` groups them by subject with prefixed
names (about a third of a second for the bundled data, against about 0.8 s when Oxigraph
parsed the lines and wrote the Turtle, and seconds through rdflib; both remain as
``engine=``). JSON-LD is written by rdflib, with the vocabulary's prefixes as its context.

>>> import crosswalk
>>> from crosswalk.rdf import CW, to_graph
>>> kb = crosswalk.load()
>>> graph = to_graph(kb)
>>> len(list(graph.subjects(predicate=None, object=CW.Mapping))) == len(kb.mappings)
True
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rdflib import Graph

from crosswalk.io.atomic import write_bytes_atomic
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import ExportError
from crosswalk.model.ids import is_eli_act
from crosswalk.rdf.sinks import NTriplesSink, RdflibSink
from crosswalk.rdf.terms import PREFIXES, RDF_FORMATS, WRITABLE_FORMATS
from crosswalk.rdf.triples import GENID, write_triples
from crosswalk.rdf.turtle import turtle

__all__ = [
    "ENGINES",
    "prefixes_of",
    "to_graph",
    "to_ntriples",
    "write_rdf",
]

ENGINES = ("auto", "rdflib", "oxigraph")
"""Turtle writers of :func:`write_rdf`: ``auto`` is crosswalk's own for a knowledge base
(:mod:`crosswalk.rdf.turtle`) and Oxigraph for an rdflib graph."""


def prefixes_of(kb: KnowledgeBase) -> dict[str, str]:
    """The prefixes an export declares: the vocabulary's, and each framework's IRI base."""
    prefixes = {name: str(namespace) for name, namespace in PREFIXES.items()}
    prefixes["genid"] = GENID
    for prefix, framework in kb.frameworks.items():
        if prefix not in prefixes and not is_eli_act(framework.iri_base):
            prefixes[prefix] = framework.iri_base
    return prefixes


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
    for name, namespace in prefixes_of(kb).items():
        graph.bind(name, namespace, override=True)
    write_triples(RdflibSink(graph), kb, inventory=inventory, report=report)
    return graph


def to_ntriples(kb: KnowledgeBase, *, inventory: Any = None, report: Any = None) -> bytes:
    """The export as N-Triples (UTF-8): sorted, each triple once; the same graph as :func:`to_graph`."""
    sink = NTriplesSink()
    write_triples(sink, kb, inventory=inventory, report=report)
    return sink.data()


def oxigraph_turtle(ntriples: bytes, prefixes: dict[str, str]) -> bytes:
    """Turtle written by Oxigraph from sorted N-Triples, with the prefixes it uses (sorted)."""
    import pyoxigraph

    used = {name: iri for name, iri in sorted(prefixes.items()) if b"<" + iri.encode() in ntriples}
    triples = pyoxigraph.parse(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    text = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=used) or b""
    # the prefix lines come in hash order: sort them too
    head = [
        line for line in text.splitlines(keepends=True)[: len(used)] if line.startswith(b"@prefix ")
    ]
    return b"".join(sorted(head)) + text[sum(map(len, head)) :]


def _graph_ntriples(graph: Graph) -> bytes:
    lines = graph.serialize(format="nt", encoding="utf-8").splitlines()
    return b"\n".join(sorted(set(lines))) + b"\n"


def _json_ld(graph: Graph) -> bytes:
    context = {name: str(namespace) for name, namespace in PREFIXES.items()}
    return graph.serialize(format="json-ld", context=context, indent=1, encoding="utf-8")


def _document(
    source: KnowledgeBase | Graph, fmt: str, engine: str, inventory: Any, report: Any
) -> bytes:
    if isinstance(source, Graph):
        if fmt == "json-ld":
            return _json_ld(source)
        if fmt == "nt":
            return _graph_ntriples(source)
        if engine == "rdflib":
            return bytes(source.serialize(format="turtle", encoding="utf-8"))
        prefixes = {name: str(iri) for name, iri in source.namespaces() if name and name != "xml"}
        return oxigraph_turtle(_graph_ntriples(source), prefixes)
    if fmt == "json-ld" or engine == "rdflib":
        graph = to_graph(source, inventory=inventory, report=report)
        return _json_ld(graph) if fmt == "json-ld" else _document(graph, fmt, engine, None, None)
    sink = NTriplesSink()
    write_triples(sink, source, inventory=inventory, report=report)
    if fmt == "nt":
        return sink.data()
    if engine == "oxigraph":
        return oxigraph_turtle(sink.data(), prefixes_of(source))
    return turtle(sink, prefixes_of(source))


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
    written by crosswalk (``engine="auto"``: subjects sorted and grouped, prefixes
    sorted), by Oxigraph (``"oxigraph"``, from the sorted N-Triples; an rdflib graph's
    default) or by rdflib (``engine="rdflib"``, much slower). N-Triples comes out sorted.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use {', '.join(ENGINES)}")
    fmt = RDF_FORMATS.get(format.lower())
    if fmt not in WRITABLE_FORMATS:
        raise ValueError(
            f"unknown RDF output format {format!r}; use turtle (ttl), json-ld (jsonld) or nt"
        )
    try:
        document = _document(kb, fmt, engine, inventory, report)
    except SyntaxError as error:  # Oxigraph refused a term the graph holds
        raise ExportError(f"cannot write {path}: {error}") from error
    return write_bytes_atomic(path, document)
