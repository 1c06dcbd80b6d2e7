"""Reading SSSOM/TSV files, ours or foreign, collecting every problem (format in :mod:`crosswalk.interop.sssom`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from crosswalk.interop.references import canonical_ids, reference_problems, validated_mapping
from crosswalk.interop.sssom_terms import (
    BUILT_IN_PREFIXES,
    LEGACY_PREFIXES,
    OWN_PREFIXES,
    PROPAGATABLE,
    REQUIRED_COLUMNS,
    SET_IRI,
    license_id,
    union_members,
)
from crosswalk.interop.vocabulary import (
    DEFAULT_RATIONALE,
    DEFAULT_STRENGTH,
    RATIONALES,
    RELATION_NAMES,
    RELATION_TERMS,
    relation_from_sssom,
)
from crosswalk.io.files import read_text
from crosswalk.io.limits import limit
from crosswalk.io.mapping_sets import mapping_id
from crosswalk.io.yaml_read import load_yaml
from crosswalk.model.errors import DataError, Problem
from crosswalk.model.ids import (
    LEGACY_MAPPING_SET_IRI,
    MAPPING_IRI,
    clause_id_from_iri,
    split_id,
)
from crosswalk.model.records import Mapping, MappingSet
from crosswalk.model.validation import validated

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "read_sssom",
    "read_sssom_sets",
]


def read_sssom(path: str | os.PathLike[str], *, kb: KnowledgeBase | None = None) -> MappingSet:
    """Read an SSSOM/TSV file of one mapping set.

    With ``kb``, clause aliases become canonical ids and every mapping is checked
    against the knowledge base. Every problem is collected and raised once as a
    :class:`~crosswalk.model.errors.DataError` naming the file, the line and the rule.
    """
    sets = read_sssom_sets(path, kb=kb)
    if len(sets) != 1:
        raise DataError(
            [
                Problem(
                    str(path),
                    "",
                    "one-mapping-set",
                    f"the file holds {len(sets)} mapping sets ({', '.join(s.id for s in sets)}); "
                    "read it with read_sssom_sets()",
                )
            ]
        )
    return sets[0]


def read_sssom_sets(
    path: str | os.PathLike[str], *, kb: KnowledgeBase | None = None
) -> list[MappingSet]:
    """Read an SSSOM/TSV file into its mapping sets (several if written together)."""
    file = str(path)
    problems: list[Problem] = []
    text = _read_text(Path(path), problems)
    if text is None:
        raise DataError(problems)
    lines = [f"{line}\n" for line in text.split("\n")]  # not splitlines(): U+2028 is text
    count = 0
    while count < len(lines) and lines[count].startswith("#"):
        count += 1
    metadata = _parse_metadata(lines[:count], file, problems)
    if metadata is None:
        raise DataError(problems)
    reader = csv.DictReader(io.StringIO("".join(lines[count:])), delimiter="\t")
    columns = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(
            Problem(
                file,
                f"line {count + 1} (header)",
                "sssom-columns",
                f"missing column(s) {', '.join(missing)}; an SSSOM/TSV file needs "
                f"{', '.join(REQUIRED_COLUMNS)}",
            )
        )
        raise DataError(problems)
    curie_map = {**BUILT_IN_PREFIXES, **_as_dict(metadata.get("curie_map"))}
    bases = _known_bases(kb)
    headers = _headers(metadata, file, problems)
    default = headers[0]
    by_set: dict[str, list[tuple[Mapping, str]]] = {h["id"]: [] for h in headers}
    for raw in _rows(reader, file, count, problems):
        where = f"line {count + reader.line_num}"
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        for slot in PROPAGATABLE:
            if not row.get(slot) and metadata.get(slot):
                row[slot] = str(metadata[slot])
        set_id = row.get("ext_mapping_set") or default["id"]
        header = next((h for h in headers if h["id"] == set_id), None)
        if header is None:
            problems.append(
                Problem(
                    file,
                    where,
                    "known-mapping-set",
                    f"ext_mapping_set {set_id!r} is not declared in ext_mapping_sets",
                )
            )
            continue
        mapping = _mapping(row, header, curie_map, bases, file, where, problems)
        if mapping is not None:
            by_set[set_id].append((mapping, where))
    sets = []
    for header in headers:
        pairs = by_set[header["id"]]
        mappings = [replace(m, index=i) for i, (m, _) in enumerate(pairs)]
        if kb is not None:
            mappings = canonical_ids(mappings, kb)
        mapping_set = _mapping_set(header, mappings, file, problems)
        if mapping_set is None:
            continue
        if kb is not None:
            problems.extend(reference_problems(mapping_set, [w for _, w in pairs], kb, file))
        sets.append(mapping_set)
    if any(p.severity == "error" for p in problems):
        raise DataError(problems, title=f"{file}: {len(problems)} problem(s) in the SSSOM file")
    return sets


def _rows(
    reader: csv.DictReader[str], file: str, offset: int, problems: list[Problem]
) -> Iterator[dict[str, str | None]]:
    """The rows of the table; a row the csv module cannot read ends it, as a problem."""
    try:
        yield from reader
    except csv.Error as error:  # a field over csv.field_size_limit(), a NUL byte, ...
        problems.append(
            Problem(
                file, f"line {offset + reader.line_num}", "sssom-table", f"unreadable row: {error}"
            )
        )


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    """The file's text (carriage returns inside fields kept), read with a bound: regular files only."""
    try:
        return read_text(path, limit=limit("data_file_bytes"))
    except DataError as error:
        problems.extend(error.problems)
    return None


