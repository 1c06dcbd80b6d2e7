"""SPARQL against an endpoint: queries over HTTP and publishing a knowledge base.

User values travel as a trailing ``VALUES`` clause of escaped, validated terms, never as
query text. Only ``http`` and ``https`` URLs are used, proxies are ignored for loopback
hosts, and every failure is an :class:`~crosswalk.model.errors.EndpointError`.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import ProxyHandler, Request, build_opener

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import EndpointError, QueryError
from crosswalk.rdf.extra import ntriples_with_rdf
from crosswalk.rdf.guard import ends_with_values
from crosswalk.rdf.parse import parse_graph
from crosswalk.rdf.values import bindings_of, frame_of, python_value, with_values

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["publish", "query_endpoint"]


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{url!r} is not an http(s) URL of a SPARQL endpoint")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _send(request: Request, timeout: float, *, what: str) -> tuple[int, str, bytes]:
    """Send a request; turn every transport failure into an EndpointError that says why."""
    url = request.full_url.split("?", 1)[0]
    host = urlsplit(request.full_url).hostname or ""
    # the environment's proxy settings would send loopback traffic to the proxy
    opener = build_opener(ProxyHandler({})) if _is_loopback(host) else build_opener()
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except HTTPError as error:
        body = error.read()[:600].decode("utf-8", "replace").strip()
        if error.code == 400 and what == "query":
            raise QueryError(f"{url} rejected the query (HTTP 400): {body}") from error
        raise EndpointError(
            f"{url} refused the {what} (HTTP {error.code} {error.reason}): {body}"
        ) from error
    except URLError as error:
        if isinstance(error.reason, TimeoutError | socket.timeout):
            raise EndpointError(f"{url} did not answer the {what} within {timeout:g} s") from error
        raise EndpointError(f"cannot reach the SPARQL endpoint {url}: {error.reason}") from error
    except TimeoutError as error:
        raise EndpointError(f"{url} did not answer the {what} within {timeout:g} s") from error
    except OSError as error:
        raise EndpointError(f"the connection to {url} failed during the {what}: {error}") from error


def publish(
    graph: Graph | KnowledgeBase,
    endpoint_url: str,
    *,
    graph_iri: str | None = None,
    replace: bool = True,
    timeout: float = 30,
    rdf: Sequence[str | os.PathLike[str]] = (),
) -> int:
    """Upload a graph (or a knowledge base's export) to a SPARQL 1.1 Graph Store endpoint.

    ``endpoint_url`` is the Graph Store HTTP Protocol URL (Oxigraph: ``http://host:7878/store``;
    Fuseki: ``http://host:3030/<dataset>/data``). The default graph is the target unless
    ``graph_iri`` names one. PUT replaces the graph, POST (``replace=False``) adds to it.
    ``rdf`` names RDF files (e.g. a ``gap --rdf`` export) uploaded with a knowledge base,
    in the same request. Returns the HTTP status; raises EndpointError if the server
    cannot be reached, times out or refuses.
    """
    _check_url(endpoint_url)
    target = "default" if graph_iri is None else urlencode({"graph": graph_iri})
    url = endpoint_url + ("&" if "?" in endpoint_url else "?") + target
    # N-Triples is a subset of Turtle, and it is written many times faster
    if isinstance(graph, KnowledgeBase):
        data = ntriples_with_rdf(graph, rdf)
    elif rdf:
        raise EndpointError("extra RDF files are uploaded with a knowledge base, not a graph")
    else:
        data = graph.serialize(format="nt", encoding="utf-8")
    request = Request(
        url,
        data=data,
        method="PUT" if replace else "POST",
        headers={"Content-Type": "text/turtle; charset=utf-8"},
    )
    status, _, _ = _send(request, timeout, what="upload")
    return status


def query_endpoint(
    url: str,
    query: str,
    *,
    bindings: MappingABC[str, Any] | None = None,
    timeout: float = 30,
) -> pd.DataFrame:
    """Run a query on a SPARQL 1.1 endpoint; the same table as :func:`run_query`.

    ``bindings`` are sent as a trailing ``VALUES`` clause written from escaped RDF terms
    (the same answers as in process for variables used in triple patterns, as in every
    named query). Raises EndpointError (unreachable, timeout, HTTP error) or QueryError
    (the server rejected the query).
    """
    _check_url(url)
    terms = bindings_of(bindings)
    if terms and ends_with_values(query):
        raise QueryError(
            "bindings cannot be added to a query that already ends with a VALUES clause"
        )
    text = with_values(query, terms)
    request = Request(
        url,
        data=urlencode({"query": text}).encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8",
        },
    )
    _, content_type, body = _send(request, timeout, what="query")
    if content_type in ("application/sparql-results+json", "application/json"):
        return _json_results(body, url)
    formats = {"application/n-triples": "nt", "text/turtle": "turtle", "text/plain": "nt"}
    if content_type in formats:
        graph = parse_graph(body, format=formats[content_type], origin=url)
        return frame_of(
            ["subject", "predicate", "object"],
            [[python_value(t) for t in triple] for triple in graph],
        )
    raise EndpointError(f"{url} answered with {content_type!r}, not SPARQL JSON results or RDF")


def _json_results(body: bytes, url: str) -> pd.DataFrame:
    try:
        document = json.loads(body)
        if "boolean" in document:
            return frame_of(["ask"], [[bool(document["boolean"])]])
        columns = list(document["head"].get("vars", []))
        rows = [
            [python_value(_json_term(b.get(c))) for c in columns]
            for b in document["results"]["bindings"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise EndpointError(
            f"{url} answered with malformed SPARQL JSON results: {error}"
        ) from error
    return frame_of(columns, rows)


def _json_term(binding: dict[str, str] | None) -> Node | None:
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    return Literal(
        value, datatype=URIRef(datatype) if datatype and datatype != str(XSD.string) else None
    )
