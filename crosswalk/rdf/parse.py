"""Parsing RDF safely: no network, no remote JSON-LD contexts, no external entities.

User RDF is parsed from local files or strings only; an audit hook blocks network access
from the parsing thread, and JSON-LD contexts and XML entities that would fetch or expand
are refused before rdflib sees them.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.parsers import expat

from rdflib import Graph

from crosswalk.io.files import read_bytes
from crosswalk.io.limits import limit
from crosswalk.model.errors import DataError, Problem, first_line
from crosswalk.model.ids import (
    BASE,
)
from crosswalk.rdf import xml_reader
from crosswalk.rdf.terms import (
    RDF_FORMATS,
    SUFFIX_FORMATS,
)

__all__ = [
    "offline",
    "parse_graph",
    "read_graph",
]

# -- safe parsing -----------------------------------------------------------------------

_OFFLINE: contextvars.ContextVar[bool] = contextvars.ContextVar("crosswalk_offline", default=False)
xml_reader.register()  # RDF/XML is read through the linear parser

_NETWORK_EVENTS = frozenset(
    {"socket.connect", "socket.getaddrinfo", "urllib.Request", "http.client.connect"}
)
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _NETWORK_EVENTS and _OFFLINE.get():
        raise PermissionError(
            f"network access is blocked while crosswalk parses or queries RDF ({event})"
        )


@contextlib.contextmanager
def offline() -> Iterator[None]:
    """Block network access from this thread while the block runs (an audit hook)."""
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True
    token = _OFFLINE.set(True)
    try:
        yield
    finally:
        _OFFLINE.reset(token)


def _json_ld_problems(document: Any, origin: str) -> list[Problem]:
    """Remote or imported contexts (which a JSON-LD processor would fetch) are refused."""
    problems = []
    stack = [(document, "$")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "@context":
                    for context in item if isinstance(item, list) else [item]:
                        if isinstance(context, str):
                            problems.append(
                                Problem(
                                    origin,
                                    where,
                                    "no-remote-context",
                                    f"remote @context {context!r} is not fetched; inline the context",
                                )
                            )
                if key == "@import":
                    problems.append(
                        Problem(
                            origin,
                            where,
                            "no-remote-context",
                            f"@import {item!r} is not fetched; inline the context",
                        )
                    )
                stack.append((item, f"{where}.{key}"))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{index}]") for index, item in enumerate(value))
    return problems


class _PrologueRead(Exception):
    """Raised to stop the XML parser once the document type declaration is behind it."""


def _xml_problems(text: str, origin: str) -> list[Problem]:
    """External entities and DTDs, parameter entities and entities built from entities.

    The declarations are read by an XML parser (expat, in linear time), not by pattern:
    an entity whose value holds ``]>`` cannot hide the declarations after it. Parsing
    stops at the end of the DTD or the first element, before any entity is expanded;
    a syntax error is left to the RDF parser to report. A plain internal entity
    (``<!ENTITY e "value">``) is allowed.
    """
    problems: list[Problem] = []
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def doctype(_name: str, system: str | None, public: str | None, _subset: int) -> None:
        if system or public:
            problems.append(
                Problem(origin, "DOCTYPE", "no-external-entity", "an external DTD is not loaded")
            )

    def entity(
        name: str,
        parameter: int,
        value: str | None,
        _base: str | None,
        system: str | None,
        public: str | None,
        notation: str | None,
    ) -> None:
        if system or public or notation:
            problems.append(
                Problem(
                    origin, "ENTITY", "no-external-entity", f"external entity refused: {name!r}"
                )
            )
        elif parameter or value is None or "&" in value or "%" in value:
            problems.append(
                Problem(
                    origin,
                    "ENTITY",
                    "no-entity-expansion",
                    f"entity built from entities (or a parameter entity) refused: {name!r}",
                )
            )

    def stop(*_: object) -> None:
        raise _PrologueRead

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.EndDoctypeDeclHandler = stop
    parser.StartElementHandler = stop
    with contextlib.suppress(_PrologueRead, expat.ExpatError):
        parser.Parse(text, True)
    return problems


def parse_graph(
    data: str | bytes,
    *,
    format: str,
    base: str | None = None,
    origin: str = "<string>",
    store: str = "default",
) -> Graph:
    """Parse RDF text safely: no network, no remote JSON-LD contexts, no external entities.

    Raises :class:`DataError` naming ``origin`` for unsafe input or a syntax error.
    ``store`` is the rdflib store plugin (see :func:`to_graph`).
    """
    fmt = RDF_FORMATS.get(format.lower())
    if fmt is None:
        raise DataError(
            [
                Problem(
                    origin,
                    "",
                    "rdf-format",
                    f"unknown RDF format {format!r}; known: {', '.join(sorted(RDF_FORMATS))}",
                )
            ]
        )
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    problems: list[Problem] = []
    if fmt == "json-ld":
        try:
            problems = _json_ld_problems(json.loads(text), origin)
        except json.JSONDecodeError as error:
            problems = [
                Problem(
                    origin, f"line {error.lineno}, column {error.colno}", "json-syntax", error.msg
                )
            ]
    elif fmt == "xml":
        problems = _xml_problems(text, origin)
    if problems:
        raise DataError(problems, title=f"{origin}: refused to parse RDF")
    # rdflib's JSON-LD parser needs a context-aware store
    graph = Graph(store="default" if fmt == "json-ld" else store)
    try:
        with offline(), warnings.catch_warnings():
            # rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph
            warnings.simplefilter("ignore", DeprecationWarning)
            graph.parse(
                data=text,
                format=xml_reader.FORMAT if fmt == "xml" else fmt,  # linear for long literals
                publicID=base or f"{BASE}input/",
            )
    except PermissionError as error:
        raise DataError([Problem(origin, "", "no-network", str(error))]) from error
    except Exception as error:  # rdflib's parsers raise many unrelated types
        raise DataError(
            [Problem(origin, "", "rdf-syntax", first_line(error))],
            title=f"{origin}: not valid {fmt}",
        ) from error
    return graph


def read_graph(
    path: str | os.PathLike[str], *, format: str | None = None, store: str = "default"
) -> Graph:
    """Parse a local RDF file safely; the format comes from the suffix unless given."""
    source = Path(path)
    fmt = format or SUFFIX_FORMATS.get(source.suffix.lower())
    if fmt is None:
        raise DataError(
            [
                Problem(
                    str(source),
                    "",
                    "rdf-format",
                    f"cannot tell the RDF format from {source.suffix!r}; pass format=",
                )
            ]
        )
    data = read_bytes(source, limit=limit("data_file_bytes"))  # regular files only, size first
    return parse_graph(
        data, format=fmt, base=source.resolve().as_uri(), origin=str(source), store=store
    )
