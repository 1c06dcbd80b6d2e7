"""CISO Assistant library YAML: frameworks and requirement mapping sets (write only).

>>> import crosswalk, tempfile, pathlib, yaml
>>> kb = crosswalk.load()
>>> path = write_ciso_framework(kb, "iso31000", pathlib.Path(tempfile.mkdtemp()) / "iso31000.yaml")
>>> yaml.safe_load(path.read_text(encoding="utf-8"))["objects"]["frameworks"][0]["urn"]
'urn:crosswalk:risk:framework:iso31000'

How crosswalk's model is written for CISO Assistant
---------------------------------------------------
*Framework libraries* (``urn:crosswalk:risk:library:<prefix>``) hold
``objects.framework`` (``urn:crosswalk:risk:framework:<prefix>``) with one requirement
node per clause, in document order: ``urn`` (``urn:crosswalk:risk:req_node:<prefix>:<local>``,
lower case as CISO Assistant stores it), ``parent_urn``, ``depth`` (1 for top-level
clauses), ``assessable`` (normative clauses that are not mere headings: not a
``section``, ``annex`` or ``definition``), ``ref_id`` (the local id), ``name`` (heading),
``description`` (our own summary) and ``translations: {zh: {name: ...}}`` where a Chinese
heading exists.

*Mapping libraries* (``urn:crosswalk:risk:library:mapping-<set id>``) depend on the two
framework libraries and hold ``objects.requirement_mapping_sets`` with one set whose
rows carry ``source_requirement_urn``, ``target_requirement_urn``, ``relationship``
(``equal | subset | superset | intersect | not_related``), ``rationale``,
``strength_of_relationship`` (our 1–10) and ``annotation`` (our justification).

What CISO Assistant cannot say is left out, never approximated upwards:

* ``addresses`` links (a requirement mitigating a risk) have no CISO relationship;
* a *union* subject ``A ∪ B R T`` becomes one row per member with the sound relation for
  that member: a member of a union that is equal to or inside ``T`` is inside ``T``
  (``subset``); a member of a union disjoint from ``T`` is disjoint from it
  (``not_related``). After ``superset_of`` or ``intersects_with`` nothing is known of a
  single member (``B`` alone may do all the overlapping), so no row is written.

The set's description counts what was left out and why.

What CISO Assistant's importer and mapping engine need (``write_ciso_libraries``):

* one mapping library per *ordered* pair of frameworks, holding every row for that
  direction: the rows of the sets asserted that way and the converse rows of the sets
  asserted the other way (``equal`` and ``intersect`` stay, ``subset`` ↔ ``superset``) —
  the engine keys sets by their framework pair and never inverts a row itself;
* no library without rows (the importer refuses a set without mappings), and none
  inside one framework (a set's source and target framework must differ);
* ``version`` is the newest date in the data a library holds, as ``YYYYMMDD``: CISO
  Assistant replaces an installed library only by a higher version;
* ``frameworks`` as a list, and names cut to the 200 characters of its database column.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.interop.vocabulary import RELATION_TERMS
from crosswalk.io.atomic import write_text_atomic
from crosswalk.io.yaml_text import dump_library
from crosswalk.model.errors import ExportError
from crosswalk.model.records import Clause, Mapping, MappingSet

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "CONVERSE",
    "UNION_MEMBER_RELATION",
    "framework_urn",
    "node_urn",
    "to_ciso_framework",
    "to_ciso_mapping",
    "to_ciso_pair",
    "write_ciso_framework",
    "write_ciso_libraries",
    "write_ciso_mapping",
]

_NAMESPACE = "urn:crosswalk:risk"
_HEADINGS = frozenset({"section", "annex", "definition"})
_PACKAGER = "crosswalk"

UNION_MEMBER_RELATION: dict[str, str | None] = {
    "equal": "subset_of",
    "subset_of": "subset_of",
    "superset_of": None,
    "intersects_with": None,
    "no_relationship": "no_relationship",
    "addresses": None,
}
"""What ``A ∪ B <relation> T`` proves about the member ``A`` alone (None: nothing)."""

CONVERSE = {
    "equal": "equal",
    "subset": "superset",
    "superset": "subset",
    "intersect": "intersect",
    "not_related": "not_related",
}
"""A CISO Assistant relationship read from target to source."""

_NAME_MAX = 200
"""CISO Assistant's ``name`` columns are varchar(200)."""


