"""The compiled cache: same knowledge base, rebuilt when the data changes, never run as code.

The hostile cases (``tests/test_hostile.py``, §1) go through the command line; these
check the same promises through ``crosswalk.load`` and the cache's files directly.
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

import crosswalk
from crosswalk.io import cache
from crosswalk.model.records import to_dict

from .test_catalogue import CATALOGUE


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CROSSWALK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CROSSWALK_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "_warned", set())
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "acme.yaml").write_text(CATALOGUE, encoding="utf-8")
    return folder


def _files(tmp_path: Path, pattern: str = "kb-*") -> list[Path]:
    return sorted((tmp_path / "cache").glob(pattern))


def test_cache_round_trip_and_invalidation(data: Path, tmp_path: Path) -> None:
    first = crosswalk.load([data], bundled=False)
    assert [p.suffix for p in _files(tmp_path)] == [".json"]  # the closure only when needed
    again = crosswalk.load([data], bundled=False)
    assert [to_dict(c) for c in again] == [to_dict(c) for c in first]
    (data / "acme.yaml").write_text(
        CATALOGUE.replace("Identify AI risks", "Identify all AI risks"), encoding="utf-8"
    )
    changed = crosswalk.load([data], bundled=False)
    assert changed.clause("acme:1.1").title == "Identify all AI risks"


def test_the_bundled_records_and_closure_come_back_equal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CROSSWALK_CACHE_DIR", str(tmp_path / "cache"))
    built = crosswalk.load()
    computed = built.unchecked_closure
    assert {p.suffix for p in _files(tmp_path)} == {".json", ".closure"}
    cached = crosswalk.load()
    assert type(cached) is type(built)
    assert list(cached.frameworks.values()) == list(built.frameworks.values())
    assert list(cached.clauses.values()) == list(built.clauses.values())
    assert cached.mapping_sets == built.mapping_sets
    read = cached.unchecked_closure
    assert np.array_equal(read.neighbour, computed.neighbour)
    assert np.array_equal(read.relation, computed.relation)
    pair = ("iso31000:6.4.2", "iso23894:6.4.2")
    assert cached.relation(*pair).explain() == built.relation(*pair).explain()


def test_no_pickle_is_ever_read(data: Path, tmp_path: Path) -> None:
    """A pickle where the records go is not a cache file: it is replaced, never loaded."""
    crosswalk.load([data], bundled=False)
    marker = tmp_path / "ran"
    (records,) = _files(tmp_path)
    records.write_bytes(pickle.dumps(_Marker(marker)))
    assert crosswalk.load([data], bundled=False).clause("acme:1.1").title == "Identify AI risks"
    assert not marker.exists()
    assert records.read_bytes().startswith(b"crosswalk-cache ")


class _Marker:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (str(self.path), "ran"))  # type: ignore[return-value]


@pytest.mark.parametrize(
    "damage", ["digest", "key", "truncated", "header", "valid-json-bad-record"]
)
def test_a_damaged_records_file_is_a_miss_and_rebuilt(
    data: Path, tmp_path: Path, damage: str
) -> None:
    crosswalk.load([data], bundled=False)
    (records,) = _files(tmp_path)
    raw = records.read_bytes()
    head, _, payload = raw.partition(b"\n")
    header = json.loads(head.split(b" ", 1)[1])
    if damage == "digest":
        broken = raw.replace(b"Identify AI risks", b"FORGED AI risks!!")
    elif damage == "key":
        broken = head.replace(header["key"].encode(), b"0" * 32) + b"\n" + payload
    elif damage == "truncated":
        broken = raw[: len(raw) // 2]
    elif damage == "header":
        broken = b"\xff" * 100
    else:  # the digest vouches for it, but it is not a knowledge base's records
        payload = b'[[{"prefix": 5}], [], []]'
        header["sha256"] = __import__("hashlib").sha256(payload).hexdigest()
        broken = b"crosswalk-cache " + json.dumps(header).encode() + b"\n" + payload
    records.write_bytes(broken)
    kb = crosswalk.load([data], bundled=False)
    assert kb.clause("acme:1.1").title == "Identify AI risks"
    assert records.read_bytes() != broken  # written again
    assert records.read_bytes().count(b"FORGED") == 0


def test_a_loose_cache_directory_is_not_used_and_warned_about_once(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crosswalk.load([data], bundled=False)
    directory = tmp_path / "cache"
    (records,) = _files(tmp_path)
    records.write_bytes(records.read_bytes().replace(b"Identify AI risks", b"FORGED AI risks!!"))
    directory.chmod(0o777)
    before = records.read_bytes()
    for _ in range(2):
        kb = crosswalk.load([data], bundled=False)
        assert kb.clause("acme:1.1").title == "Identify AI risks"
    err = capsys.readouterr().err
    assert err.count("not using the cache directory") == 1 and "group or others" in err
    assert records.read_bytes() == before  # neither read nor written


def test_a_cache_file_others_may_write_is_not_read(data: Path, tmp_path: Path, capsys) -> None:
    crosswalk.load([data], bundled=False)
    (records,) = _files(tmp_path)
    records.chmod(0o666)
    assert crosswalk.load([data], bundled=False).clause("acme:1.1").title == "Identify AI risks"
    assert "not using the cache file" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_a_cache_file_of_another_user_is_not_read(data: Path, tmp_path: Path, capsys) -> None:
    crosswalk.load([data], bundled=False)
    (records,) = _files(tmp_path)
    os.chown(records, 65534, 65534)
    assert crosswalk.load([data], bundled=False).clause("acme:1.1").title == "Identify AI risks"
    assert "belongs to user id 65534" in capsys.readouterr().err


def test_the_cache_directory_and_files_are_private(data: Path, tmp_path: Path) -> None:
    crosswalk.load([data], bundled=False)
    assert (tmp_path / "cache").stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in _files(tmp_path))
    assert not list((tmp_path / "cache").glob(".*"))  # no temporary file left


def test_stored_arrays_round_trip_and_refuse_what_does_not_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CROSSWALK_CACHE_DIR", str(tmp_path / "cache"))
    store = cache.ArrayStore("k" * 32)
    assert store.read() is None
    arrays: dict[str, npt.NDArray[np.generic]] = {
        "a": np.arange(5, dtype=np.int64),
        "b": np.array([1, 2, 3], dtype=np.uint8),
    }
    store.write(arrays)
    found = store.read()
    assert found is not None and list(found) == ["a", "b"]
    assert all(
        np.array_equal(found[n], arrays[n]) and found[n].dtype == arrays[n].dtype for n in arrays
    )
    with pytest.raises(ValueError):
        store.write({"o": np.array([object()])})
    (path,) = _files(tmp_path)
    raw = path.read_bytes()
    head, _, payload = raw.partition(b"\n")
    header = json.loads(head.split(b" ", 1)[1])
    header["arrays"][0][2] = 1 << 40  # a terabyte: refused from the lengths, nothing allocated
    path.write_bytes(b"crosswalk-cache " + json.dumps(header).encode() + b"\n" + payload)
    assert store.read() is None


def test_a_closure_file_that_does_not_fit_the_facts_is_recomputed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CROSSWALK_CACHE_DIR", str(tmp_path / "cache"))
    kb = crosswalk.load()
    expected = kb.unchecked_closure.edge_count()
    assert kb.closure_store is not None
    stored = kb.closure_store.read()
    assert stored is not None
    kb.closure_store.write({**stored, "neighbour": stored["neighbour"] + 100_000})
    assert crosswalk.load().unchecked_closure.edge_count() == expected


def test_cache_can_be_disabled(data: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CROSSWALK_NO_CACHE", "1")
    kb = crosswalk.load([data], bundled=False)
    assert kb.closure_store is None or kb.closure_store.read() is None
    assert not (tmp_path / "cache").exists()
