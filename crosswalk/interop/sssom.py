"""SSSOM/TSV (SSSOM 1.1): read and write mapping sets without losing anything.

>>> import crosswalk, tempfile, pathlib
>>> kb = crosswalk.load()
>>> path = pathlib.Path(tempfile.mkdtemp()) / "iso23894-iso31000.sssom.tsv"
>>> mapping_set = next(s for s in kb.mapping_sets if s.id == "iso23894-iso31000")
>>> _ = write_sssom(mapping_set, path, kb=kb)
>>> read_sssom(path).mappings == tuple(
...     m.model_copy(update={"path": str(path)}) for m in mapping_set.mappings)
True

How crosswalk's model is written in SSSOM
-----------------------------------------
*Identifiers.* A clause id ``iso31000:6.4.2`` is already a CURIE; the ``curie_map``
declares each clause prefix used, bound to the framework's IRI base
(``https://w3id.org/crosswalk/clause/<prefix>/``, or the official one such as ELI for
``euaiact``). ``crosswalk:`` is ``https://w3id.org/crosswalk/vocab#`` and
``crosswalkmapping:`` is ``https://w3id.org/crosswalk/mapping/`` (``record_id`` holds
our mapping id). ``mapping_set_id`` is ``https://w3id.org/crosswalk/mapping-set/<id>``.
When reading, a CURIE's *IRI* decides the clause: a file may name prefixes as it likes.

*Union subjects* (``subject: [a, b]``) are written as one composed entity,
``subject_id = crosswalk:union(a,b)`` with ``subject_type = composed entity expression``;
members keep their order, and each member is itself a CURIE of the file.

*Relations.* ``predicate_id`` carries the SKOS rendering of DESIGN.md §4
(:mod:`crosswalk.interop.vocabulary`): ``no_relationship`` is ``skos:relatedMatch`` with
``predicate_modifier = Not`` ("not related"), ``addresses`` is ``crosswalk:addresses``.
SKOS cannot say "intersects", so the exact relation, strength and rationale travel in
declared extension slots (``extension_definitions``):

========================  ==============================  ========================================
slot                      property                        value
========================  ==============================  ========================================
``ext_strm_relation``     ``crosswalk:strmRelation``      relation name
``ext_strm_strength``     ``crosswalk:strmStrength``      1–10
``ext_strm_rationale``    ``crosswalk:strmRationale``     syntactic | semantic | functional
``ext_source``            ``crosswalk:source``            who asserted it (a source id)
``ext_scope_condition``   ``crosswalk:scopeCondition``    scope condition (mappings/README.md §6)
``ext_review_evidence``   ``crosswalk:reviewEvidence``    second review: where the containment shows
``ext_review_source``     ``crosswalk:reviewSource``      second review: the source id consulted
``ext_mapping_set``       ``crosswalk:mappingSet``        set id (files of several sets)
========================  ==============================  ========================================

The other fields use standard slots: ``comment`` = justification, ``author_label``,
``mapping_date`` (condensed to the set when all rows share it), ``confidence``,
``reviewer_label`` and ``review_date`` (SSSOM 1.1) = who did the second review and when,
``mapping_justification`` = ``semapv:ManualMappingCuration`` for curated sets and
``semapv:LogicalReasoning`` for generated ones (the `equal` rows deduced from an
adoption declaration; ``semapv:MappingChaining`` is kept for inferred chains).

*The set header* uses ``mapping_set_title``, ``mapping_set_description``, ``license``
(an SPDX id becomes ``https://spdx.org/licenses/<id>.html``; none becomes SSSOM's
"unspecified" licence), ``creator_label`` = default author and ``publication_date`` =
default date; the rest goes to set-level extension slots: ``ext_subject_framework``,
``ext_object_framework``, ``ext_default_source``, ``ext_derived`` and ``ext_sources``
(the cited crosswalks as a JSON string, since extension values must be scalars). A file
of several sets carries every header in ``ext_mapping_sets`` (JSON) and each row's set
id in ``ext_mapping_set``; read it with :func:`read_sssom_sets`.

*Foreign files* (no extension slots) are read too: exact/broad/narrow matches and
negated relatedMatch are unambiguous; a bare ``skos:relatedMatch`` or ``closeMatch`` is
refused, because it does not say the two clauses overlap. Missing strength and
rationale default to 5 and ``semantic``; a missing comment to a note naming the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from crosswalk.atomic import write_text_atomic
from crosswalk.catalogue import mapping_id
from crosswalk.errors import DataError, Problem
from crosswalk.interop.references import canonical_ids, reference_problems, validated_mapping
from crosswalk.interop.vocabulary import (
    DEFAULT_CLAUSE_IRI,
    RATIONALES,
    RELATION_NAMES,
    RELATION_TERMS,
    VOCABULARY,
    relation_from_sssom,
)
from crosswalk.interop.yaml_text import dump_exact
from crosswalk.model import Mapping, MappingSet, split_id

if TYPE_CHECKING:
    from crosswalk.knowledge import KnowledgeBase

__all__ = ["MAPPING_IRI", "SET_IRI", "read_sssom", "read_sssom_sets", "write_sssom"]

SET_IRI = "https://w3id.org/crosswalk/mapping-set/"
MAPPING_IRI = "https://w3id.org/crosswalk/mapping/"
_UNSPECIFIED_LICENSE = "https://w3id.org/sssom/license/unspecified"
_SPDX = "https://spdx.org/licenses/{}.html"
_SPDX_PATTERN = re.compile(r"^https?://spdx\.org/licenses/([^/]+?)(?:\.html)?$")
_BUILT_IN = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sssom": "https://w3id.org/sssom/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "linkml": "https://w3id.org/linkml/",
}
_OURS = {"crosswalk": VOCABULARY, "crosswalkmapping": MAPPING_IRI}
_UNION = re.compile(r"^crosswalk:union\((.+)\)$")
_CURATED = "semapv:ManualMappingCuration"
_GENERATED = "semapv:LogicalReasoning"
_COMPOSED = "composed entity expression"
_DEFAULT_STRENGTH = 5
_DEFAULT_RATIONALE = "semantic"

# (slot, property, type) of the extension slots, sorted by property (SSSOM canonical form)
_EXTENSIONS = (
    ("ext_default_source", "crosswalk:defaultSource", "xsd:string"),
    ("ext_derived", "crosswalk:derived", "xsd:boolean"),
    ("ext_mapping_set", "crosswalk:mappingSet", "xsd:string"),
    ("ext_mapping_sets", "crosswalk:mappingSets", "xsd:string"),
    ("ext_object_framework", "crosswalk:objectFramework", "xsd:string"),
    ("ext_review_evidence", "crosswalk:reviewEvidence", "xsd:string"),
    ("ext_review_source", "crosswalk:reviewSource", "xsd:string"),
    ("ext_scope_condition", "crosswalk:scopeCondition", "xsd:string"),
    ("ext_source", "crosswalk:source", "xsd:string"),
    ("ext_sources", "crosswalk:sources", "xsd:string"),
    ("ext_strm_rationale", "crosswalk:strmRationale", "xsd:string"),
    ("ext_strm_relation", "crosswalk:strmRelation", "xsd:string"),
    ("ext_strm_strength", "crosswalk:strmStrength", "xsd:integer"),
    ("ext_subject_framework", "crosswalk:subjectFramework", "xsd:string"),
)
_COLUMNS = (
    "record_id",
    "subject_id",
    "subject_label",
    "subject_type",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "mapping_justification",
    "author_label",
    "mapping_date",
    "reviewer_label",
    "review_date",
    "confidence",
    "comment",
    "ext_strm_relation",
    "ext_strm_strength",
    "ext_strm_rationale",
    "ext_source",
    "ext_scope_condition",
    "ext_review_evidence",
    "ext_review_source",
    "ext_mapping_set",
)
_REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")
_PROPAGATABLE = ("mapping_date", "subject_type")


# -- writing -------------------------------------------------------------------------


def write_sssom(
    mapping_sets: MappingSet | Sequence[MappingSet],
    path: str | os.PathLike[str],
    *,
    kb: KnowledgeBase | None = None,
    set_id: str = "crosswalk",
) -> Path:
    """Write one mapping set (or several, as one SSSOM set ``set_id``) as SSSOM/TSV.

    With ``kb``, clause titles fill ``subject_label``/``object_label`` and each
    framework's own IRI base is used in the ``curie_map``. Returns the path written.
    """
    sets = [mapping_sets] if isinstance(mapping_sets, MappingSet) else list(mapping_sets)
    several = len(sets) != 1
    rows = [
        _row(mapping, mapping_set, kb, several)
        for mapping_set in sets
        for mapping in mapping_set.mappings
    ]
    metadata = _metadata(sets, rows, kb, set_id)
    columns = [c for c in _COLUMNS if any(row.get(c) for row in rows)]
    for slot in _PROPAGATABLE:  # condensation (SSSOM canonical form)
        values = {row.get(slot, "") for row in rows}
        if slot in columns and len(values) == 1 and "" not in values:
            value = values.pop()
            metadata[slot] = dt.date.fromisoformat(value) if slot == "mapping_date" else value
            columns.remove(slot)
    _declare_extensions(metadata, columns)
    buffer = io.StringIO()
    header = dump_exact(metadata)
    buffer.write("".join(f"#{line}\n" for line in header.rstrip("\n").split("\n")))
    buffer.write(_tsv_line(columns or list(_REQUIRED_COLUMNS)))
    for row in rows:
        buffer.write(_tsv_line([row.get(c, "") for c in columns]))
    return write_text_atomic(path, buffer.getvalue())


def _tsv_line(values: Sequence[str]) -> str:
    """One TSV line, quoted as SSSOM/TSV requires (only values with tab, break or quote)."""
    quoted = [
        '"' + v.replace('"', '""') + '"' if any(c in v for c in '\t\n\r"') else v for v in values
    ]
    return "\t".join(quoted) + "\n"


def _row(
    mapping: Mapping, mapping_set: MappingSet, kb: KnowledgeBase | None, several: bool
) -> dict[str, str]:
    terms = RELATION_TERMS[mapping.relation]
    labels = [_title(s, kb) for s in mapping.subjects]
    if mapping.is_union:
        subject = "crosswalk:union(" + ",".join(mapping.subjects) + ")"
    else:
        subject = mapping.subjects[0]
    row = {
        "record_id": f"crosswalkmapping:{mapping.id}",
        "subject_id": subject,
        "subject_label": " ∪ ".join(labels) if all(labels) else "",
        "subject_type": _COMPOSED if mapping.is_union else "",
        "predicate_id": terms.sssom_predicate,
        "predicate_modifier": "Not" if terms.sssom_negated else "",
        "object_id": mapping.object,
        "object_label": _title(mapping.object, kb),
        "mapping_justification": _GENERATED if mapping_set.derived else _CURATED,
        "author_label": _escape(mapping.author),
        "mapping_date": mapping.date.isoformat(),
        "confidence": "" if mapping.confidence is None else repr(mapping.confidence),
        "comment": mapping.justification,
        "ext_strm_relation": mapping.relation,
        "ext_strm_strength": str(mapping.strength),
        "ext_strm_rationale": mapping.rationale,
        "ext_source": mapping.source,
        "ext_scope_condition": mapping.scope or "",
    }
    if mapping.review is not None:
        row["reviewer_label"] = _escape(mapping.review.by)
        row["review_date"] = mapping.review.date.isoformat()
        row["ext_review_evidence"] = mapping.review.evidence
        row["ext_review_source"] = mapping.review.source or ""
    if several:
        row["ext_mapping_set"] = mapping_set.id
    return row


def _escape(value: str) -> str:
    """One value of a multi-valued SSSOM slot (author_label, reviewer_label)."""
    return value.replace("\\", "\\\\").replace("|", "\\|")


def _title(clause_id: str, kb: KnowledgeBase | None) -> str:
    clause = kb.find_clause(clause_id) if kb is not None else None
    return clause.title if clause is not None else ""


def _header(mapping_set: MappingSet) -> dict[str, Any]:
    """The set's own fields (not its mappings), JSON-ready."""
    return mapping_set.model_dump(mode="json", exclude={"mappings", "path"})