def _name(text: str) -> str:
    """A name that fits CISO Assistant's column (cut with an ellipsis; the description keeps it)."""
    return text if len(text) <= _NAME_MAX else text[: _NAME_MAX - 1].rstrip() + "…"


def version_of(dates: Iterable[dt.date | None]) -> int:
    """A library version from the data: the newest date as ``YYYYMMDD`` (1 if none)."""
    known = [d for d in dates if d is not None]
    return int(max(known).strftime("%Y%m%d")) if known else 1


def library_urn(name: str) -> str:
    """The URN of a crosswalk library in CISO Assistant."""
    return f"{_NAMESPACE}:library:{name}".lower()


def framework_urn(prefix: str) -> str:
    """The URN of a framework: ``urn:crosswalk:risk:framework:<prefix>``."""
    return f"{_NAMESPACE}:framework:{prefix}".lower()


def node_urn(clause_id: str) -> str:
    """The URN of a clause's requirement node (lower case, as CISO Assistant stores it)."""
    prefix, local = clause_id.split(":", 1)
    return f"{_NAMESPACE}:req_node:{prefix}:{local}".lower()


def _assessable(clause: Clause) -> bool:
    return clause.normative and clause.kind not in _HEADINGS


def to_ciso_framework(kb: KnowledgeBase, prefix: str) -> dict[str, Any]:
    """The CISO Assistant framework library of one catalogue (a YAML-ready dict)."""
    framework = kb.framework(prefix)
    clauses = kb.clauses_of(prefix)
    urns = [node_urn(c.id) for c in clauses]
    if len(set(urns)) != len(urns):
        clash = sorted({u for u in urns if urns.count(u) > 1})
        raise ExportError(
            f"clause ids of {prefix} differ only in case, which CISO Assistant cannot tell "
            f"apart: {clash}"
        )
    nodes = []
    for clause in clauses:
        node: dict[str, Any] = {"urn": node_urn(clause.id)}
        if clause.parent:
            node["parent_urn"] = node_urn(clause.parent)
        node["depth"] = clause.depth + 1
        node["assessable"] = _assessable(clause)
        node["ref_id"] = clause.local
        node["name"] = _name(clause.title)
        if clause.summary:
            node["description"] = clause.summary
        if clause.title_zh:
            node["translations"] = {"zh": {"name": clause.title_zh}}
        nodes.append(node)
    description = (
        f"{framework.short_name}: clause numbers, headings and crosswalk's own summaries "
        "(never the body text)."
    )
    library: dict[str, Any] = {
        "urn": library_urn(prefix),
        "locale": "en",
        "ref_id": prefix,
        "name": _name(framework.title),
        "description": description,
        "copyright": framework.copyright or "Numbers and headings only; summaries by crosswalk.",
        "version": version_of(s.accessed for s in framework.sources),
        "provider": framework.publisher or framework.short_name,
        "packager": _PACKAGER,
    }
    if framework.title_zh:
        library["translations"] = {"zh": {"name": framework.title_zh}}
    framework_object: dict[str, Any] = {
        "urn": framework_urn(prefix),
        "ref_id": prefix,
        "name": _name(framework.title),
        "description": description,
    }
    if framework.title_zh:
        framework_object["translations"] = {"zh": {"name": framework.title_zh}}
    framework_object["requirement_nodes"] = nodes
    library["objects"] = {"frameworks": [framework_object]}
    return library


def _rows(mapping: Mapping) -> list[tuple[str, str, str]]:
    """(source clause, relation, note) rows CISO Assistant can hold for one mapping."""
    if not mapping.is_union:
        return [(mapping.subjects[0], mapping.relation, "")]
    member = UNION_MEMBER_RELATION[mapping.relation]
    if member is None:
        return []
    note = (
        f" [Member of the union {mapping.subject}, which is {mapping.relation} "
        f"{mapping.object}; written as {member} for this member alone.]"
    )
    return [(subject, member, note) for subject in mapping.subjects]


