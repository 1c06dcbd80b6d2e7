"""Canonical form of the data files, so that diffs stay small and readable.

Keys follow the grammar's order (mappings/README.md); mappings are sorted by subject,
then object, in natural order (``6.4.2`` before ``6.4.10``); clauses keep document order;
a leading comment block is kept. ``crosswalk format`` rewrites files into this form and
``crosswalk format --check`` lists the files that are not in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crosswalk.io.atomic import write_text_atomic
from crosswalk.io.files import read_text
from crosswalk.io.limits import limit
from crosswalk.io.yaml_read import load_yaml
from crosswalk.io.yaml_text import dump_canonical

__all__ = ["canonical_of", "canonical_text", "format_files", "natural_key"]

_FRAMEWORK_KEYS = [
    "prefix",
    "title",
    "title_zh",
    "short_name",
    "edition",
    "publisher",
    "kind",
    "official_url",
    "iri_base",
    "aliases",
    "copyright",
    "summaries",
    "adoption_of",
]
_ADOPTION_KEYS = ["framework", "relation", "status", "source", "note", "review"]
_REVIEW_KEYS = ["by", "date", "evidence", "source"]
_SOURCE_KEYS = ["id", "title", "url", "accessed", "note"]
_CLAUSE_KEYS = [
    "id",
    "parent",
    "kind",
    "provision",
    "title",
    "title_zh",
    "summary",
    "normative",
    "status",
    "source",
    "url",
    "note",
    "exhaustive",
    "aliases",
    "addressees",
    "categories",
    "applies_from",
    "applies_with",
]
_DATES_KEYS = ["original", "omnibus", "note", "by_category", "grace", "ends"]
_GRACE_KEYS = ["placed_before", "original", "omnibus"]
_ENDS_KEYS = ["original", "omnibus"]
_SET_KEYS = [
    "id",
    "title",
    "description",
    "subject_framework",
    "object_framework",
    "source",
    "author",
    "date",
    "license",
    "sources",
]
_MAPPING_KEYS = [
    "subject",
    "relation",
    "object",
    "strength",
    "rationale",
    "justification",
    "confidence",
    "scope",
    "source",
    "author",
    "date",
    "review",
]


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key that orders numbers numerically: ``art9.2`` < ``art10.1``; ``6.4.2`` < ``6.4.10``."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", text)
        if part
    )


def _ordered(data: Any, keys: list[str]) -> Any:
    if not isinstance(data, dict):
        return data
    result = {k: data[k] for k in keys if k in data}
    result.update({k: v for k, v in data.items() if k not in result})  # unknown keys stay visible
    return result


def _leading_comments(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            lines.append(line)
        else:
            break
    return "\n".join(lines) + ("\n" if lines else "")


def canonical_text(path: Path) -> str:
    """The canonical text of a catalogue, catalogue-part or mapping file."""
    return canonical_of(read_text(path, limit=limit("data_file_bytes")), str(path))


def canonical_of(text: str, file: str = "<text>") -> str:
    """The canonical form of a data file's text (what ``crosswalk format`` writes)."""
    document = load_yaml(text, file)
    if not isinstance(document, dict):
        return text
    if "mapping_set" in document:
        header = _ordered(document["mapping_set"], _SET_KEYS)
        if isinstance(header, dict) and isinstance(header.get("sources"), list):
            header["sources"] = [_ordered(s, _SOURCE_KEYS) for s in header["sources"]]
        mappings = [_ordered(m, _MAPPING_KEYS) for m in document.get("mappings") or []]
        for mapping in mappings:
            if isinstance(mapping, dict) and isinstance(mapping.get("review"), dict):
                mapping["review"] = _ordered(mapping["review"], _REVIEW_KEYS)

        def order(item: dict[str, Any]) -> tuple[Any, ...]:
            subject = item.get("subject")
            subject_text = ",".join(subject) if isinstance(subject, list) else str(subject)
            return (natural_key(subject_text), natural_key(str(item.get("object"))))

        mappings.sort(key=order)
        out: dict[str, Any] = {"mapping_set": header, "mappings": mappings}
    else:
        out = {}
        if "framework" in document:
            framework = _ordered(document["framework"], _FRAMEWORK_KEYS)
            if isinstance(framework, dict) and isinstance(framework.get("adoption_of"), dict):
                framework["adoption_of"] = _ordered(framework["adoption_of"], _ADOPTION_KEYS)
                if isinstance(framework["adoption_of"].get("review"), dict):
                    framework["adoption_of"]["review"] = _ordered(
                        framework["adoption_of"]["review"], _REVIEW_KEYS
                    )
            out["framework"] = framework
        if "sources" in document:
            out["sources"] = [_ordered(s, _SOURCE_KEYS) for s in document["sources"] or []]
        clauses = []
        for clause in document.get("clauses") or []:
            clause = _ordered(clause, _CLAUSE_KEYS)
            if isinstance(clause, dict) and isinstance(clause.get("applies_from"), dict):
                clause["applies_from"] = _ordered(clause["applies_from"], _DATES_KEYS)
                for key, keys in (("grace", _GRACE_KEYS), ("ends", _ENDS_KEYS)):
                    if isinstance(clause["applies_from"].get(key), dict):
                        clause["applies_from"][key] = _ordered(clause["applies_from"][key], keys)
            clauses.append(clause)
        out["clauses"] = clauses
        out.update({k: v for k, v in document.items() if k not in out})
    body = dump_canonical(out)
    return _leading_comments(text) + body


def format_files(paths: Iterable[Path], *, check: bool = False) -> list[Path]:
    """Rewrite files into canonical form (or, with ``check``, only list those that are not)."""
    changed = []
    for path in paths:
        current = read_text(path, limit=limit("data_file_bytes"))
        wanted = canonical_text(path)
        if current != wanted:
            changed.append(path)
            if not check:
                write_text_atomic(path, wanted)
    return changed
