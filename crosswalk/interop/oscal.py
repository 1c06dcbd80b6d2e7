"""The OSCAL 1.2 control mapping model (JSON): write mapping sets and read them back.

>>> import crosswalk, tempfile, pathlib
>>> kb = crosswalk.load()
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> mapping_set = next(s for s in kb.mapping_sets if s.id == "iso23894-iso31000")
>>> [p.name for p in write_oscal(mapping_set, folder / "iso23894-iso31000.json", kb=kb)]
['iso23894-iso31000.json', 'iso23894.catalog.json', 'iso31000.catalog.json']
>>> len(read_oscal(folder / "iso23894-iso31000.json").mappings) == len(mapping_set.mappings)
True

How crosswalk's model is written in OSCAL
-----------------------------------------
One ``mapping-collection`` per mapping set (an ordered framework pair). Its
``provenance`` says ``method`` (``human``; ``automation`` for generated sets),
``matching-rationale`` (the set's most common rationale), ``status: complete`` and
``mapping-description``. ``mappings[0]`` has ``source-resource`` and ``target-resource``
of ``type: catalog`` whose ``href`` is the OSCAL catalog written beside it
(``<prefix>.catalog.json``, from :func:`write_oscal_catalog`).

Each mapping is one ``map``:

* ``uuid`` — a UUID5 of our mapping id, so the same mapping keeps its UUID across exports;
* ``relationship`` — ``equal`` is ``equivalent-to``, or ``equal-to`` under a *syntactic*
  rationale; ``subset-of``, ``superset-of``, ``intersects-with``, ``no-relationship``;
  ``addresses`` is kept as ``addresses`` with ``ns`` = ``https://w3id.org/crosswalk/ns/oscal``;
* ``matching-rationale`` — our rationale; ``remarks`` — our justification;
* ``sources`` / ``targets`` — ``mapping-item`` of ``type: control`` whose ``id-ref`` is the
  clause's OSCAL token (``iso31000:6.4.2`` → ``iso31000-6.4.2``, see
  :func:`~crosswalk.interop.vocabulary.oscal_token`); a union subject is several sources;
* ``confidence-score.percentage`` — our confidence;
* ``props`` in our ``ns``: ``strength``, ``source``, ``author``, ``date``, ``mapping-id``,
  ``scope`` where the mapping has a scope condition, and the second review where it has
  one: ``review-by``, ``review-date``, ``review-evidence`` and ``review-source``.

Set fields without an OSCAL slot (id, frameworks, default source and author, licence,
``derived``) are ``metadata.props`` in our ``ns``; the description is
``metadata.remarks``; cited crosswalks are ``back-matter`` resources, each referenced from ``metadata.links``. ``last-modified``
is the latest date of the set and its mappings, so exports are reproducible.

The catalogs hold one ``control`` per clause, nested as the clauses are (OSCAL groups
cannot be mapped, and every clause may be): ``id`` is the token, ``class`` the clause
kind, ``title`` the heading, ``props`` the ``label`` (local id), ``links`` the clause's
IRI (``rel: canonical``, the IRI RDF and SSSOM give it) and the official text, and the
``statement`` part (which NIST's metaschema requires of every control) holds our own
summary, or says that we hold none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from crosswalk.interop.references import canonical_ids, reference_problems, validated_mapping
from crosswalk.interop.vocabulary import (
    OSCAL_NAMESPACE,
    RATIONALES,
    RELATION_TERMS,
    clause_id_from_token,
    oscal_relationship,
    oscal_token,
    relation_from_oscal,
)
from crosswalk.io.atomic import write_text_atomic
from crosswalk.io.files import read_text
from crosswalk.io.limits import limit
from crosswalk.io.mapping_sets import mapping_id
from crosswalk.model.errors import DataError, ExportError, Problem
from crosswalk.model.ids import clause_iri
from crosswalk.model.records import Clause, Mapping, MappingSet

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "OSCAL_VERSION",
    "read_oscal",
    "to_oscal_catalog",
    "to_oscal_mapping_collection",
    "write_oscal",
    "write_oscal_catalog",
]

OSCAL_VERSION = "1.2.1"
_UUIDS = uuid.uuid5(uuid.NAMESPACE_URL, "https://w3id.org/crosswalk/")
_DEFAULT_STRENGTH = 5
_DEFAULT_RATIONALE = "semantic"


def _uuid(name: str) -> str:
    return str(uuid.uuid5(_UUIDS, name))


def _prop(name: str, value: object) -> dict[str, str]:
    return {"name": name, "ns": OSCAL_NAMESPACE, "value": str(value)}


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00+00:00"


def catalog_file_name(prefix: str) -> str:
    """The file name of a framework's OSCAL catalog, referenced by the mapping files."""
    return f"{prefix}.catalog.json"


# -- writing -------------------------------------------------------------------------