def _metadata(
    sets: Sequence[MappingSet],
    rows: Sequence[dict[str, str]],
    kb: KnowledgeBase | None,
    set_id: str,
) -> dict[str, Any]:
    prefixes = {s.subject_framework for s in sets} | {s.object_framework for s in sets}
    for row in rows:
        for curie in [*_union_members(row["subject_id"]), row["object_id"]]:
            prefixes.add(curie.split(":", 1)[0])
    curie_map = {p: _iri_base(p, kb) for p in sorted(prefixes)}
    curie_map.update(_OURS)
    metadata: dict[str, Any] = {"curie_map": dict(sorted(curie_map.items()))}
    if len(sets) == 1:
        only = sets[0]
        metadata["mapping_set_id"] = SET_IRI + only.id
        metadata["mapping_set_title"] = only.title
        if only.description:
            metadata["mapping_set_description"] = only.description
        metadata["license"] = _license_iri(only.license)
        metadata["sssom_version"] = "1.1"
        metadata["creator_label"] = [only.author]
        metadata["publication_date"] = only.date
        metadata["ext_default_source"] = only.source
        metadata["ext_derived"] = only.derived
        metadata["ext_object_framework"] = only.object_framework
        if only.sources:
            metadata["ext_sources"] = json.dumps(
                [s.model_dump(mode="json", exclude_none=True) for s in only.sources],
                ensure_ascii=False,
            )
        metadata["ext_subject_framework"] = only.subject_framework
    else:
        licenses = {s.license for s in sets}
        metadata["mapping_set_id"] = SET_IRI + set_id
        metadata["mapping_set_title"] = f"crosswalk mapping sets ({len(sets)})"
        metadata["mapping_set_description"] = "Mapping sets: " + ", ".join(s.id for s in sets)
        metadata["license"] = _license_iri(licenses.pop() if len(licenses) == 1 else None)
        metadata["sssom_version"] = "1.1"
        metadata["ext_mapping_sets"] = json.dumps([_header(s) for s in sets], ensure_ascii=False)
    return metadata


