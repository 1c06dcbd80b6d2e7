"""The handlers of the ``crosswalk`` commands: each loads what it needs and prints it.

Library errors are left to :func:`crosswalk.cli.parser.main`, which turns them into messages
and exit codes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from crosswalk.model.errors import CrosswalkError

__all__: list[str] = []  # the handlers of crosswalk.cli.parser


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
    from crosswalk.display.cards import clause_text

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
    print(kb.relation(source, target).explain())
    return 0


def _cmd_related(args: argparse.Namespace) -> int:
    kb = _load(args)
    source = (kb.find_clause(args.id) or kb.resolve(args.id)).id
    related = kb.related(source, framework=args.framework)
    if related:
        print(f"{'clause':<40} {'relation':<45} status if {source} is fully implemented")
    for name, relation in list(related.items())[: args.limit]:
        print(f"{name:<40} {relation!s:<45} {relation.status}")
    if len(related) > args.limit:
        print(f"… {len(related) - args.limit} more (--limit)", file=sys.stderr)
    if not related:
        print(
            f"no clause{' of ' + args.framework if args.framework else ''} is related to {source}",
            file=sys.stderr,
        )
        return 1
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from crosswalk.cli.check import check_inventories, is_inventory

    inventories = [p for p in args.paths if is_inventory(p)]
    args.paths = [p for p in args.paths if p not in inventories]
    args.data = list(args.data or []) + list(args.paths)
    progress = args._progress
    kb = _load(args)
    checked = 0
    if inventories:  # an inventory is checked as `crosswalk check` does, against the data given
        checked = check_inventories(inventories, kb)
        if not args.paths:
            return checked
    progress.step("checking references and inferring (path consistency)")
    problems = kb.validate()
    if not args.no_redundancy:
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
    )
    return 1 if errors or checked else 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from crosswalk.knowledge.stats import pair_statistics

    kb = _load(args)
    for prefix in args.unlinked or ():  # an unknown prefix is refused before anything prints
        kb.framework(prefix)
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


def _outputs_first(outputs: Sequence[str | None], inputs: Sequence[str | None]) -> None:
    """Refuse, before any work, outputs that are inputs or cannot be written."""
    from crosswalk.io.atomic import check_output, refuse_inputs_as_outputs

    refuse_inputs_as_outputs(outputs, inputs)
    for output in outputs:
        if output is not None:
            check_output(output)


@contextlib.contextmanager
def _writing(path: str) -> Iterator[None]:
    """Turn a failure while writing ``path`` (a full disk, EFBIG) into an ExportError."""
    from crosswalk.model.errors import ExportError

    try:
        yield
    except CrosswalkError:
        raise
    except OSError as error:
        _drop_half_written(error)
        raise ExportError(
            f"cannot write {path}: {error.strerror or error}; nothing was written"
        ) from None


def _drop_half_written(error: BaseException) -> None:
    """Release and collect the writers a failed write left open, quietly.

    openpyxl's streamed sheets are generators; once their file failed (a full disk),
    finalising them raises again, which Python would print as a traceback at exit. The
    failed frames hold them: clear those, then collect with the report of such errors off.
    """
    import gc
    import traceback

    traceback.clear_frames(error.__traceback__)
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _cmd_gap(args: argparse.Namespace) -> int:
    from crosswalk.cli.check import unresolved_lines
    from crosswalk.cli.outputs import output_kind
    from crosswalk.io.inventory import read_inventory, read_profile

    progress = args._progress
    # output names are checked before any work: a directory, a wrong suffix or an input
    # named as an output is refused at once
    written = (
        output_kind(args.output, "-o", {".xlsx": "xlsx", ".csv": "csv"}) if args.output else None
    )
    if args.csv:
        output_kind(args.csv, "--csv", {"": "csv"}, example="gap.csv")
    if args.rdf:
        output_kind(
            args.rdf,
            "--rdf",
            {".ttl": "ttl", ".jsonld": "jsonld", ".json": "jsonld"},
            example="gap.ttl",
        )
    _outputs_first(
        [args.output, args.csv, args.rdf],
        [args.inventory, args.profile, None if args.scoring is None else str(args.scoring)],
    )
    kb = _load(args)
    progress.step(f"reading {args.inventory}")
    profile = read_profile(args.profile) if args.profile else None
    inventory = read_inventory(args.inventory, kb=kb, profile=profile, strict=args.strict)
    for line in unresolved_lines(inventory):
        print(line, file=sys.stderr)
    progress.step(f"inferring relations and computing the gap report against {args.target}")
    report = kb.gap(
        inventory, target=args.target, scoring=args.scoring, strict_scope=args.strict_scope
    )
    print(report.summary_text())
    if args.plan:
        print("\n" + report.plan().text())
    if args.output and written == "csv":
        _write_csv(report.to_frame(), args.output, raw=args.raw_csv)
    elif args.output:
        progress.step(f"writing {args.output}")
        with _writing(args.output):
            path = report.to_excel(args.output)
        print(f"\nwrote {path}")
    if args.rdf:
        from crosswalk.rdf.write import write_rdf

        progress.step(f"writing {args.rdf}")
        fmt = "json-ld" if str(args.rdf).endswith((".jsonld", ".json")) else "turtle"
        with _writing(args.rdf):
            write_rdf(kb, args.rdf, format=fmt, inventory=inventory, report=report)
        print(f"wrote {args.rdf}")
    if args.csv:
        _write_csv(report.to_frame(), args.csv, raw=args.raw_csv)
    return 0


def _write_csv(frame: Any, path: str, *, raw: bool = False) -> None:
    """A report's table as CSV, written atomically, formula-like cells neutralised unless raw."""
    from crosswalk.io.atomic import atomic_path
    from crosswalk.io.csv_cells import neutralise_cell

    if not raw:
        frame = frame.map(neutralise_cell)
    with _writing(path), atomic_path(path) as temporary:
        frame.to_csv(temporary, index=False)
    print(f"wrote {path}")


