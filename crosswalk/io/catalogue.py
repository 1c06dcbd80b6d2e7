"""Reading catalogue files into frameworks and clauses, collecting every problem.

The YAML reading and problem helpers here serve :mod:`crosswalk.io.mapping_sets` too.
Four layers of checks run in these two modules or in :mod:`crosswalk.knowledge.base`: shape (the grammar
models, unknown keys rejected), referential integrity (parents, sources, mapped ids),
rules (one row per pair, like with like, addresses targets a risk) and, after
inference, consistency. Problems are collected and raised once as a
:class:`~crosswalk.model.errors.DataError`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from crosswalk.io.discovery import DataFiles
from crosswalk.io.files import read_text
from crosswalk.io.grammar import (
    AdoptedClauseEntry,
    CataloguePartFile,
    ClauseEntry,
    FrameworkEntry,
    SourceEntry,
)
from crosswalk.io.limits import limit
from crosswalk.io.yaml_read import load_yaml
from crosswalk.model.errors import DataError, Problem
from crosswalk.model.ids import default_iri_base
from crosswalk.model.records import (
    PROVISION_OF_KIND,
    Adoption,
    ApplicationDates,
    CategoryDates,
    Clause,
    EndDates,
    Framework,
    GraceDates,
    RecordError,
    Review,
    Source,
)
from crosswalk.model.validation import failures

__all__ = [
    "build_catalogues",
    "display_path",
    "raise_if_errors",
    "read_yaml",
]


def display_path(path: Path) -> str:
    """A path as shown to people: bundled files as ``mappings/...``, others as given."""
    from crosswalk.io.resources import mappings_dir

    try:
        return "mappings/" + Path(path).resolve().relative_to(mappings_dir().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def read_yaml(path: Path, problems: list[Problem]) -> Any:
    """Parse one YAML file; record a problem (and return None) if it cannot be read.

    Bounded (:mod:`crosswalk.io.files`: regular files only, the size checked first) and
    safe (:mod:`crosswalk.io.yaml_read`: no duplicate keys, no alias bombs).
    """
    try:
        return load_yaml(read_text(path, limit=limit("data_file_bytes")), str(path))
    except DataError as error:
        problems.extend(error.problems)
        return None


def item_lines(path: Path, key: str) -> list[int]:
    """1-based line numbers of the items of the top-level sequence ``key`` (slow path)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for key_node, value_node in node.value:
        if getattr(key_node, "value", None) == key and isinstance(value_node, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value_node.value]
    return []


def pydantic_problems(error: ValidationError, file: str, where: str) -> Iterator[Problem]:
    """The problems of a pydantic validation error, each named by its field."""
    for field_path, rule, message in failures(error):
        if rule == "extra_forbidden":
            message = f"unknown key {field_path!r} (the grammar is in mappings/README.md)"
        else:
            message = f"{field_path}: {message}"
        yield Problem(file, where, rule, message)


def record_problem(error: RecordError, file: str, where: str) -> Problem:
    """The problem of a record's own check, named by its field."""
    return Problem(file, where, "value_error", f"{error.field}: {error}")


def _sources(raw: Any, file: str, problems: list[Problem]) -> list[Source]:
    result: list[Source] = []
    for index, item in enumerate(raw or []):
        try:
            entry = SourceEntry.model_validate(item)
        except ValidationError as error:
            problems.extend(pydantic_problems(error, file, f"sources[{index}]"))
            continue
        result.append(Source(**entry.model_dump()))
    return result


@dataclass
class _CatalogueDraft:
    framework: FrameworkEntry
    path: Path
    sources: list[Source]
    entries: list[tuple[Path, int, dict[str, Any]]]