def _set_rows(mapping_set: MappingSet) -> tuple[list[dict[str, Any]], list[str]]:
    """The CISO rows of one mapping set, and what was left out (as sentences)."""
    rows: list[dict[str, Any]] = []
    skipped_addresses = skipped_unions = 0
    for mapping in mapping_set.mappings:
        if RELATION_TERMS[mapping.relation].ciso is None:
            skipped_addresses += 1
            continue
        produced = _rows(mapping)
        if not produced:
            skipped_unions += 1
        for subject, relation, note in produced:
            ciso = RELATION_TERMS[relation].ciso
            assert ciso is not None
            rows.append(
                {
                    "source_requirement_urn": node_urn(subject),
                    "target_requirement_urn": node_urn(mapping.object),
                    "relationship": ciso,
                    "rationale": mapping.rationale,
                    "strength_of_relationship": mapping.strength,
                    "annotation": mapping.justification + note,
                }
            )
    left_out = []
    if skipped_addresses:
        left_out.append(
            f"{skipped_addresses} `addresses` link(s), which CISO Assistant cannot express"
        )
    if skipped_unions:
        left_out.append(
            f"{skipped_unions} union mapping(s) whose relation proves nothing about a single member"
        )
    return rows, left_out


def _converse(row: dict[str, Any]) -> dict[str, Any]:
    """A row read the other way: target to source, with the converse relationship."""
    return {
        **row,
        "source_requirement_urn": row["target_requirement_urn"],
        "target_requirement_urn": row["source_requirement_urn"],
        "relationship": CONVERSE[row["relationship"]],
        "annotation": f"{row['annotation']} [Converse of the asserted row.]",
    }


def _set_dates(mapping_set: MappingSet) -> list[dt.date | None]:
    dates: list[dt.date | None] = [mapping_set.date]
    for mapping in mapping_set.mappings:
        dates.append(mapping.date)
        if mapping.review is not None:
            dates.append(mapping.review.date)
    return dates


def _library(
    ref_id: str,
    title: str,
    description: str,
    *,
    source: str,
    target: str,
    rows: list[dict[str, Any]],
    version: int,
    meta: dict[str, Any],
) -> dict[str, Any]:
    return {
        "urn": library_urn(ref_id),
        "locale": "en",
        "ref_id": ref_id,
        "name": _name(title),
        "description": description,
        **meta,
        "version": version,
        "packager": _PACKAGER,
        "dependencies": [library_urn(source), library_urn(target)],
        "objects": {
            "requirement_mapping_sets": [
                {
                    "urn": f"{_NAMESPACE}:req_mapping_set:{ref_id.removeprefix('mapping-')}".lower(),
                    "ref_id": ref_id.removeprefix("mapping-"),
                    "name": _name(title),
                    "description": description,
                    "source_framework_urn": framework_urn(source),
                    "target_framework_urn": framework_urn(target),
                    "requirement_mappings": rows,
                }
            ]
        },
    }


def to_ciso_mapping(kb: KnowledgeBase, mapping_set: MappingSet) -> dict[str, Any]:
    """The CISO Assistant mapping library of one mapping set (a YAML-ready dict).

    Its rows may be empty (a set of ``addresses`` links only), which CISO Assistant's
    importer refuses: :func:`write_ciso_mapping` does not write such a library.
    """
    kb.framework(mapping_set.subject_framework)  # both framework libraries must exist
    kb.framework(mapping_set.object_framework)
    rows, left_out = _set_rows(mapping_set)
    description = mapping_set.description or mapping_set.title
    if left_out:
        description += " Left out: " + "; ".join(left_out) + "."
    meta = {
        "copyright": f"Mapping data licensed {mapping_set.license or 'as stated by its authors'}; "
        f"by {mapping_set.author}.",
        "publication_date": mapping_set.date,
        "provider": mapping_set.author,
    }
    return _library(
        f"mapping-{mapping_set.id}",
        mapping_set.title,
        description,
        source=mapping_set.subject_framework,
        target=mapping_set.object_framework,
        rows=rows,
        version=version_of(_set_dates(mapping_set)),
        meta=meta,
    )