def to_oscal_mapping_collection(mapping_set: MappingSet) -> dict[str, Any]:
    """The OSCAL ``mapping-collection`` document of one mapping set (a JSON-ready dict)."""
    if not mapping_set.mappings:
        raise ExportError(
            f"mapping set {mapping_set.id} has no mappings; an OSCAL mapping needs at least one map"
        )
    maps = [_map(m) for m in mapping_set.mappings]
    rationale = Counter(m.rationale for m in mapping_set.mappings).most_common(1)[0][0]
    latest = max([mapping_set.date, *(m.date for m in mapping_set.mappings)])
    digest = hashlib.sha1(json.dumps(maps, sort_keys=True).encode()).hexdigest()
    metadata: dict[str, Any] = {
        "title": mapping_set.title,
        "last-modified": _timestamp(latest),
        "version": mapping_set.date.isoformat(),
        "oscal-version": OSCAL_VERSION,
        "props": [
            _prop("mapping-set-id", mapping_set.id),
            _prop("subject-framework", mapping_set.subject_framework),
            _prop("object-framework", mapping_set.object_framework),
            _prop("default-source", mapping_set.source),
            _prop("default-author", mapping_set.author),
            _prop("date", mapping_set.date.isoformat()),
            _prop("derived", str(mapping_set.derived).lower()),
        ]
        + ([_prop("license", mapping_set.license)] if mapping_set.license else []),
    }
    if mapping_set.description:
        metadata["remarks"] = mapping_set.description
    collection: dict[str, Any] = {
        "uuid": _uuid(f"collection/{mapping_set.id}/{digest}"),
        "metadata": metadata,
        "provenance": {
            "method": "automation" if mapping_set.derived else "human",
            "matching-rationale": rationale,
            "status": "complete",
            "mapping-description": mapping_set.description or mapping_set.title,
        },
        "mappings": [
            {
                "uuid": _uuid(f"mapping/{mapping_set.id}"),
                "source-resource": {
                    "type": "catalog",
                    "href": catalog_file_name(mapping_set.subject_framework),
                },
                "target-resource": {
                    "type": "catalog",
                    "href": catalog_file_name(mapping_set.object_framework),
                },
                "maps": maps,
            }
        ],
    }
    if mapping_set.sources:
        # trestle and OSCAL tools expect each back-matter resource to be referenced
        metadata["links"] = [
            {"href": f"#{_uuid(f'source/{mapping_set.id}/{s.id}')}", "rel": "reference"}
            for s in mapping_set.sources
        ]
        collection["back-matter"] = {
            "resources": [
                {
                    "uuid": _uuid(f"source/{mapping_set.id}/{s.id}"),
                    "title": s.title,
                    **({"description": s.note} if s.note else {}),
                    "props": [_prop("source-id", s.id)]
                    + ([_prop("accessed", s.accessed.isoformat())] if s.accessed else []),
                    **({"rlinks": [{"href": s.url}]} if s.url else {}),
                }
                for s in mapping_set.sources
            ]
        }
    return {"mapping-collection": collection}


def _map(mapping: Mapping) -> dict[str, Any]:
    item: dict[str, Any] = {"uuid": _uuid(mapping.id)}
    if mapping.relation == "addresses":
        item["ns"] = OSCAL_NAMESPACE
    item["matching-rationale"] = mapping.rationale
    item["relationship"] = oscal_relationship(mapping.relation, mapping.rationale)
    item["sources"] = [{"type": "control", "id-ref": oscal_token(s)} for s in mapping.subjects]
    item["targets"] = [{"type": "control", "id-ref": oscal_token(mapping.object)}]
    if mapping.confidence is not None:
        item["confidence-score"] = {"percentage": mapping.confidence}
    item["props"] = [
        _prop("strength", mapping.strength),
        _prop("source", mapping.source),
        _prop("author", mapping.author),
        _prop("date", mapping.date.isoformat()),
        _prop("mapping-id", mapping.id),
    ]
    if mapping.scope is not None:
        item["props"].append(_prop("scope", mapping.scope))
    if mapping.review is not None:
        item["props"] += [
            _prop("review-by", mapping.review.by),
            _prop("review-date", mapping.review.date.isoformat()),
            _prop("review-evidence", mapping.review.evidence),
        ]
        if mapping.review.source:
            item["props"].append(_prop("review-source", mapping.review.source))
    item["remarks"] = mapping.justification
    return item


def _statement(clause: Clause) -> str:
    """The prose of a control's statement: our summary, never the standard's own text.

    NIST's metaschema requires a ``statement`` part on every control that is not
    withdrawn; where we hold no summary, the statement says so and points at the text.
    """
    if clause.summary:
        return clause.summary
    return (
        f"{clause.local} {clause.title}: crosswalk holds no summary of this clause; "
        "read the official text."
    )


