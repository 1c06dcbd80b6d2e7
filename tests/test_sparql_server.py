"""Against a real SPARQL server: publish an export to Oxigraph on loopback and query it over HTTP.

The server is the ``oxigraph`` command of the ``oxigraph`` PyPI package (the test extra),
started on a free 127.0.0.1 port with a temporary store and always stopped afterwards.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import URLError

import pandas as pd
import pytest
from rdflib import Graph, Literal, URIRef

from crosswalk.api import KnowledgeBase
from crosswalk.model.errors import EndpointError, QueryError
from crosswalk.rdf.endpoint import publish, query_endpoint
from crosswalk.rdf.sparql import get_named_query, named_queries, query, run_query
from tests.test_sparql import PARAMETERS

pytestmark = pytest.mark.server

CW = "PREFIX cw: <https://w3id.org/crosswalk/ontology#>\n"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _oxigraph_command() -> str | None:
    beside_python = Path(sys.executable).with_name("oxigraph")
    return str(beside_python) if beside_python.exists() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a fresh Oxigraph server on loopback (stopped in the finalizer)."""
    command = _oxigraph_command()
    if command is None:
        pytest.skip(
            "the oxigraph server is not installed (pip install oxigraph, in the test extra)"
        )
    directory = tmp_path_factory.mktemp("oxigraph")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (directory / "server.log").open("wb")
    process = subprocess.Popen(
        [command, "serve", "--location", str(directory / "store"), "--bind", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"oxigraph exited with {process.returncode}: {(directory / 'server.log').read_text()}"
                )
            try:
                probe = urllib.request.Request(
                    f"{base}/query?query=ASK%7B%7D",
                    headers={"Accept": "application/sparql-results+json"},
                )
                with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                    probe, timeout=2
                ):
                    break
            except (URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"oxigraph did not answer on {base} within 30 s")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def published(server: str, kb: KnowledgeBase) -> str:
    """The server, holding the bundled knowledge base's export in its default graph."""
    assert publish(kb, f"{server}/store", timeout=60) in (200, 201, 204)
    return server


def test_the_export_arrives_whole(published: str, kb: KnowledgeBase) -> None:
    counted = query_endpoint(
        f"{published}/query", CW + "SELECT (COUNT(?m) AS ?n) WHERE { ?m a cw:Mapping }"
    )
    assert counted.n.tolist() == [len(kb.mappings)]
    clauses = query_endpoint(
        f"{published}/query", CW + "SELECT (COUNT(?c) AS ?n) WHERE { ?c a cw:Clause }"
    )
    assert clauses.n.tolist() == [len(kb.clauses)]


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_queries_over_http_equal_in_process(
    published: str, kb: KnowledgeBase, name: str
) -> None:
    named = get_named_query(name)
    parameters = named.bindings(PARAMETERS.get(name, {}))
    remote = query_endpoint(f"{published}/query", named.text, bindings=parameters)
    local = query(kb, name, **parameters)
    pd.testing.assert_frame_equal(remote, local)


def test_bindings_over_http_are_escaped(published: str) -> None:
    named = get_named_query("mappings-of-clause")
    hostile = 'iso31000:6.4.2" } UNION { ?node ?p ?o } #\n'
    assert query_endpoint(f"{published}/query", named.text, bindings={"clause": hostile}).empty
    text = 'a "quoted"\\ line\nwith tab\t and 中文'
    echoed = query_endpoint(f"{published}/query", "SELECT ?x WHERE { }", bindings={"x": text})
    assert echoed.x.tolist() == [text]
    assert echoed.equals(run_query(Graph(), "SELECT ?x WHERE { }", bindings={"x": text}))


def test_named_graph_put_replaces_and_post_adds(server: str) -> None:
    graph_iri = "https://example.org/graphs/test"
    first, second = Graph(), Graph()
    first.add((URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal(1)))
    second.add((URIRef("https://example.org/b"), URIRef("https://example.org/p"), Literal(2)))
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"
    publish(first, f"{server}/store", graph_iri=graph_iri)
    publish(second, f"{server}/store", graph_iri=graph_iri, replace=False)
    assert query_endpoint(f"{server}/query", count).n.tolist() == [2]
    publish(second, f"{server}/store", graph_iri=graph_iri)
    assert query_endpoint(f"{server}/query", count).n.tolist() == [1]


def test_server_errors_are_clear(server: str) -> None:
    with pytest.raises(QueryError, match="rejected the query"):
        query_endpoint(f"{server}/query", "SELEC ?x WHERE { ?x ?p ?o }")
    with pytest.raises(EndpointError, match="HTTP 404"):
        publish(Graph(), f"{server}/no-such-service")


def test_unreachable_endpoint(kb: KnowledgeBase) -> None:
    port = _free_port()  # bound, then closed: nothing listens there
    started = time.monotonic()
    with pytest.raises(EndpointError, match="cannot reach"):
        query_endpoint(f"http://127.0.0.1:{port}/query", "ASK {}", timeout=5)
    with pytest.raises(EndpointError, match="cannot reach"):
        publish(Graph(), f"http://127.0.0.1:{port}/store", timeout=5)
    assert time.monotonic() - started < 5


def test_endpoint_timeout() -> None:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts the connection in the kernel, never answers
        port = silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(EndpointError, match="did not answer the query within 0.5 s"):
            query_endpoint(f"http://127.0.0.1:{port}/query", "ASK {}", timeout=0.5)
        assert time.monotonic() - started < 5


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "localhost:7878/query"])
def test_only_http_endpoints(url: str) -> None:
    with pytest.raises(EndpointError, match="not an http"):
        query_endpoint(url, "ASK {}")
