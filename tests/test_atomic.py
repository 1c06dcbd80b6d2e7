"""Every file crosswalk writes goes through one atomic writer and gets the usual permissions."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from crosswalk.api import KnowledgeBase
from crosswalk.io.atomic import write_bytes_atomic, write_text_atomic
from crosswalk.model.errors import ExportError


@pytest.fixture(params=[0o022, 0o077, 0o002])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under this umask (the test process's own, restored afterwards)."""
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_outputs_get_the_permissions_of_any_new_file(umask: int, tmp_path: Path) -> None:
    expected = 0o666 & ~umask
    assert _mode(write_text_atomic(tmp_path / "a.txt", "text")) == expected
    assert _mode(write_bytes_atomic(tmp_path / "b.bin", b"\x00")) == expected
    assert os.umask(umask) == umask, "the writer must not change the umask"


def test_rdf_exports_are_not_private_files(umask: int, kb: KnowledgeBase, tmp_path: Path) -> None:
    """write_rdf used its own writer and left exports 0600 whatever the umask."""
    from crosswalk.rdf import to_graph, write_rdf

    graph = to_graph(kb)
    path = write_rdf(graph, tmp_path / "kb.nt", format="nt")
    assert _mode(path) == 0o666 & ~umask


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("previous", encoding="utf-8")

    def fail(*_: object, **__: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(ExportError, match="disk full"):
        write_text_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
