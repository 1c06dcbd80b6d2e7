"""The ``crosswalk`` command line.

A thin layer that turns library errors into messages and exit codes (0 success, 1 problems found, 2
bad input or usage).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crosswalk.model.errors import CrosswalkError

__all__ = ["build_parser", "main"]


class _Progress:
    """Short progress lines on stderr for steps that take a moment."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.start = time.perf_counter()

    def step(self, text: str) -> None:
        if not self.quiet:
            elapsed = time.perf_counter() - self.start
            print(f"[{elapsed:5.1f}s] {text}", file=sys.stderr, flush=True)


def _load(args: argparse.Namespace) -> Any:
    import crosswalk

    progress = getattr(args, "_progress", None)
    if progress:
        progress.step("loading the knowledge base")
    return crosswalk.load(args.data or (), bundled=not args.no_bundled)


def _cmd_frameworks(args: argparse.Namespace) -> int:
    kb = _load(args)
    print(f"{'prefix':<10} {'clauses':>7} {'confirmed':>9}  framework")
    for prefix, framework in kb.frameworks.items():
        clauses = kb.clauses_of(prefix)
        confirmed = sum(c.status == "confirmed" for c in clauses)
        print(
            f"{prefix:<10} {len(clauses):>7} {confirmed:>9}  {framework.short_name} — {framework.title}"
        )
    print(f"\n{len(kb.mappings)} mappings in {len(kb.mapping_sets)} mapping sets")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from crosswalk.display.html import clause_text

    kb = _load(args)
    clause = kb.find_clause(args.id) or kb.resolve(args.id)
    print(clause_text(kb, clause))
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    kb = _load(args)
    hits = kb.search(" ".join(args.text), framework=args.framework, limit=args.limit)
    for clause in hits:
        zh = f"  {clause.title_zh}" if clause.title_zh else ""
        print(f"{clause.id:<28} {clause.title}{zh}")
    if not hits:
        print("no clause matches", file=sys.stderr)
        return 1
    return 0


def _cmd_resolve(args: argparse.Namespace) -> int:
    kb = _load(args)
    failed = 0
    for text in args.text:
        try:
            clause = kb.resolve(text)
        except CrosswalkError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
            continue
        print(f"{text!r} -> {clause.id}  {clause.title}")
    return 2 if failed else 0


def _cmd_relation(args: argparse.Namespace) -> int:
    kb = _load(args)
    source = (kb.find_clause(args.source) or kb.resolve(args.source)).id
    target = (kb.find_clause(args.target) or kb.resolve(args.target)).id
    if not args.chains:
        print(kb.relation(source, target).explain())
        return 0
    found = kb.chain_relations(source)
    relation = found.relation(target)
    print(
        f"{source} → {target}: {relation} ({relation.status}; chains only — sound, possibly weaker than path consistency)"
    )
    for number, chain in enumerate(found.explain(target), start=1):
        print(f"  chain {number}:")
        for line in chain:
            print(f"    {line}")
    return 0


def _cmd_related(args: argparse.Namespace) -> int:
    kb = _load(args)
    source = (kb.find_clause(args.id) or kb.resolve(args.id)).id
    if args.framework:
        kb.framework(args.framework)
    related = kb.chain_relations(source).related(args.framework)
    if related:
        print(
            f"{'clause':<40} {'relation (what chains entail)':<45} status if {source} is fully implemented"
        )
    for name, relation in list(related.items())[: args.limit]:
        print(f"{name:<40} {relation!s:<45} {relation.status}")
    if len(related) > args.limit:
        print(f"… {len(related) - args.limit} more (--limit)", file=sys.stderr)
    if not related:
        print(
            f"no clause{' of ' + args.framework if args.framework else ''} is related to {source} by a chain of mappings",
            file=sys.stderr,
        )
        return 1
    return 0


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


_LARGE = 5_000
"""Above this many clauses, `gap` suggests --fast and `validate` --no-inference."""


def _cmd_validate(args: argparse.Namespace) -> int:
    args.data = list(args.data or []) + list(args.paths)
    progress = args._progress
    kb = _load(args)
    if args.no_inference:
        progress.step("checking references (no inference: contradictions are not looked for)")
        problems = kb.reference_problems()
    else:
        if len(kb.clauses) > _LARGE and not args.quiet:
            print(
                f"note: {len(kb.clauses):,} clauses — path consistency may take a long time; "
                "--no-inference checks references only",
                file=sys.stderr,
            )
        progress.step("checking references and inferring (path consistency)")
        problems = kb.validate()
    if not args.no_redundancy and not args.no_inference:
        from crosswalk.knowledge.stats import redundant_mappings
        from crosswalk.model.errors import Problem

        for mapping, why in redundant_mappings(kb, only_paths=args.paths or None):
            problems.append(
                Problem(
                    mapping.path or mapping.mapping_set,
                    f"mappings[{mapping.index}]",
                    "not-entailed-twice",
                    why,
                    "warning",
                )
            )
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        print(f"{problem.severity}: {problem}")
    print(
        f"{len(kb.frameworks)} frameworks, {len(kb.clauses)} clauses, {len(kb.mappings)} mappings: "
        f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)"
        + (" (references only: contradictions not checked)" if args.no_inference else "")
    )
    return 1 if errors else 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from crosswalk.knowledge.stats import pair_statistics

    kb = _load(args)
    if args.markdown:
        from crosswalk.knowledge.stats import stats_markdown

        print(stats_markdown(kb))
        return 0
    rows = pair_statistics(kb)
    print(f"{'subject':<10} {'object':<10} {'mappings':>8} {'linked subj':>12} {'linked obj':>11}")
    for row in rows:
        print(
            f"{row['subject']:<10} {row['object']:<10} {row['mappings']:>8} "
            f"{row['subject_linked']:>5}/{row['subject_total']:<6} {row['object_linked']:>4}/{row['object_total']:<6}"
        )
    if args.unlinked:
        from crosswalk.knowledge.stats import unlinked_clauses

        for prefix in args.unlinked:
            print(f"\nclauses of {prefix} with no mapping:")
            for clause in unlinked_clauses(kb, prefix):
                print(f"  {clause.id} {clause.title}")
    return 0


