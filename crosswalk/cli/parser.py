"""The ``crosswalk`` command line: its arguments, and the one place errors become exit codes.

Exit codes: 0 success, 1 problems found, 2 bad input or usage (every
:class:`~crosswalk.model.errors.CrosswalkError` is printed as a message, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from crosswalk.cli.check import _cmd_check
from crosswalk.cli.commands import (
    _cmd_export,
    _cmd_format,
    _cmd_frameworks,
    _cmd_gap,
    _cmd_import,
    _cmd_publish,
    _cmd_related,
    _cmd_relation,
    _cmd_resolve,
    _cmd_schema,
    _cmd_search,
    _cmd_show,
    _cmd_stats,
    _cmd_template,
    _cmd_validate,
    _Progress,
)
from crosswalk.cli.sparql_commands import _cmd_queries, _cmd_sparql
from crosswalk.model.errors import CrosswalkError

__all__ = [
    "build_parser",
    "main",
]


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _seconds(text: str) -> float:
    """An argparse type: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``crosswalk`` command."""
    parser = argparse.ArgumentParser(
        prog="crosswalk",
        description="Sound cross-framework AI-risk compliance: clause catalogues, typed crosswalks and explained gap analyses.",
    )
    parser.add_argument(
        "--data",
        action="append",
        metavar="PATH",
        help="extra catalogue/mapping files or directories (repeatable)",
    )
    parser.add_argument(
        "--no-bundled", action="store_true", help="do not load the bundled frameworks and mappings"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    from crosswalk._version import __version__

    parser.add_argument("--version", action="version", version=f"crosswalk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        child = sub.add_parser(name, help=help_text, description=help_text)
        child.set_defaults(handler=handler)
        return child

    command("frameworks", _cmd_frameworks, "list the loaded frameworks with clause counts")
    show = command(
        "show", _cmd_show, "show a clause: headings, provenance, applicability, mappings"
    )
    show.add_argument(
        "id", help="canonical id (iso31000:6.4.2) or a citation ('Art. 9(2)(a) AI Act')"
    )
    search = command(
        "search", _cmd_search, "search clause ids, headings (English/Chinese) and summaries"
    )
    search.add_argument("text", nargs="+")
    search.add_argument("--framework", help="only this framework prefix")
    search.add_argument("--limit", type=_positive, default=20)
    resolve = command("resolve", _cmd_resolve, "resolve loose citations to canonical clause ids")
    resolve.add_argument("text", nargs="+", help="e.g. 'ISO 31000 6.4.2' 'Art. 9(2)(a) AI Act'")
    relation = command(
        "relation", _cmd_relation, "explain the inferred relation between two clauses"
    )
    relation.add_argument("source")
    relation.add_argument("target")
    related = command(
        "related",
        _cmd_related,
        "every clause the knowledge relates to one clause, with its relation set",
    )
    related.add_argument("id", help="canonical id or a citation")
    related.add_argument("--framework", help="only clauses of this framework prefix")
    related.add_argument("--limit", type=_positive, default=50)
    validate = command(
        "validate",
        _cmd_validate,
        "check data files (and your own) for every problem, contradictions included",
    )
    validate.add_argument(
        "paths", nargs="*", help="your own catalogue or mapping files/directories"
    )
    validate.add_argument(
        "--no-redundancy",
        action="store_true",
        help="skip the (slower) check for mappings inference already entails",
    )
    stats = command("stats", _cmd_stats, "per framework pair: how many clauses are linked")
    stats.add_argument(
        "--unlinked",
        action="append",
        metavar="PREFIX",
        help="list the clauses of PREFIX with no mapping",
    )
    stats.add_argument(
        "--markdown", action="store_true", help="print the table as markdown (as in the README)"
    )
    gap = command("gap", _cmd_gap, "gap analysis of an inventory against a target framework")
    gap.add_argument("inventory", help="inventory file (.yaml, .csv or .xlsx)")
    gap.add_argument(
        "--target", required=True, help="target framework prefix, e.g. gbt46347 or euaiact"
    )
    gap.add_argument(
        "--profile",
        help="profile YAML (roles, categories, as_of, regime); overrides the inventory's",
    )
    gap.add_argument(
        "--scoring", help="capability scoring model YAML (default: the bundled provisional one)"
    )
    gap.add_argument(
        "--plan", action="store_true", help="print the action plan: open obligations by owner"
    )
    gap.add_argument(
        "--strict-scope",
        action="store_true",
        help="count containment that holds only under a scope condition as partial",
    )
    gap.add_argument(
        "-o", "--output", help="write the findings here: an Excel workbook (.xlsx) or CSV (.csv)"
    )
    gap.add_argument("--csv", help="also write the findings as CSV")
    gap.add_argument(
        "--strict",
        action="store_true",
        help="refuse citations of frameworks that are not loaded (default: report them as unresolved)",
    )
    gap.add_argument(
        "--raw-csv",
        action="store_true",
        help="write CSV cells as they are: no quote before text a spreadsheet would run as a formula",
    )
    gap.add_argument(
        "--rdf", help="also write knowledge base, inventory and findings as RDF (.ttl or .jsonld)"
    )
    check = command(
        "check",
        _cmd_check,
        "check inventories on their own: every problem listed (exit 0 clean, 1 problems)",
    )
    check.add_argument("inventories", nargs="+", metavar="INVENTORY", help=".yaml, .csv or .xlsx")
    check.add_argument("--profile", help="profile YAML; overrides the inventory's")
    check.add_argument(
        "--strict", action="store_true", help="citations of frameworks not loaded are problems"
    )
    template = command(
        "template",
        _cmd_template,
        "write an inventory template: an Excel workbook with drop-downs (.xlsx) or CSV (.csv)",
    )
    template.add_argument("path", help="inventory.xlsx or inventory.csv")
    template.add_argument("--force", action="store_true", help="replace an existing file")
    template.add_argument(
        "--with-clauses", action="store_true", help="add a sheet listing every clause id"
    )
    export = command("export", _cmd_export, "export the knowledge base or a mapping set")
    export.add_argument(
        "--format",
        required=True,
        choices=["ttl", "jsonld", "sssom", "oscal", "ciso", "xlsx", "csv", "yaml"],
    )
    export.add_argument("--subject", help="subject framework prefix (mapping formats)")
    export.add_argument("--object", help="object framework prefix (mapping formats)")
    export.add_argument(
        "--inferred", action="store_true", help="xlsx matrix: also show inferred relations (grey)"
    )
    export.add_argument(
        "--raw-csv",
        action="store_true",
        help="csv: write cells as they are (no quote before text a spreadsheet would run)",
    )
    export.add_argument(
        "-o", "--output", required=True, help="file (or directory for several OSCAL/CISO files)"
    )
    importer = command(
        "import",
        _cmd_import,
        "read mappings from SSSOM, OSCAL, CSV, YAML or an edited Excel matrix",
    )
    importer.add_argument("path")
    importer.add_argument("--format", help="format (default: from the file)")
    importer.add_argument(
        "-o",
        "--output",
        help="write a crosswalk mapping file (YAML); a directory of them for a file of several sets",
    )
    query = command("sparql", _cmd_sparql, "run a named query, a query file or query text")
    query.add_argument("query", help="named query (crosswalk queries), .rq file or SPARQL text")
    query.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="a query parameter (bound, never spliced); clause parameters take citations",
    )
    query.add_argument(
        "--rdf",
        action="append",
        metavar="FILE",
        help="also query the triples of this RDF file, e.g. a `gap --rdf` export (repeatable)",
    )
    query.add_argument(
        "--endpoint", help="query this SPARQL 1.1 endpoint instead of the in-process graph"
    )
    query.add_argument("--engine", default="auto", choices=["auto", "rdflib", "oxigraph"])
    query.add_argument(
        "--timeout",
        type=_seconds,
        default=30.0,
        help="seconds before the query is stopped (in process) or given up (endpoint)",
    )
    query.add_argument("--format", default="table", choices=["table", "csv", "json"])
    query.add_argument(
        "--limit",
        type=_positive,
        default=None,
        help="at most this many rows (default: 200 for the table, all for csv and json)",
    )
    command("queries", _cmd_queries, "list the named SPARQL queries and their parameters")
    publish = command(
        "publish",
        _cmd_publish,
        "upload the knowledge graph to a SPARQL server (Graph Store Protocol)",
    )
    publish.add_argument(
        "--endpoint", required=True, help="graph store URL, e.g. http://127.0.0.1:7878/store"
    )
    publish.add_argument("--graph", help="named graph IRI (default graph if omitted)")
    publish.add_argument(
        "--rdf",
        action="append",
        metavar="FILE",
        help="also upload the triples of this RDF file, e.g. a `gap --rdf` export (repeatable)",
    )
    publish.add_argument("--timeout", type=_seconds, default=30.0)
    fmt = command("format", _cmd_format, "rewrite data files into canonical form (or --check)")
    fmt.add_argument("paths", nargs="*", help="files or directories (default: the bundled data)")
    fmt.add_argument(
        "--check", action="store_true", help="only list files that are not canonical; exit 1 if any"
    )
    schema = command("schema", _cmd_schema, "write (or --check) the JSON Schemas of the data files")
    schema.add_argument("--check", action="store_true")
    schema.add_argument("--directory")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args._progress = _Progress(args.quiet)
    try:
        return int(args.handler(args))
    except CrosswalkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; no file was changed", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
