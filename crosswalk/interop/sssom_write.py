"""Writing mapping sets as SSSOM/TSV (the format is described in :mod:`crosswalk.interop.sssom`)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from crosswalk.interop.sssom_terms import (
    COLUMNS,
    COMPOSED,
    CURATED,
    EXTENSIONS,
    GENERATED,
    OWN_PREFIXES,
    PROPAGATABLE,
    REQUIRED_COLUMNS,
    SET_IRI,
    SET_SLOTS,
    license_iri,
    union_members,
)
from crosswalk.interop.vocabulary import (
    RELATION_TERMS,
)
from crosswalk.io.atomic import write_text_atomic
from crosswalk.model.ids import (
    clause_curie,
    default_iri_base,
    own_prefix,
    split_id,
)
from crosswalk.model.records import Mapping, MappingSet, to_dict

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "write_sssom",
]


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
    columns = [c for c in COLUMNS if any(row.get(c) for row in rows)]
    for slot in PROPAGATABLE:  # condensation (SSSOM canonical form)
        values = {row.get(slot, "") for row in rows}
        if slot in columns and len(values) == 1 and "" not in values:
            value = values.pop()
            metadata[slot] = dt.date.fromisoformat(value) if slot == "mapping_date" else value
            columns.remove(slot)
    _declare_extensions(metadata, columns)
    buffer = io.StringIO()
    buffer.write("".join(f"#{line}\n" for line in _metadata_lines(_canonical_order(metadata))))
    buffer.write(_tsv_line(columns or list(REQUIRED_COLUMNS)))
    # canonical SSSOM/TSV: rows sorted on all their values, in column order
    for cells in sorted([row.get(c, "") for c in columns] for row in rows):
        buffer.write(_tsv_line(cells))
    return write_text_atomic(path, buffer.getvalue())


def _canonical_order(metadata: dict[str, Any]) -> dict[str, Any]:
    """Standard slots in the schema's order, then extension slots by property IRI."""
    standard = sorted((k for k in metadata if k in SET_SLOTS), key=SET_SLOTS.index)
    properties = {slot: prop for slot, prop, _ in EXTENSIONS}
    extensions = sorted((k for k in metadata if k not in SET_SLOTS), key=lambda k: properties[k])
    return {k: metadata[k] for k in [*standard, *extensions]}


def _metadata_lines(metadata: dict[str, Any]) -> list[str]:
    """The metadata block as canonical SSSOM writes it: one line per scalar, block lists.

    PyYAML's dumper folds long strings and single-quotes, which canonical SSSOM/TSV avoids.
    """
    lines = []
    for key, value in metadata.items():
        if key == "sssom_version":
            lines.append(f'{key}: "{value}"')  # always quoted, as the reference writer does
        elif isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {k}: {_yaml_scalar(v)}" for k, v in value.items())
        elif isinstance(value, list):
            lines.append(f"{key}:" if value else f"{key}: []")
            for item in value:
                if isinstance(item, dict):
                    for n, (k, v) in enumerate(item.items()):
                        lines.append(f"{'  - ' if n == 0 else '    '}{k}: {_yaml_scalar(v)}")
                else:
                    lines.append(f"  - {_yaml_scalar(item)}")
        else:
            lines.append(f"{key}: {_yaml_scalar(value)}")
    return lines