def build_catalogues(  # noqa: C901 - one pass that collects every problem of every file; each branch is one rule
    files: DataFiles, problems: list[Problem], *, documents: dict[Path, Any] | None = None
) -> tuple[list[Framework], list[Clause]]:
    """Turn catalogue files (and their parts) into frameworks and clauses."""
    documents = documents if documents is not None else {}
    drafts: dict[str, _CatalogueDraft] = {}
    for path in files.catalogues:
        document = documents.get(path) or read_yaml(path, problems)
        if document is None:
            continue
        if not isinstance(document, dict) or "framework" not in document:
            problems.append(
                Problem(str(path), "", "catalogue-shape", "a catalogue starts with `framework:`")
            )
            continue
        unknown = set(document) - {"framework", "sources", "clauses"}
        for key in sorted(unknown):
            problems.append(Problem(str(path), "", "extra_forbidden", f"unknown key {key!r}"))
        try:
            entry = FrameworkEntry.model_validate(document["framework"])
        except ValidationError as error:
            problems.extend(pydantic_problems(error, str(path), "framework"))
            continue
        if entry.prefix in drafts:
            problems.append(
                Problem(
                    str(path),
                    "framework.prefix",
                    "unique-prefix",
                    f"prefix {entry.prefix!r} is already defined in {drafts[entry.prefix].path}",
                )
            )
            continue
        expected = path.name.split(".")[0]
        if expected != entry.prefix:
            problems.append(
                Problem(
                    str(path),
                    "framework.prefix",
                    "file-name",
                    f"prefix {entry.prefix!r} must match the file name {expected!r}",
                )
            )
        raw_clauses = document.get("clauses") or []
        if not isinstance(raw_clauses, list):
            problems.append(Problem(str(path), "clauses", "catalogue-shape", "must be a list"))
            raw_clauses = []
        drafts[entry.prefix] = _CatalogueDraft(
            entry,
            path,
            _sources(document.get("sources"), str(path), problems),
            [(path, i, c) for i, c in enumerate(raw_clauses)],
        )
    for path in files.parts:
        prefix = path.name.split(".")[0]
        document = documents.get(path) or read_yaml(path, problems)
        if document is None:
            continue
        if prefix not in drafts:
            problems.append(
                Problem(str(path), "", "part-of", f"no catalogue {prefix}.yaml for this part")
            )
            continue
        if not isinstance(document, dict):
            problems.append(Problem(str(path), "", "catalogue-shape", "expected a mapping"))
            continue
        unknown = set(document) - set(CataloguePartFile.model_fields)
        for key in sorted(unknown):
            problems.append(Problem(str(path), "", "extra_forbidden", f"unknown key {key!r}"))
        drafts[prefix].sources.extend(_sources(document.get("sources"), str(path), problems))
        drafts[prefix].entries.extend(
            (path, i, c) for i, c in enumerate(document.get("clauses") or [])
        )

    frameworks: list[Framework] = []
    clauses: list[Clause] = []
    by_prefix_clauses: dict[str, list[Clause]] = {}
    # adopted catalogues are generated after the ones they adopt
    order = sorted(drafts, key=lambda p: drafts[p].framework.adoption_of is not None)
    for prefix in order:
        draft = drafts[prefix]
        framework = _framework(draft)
        frameworks.append(framework)
        if draft.framework.adoption_of is not None:
            built = _adopted_clauses(draft, by_prefix_clauses, problems)
        else:
            built = _own_clauses(draft, problems)
        by_prefix_clauses[prefix] = built
        clauses.extend(built)
    return frameworks, clauses


def _framework(draft: _CatalogueDraft) -> Framework:
    entry = draft.framework
    adoption = None
    if entry.adoption_of is not None:
        review = entry.adoption_of.review
        adoption = Adoption(
            **entry.adoption_of.model_dump(exclude={"review"}),
            review=Review(**review.model_dump()) if review else None,
        )
    data = entry.model_dump(exclude={"adoption_of", "aliases", "iri_base"})
    return Framework(
        **data,
        aliases=tuple(entry.aliases),
        iri_base=entry.iri_base or default_iri_base(entry.prefix),
        adoption_of=adoption,
        sources=tuple(draft.sources),
        path=display_path(draft.path),
    )


def _where(index: int, raw: Any) -> str:
    local = raw.get("id") if isinstance(raw, dict) else None
    return f"clauses[{index}]" + (f" (id {local})" if local is not None else "")


def _own_clauses(draft: _CatalogueDraft, problems: list[Problem]) -> list[Clause]:
    prefix = draft.framework.prefix
    source_ids = {s.id for s in draft.sources}
    built: dict[str, Clause] = {}
    lines_cache: dict[Path, list[int]] = {}

    def locate(path: Path, index: int, raw: Any) -> str:
        if path not in lines_cache:
            lines_cache[path] = item_lines(path, "clauses")
        lines = lines_cache[path]
        line = f"line {lines[index]}, " if index < len(lines) else ""
        return line + _where(index, raw)

    for path, index, raw in draft.entries:
        try:
            entry = ClauseEntry.model_validate(raw)
        except ValidationError as error:
            problems.extend(pydantic_problems(error, str(path), locate(path, index, raw)))
            continue
        clause_id = f"{prefix}:{entry.id}"
        if clause_id in built:
            problems.append(
                Problem(
                    str(path), locate(path, index, raw), "unique-id", f"{clause_id} is listed twice"
                )
            )
            continue
        if entry.source not in source_ids:
            problems.append(
                Problem(
                    str(path),
                    locate(path, index, raw),
                    "known-source",
                    f"source {entry.source!r} is not in this catalogue's `sources:` "
                    f"(known: {', '.join(sorted(source_ids)) or 'none'})",
                )
            )
        parent = built.get(f"{prefix}:{entry.parent}") if entry.parent else None
        if entry.parent and parent is None:
            problems.append(
                Problem(
                    str(path),
                    locate(path, index, raw),
                    "parent-first",
                    f"parent {entry.parent!r} is not listed before {entry.id!r} in this catalogue",
                )
            )
            continue
        dates = (
            _dates(entry.applies_from)
            if entry.applies_from
            else (parent.applies_from if parent else None)
        )
        addressees = (
            tuple(entry.addressees)
            if entry.addressees is not None
            else (parent.addressees if parent else ())
        )
        categories = (
            tuple(entry.categories)
            if entry.categories is not None
            else (parent.categories if parent else ())
        )
        provision = entry.provision or (
            parent.provision
            if entry.kind == "part" and parent
            else PROVISION_OF_KIND.get(entry.kind, "guidance")
        )
        built[clause_id] = Clause(
            id=clause_id,
            framework=prefix,
            local=entry.id,
            parent=parent.id if parent else None,
            kind=entry.kind,
            provision=provision,
            title=entry.title,
            title_zh=entry.title_zh,
            summary=entry.summary,
            normative=entry.normative,
            status=entry.status,
            source=entry.source,
            url=entry.url or (parent.url if parent else None),
            note=entry.note,
            exhaustive=entry.exhaustive,
            aliases=tuple(entry.aliases),
            addressees=addressees,
            categories=categories,
            applies_from=dates,
            applies_with=tuple(f"{prefix}:{local}" for local in entry.applies_with),
            order=len(built),
            depth=parent.depth + 1 if parent else 0,
        )
    for clause in built.values():
        for other in clause.applies_with:
            if other not in built:
                problems.append(
                    Problem(
                        str(path),
                        clause.local,
                        "known-clause",
                        f"applies_with of {clause.local!r} names {other!r}, which this "
                        "catalogue does not hold",
                    )
                )
    return _split_into_parts(built, draft, problems)


