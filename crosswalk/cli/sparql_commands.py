"""The SPARQL commands of the command line.

``crosswalk sparql`` runs a named or written query on the bundled data or an endpoint;
``crosswalk queries`` lists the named queries and their parameters.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crosswalk.cli.commands import _load
from crosswalk.model.errors import CrosswalkError


def _params(pairs: Sequence[str]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        if "=" not in pair:
            raise CrosswalkError(f"--param takes NAME=VALUE, got {pair!r}")
        key, value = pair.split("=", 1)
        result[key] = value
    return result


_QUERY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _query_text(argument: str) -> str:
    """The text of a query given as a file or as SPARQL; a bare name must be a named query."""
    from crosswalk.model.errors import QueryError
    from crosswalk.rdf.named import get_named_query

    path = Path(argument)
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise QueryError(f"cannot read the query file {argument}: {error}") from error
    if argument.endswith(".rq"):
        raise QueryError(f"no query file {argument}")
    if _QUERY_NAME.match(argument):
        get_named_query(argument)  # raises: no named query 'x'; known: ...
    return argument


def _needs_kb(named: Any, params: dict[str, str]) -> bool:
    """Whether a parameter must be resolved by the knowledge base (a citation, a framework)."""
    from crosswalk.model.ids import CLAUSE_ID_PATTERN

    kinds = {p.name: p.kind for p in named.parameters}
    return any(
        kinds.get(name) == "framework"
        or (kinds.get(name) == "clause" and not re.fullmatch(CLAUSE_ID_PATTERN, value))
        for name, value in params.items()
    )


def _cmd_sparql(args: argparse.Namespace) -> int:
    from crosswalk.rdf import endpoint, extra, sparql
    from crosswalk.rdf.named import named_queries

    params = _params(args.param or [])
    named = named_queries().get(args.query)
    text = named.text if named is not None else _query_text(args.query)
    limit = args.limit if args.limit is not None else (200 if args.format == "table" else None)
    if args.endpoint:
        if args.rdf:
            raise CrosswalkError(
                "--rdf adds files to the in-process graph; upload them to the endpoint with "
                "`crosswalk publish --rdf FILE`"
            )
        kb = _load(args) if named is not None and _needs_kb(named, params) else None
        bindings = named.bindings(params, kb=kb) if named is not None else params or None
        frame = endpoint.query_endpoint(
            args.endpoint, text, bindings=bindings, timeout=args.timeout
        )
        truncated = limit is not None and len(frame) > limit
        frame = frame.head(limit) if limit is not None else frame
    else:
        kb = _load(args)
        source = extra.with_rdf(kb, args.rdf, engine=args.engine) if args.rdf else kb
        bindings = named.bindings(params, kb=kb) if named is not None else params or None
        args._progress.step("running the query")
        frame = sparql.run_query(
            source, text, bindings=bindings, engine=args.engine, timeout=args.timeout, limit=limit
        )
        truncated = bool(frame.attrs.get("truncated"))
    _print_frame(frame, args.format, truncated, limit)
    return 0


def _print_frame(frame: Any, fmt: str, truncated: bool, limit: int | None) -> None:
    note = f"(more rows not shown: --limit {limit})" if truncated else ""
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        print(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    else:
        import pandas as pd

        with pd.option_context(
            "display.max_rows", None, "display.max_colwidth", 60, "display.width", 200
        ):
            print(frame.to_string(index=False) if len(frame) else "(no results)")
        if note:
            print(note)
        return
    if note:
        print(note, file=sys.stderr)


def _cmd_queries(args: argparse.Namespace) -> int:
    from crosswalk.rdf.named import named_queries

    for name, query in sorted(named_queries().items()):
        print(f"{name:<44} {query.title}")
        for parameter in query.parameters:
            need = "required" if parameter.required else "optional"
            print(f"{'':<44}   --param {parameter.name}=…  ({need}) {parameter.description}")
    return 0