def _cmd_template(args: argparse.Namespace) -> int:
    from crosswalk.cli.outputs import output_kind
    from crosswalk.excel.template import write_csv_template, write_inventory_template

    kind = output_kind(
        args.path, "template", {".xlsx": "xlsx", ".csv": "csv"}, example="inventory.xlsx"
    )
    path = Path(args.path)
    if path.exists() and not args.force:
        print(f"error: {path} exists; pass --force to replace it", file=sys.stderr)
        return 2
    if kind == "csv":
        if args.with_clauses:
            print("error: --with-clauses needs an Excel template (.xlsx)", file=sys.stderr)
            return 2
        write_csv_template(path)
    else:
        write_inventory_template(path, kb=_load(args) if args.with_clauses else None)
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
    if args.raw_csv and args.format == "csv":
        options["raw"] = True
    with _writing(args.output):
        written = interop.export(kb, args.format, args.output, **options)
    for path in written if isinstance(written, list) else [written]:
        print(f"wrote {path}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from crosswalk import interop
    from crosswalk.interop.mapping_file import write_mapping_yaml

    # an existing directory is a valid -o when the file holds several sets (checked below)
    _outputs_first(
        [None if args.output and Path(args.output).is_dir() else args.output], [args.path]
    )
    kb = _load(args)
    sets = interop.import_sets(args.path, args.format, kb=kb)
    for mapping_set in sets:
        print(
            f"read {len(mapping_set.mappings)} mappings of {mapping_set.id} "
            f"({mapping_set.subject_framework} → {mapping_set.object_framework})"
        )
    if args.output and len(sets) == 1:
        with _writing(args.output):
            write_mapping_yaml(sets[0], args.output)
        print(f"wrote {args.output}")
    elif args.output:
        # several sets: one mapping file each, named by set id, in the -o directory
        folder = Path(args.output)
        if folder.exists() and not folder.is_dir():
            raise CrosswalkError(
                f"{args.path} holds {len(sets)} mapping sets: -o must name a directory, "
                f"and {folder} is a file"
            )
        folder.mkdir(parents=True, exist_ok=True)
        for mapping_set in sets:
            written = write_mapping_yaml(mapping_set, folder / f"{mapping_set.id}.yaml")
            print(f"wrote {written}")
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from crosswalk.rdf import endpoint

    kb = _load(args)
    status = endpoint.publish(
        kb, args.endpoint, graph_iri=args.graph, timeout=args.timeout, rdf=args.rdf or ()
    )
    extra = f" with {len(args.rdf)} RDF file(s)" if args.rdf else ""
    print(f"published the knowledge graph{extra} to {args.endpoint} (HTTP {status})")
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
