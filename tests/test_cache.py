"""The compiled cache: same knowledge base, rebuilt when the data changes, ignored when broken."""

from __future__ import annotations

from pathlib import Path

import crosswalk

from .test_catalogue import CATALOGUE


def test_cache_round_trip_and_invalidation(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CROSSWALK_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    data.mkdir()
    (data / "acme.yaml").write_text(CATALOGUE, encoding="utf-8")
    first = crosswalk.load([data], bundled=False)
    assert len(list((tmp_path / "cache").glob("kb-*.pickle"))) == 1
    again = crosswalk.load([data], bundled=False)
    assert [c.model_dump() for c in again] == [c.model_dump() for c in first]
    (data / "acme.yaml").write_text(
        CATALOGUE.replace("Identify AI risks", "Identify all AI risks"), encoding="utf-8"
    )
    changed = crosswalk.load([data], bundled=False)
    assert changed.clause("acme:1.1").title == "Identify all AI risks"
    for pickle in (tmp_path / "cache").glob("kb-*.pickle"):
        pickle.write_bytes(b"not a pickle")
    assert crosswalk.load([data], bundled=False).clause("acme:1.1").title == "Identify all AI risks"


def test_cache_can_be_disabled(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CROSSWALK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CROSSWALK_NO_CACHE", "1")
    data = tmp_path / "data"
    data.mkdir()
    (data / "acme.yaml").write_text(CATALOGUE, encoding="utf-8")
    crosswalk.load([data], bundled=False)
    assert not (tmp_path / "cache").exists()