def _parse_metadata(
    lines: Sequence[str], file: str, problems: list[Problem]
) -> dict[str, Any] | None:
    stripped = [line[1:] for line in lines]
    indents = {len(s) - len(s.lstrip(" ")) for s in stripped if s.strip()}
    margin = min(indents, default=0)
    try:
        document = load_yaml("".join(s[margin:] for s in stripped), file) if stripped else {}
    except DataError as error:
        problems.extend(
            Problem(
                p.file,
                p.location or "metadata block",
                "sssom-metadata",
                f"the #-block: {p.message} [{p.rule}]",
            )
            for p in error.problems
        )
        return None
    if document is None:
        return {}
    if not isinstance(document, dict):
        problems.append(
            Problem(file, "metadata block", "sssom-metadata", "the #-block must be a YAML mapping")
        )
        return None
    return document


def _as_dict(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _known_bases(kb: KnowledgeBase | None) -> dict[str, str]:
    """IRI base → clause prefix, for every framework crosswalk knows."""
    if kb is None:
        return {}
    return {f.iri_base: f.prefix for f in kb.frameworks.values()}


def _headers(metadata: dict[str, Any], file: str, problems: list[Problem]) -> list[dict[str, Any]]:
    """The set headers: from ``ext_mapping_sets`` (several sets) or the standard slots."""
    if metadata.get("ext_mapping_sets"):
        try:
            headers = json.loads(str(metadata["ext_mapping_sets"]))
            if (
                isinstance(headers, list)
                and headers
                and all(isinstance(h, dict) and "id" in h for h in headers)
            ):
                return headers
        except json.JSONDecodeError:
            pass
        problems.append(
            Problem(
                file,
                "metadata block",
                "sssom-metadata",
                "ext_mapping_sets must be a JSON list of set headers",
            )
        )
    set_iri = str(metadata.get("mapping_set_id") or "")
    own = next((b for b in (SET_IRI, LEGACY_MAPPING_SET_IRI) if set_iri.startswith(b)), None)
    set_id = set_iri[len(own) :] if own is not None else re.split(r"[/#]", set_iri)[-1]
    creators = metadata.get("creator_label")
    if isinstance(creators, list):
        creators = ", ".join(str(c) for c in creators)
    sources: Any = []
    if metadata.get("ext_sources"):
        try:
            sources = json.loads(str(metadata["ext_sources"]))
        except json.JSONDecodeError:
            problems.append(
                Problem(file, "metadata block", "sssom-metadata", "ext_sources must be a JSON list")
            )
    return [
        {
            "id": set_id or Path(file).name.split(".")[0],
            "title": metadata.get("mapping_set_title") or set_id or Path(file).name,
            "description": metadata.get("mapping_set_description"),
            "subject_framework": metadata.get("ext_subject_framework"),
            "object_framework": metadata.get("ext_object_framework"),
            "source": metadata.get("ext_default_source") or "crosswalk-curation",
            "author": creators or "sssom import",
            "date": metadata.get("publication_date"),
            "license": license_id(metadata.get("license")),
            "sources": sources,
            "derived": bool(metadata.get("ext_derived", False)),
        }
    ]


def _mapping(
    row: dict[str, str],
    header: dict[str, Any],
    curie_map: dict[str, str],
    bases: dict[str, str],
    file: str,
    where: str,
    problems: list[Problem],
) -> Mapping | None:
    before = len(problems)

    def problem(rule: str, message: str) -> None:
        problems.append(Problem(file, where, rule, message))

    subjects = [_clause(c, curie_map, bases, problem) for c in union_members(row["subject_id"])]
    target = _clause(row["object_id"], curie_map, bases, problem)
    relation = _relation(row, curie_map, problem)
    strength: Any = row.get("ext_strm_strength") or DEFAULT_STRENGTH
    rationale = row.get("ext_strm_rationale") or DEFAULT_RATIONALE
    if rationale not in RATIONALES:
        problem(
            "rationale", f"ext_strm_rationale {rationale!r} is not one of {', '.join(RATIONALES)}"
        )
    if len(problems) > before:
        return None
    assert relation is not None and target is not None
    members = tuple(s for s in subjects if s is not None)
    set_id = str(header["id"])
    record = _expand(row.get("record_id", ""), curie_map)
    author = row.get("author_label", "")
    values = {
        "id": record[len(MAPPING_IRI) :]
        if record.startswith(MAPPING_IRI)
        else mapping_id(set_id, sorted(members), target),
        "subjects": members,
        "relation": relation,
        "object": target,
        "strength": strength,
        "rationale": rationale,
        "justification": row.get("comment")
        or f"Imported from {Path(file).name} ({row['mapping_justification']}).",
        "source": row.get("ext_source") or header.get("source") or "crosswalk-curation",
        "author": _unescape(author) if author else header.get("author") or "sssom import",
        "date": row.get("mapping_date") or header.get("date") or dt.date.today(),
        "confidence": row.get("confidence") or None,
        "scope": row.get("ext_scope_condition") or None,
        "review": _review(row),
        "mapping_set": set_id,
        "path": file,
    }
    return validated_mapping(values, problem, _COLUMN_OF)


def _review(row: dict[str, str]) -> dict[str, str | None] | None:
    """The second review of a row, if it names one (validated with the mapping)."""
    fields = ("reviewer_label", "review_date", "ext_review_evidence", "ext_review_source")
    if not any(row.get(f) for f in fields):
        return None
    by = row.get("reviewer_label", "")
    return {
        "by": _unescape(by) if by else "",
        "date": row.get("review_date", ""),
        "evidence": row.get("ext_review_evidence", ""),
        "source": row.get("ext_review_source") or None,
    }


_COLUMN_OF = {
    "strength": "ext_strm_strength",
    "justification": "comment",
    "author": "author_label",
    "date": "mapping_date",
    "confidence": "confidence",
    "scope": "ext_scope_condition",
    "review.by": "reviewer_label",
    "review.date": "review_date",
    "review.evidence": "ext_review_evidence",
    "review.source": "ext_review_source",
}


def _relation(row: dict[str, str], curie_map: dict[str, str], problem: Any) -> str | None:
    predicate_iri = _expand(row["predicate_id"], curie_map)
    negated = row.get("predicate_modifier", "") == "Not"
    if row.get("predicate_modifier") not in ("", "Not", None):
        problem(
            "predicate-modifier",
            f"predicate_modifier {row['predicate_modifier']!r} must be empty or Not",
        )
        return None
    stated = relation_from_sssom(_compact(predicate_iri), negated)
    declared = row.get("ext_strm_relation", "")
    if declared:
        if declared not in RELATION_NAMES:
            problem(
                "relation-name",
                f"ext_strm_relation {declared!r} is not a relation; "
                f"valid: {', '.join(RELATION_NAMES)}",
            )
            return None
        terms = RELATION_TERMS[declared]
        if _compact(predicate_iri) != terms.sssom_predicate or terms.sssom_negated != negated:
            problem(
                "predicate-agrees",
                f"ext_strm_relation {declared} is written {('Not ' if terms.sssom_negated else '')}"
                f"{terms.sssom_predicate}, not {('Not ' if negated else '')}{row['predicate_id']}",
            )
            return None
        return declared
    if stated is None:
        problem(
            "strm-relation",
            f"{('Not ' if negated else '')}{row['predicate_id']} does not say which set "
            "relation holds "
            "(a bare relatedMatch or closeMatch does not state an overlap); give ext_strm_relation",
        )
    return stated


def _clause(
    curie: str, curie_map: dict[str, str], bases: dict[str, str], problem: Any
) -> str | None:
    """The clause a CURIE of the file names.

    Its IRI decides (:func:`clause_id_from_iri`), so a file may name prefixes as it likes; a CURIE
    whose IRI is no clause IRI we know keeps the file's prefix and local id.
    """
    if ":" not in curie:
        problem("curie", f"{curie!r} is not a CURIE (prefix:local)")
        return None
    prefix, local = curie.split(":", 1)
    if prefix not in curie_map:
        problem("curie-map", f"prefix {prefix!r} of {curie!r} is not declared in the curie_map")
        return None
    iri = curie_map[prefix] + local
    clause_id = (
        clause_id_from_iri(iri, bases)  # a framework we know, or crosswalk's default base
        or clause_id_from_iri(iri, {curie_map[prefix]: prefix})  # an ELI base: its path
        or f"{prefix}:{local}"
    )
    try:
        split_id(clause_id)
    except ValueError as error:
        problem("clause-id", str(error))
        return None
    return clause_id


def _expand(curie: str, curie_map: dict[str, str]) -> str:
    if ":" in curie:
        prefix, local = curie.split(":", 1)
        if prefix in curie_map:
            return curie_map[prefix] + local
    return curie


def _compact(iri: str) -> str:
    for prefix, base in [
        *OWN_PREFIXES.items(),
        *LEGACY_PREFIXES.items(),
        *BUILT_IN_PREFIXES.items(),
    ]:
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base) :]}"
    return iri


