"""Extra RDF beside the knowledge base: user files added to its graph, safely, for a query.

``crosswalk sparql --rdf`` queries the knowledge base together with files a user gives
(a ``gap --rdf`` export, say). Reading those files is the one place where a query's data
comes from outside the package, so it has its own size, format and parsing checks here,
apart from running the query (:mod:`crosswalk.rdf.sparql`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph

from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import DataError, Problem, first_line
from crosswalk.rdf.engines import choose_engine, graph_of
from crosswalk.rdf.parse import offline, read_graph
from crosswalk.rdf.terms import MAX_RDF_BYTES, SUFFIX_FORMATS
from crosswalk.rdf.write import to_ntriples

__all__ = ["ntriples_with_rdf", "with_rdf"]

_OXIGRAPH_SAFE = {"turtle": "TURTLE", "nt": "N_TRIPLES"}
"""Syntaxes Oxigraph may read directly: they can name no remote context and no entity."""


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_RDF_BYTES:
            raise DataError(
                [
                    Problem(
                        str(path),
                        "",
                        "file-size",
                        f"{size} bytes is over the {MAX_RDF_BYTES // 2**20} MB limit",
                    )
                ]
            )
        return path.read_bytes()
    except OSError as error:
        raise DataError([Problem(str(path), "", "readable", str(error))]) from error


def _format_of(path: Path) -> str:
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(SUFFIX_FORMATS))
        raise DataError(
            [Problem(str(path), "", "rdf-format", f"cannot tell the RDF format ({known})")]
        )
    return fmt


def _ntriples_of(path: Path) -> tuple[bytes, str]:
    """A file's triples for Oxigraph: (data, pyoxigraph format name), safely parsed."""
    fmt = _format_of(path)
    if fmt in _OXIGRAPH_SAFE:
        return _read_bytes(path), _OXIGRAPH_SAFE[fmt]
    graph = read_graph(path, format=fmt, store="SimpleMemory")  # entity and context checks
    return graph.serialize(format="nt", encoding="utf-8"), "N_TRIPLES"


def with_rdf(
    kb: KnowledgeBase, paths: Sequence[str | os.PathLike[str]], *, engine: str = "auto"
) -> Any:
    """The knowledge base's graph with the triples of RDF files added, ready for :func:`~crosswalk.rdf.sparql.run_query`.

    A ``gap --rdf`` file (the knowledge base, an inventory and its findings) adds only its
    controls and findings: exports have no blank nodes, so repeated triples merge. Files
    are parsed without network access, external entities or remote JSON-LD contexts.
    Returns a pyoxigraph Store (``engine`` auto or oxigraph) or an rdflib Graph (rdflib).
    """
    files = [Path(p) for p in paths]
    if choose_engine(engine, kb) == "rdflib":
        graph = Graph(store="SimpleMemory")
        for triple in graph_of(kb):
            graph.add(triple)
        for path in files:
            for triple in read_graph(path, store="SimpleMemory"):
                graph.add(triple)
        return graph
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(to_ntriples(kb), format=pyoxigraph.RdfFormat.N_TRIPLES)
    for path in files:
        data, fmt = _ntriples_of(path)
        try:
            with offline():
                store.load(
                    data,
                    format=getattr(pyoxigraph.RdfFormat, fmt),
                    base_iri=path.resolve().as_uri(),
                )
        except SyntaxError as error:
            raise DataError(
                [Problem(str(path), "", "rdf-syntax", first_line(error))],
                title=f"{path}: not valid RDF",
            ) from error
    return store


def ntriples_with_rdf(kb: KnowledgeBase, paths: Sequence[str | os.PathLike[str]]) -> bytes:
    """N-Triples of the knowledge base and of RDF files (safely parsed), for an upload."""
    if not paths:
        return to_ntriples(kb)
    import pyoxigraph

    store = with_rdf(kb, paths)
    dumped: bytes = store.dump(
        format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()
    )
    return dumped
