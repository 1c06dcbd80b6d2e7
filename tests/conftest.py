"""Shared fixtures: the bundled knowledge base, and a small synthetic one built in memory."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

import crosswalk
from crosswalk.api import KnowledgeBase
from crosswalk.model.records import Clause, Framework, Mapping, MappingSet, Source
from crosswalk.model.validation import validated

# tests never write into the user's cache: a private compiled-cache directory per session
os.environ.setdefault("CROSSWALK_CACHE_DIR", tempfile.mkdtemp(prefix="crosswalk-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The bundled knowledge base (loaded once per test session)."""
    return crosswalk.load()


def synthetic_kb(
    clauses: Sequence[str | tuple[str, str | None]],
    mappings: Sequence[tuple[str | Sequence[str], str, str]],
    *,
    prefix: str = "t",
    exhaustive: Sequence[str] = (),
    kinds: dict[str, str] | None = None,
) -> KnowledgeBase:
    """A knowledge base of one framework ``t``, in memory.

    ``clauses`` are (local id, parent) pairs and ``mappings`` (subject(s), relation,
    object) triples.
    """
    framework = Framework(
        prefix=prefix,
        title="Test framework",
        short_name="TEST",
        kind="standard",
        iri_base=f"https://example.org/{prefix}/",
        sources=(Source(id="S", title="test"),),
    )
    built = []
    depth: dict[str, int] = {}
    pairs: list[tuple[str, str | None]] = [
        (item, None) if isinstance(item, str) else item for item in clauses
    ]
    for order, (local, parent) in enumerate(pairs):
        depth[local] = 0 if parent is None else depth[parent] + 1
        built.append(
            validated(
                Clause,
                {
                    "id": f"{prefix}:{local}",
                    "framework": prefix,
                    "local": local,
                    "parent": f"{prefix}:{parent}" if parent else None,
                    "kind": (kinds or {}).get(local, "requirement"),
                    "title": f"Clause {local}",
                    "status": "confirmed",
                    "source": "S",
                    "order": order,
                    "depth": depth[local],
                    "exhaustive": local in exhaustive,
                },
            )
        )
    rows = []
    for index, (subject, relation, obj) in enumerate(mappings):
        subjects = (subject,) if isinstance(subject, str) else tuple(subject)
        rows.append(
            validated(  # relations and kinds arrive as plain strings: checked here
                Mapping,
                {
                    "id": f"m/{index}",
                    "subjects": tuple(f"{prefix}:{s}" for s in subjects),
                    "relation": relation,
                    "object": f"{prefix}:{obj}",
                    "strength": 7,
                    "rationale": "semantic",
                    "justification": "test",
                    "source": "test",
                    "author": "test",
                    "date": dt.date(2026, 1, 1),
                    "mapping_set": "m",
                    "index": index,
                },
            )
        )
    mapping_set = MappingSet(
        id="m",
        title="m",
        subject_framework=prefix,
        object_framework=prefix,
        source="test",
        author="test",
        date=dt.date(2026, 1, 1),
        mappings=tuple(rows),
    )
    return KnowledgeBase([framework], built, [mapping_set])


CONTRADICTING_MAPPINGS = """\
mapping_set:
  id: iso31000-iso23894
  title: a wrong user claim
  subject_framework: iso31000
  object_framework: iso23894
  author: someone
  date: 2026-11-01
mappings:
  - subject: iso31000:6.4.2
    relation: superset_of
    object: iso23894:6.4
    strength: 5
    rationale: semantic
    justification: contradicts the bundled crosswalk on purpose
"""
"""A user mapping file that contradicts the bundled crosswalk: ISO/IEC 23894 6.4.2 contains
ISO 31000 6.4.2, so 31000 6.4.2 cannot contain all of 23894 6.4 (file iso31000-iso23894.yaml)."""


@pytest.fixture
def failing_save(monkeypatch: pytest.MonkeyPatch) -> None:
    """Openpyxl's save writes half a file, then fails as a full disk would."""
    import openpyxl.workbook.workbook as wb

    def explode(self: object, filename: str) -> None:
        Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(wb.Workbook, "save", explode)
