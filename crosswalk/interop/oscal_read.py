"""Reading an OSCAL 1.2 mapping collection (JSON) back into a mapping set.

What each OSCAL field means to crosswalk is described in :mod:`crosswalk.interop.oscal`;
every problem of a file is reported at once.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from crosswalk.interop.references import canonical_ids, reference_problems, validated_mapping
from crosswalk.interop.vocabulary import (
    DEFAULT_RATIONALE,
    DEFAULT_STRENGTH,
    OSCAL_NAMESPACE,
    RATIONALES,
    RELATION_TERMS,
    clause_id_from_token,
    oscal_token,
    relation_from_oscal,
)
from crosswalk.io.files import read_text
from crosswalk.io.limits import limit
from crosswalk.io.mapping_sets import mapping_id
from crosswalk.model.errors import DataError, Problem
from crosswalk.model.records import Mapping, MappingSet
from crosswalk.model.validation import failures, validated

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = ["read_oscal"]


def read_oscal(path: str | os.PathLike[str], *, kb: KnowledgeBase | None = None) -> MappingSet:
    """Read an OSCAL mapping collection back into a mapping set.

    The collection's first ``mapping`` is read (crosswalk writes one per file). With
    ``kb``, ids are checked against the knowledge base. Every problem is collected and
    raised once as a :class:`~crosswalk.model.errors.DataError` naming the JSON location.
    """
    file = str(path)
    problems: list[Problem] = []
    text = read_text(path, limit=limit("data_file_bytes"))  # regular files only, size first
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(
            [Problem(file, f"line {error.lineno}, column {error.colno}", "json-syntax", error.msg)]
        ) from error
    except RecursionError:
        raise DataError([Problem(file, "", "nesting", "nested too deeply to read")]) from None
    collection = document.get("mapping-collection") if isinstance(document, dict) else None
    if not isinstance(collection, dict):
        raise DataError(
            [Problem(file, "", "oscal-shape", "the document has no `mapping-collection`")]
        )
    mappings_block = collection.get("mappings")
    if isinstance(mappings_block, dict):
        mappings_block = [mappings_block]
    if (
        not isinstance(mappings_block, list)
        or not mappings_block
        or not isinstance(mappings_block[0], dict)
    ):
        raise DataError(
            [
                Problem(
                    file,
                    "mapping-collection",
                    "oscal-shape",
                    "`mappings` must hold at least one mapping",
                )
            ]
        )
    metadata = collection.get("metadata") or {}
    provenance = collection.get("provenance") or {}
    header = _header(metadata, provenance, collection.get("back-matter") or {}, file)
    tokens = {oscal_token(c): c for c in kb.clauses} if kb is not None else {}
    default_rationale = provenance.get("matching-rationale")
    mappings: list[Mapping] = []
    locations: list[str] = []
    for index, item in enumerate(mappings_block[0].get("maps") or []):
        where = f"mapping-collection.mappings[0].maps[{index}]"
        mapping = _mapping(item, header, tokens, default_rationale, file, where, problems)
        if mapping is not None:
            mappings.append(replace(mapping, index=len(mappings)))
            locations.append(where)
    if kb is not None:
        mappings = canonical_ids(mappings, kb)
    for side in ("subject_framework", "object_framework"):
        if not header.get(side):
            pool = [m.subjects[0] if side == "subject_framework" else m.object for m in mappings]
            prefixes = Counter(p.split(":", 1)[0] for p in pool)
            header[side] = prefixes.most_common(1)[0][0] if prefixes else "unknown"
    try:
        mapping_set = validated(MappingSet, {**header, "mappings": tuple(mappings), "path": file})
    except ValidationError as error:
        problems.extend(
            Problem(file, "mapping-collection.metadata", f"valid-{field}", message)
            for field, _, message in failures(error)
        )
        raise DataError(problems) from error
    if kb is not None:
        problems.extend(reference_problems(mapping_set, locations, kb, file))
    if any(p.severity == "error" for p in problems):
        raise DataError(problems, title=f"{file}: {len(problems)} problem(s) in the OSCAL file")
    return mapping_set


def _props(item: dict[str, Any]) -> dict[str, str]:
    """Our props of an OSCAL object (by name); props of other namespaces are ignored."""
    return {
        str(p.get("name")): str(p.get("value"))
        for p in item.get("props") or []
        if isinstance(p, dict) and p.get("ns") in (OSCAL_NAMESPACE, None)
    }


def _header(
    metadata: dict[str, Any], provenance: dict[str, Any], back_matter: dict[str, Any], file: str
) -> dict[str, Any]:
    props = _props(metadata)
    sources = []
    for resource in back_matter.get("resources") or []:
        resource_props = _props(resource)
        links = resource.get("rlinks") or []
        sources.append(
            {
                "id": resource_props.get("source-id") or resource.get("uuid"),
                "title": resource.get("title") or resource_props.get("source-id") or "untitled",
                "url": links[0].get("href") if links else None,
                "accessed": resource_props.get("accessed"),
                "note": resource.get("description"),
            }
        )
    return {
        "id": props.get("mapping-set-id") or Path(file).name.split(".")[0],
        "title": metadata.get("title") or Path(file).name,
        "description": metadata.get("remarks"),
        "subject_framework": props.get("subject-framework"),
        "object_framework": props.get("object-framework"),
        "source": props.get("default-source") or "crosswalk-curation",
        "author": props.get("default-author") or "oscal import",
        "date": props.get("date") or str(metadata.get("last-modified", ""))[:10] or None,
        "license": props.get("license"),
        "sources": sources,
        "derived": props.get("derived") == "true" or provenance.get("method") == "automation",
    }


def _mapping(
    item: Any,
    header: dict[str, Any],
    tokens: dict[str, str],
    default_rationale: Any,
    file: str,
    where: str,
    problems: list[Problem],
) -> Mapping | None:
    before = len(problems)

    def problem(rule: str, message: str) -> None:
        problems.append(Problem(file, where, rule, message))

    if not isinstance(item, dict):
        problem("oscal-shape", "a map must be an object")
        return None
    relationship = str(item.get("relationship", ""))
    relation = relation_from_oscal(relationship)
    if relation is None:
        known = sorted({t.oscal for t in RELATION_TERMS.values()} | {"equal-to"})
        problem("relation-name", f"relationship {relationship!r} is not one of {', '.join(known)}")

    def clause(entry: Any) -> str | None:
        ref = str(entry.get("id-ref", "")) if isinstance(entry, dict) else ""
        found = tokens.get(ref) or clause_id_from_token(ref)
        if found is None:
            problem(
                "clause-token",
                f"id-ref {ref!r} is not a clause token (prefix-local, e.g. iso31000-6.4.2)",
            )
        return found

    subjects = [clause(s) for s in item.get("sources") or []]
    targets = [clause(t) for t in item.get("targets") or []]
    if not subjects:
        problem("oscal-shape", "a map needs at least one source")
    if len(targets) != 1:
        problem("one-target", f"crosswalk maps onto one target clause; this map has {len(targets)}")
    rationale = item.get("matching-rationale") or default_rationale or DEFAULT_RATIONALE
    if rationale not in RATIONALES:
        problem(
            "rationale", f"matching-rationale {rationale!r} is not one of {', '.join(RATIONALES)}"
        )
    if len(problems) > before:
        return None
    props = _props(item)
    members = tuple(s for s in subjects if s is not None)
    target = targets[0]
    assert target is not None
    confidence = (item.get("confidence-score") or {}).get("percentage")
    values = {
        "id": props.get("mapping-id") or mapping_id(header["id"], sorted(members), target),
        "subjects": members,
        "relation": relation,
        "object": target,
        "strength": props.get("strength") or DEFAULT_STRENGTH,
        "rationale": rationale,
        "justification": item.get("remarks") or f"Imported from {Path(file).name}.",
        "source": props.get("source") or header["source"],
        "author": props.get("author") or header["author"],
        "date": props.get("date") or header["date"],
        "confidence": confidence,
        "scope": props.get("scope") or None,
        "review": _review(props),
        "mapping_set": header["id"],
        "path": file,
    }
    return validated_mapping(values, problem)


def _review(props: dict[str, str]) -> dict[str, str | None] | None:
    """The second review a map's props name, if any (validated with the mapping)."""
    names = ("review-by", "review-date", "review-evidence", "review-source")
    if not any(name in props for name in names):
        return None
    return {
        "by": props.get("review-by", ""),
        "date": props.get("review-date", ""),
        "evidence": props.get("review-evidence", ""),
        "source": props.get("review-source"),
    }