def _cmd_gap(args: argparse.Namespace) -> int:
    from crosswalk.io.inventory import read_inventory, read_profile

    progress = args._progress
    kb = _load(args)
    progress.step(f"reading {args.inventory}")
    profile = read_profile(args.profile) if args.profile else None
    inventory = read_inventory(args.inventory, kb=kb, profile=profile)
    if args.fast:
        return _fast_gap(args, kb, inventory)
    if len(kb.clauses) > _LARGE and not args.quiet:
        print(
            f"note: {len(kb.clauses):,} clauses — path consistency may take minutes; --fast gives the same "
            "covered/partial statuses in milliseconds",
            file=sys.stderr,
        )
    progress.step(f"inferring relations and computing the gap report against {args.target}")
    report = kb.gap(inventory, target=args.target, scoring=args.scoring)
    print(report.summary_text())
    if args.output:
        progress.step(f"writing {args.output}")
        path = report.to_excel(args.output)
        print(f"\nwrote {path}")
    if args.rdf:
        from crosswalk.rdf.graph import write_rdf

        progress.step(f"writing {args.rdf}")
        fmt = "json-ld" if str(args.rdf).endswith((".jsonld", ".json")) else "turtle"
        write_rdf(kb, args.rdf, format=fmt, inventory=inventory, report=report)
        print(f"wrote {args.rdf}")
    if args.csv:
        _write_csv(report.to_frame(), args.csv)
    return 0


def _write_csv(frame: Any, path: str) -> None:
    """A report's table as CSV, written atomically."""
    from crosswalk.io.atomic import atomic_path

    with atomic_path(path) as temporary:
        frame.to_csv(temporary, index=False)
    print(f"wrote {path}")