def _split_into_parts(
    built: dict[str, Clause], draft: _CatalogueDraft, problems: list[Problem]
) -> list[Clause]:
    """A clause whose children are requirement parts is split exhaustively by them.

    Parts are our own exhaustive decomposition of one clause (mappings/README.md,
    "Requirement parts"); they may not sit beside the framework's own sub-clauses.
    """
    children: dict[str, list[Clause]] = {}
    for clause in built.values():
        if clause.parent:
            children.setdefault(clause.parent, []).append(clause)
    for parent_id, below in children.items():
        kinds = {c.kind == "part" for c in below}
        if kinds == {True}:
            built[parent_id] = replace(built[parent_id], exhaustive=True)
        elif kinds == {True, False}:
            problems.append(
                Problem(
                    str(draft.path),
                    f"clauses (id {built[parent_id].local})",
                    "parts-alone",
                    "requirement parts split a clause with no sub-clauses of its own; "
                    f"{parent_id} has both",
                )
            )
    return list(built.values())


def _dates(entry: Any) -> ApplicationDates:
    special = tuple(
        CategoryDates(category=category, original=value.original, omnibus=value.omnibus)
        for category, value in (entry.by_category or {}).items()
    )
    grace = GraceDates(**entry.grace.model_dump()) if entry.grace else None
    ends = EndDates(**entry.ends.model_dump()) if entry.ends else None
    return ApplicationDates(
        original=entry.original,
        omnibus=entry.omnibus,
        note=entry.note,
        by_category=special,
        grace=grace,
        ends=ends,
    )


def _adopted_clauses(
    draft: _CatalogueDraft, done: dict[str, list[Clause]], problems: list[Problem]
) -> list[Clause]:
    prefix = draft.framework.prefix
    adoption = draft.framework.adoption_of
    assert adoption is not None
    base = done.get(adoption.framework)
    if base is None:
        problems.append(
            Problem(
                str(draft.path),
                "framework.adoption_of",
                "known-framework",
                f"adopts {adoption.framework!r}, which is not loaded",
            )
        )
        return []
    source_ids = {s.id for s in draft.sources}
    overlays: dict[str, AdoptedClauseEntry] = {}
    for path, index, raw in draft.entries:
        try:
            entry = AdoptedClauseEntry.model_validate(raw)
        except ValidationError as error:
            problems.extend(pydantic_problems(error, str(path), _where(index, raw)))
            continue
        if entry.source not in source_ids:
            problems.append(
                Problem(
                    str(path),
                    _where(index, raw),
                    "known-source",
                    f"unknown source {entry.source!r}",
                )
            )
        overlays[entry.id] = entry
    base_locals = {c.local for c in base}
    for local in sorted(set(overlays) - base_locals):
        problems.append(
            Problem(
                str(draft.path),
                f"clauses (id {local})",
                "adopted-number",
                f"{adoption.framework} has no clause {local!r} to adopt",
            )
        )
    result = []
    for clause in base:
        overlay = overlays.get(clause.local)
        note = f"Adopted from {clause.id} ({adoption.status} identical adoption)."
        result.append(
            replace(
                clause,
                id=f"{prefix}:{clause.local}",
                framework=prefix,
                parent=f"{prefix}:{clause.parent.split(':', 1)[1]}" if clause.parent else None,
                title=overlay.title if overlay and overlay.title else clause.title,
                title_zh=overlay.title_zh if overlay else None,
                status=overlay.status if overlay else "provisional",
                source=overlay.source if overlay else adoption.source,
                note=overlay.note if overlay and overlay.note else note,
                url=draft.framework.official_url,
            )
        )
    return result


def raise_if_errors(problems: Sequence[Problem], title: str = "") -> None:
    """Raise a DataError listing every problem, if any of them is an error."""
    if any(p.severity == "error" for p in problems):
        raise DataError(problems, title=title)