def _declare_extensions(metadata: dict[str, Any], columns: Sequence[str]) -> None:
    used = set(columns) | set(metadata)
    definitions = [
        {"slot_name": slot, "property": prop, "type_hint": hint}
        for slot, prop, hint in _EXTENSIONS
        if slot in used
    ]
    extensions = {k: metadata.pop(k) for k in [k for k in metadata if k.startswith("ext_")]}
    metadata["extension_definitions"] = definitions
    metadata.update(extensions)  # extension slots come after the standard ones


def _iri_base(prefix: str, kb: KnowledgeBase | None) -> str:
    if kb is not None and prefix in kb.frameworks:
        return kb.frameworks[prefix].iri_base
    return DEFAULT_CLAUSE_IRI.format(prefix=prefix)


def _license_iri(license_id: str | None) -> str:
    if license_id is None:
        return _UNSPECIFIED_LICENSE
    if "://" in license_id:
        return license_id
    return _SPDX.format(license_id)


def _license_id(iri: Any) -> str | None:
    if not iri or iri == _UNSPECIFIED_LICENSE:
        return None
    match = _SPDX_PATTERN.match(str(iri))
    return match.group(1) if match else str(iri)


def _union_members(subject_id: str) -> list[str]:
    match = _UNION.match(subject_id)
    return match.group(1).split(",") if match else [subject_id]