def _fast_gap(args: argparse.Namespace, kb: Any, inventory: Any) -> int:
    """`gap --fast`: the chain-based analysis, its workbook and CSV."""
    if args.rdf or args.scoring:
        raise CrosswalkError("--rdf and --scoring need the full analysis (drop --fast)")
    args._progress.step(f"propagating along chains against {args.target}")
    report = kb.fast_gap(inventory, target=args.target)
    print(report.summary_text())
    if args.output:
        args._progress.step(f"writing {args.output}")
        print(f"\nwrote {report.to_excel(args.output)}")
    if args.csv:
        _write_csv(report.to_frame(), args.csv)
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    from crosswalk.excel.workbooks import write_inventory_template

    path = Path(args.path)
    if path.exists() and not args.force:
        print(f"error: {path} exists; pass --force to replace it", file=sys.stderr)
        return 2
    kb = _load(args) if args.with_clauses else None
    write_inventory_template(path, kb=kb)
    print(f"wrote {path}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from crosswalk import interop

    kb = _load(args)
    options: dict[str, Any] = {
        k: v for k, v in (("subject", args.subject), ("object", args.object)) if v
    }
    if args.inferred:
        options["inferred"] = True
    written = interop.export(kb, args.format, args.output, **options)
    for path in written if isinstance(written, list) else [written]:
        print(f"wrote {path}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from crosswalk import interop

    kb = _load(args)
    mapping_set = interop.import_(args.path, args.format, kb=kb)
    print(
        f"read {len(mapping_set.mappings)} mappings ({mapping_set.subject_framework} → {mapping_set.object_framework})"
    )
    if args.output:
        from crosswalk.interop.mapping_file import write_mapping_yaml

        write_mapping_yaml(mapping_set, args.output)
        print(f"wrote {args.output}")
    return 0


def _params(pairs: Sequence[str]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        if "=" not in pair:
            raise SystemExit(f"error: --param takes NAME=VALUE, got {pair!r}")
        key, value = pair.split("=", 1)
        result[key] = value
    return result


def _cmd_sparql(args: argparse.Namespace) -> int:
    from crosswalk.rdf import sparql

    params = _params(args.param or [])
    named = sparql.named_queries()
    if args.endpoint:
        if args.query in named:
            query = named[args.query]
            frame = sparql.query_endpoint(
                args.endpoint, query.text, bindings=query.bindings(params), timeout=args.timeout
            )
        else:
            text = (
                Path(args.query).read_text(encoding="utf-8")
                if Path(args.query).is_file()
                else args.query
            )
            frame = sparql.query_endpoint(
                args.endpoint, text, bindings=params or None, timeout=args.timeout
            )
    else:
        kb = _load(args)
        if args.query in named:
            frame = sparql.query(kb, args.query, engine=args.engine, **params)
        else:
            text = (
                Path(args.query).read_text(encoding="utf-8")
                if Path(args.query).is_file()
                else args.query
            )
            frame = sparql.run_query(kb, text, bindings=params or None, engine=args.engine)
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(frame.to_json(orient="records", force_ascii=False))
    else:
        import pandas as pd

        with pd.option_context(
            "display.max_rows", args.limit, "display.max_colwidth", 60, "display.width", 200
        ):
            print(frame.to_string(index=False) if len(frame) else "(no results)")
    return 0


def _cmd_queries(args: argparse.Namespace) -> int:
    from crosswalk.rdf import sparql

    for name, query in sorted(sparql.named_queries().items()):
        print(f"{name:<44} {query.title}")
        if query.parameters:
            print(f"{'':<44} parameters: {', '.join(p.name for p in query.parameters)}")
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from crosswalk.rdf import sparql

    kb = _load(args)
    status = sparql.publish(kb, args.endpoint, graph_iri=args.graph, timeout=args.timeout)
    print(f"published the knowledge graph to {args.endpoint} (HTTP {status})")
    return 0


def _cmd_format(args: argparse.Namespace) -> int:
    from crosswalk.io.canonical import format_files
    from crosswalk.io.discovery import discover
    from crosswalk.io.resources import mappings_dir

    roots = [Path(p) for p in args.paths] or [mappings_dir()]
    files = discover(roots)
    paths = [*files.catalogues, *files.parts, *files.mapping_sets]
    changed = format_files(paths, check=args.check)
    for path in changed:
        print(f"{'not canonical' if args.check else 'formatted'}: {path}")
    if args.check and changed:
        print("run `crosswalk format` to rewrite them", file=sys.stderr)
        return 1
    print(
        f"{len(paths)} file(s) checked, {len(changed)} {'not canonical' if args.check else 'rewritten'}"
    )
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from crosswalk.io.atomic import write_text_atomic
    from crosswalk.io.grammar import json_schemas
    from crosswalk.io.resources import mappings_dir

    directory = Path(args.directory) if args.directory else mappings_dir() / "schema"
    stale = []
    for name, schema in json_schemas().items():
        text = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        path = directory / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            directory.mkdir(parents=True, exist_ok=True)
            write_text_atomic(path, text)
            print(f"wrote {path}")
    if stale:
        print("out of date (run `crosswalk schema`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


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
    relation.add_argument(
        "--chains",
        action="store_true",
        help="what chains of facts entail (near-linear: for very large knowledge bases), with the chains",
    )
    related = command(
        "related",
        _cmd_related,
        "clauses related to one clause by chains of mappings, with their relation sets",
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
    validate.add_argument(
        "--no-inference",
        action="store_true",
        help="check files, ids and references only: no contradiction search (for very large data)",
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
    gap.add_argument("-o", "--output", help="write the Excel workbook here")
    gap.add_argument("--csv", help="also write the findings as CSV")
    gap.add_argument(
        "--rdf", help="also write knowledge base, inventory and findings as RDF (.ttl or .jsonld)"
    )
    gap.add_argument(
        "--fast",
        action="store_true",
        help="chain-based analysis for very large knowledge bases: the same covered/partial statuses, "
        "no derivation scores, capability estimate or control matrix",
    )
    template = command(
        "template", _cmd_template, "write an inventory template workbook with drop-downs"
    )
    template.add_argument("path")
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
        "-o", "--output", required=True, help="file (or directory for several OSCAL/CISO files)"
    )
    importer = command(
        "import",
        _cmd_import,
        "read mappings from SSSOM, OSCAL, CSV, YAML or an edited Excel matrix",
    )
    importer.add_argument("path")
    importer.add_argument("--format", help="format (default: from the file)")
    importer.add_argument("-o", "--output", help="write a crosswalk mapping file (YAML)")
    query = command("sparql", _cmd_sparql, "run a named query, a query file or query text")
    query.add_argument("query", help="named query, .rq file or SPARQL text")
    query.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="a query parameter (bound, never spliced)",
    )
    query.add_argument(
        "--endpoint", help="query this SPARQL 1.1 endpoint instead of the in-process graph"
    )
    query.add_argument("--engine", default="auto", choices=["auto", "rdflib", "oxigraph"])
    query.add_argument("--timeout", type=float, default=30.0)
    query.add_argument("--format", default="table", choices=["table", "csv", "json"])
    query.add_argument("--limit", type=_positive, default=200)
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
    publish.add_argument("--timeout", type=float, default=30.0)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