def to_oscal_catalog(kb: KnowledgeBase, prefix: str) -> dict[str, Any]:
    """The OSCAL ``catalog`` of one framework's clauses (a JSON-ready dict)."""
    framework = kb.framework(prefix)
    clauses = kb.clauses_of(prefix)
    accessed = [s.accessed for s in framework.sources if s.accessed]
    children: dict[str | None, list[Clause]] = {}
    for clause in clauses:
        children.setdefault(clause.parent, []).append(clause)

    def control(clause: Clause) -> dict[str, Any]:
        token = oscal_token(clause.id)
        node: dict[str, Any] = {
            "id": token,
            "class": clause.kind,
            "title": clause.title,
            "props": [{"name": "label", "value": clause.local}]
            + [_prop("status", clause.status)]
            + ([_prop("title-zh", clause.title_zh)] if clause.title_zh else []),
        }
        node["links"] = [
            {
                "href": clause_iri(framework.iri_base, clause.local, clause.framework),
                "rel": "canonical",
            }
        ]
        if clause.url:
            node["links"].append({"href": clause.url, "rel": "reference"})
        node["parts"] = [{"id": f"{token}_smt", "name": "statement", "prose": _statement(clause)}]
        if children.get(clause.id):
            node["controls"] = [control(c) for c in children[clause.id]]
        return node

    metadata: dict[str, Any] = {
        "title": framework.title,
        "last-modified": _timestamp(max(accessed, default=dt.date(2026, 1, 1))),
        "version": framework.edition or "unversioned",
        "oscal-version": OSCAL_VERSION,
        "props": [_prop("prefix", prefix), _prop("short-name", framework.short_name)],
    }
    if framework.official_url:
        metadata["links"] = [{"href": framework.official_url, "rel": "reference"}]
    if framework.copyright:
        metadata["remarks"] = framework.copyright
    controls = [control(c) for c in children.get(None, [])]
    digest = hashlib.sha1(json.dumps(controls, sort_keys=True).encode()).hexdigest()
    catalog: dict[str, Any] = {"uuid": _uuid(f"catalog/{prefix}/{digest}"), "metadata": metadata}
    if controls:
        catalog["controls"] = controls
    return {"catalog": catalog}


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_oscal_catalog(kb: KnowledgeBase, prefix: str, path: str | os.PathLike[str]) -> Path:
    """Write the OSCAL catalog of one framework; returns the path written."""
    return write_text_atomic(path, _dump(to_oscal_catalog(kb, prefix)))


def write_oscal(
    mapping_sets: MappingSet | Sequence[MappingSet],
    path: str | os.PathLike[str],
    *,
    kb: KnowledgeBase | None = None,
) -> list[Path]:
    """Write OSCAL mapping collections, and (with ``kb``) the catalogs they reference.

    One mapping set goes to ``path`` itself, with the catalogs beside it. Several go
    to the directory ``path`` (created if needed) as ``<set id>.json`` each. Sets without
    mappings are skipped when writing several (OSCAL needs at least one map).
    Returns the paths written.
    """
    target = Path(path)
    if isinstance(mapping_sets, MappingSet):
        sets, files = [mapping_sets], [target]
        folder = target.parent
    else:
        sets = [s for s in mapping_sets if s.mappings]
        folder = target
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ExportError(f"cannot create directory {folder}: {error}") from error
        files = [folder / f"{s.id}.json" for s in sets]
    documents = [_dump(to_oscal_mapping_collection(s)) for s in sets]
    written = [write_text_atomic(f, d) for f, d in zip(files, documents, strict=True)]
    if kb is not None:
        prefixes = sorted({p for s in sets for p in (s.subject_framework, s.object_framework)})
        for prefix in prefixes:
            if prefix in kb.frameworks:
                written.append(write_oscal_catalog(kb, prefix, folder / catalog_file_name(prefix)))
    return written


# -- reading -------------------------------------------------------------------------


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
            mappings.append(mapping.model_copy(update={"index": len(mappings)}))
            locations.append(where)
    if kb is not None:
        mappings = canonical_ids(mappings, kb)
    for side in ("subject_framework", "object_framework"):
        if not header.get(side):
            pool = [m.subjects[0] if side == "subject_framework" else m.object for m in mappings]
            prefixes = Counter(p.split(":", 1)[0] for p in pool)
            header[side] = prefixes.most_common(1)[0][0] if prefixes else "unknown"
    try:
        mapping_set = MappingSet.model_validate(
            {**header, "mappings": tuple(mappings), "path": file}
        )
    except ValidationError as error:
        problems.extend(
            Problem(
                file,
                "mapping-collection.metadata",
                f"valid-{'.'.join(map(str, d['loc']))}",
                d["msg"],
            )
            for d in error.errors()
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
    rationale = item.get("matching-rationale") or default_rationale or _DEFAULT_RATIONALE
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
        "strength": props.get("strength") or _DEFAULT_STRENGTH,
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
