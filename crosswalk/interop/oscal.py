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

* ``uuid`` — derived from our mapping id (name-based, in the version-4 layout that
  compliance-trestle expects), so the same mapping keeps its UUID across exports;
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

from crosswalk.interop.oscal_read import read_oscal
from crosswalk.interop.vocabulary import (
    OSCAL_NAMESPACE,
    oscal_relationship,
    oscal_token,
)
from crosswalk.io.atomic import write_text_atomic
from crosswalk.model.errors import ExportError
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


def _uuid(name: str) -> str:
    """A UUID that names ``name`` (the same on every export), in the version-4 layout.

    It is a version-5 (SHA-1, name-based) UUID with its version bits set to 4: OSCAL accepts
    both, but compliance-trestle recognises only version 4 when it checks that back-matter
    resources are referenced, and warns about every other one.
    """
    return str(uuid.UUID(bytes=uuid.uuid5(_UUIDS, name).bytes, version=4))


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