_YAML_BREAKS = {"\x7f": "\\x7f", "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def _yaml_scalar(value: object) -> str:
    """A plain YAML scalar where it reads back as the same value, else a double-quoted one."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | dt.date):
        return value.isoformat() if isinstance(value, dt.date) else repr(value)
    text = str(value)
    if not _needs_quotes(text) and _reads_back(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # JSON escapes are YAML escapes too
    return "".join(_YAML_BREAKS.get(c, c) for c in quoted)


def _reads_back(text: str) -> bool:
    """True when ``text`` as a plain scalar is read as that very string.

    Some plain scalars are not even loadable by a safe loader: ``=`` is YAML 1.1's value
    key, for which PyYAML's safe loader has no constructor.
    """
    try:
        return bool(yaml.safe_load(text) == text)
    except yaml.YAMLError:
        return False


def _needs_quotes(text: str) -> bool:
    """When a plain scalar is impossible (the rule of SSSOM's reference canonical writer)."""
    if not text or text[0] in ",[]{}#&*!|>'\"%@`" or text[0] == " " or text[-1] == " ":
        return True
    if text[0] in "-?:" and (len(text) == 1 or text[1] == " "):
        return True
    if ": " in text or " #" in text or text.endswith(":") or "\\" in text:
        return True
    return any(ord(c) < 0x20 or c in "\x7f\x85\xa0\u2028\u2029\ufeff" for c in text)


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
    members = [_curie(s, kb) for s in mapping.subjects]
    subject = "crosswalk:union(" + ",".join(members) + ")" if mapping.is_union else members[0]
    row = {
        "record_id": f"crosswalkmapping:{mapping.id}",
        "subject_id": subject,
        "subject_label": " ∪ ".join(labels) if all(labels) else "",
        "subject_type": COMPOSED if mapping.is_union else "",
        "predicate_id": terms.sssom_predicate,
        "predicate_modifier": "Not" if terms.sssom_negated else "",
        "object_id": _curie(mapping.object, kb),
        "object_label": _title(mapping.object, kb),
        "mapping_justification": GENERATED if mapping_set.derived else CURATED,
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


def _curie(clause_id: str, kb: KnowledgeBase | None) -> str:
    """The clause's CURIE under the file's curie_map (the same IRI as in RDF)."""
    prefix, local = split_id(clause_id)
    return clause_curie(prefix, local, _iri_base(prefix, kb))


def _title(clause_id: str, kb: KnowledgeBase | None) -> str:
    clause = kb.find_clause(clause_id) if kb is not None else None
    return clause.title if clause is not None else ""


def _header(mapping_set: MappingSet) -> dict[str, Any]:
    """The set's own fields (not its mappings), JSON-ready."""
    return to_dict(mapping_set, json=True, exclude={"mappings", "path"})


def _metadata(
    sets: Sequence[MappingSet],
    rows: Sequence[dict[str, str]],
    kb: KnowledgeBase | None,
    set_id: str,
) -> dict[str, Any]:
    prefixes = {s.subject_framework for s in sets} | {s.object_framework for s in sets}
    for row in rows:
        for curie in [*union_members(row["subject_id"]), row["object_id"]]:
            prefixes.add(curie.split(":", 1)[0])
    curie_map = {p: _iri_base(p, kb) for p in sorted(prefixes)}
    curie_map.update(OWN_PREFIXES)
    metadata: dict[str, Any] = {"curie_map": dict(sorted(curie_map.items()))}
    if len(sets) == 1:
        only = sets[0]
        metadata["mapping_set_id"] = SET_IRI + only.id
        metadata["mapping_set_title"] = only.title
        if only.description:
            metadata["mapping_set_description"] = only.description
        metadata["license"] = license_iri(only.license)
        metadata["sssom_version"] = "1.1"
        metadata["creator_label"] = [only.author]
        metadata["publication_date"] = only.date
        metadata["ext_default_source"] = only.source
        metadata["ext_derived"] = only.derived
        metadata["ext_object_framework"] = only.object_framework
        if only.sources:
            metadata["ext_sources"] = json.dumps(
                [to_dict(s, json=True, exclude_none=True) for s in only.sources],
                ensure_ascii=False,
            )
        metadata["ext_subject_framework"] = only.subject_framework
    else:
        licenses = {s.license for s in sets}
        metadata["mapping_set_id"] = SET_IRI + set_id
        metadata["mapping_set_title"] = f"crosswalk mapping sets ({len(sets)})"
        metadata["mapping_set_description"] = "Mapping sets: " + ", ".join(s.id for s in sets)
        metadata["license"] = license_iri(licenses.pop() if len(licenses) == 1 else None)
        metadata["sssom_version"] = "1.1"
        metadata["ext_mapping_sets"] = json.dumps([_header(s) for s in sets], ensure_ascii=False)
    return metadata


def _declare_extensions(metadata: dict[str, Any], columns: Sequence[str]) -> None:
    used = set(columns) | set(metadata)
    definitions = [
        {"slot_name": slot, "property": prop, "type_hint": hint}
        for slot, prop, hint in sorted(EXTENSIONS, key=lambda e: e[1])  # by property IRI
        if slot in used
    ]
    extensions = {k: metadata.pop(k) for k in [k for k in metadata if k.startswith("ext_")]}
    metadata["extension_definitions"] = definitions
    metadata.update(extensions)  # extension slots come after the standard ones


def _iri_base(prefix: str, kb: KnowledgeBase | None) -> str:
    if kb is not None and prefix in kb.frameworks:
        return kb.frameworks[prefix].iri_base
    framework = prefix.removesuffix(".cw")
    if framework != prefix and own_prefix(framework) == prefix:
        return default_iri_base(framework)  # clauses an ELI act does not number (parts)
    return default_iri_base(prefix)