# -- reading -------------------------------------------------------------------------


def read_sssom(path: str | os.PathLike[str], *, kb: KnowledgeBase | None = None) -> MappingSet:
    """Read an SSSOM/TSV file of one mapping set.

    With ``kb``, clause aliases become canonical ids and every mapping is checked
    against the knowledge base. Every problem is collected and raised once as a
    :class:`~crosswalk.errors.DataError` naming the file, the line and the rule.
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
    missing = [c for c in _REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(
            Problem(
                file,
                f"line {count + 1} (header)",
                "sssom-columns",
                f"missing column(s) {', '.join(missing)}; an SSSOM/TSV file needs "
                f"{', '.join(_REQUIRED_COLUMNS)}",
            )
        )
        raise DataError(problems)
    curie_map = {**_BUILT_IN, **_as_dict(metadata.get("curie_map"))}
    bases = _known_bases(kb)
    headers = _headers(metadata, file, problems)
    default = headers[0]
    by_set: dict[str, list[tuple[Mapping, str]]] = {h["id"]: [] for h in headers}
    for raw in reader:
        where = f"line {count + reader.line_num}"
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        for slot in _PROPAGATABLE:
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
        mappings = [m.model_copy(update={"index": i}) for i, (m, _) in enumerate(pairs)]
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


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:  # keep \r inside fields
            return handle.read()
    except UnicodeDecodeError as error:
        problems.append(Problem(str(path), "", "encoding", f"not UTF-8 text: {error}"))
    except OSError as error:
        problems.append(Problem(str(path), "", "readable", str(error)))
    return None


def _parse_metadata(
    lines: Sequence[str], file: str, problems: list[Problem]
) -> dict[str, Any] | None:
    stripped = [line[1:] for line in lines]
    indents = {len(s) - len(s.lstrip(" ")) for s in stripped if s.strip()}
    margin = min(indents, default=0)
    try:
        document = yaml.safe_load("".join(s[margin:] for s in stripped)) if stripped else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "metadata block"
        problems.append(
            Problem(
                file,
                where,
                "sssom-metadata",
                f"the #-block is not YAML: {str(error).splitlines()[0]}",
            )
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
    set_id = (
        set_iri[len(SET_IRI) :] if set_iri.startswith(SET_IRI) else re.split(r"[/#]", set_iri)[-1]
    )
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
            "license": _license_id(metadata.get("license")),
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

    subjects = [_clause(c, curie_map, bases, problem) for c in _union_members(row["subject_id"])]
    target = _clause(row["object_id"], curie_map, bases, problem)
    relation = _relation(row, curie_map, problem)
    strength: Any = row.get("ext_strm_strength") or _DEFAULT_STRENGTH
    rationale = row.get("ext_strm_rationale") or _DEFAULT_RATIONALE
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
        if (
            _expand(terms.sssom_predicate, _OURS | _BUILT_IN) != predicate_iri
            or terms.sssom_negated != negated
        ):
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
    if ":" not in curie:
        problem("curie", f"{curie!r} is not a CURIE (prefix:local)")
        return None
    prefix, local = curie.split(":", 1)
    if prefix not in curie_map:
        problem("curie-map", f"prefix {prefix!r} of {curie!r} is not declared in the curie_map")
        return None
    base = curie_map[prefix]
    ours = bases.get(base)
    if ours is None:
        match = re.fullmatch(
            re.escape(DEFAULT_CLAUSE_IRI).replace(r"\{prefix\}", "([a-z][a-z0-9_]*)"), base
        )
        ours = match.group(1) if match else prefix
    clause_id = f"{ours}:{local}"
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
    for prefix, base in (_OURS | _BUILT_IN).items():
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
    data = {k: v for k, v in header.items() if k in MappingSet.model_fields}
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
        return MappingSet.model_validate({**data, "mappings": tuple(mappings), "path": file})
    except ValidationError as error:
        for detail in error.errors():
            field = ".".join(str(p) for p in detail["loc"])
            problems.append(
                Problem(file, "metadata block", f"valid-{field}", f"{field}: {detail['msg']}")
            )
        return None
