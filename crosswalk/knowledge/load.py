"""Loading a knowledge base from data files, through the compiled cache.

:func:`load` finds the catalogue and mapping files under the given roots, and returns
the knowledge base of the records cached for their exact bytes, or builds a new one and
caches its records (:mod:`crosswalk.io.cache`). Cached records are rebuilt without being
checked again (:mod:`crosswalk.model.trusted`): they were checked before they were written,
and the key proves they come from the same code and data, so a warm load never imports
pydantic. Its closure is
computed, and cached beside the records, only when first needed. Every problem in every file is collected
and raised once as a :class:`~crosswalk.model.errors.DataError`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from crosswalk.io.cache import ArrayStore, cache_key, read_records, write_records
from crosswalk.io.collector import collector_paused
from crosswalk.io.discovery import DataFiles, discover
from crosswalk.io.resources import mappings_dir
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import DataError, Problem
from crosswalk.model.records import Clause, Framework, MappingSet, to_dict
from crosswalk.model.trusted import builder

__all__ = ["build", "load"]

K = TypeVar("K", bound=KnowledgeBase)


def load(
    extra: Iterable[str | Path] = (),
    *,
    bundled: bool = True,
    kind: type[K] = KnowledgeBase,  # type: ignore[assignment]
) -> K:
    """Load the bundled knowledge base, plus the user's catalogue and mapping files.

    ``extra`` takes directories (searched recursively) or single YAML files. ``kind`` is
    the class to build (:class:`crosswalk.api.KnowledgeBase` for :func:`crosswalk.load`).
    Every problem in every file is collected and raised once as a
    :class:`~crosswalk.model.errors.DataError`.
    """
    roots: list[Path] = [mappings_dir()] if bundled else []
    roots.extend(Path(p) for p in extra)
    for root in roots:
        if not root.exists():
            raise DataError([Problem(str(root), "", "exists", "no such file or directory")])
    files = discover(roots)
    found = [*files.catalogues, *files.parts, *files.mapping_sets, *files.other]
    key = cache_key(found, bundled=bundled, kind=f"{kind.__module__}.{kind.__qualname__}")
    kb = _from_records(read_records(key), kind)
    if kb is None:
        kb = build(files, kind=kind)
        write_records(key, _records(kb))
    kb.closure_store = ArrayStore(key)
    return kb


def _records(kb: KnowledgeBase) -> bytes:
    """The records of a knowledge base as JSON (what :func:`_from_records` reads back)."""
    frameworks = [to_dict(f, json=True, exclude_defaults=True) for f in kb.frameworks.values()]
    clauses = [to_dict(c, json=True, exclude_defaults=True) for c in kb.clauses.values()]
    sets = [to_dict(s, json=True, exclude_defaults=True) for s in kb.mapping_sets]
    text = json.dumps([frameworks, clauses, sets], ensure_ascii=False, separators=(",", ":"))
    return text.encode()


def _from_records(payload: bytes | None, kind: type[K]) -> K | None:
    """The knowledge base of cached records (None if they are not a knowledge base's records)."""
    if payload is None:
        return None
    framework, clause, mapping_set = builder(Framework), builder(Clause), builder(MappingSet)
    try:
        with collector_paused():  # thousands of records, none in a reference cycle
            frameworks, clauses, sets = json.loads(payload)
            return kind(
                [framework(f) for f in frameworks],
                [clause(c) for c in clauses],
                [mapping_set(s) for s in sets],
            )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None  # not our dump (any such cache file is a miss, rebuilt and written again)


def build(files: DataFiles, *, kind: type[K] = KnowledgeBase) -> K:  # type: ignore[assignment]
    """Build a knowledge base from the files :func:`~crosswalk.io.discovery.discover` found."""
    # Building the grammar's pydantic models costs about 0.2 s, which a load from the
    # cache never needs: the file readers are imported when files are really read.
    from crosswalk.io.catalogue import build_catalogues, raise_if_errors, read_yaml
    from crosswalk.io.mapping_sets import adoption_mapping_sets, build_mapping_sets

    problems: list[Problem] = []
    documents: dict[Path, Any] = {}
    for path in files.other:
        document = read_yaml(path, problems)
        if isinstance(document, dict) and "framework" in document:
            files.catalogues.append(path)
        elif isinstance(document, dict) and "mapping_set" in document:
            files.mapping_sets.append(path)
        elif document is not None:
            problems.append(
                Problem(
                    str(path),
                    "",
                    "file-kind",
                    "neither a catalogue (`framework:`) nor a mapping set (`mapping_set:`)",
                )
            )
            continue
        documents[path] = document
    frameworks, clauses = build_catalogues(files, problems, documents=documents)
    sets = build_mapping_sets(files.mapping_sets, problems, documents=documents)
    sets = adoption_mapping_sets(frameworks, clauses) + sets
    kb = kind(frameworks, clauses, sets)
    problems.extend(kb.reference_problems())
    errors = sum(p.severity == "error" for p in problems)
    raise_if_errors(problems, title=f"the knowledge base has {errors} data error(s)")
    return kb