def _unescape(value: str) -> str:
    """Undo SSSOM's multi-value escaping; several authors are joined with ', '."""
    parts, current, index = [], [], 0
    while index < len(value):
        char = value[index]
        if char == "\\" and index + 1 < len(value) and value[index + 1] in "|\\":
            current.append(value[index + 1])
            index += 2
            continue
        if char == "|":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return ", ".join(parts)


def _mapping_set(
    header: dict[str, Any], mappings: list[Mapping], file: str, problems: list[Problem]
) -> MappingSet | None:
    names = {f.name for f in fields(MappingSet)}
    data = {k: v for k, v in header.items() if k in names}
    for side in ("subject_framework", "object_framework"):
        if not data.get(side):
            prefixes = Counter(
                (m.subjects[0] if side == "subject_framework" else m.object).split(":", 1)[0]
                for m in mappings
            )
            data[side] = prefixes.most_common(1)[0][0] if prefixes else "unknown"
    if not data.get("date"):
        data["date"] = max((m.date for m in mappings), default=dt.date.today())
    data["sources"] = data.get("sources") or []
    try:
        return validated(MappingSet, {**data, "mappings": tuple(mappings), "path": file})
    except ValidationError as error:
        for detail in error.errors():
            field = ".".join(str(p) for p in detail["loc"]) or "mapping_set"
            problems.append(
                Problem(file, "metadata block", f"valid-{field}", f"{field}: {detail['msg']}")
            )
        return None