def to_ciso_pair(
    kb: KnowledgeBase, source: str, target: str, mapping_sets: Sequence[MappingSet] | None = None
) -> dict[str, Any] | None:
    """One library with every row from ``source`` to ``target`` (None if there is none).

    Rows come from the sets asserted from ``source`` to ``target`` and, read the other
    way (:data:`CONVERSE`), from the sets asserted from ``target`` to ``source``: CISO
    Assistant looks a mapping up by its (source, target) framework pair and never inverts.
    """
    if source == target:
        return None
    sets = kb.mapping_sets if mapping_sets is None else mapping_sets
    forward = [s for s in sets if (s.subject_framework, s.object_framework) == (source, target)]
    backward = [s for s in sets if (s.subject_framework, s.object_framework) == (target, source)]
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for mapping_set, converse in [*((s, False) for s in forward), *((s, True) for s in backward)]:
        set_rows, left_out = _set_rows(mapping_set)
        for row in set_rows:
            row = _converse(row) if converse else row
            key = (
                row["source_requirement_urn"],
                row["target_requirement_urn"],
                row["relationship"],
            )
            if key not in seen:  # a pair asserted both ways is one row
                seen.add(key)
                rows.append(row)
        if left_out:
            notes.append(f"{mapping_set.id}: " + "; ".join(left_out))
    if not rows:
        return None
    kb.framework(source)
    kb.framework(target)
    from_, to = kb.framework(source).short_name, kb.framework(target).short_name
    used = [s.id for s in forward] + [f"{s.id} (read backwards)" for s in backward]
    description = (
        f"Every crosswalk mapping from {from_} to {to}, from the mapping sets {', '.join(used)}."
    )
    if notes:
        description += " Left out: " + " | ".join(notes) + "."
    authors = sorted({s.author for s in [*forward, *backward]})
    licenses = sorted({s.license or "as stated by its authors" for s in [*forward, *backward]})
    dates = [d for s in [*forward, *backward] for d in _set_dates(s)]
    meta = {
        "copyright": f"Mapping data licensed {', '.join(licenses)}; by {', '.join(authors)}.",
        "publication_date": max(s.date for s in [*forward, *backward]),
        "provider": ", ".join(authors),
    }
    return _library(
        f"mapping-{source}-to-{target}",
        f"{from_} to {to} (crosswalk)",
        description,
        source=source,
        target=target,
        rows=rows,
        version=version_of(dates),
        meta=meta,
    )


def _dump(library: dict[str, Any]) -> str:
    return dump_library(library)


def write_ciso_framework(kb: KnowledgeBase, prefix: str, path: str | os.PathLike[str]) -> Path:
    """Write one catalogue as a CISO Assistant framework library; returns the path."""
    return write_text_atomic(path, _dump(to_ciso_framework(kb, prefix)))


def write_ciso_mapping(
    kb: KnowledgeBase, mapping_set: MappingSet, path: str | os.PathLike[str]
) -> Path:
    """Write one mapping set as a CISO Assistant mapping library; returns the path.

    Raises :class:`ExportError` for a set with no row CISO Assistant can hold (its
    importer refuses an empty mapping set, and with it the whole library).
    """
    library = to_ciso_mapping(kb, mapping_set)
    if not library["objects"]["requirement_mapping_sets"][0]["requirement_mappings"]:
        raise ExportError(
            f"mapping set {mapping_set.id} has no row CISO Assistant can hold "
            f"({library['description']}); its importer refuses an empty mapping set"
        )
    if mapping_set.subject_framework == mapping_set.object_framework:
        raise ExportError(
            f"mapping set {mapping_set.id} maps {mapping_set.subject_framework} onto itself; "
            "CISO Assistant requires a mapping set between two different frameworks"
        )
    return write_text_atomic(path, _dump(library))


def write_ciso_libraries(
    kb: KnowledgeBase,
    folder: str | os.PathLike[str],
    *,
    prefixes: Sequence[str] | None = None,
    mapping_sets: Sequence[MappingSet] | None = None,
) -> list[Path]:
    """Write framework and mapping libraries into ``folder``; all of ``kb`` by default.

    Framework libraries are ``<prefix>.yaml``; mapping libraries
    ``mapping-<source>-to-<target>.yaml``, one for each direction between two frameworks
    that has rows (:func:`to_ciso_pair`), so CISO Assistant can map either way.
    """
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create directory {target}: {error}") from error
    chosen = list(kb.frameworks) if prefixes is None else list(prefixes)
    sets = kb.mapping_sets if mapping_sets is None else list(mapping_sets)
    written = [write_ciso_framework(kb, p, target / f"{p}.yaml") for p in chosen]
    pairs = sorted(
        {(s.subject_framework, s.object_framework) for s in sets}
        | {(s.object_framework, s.subject_framework) for s in sets}
    )
    for source, object_ in pairs:
        library = to_ciso_pair(kb, source, object_, sets)
        if library is not None:
            path = target / f"{library['ref_id']}.yaml"
            written.append(write_text_atomic(path, _dump(library)))
    return written
