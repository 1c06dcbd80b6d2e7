"""The notebooks in notebooks/.

Committed without outputs, and each runs top to bottom on a fresh kernel without an error.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 300  # seconds; a cell takes well under 20 s on two idle cores, minutes on busy ones
REQUIRED = ("01-tour", "02-gap-analysis", "03-sparql", "04-your-own-framework")


def test_the_notebooks_are_there() -> None:
    names = {path.stem for path in NOTEBOOKS}
    missing = [name for name in REQUIRED if name not in names]
    assert not missing, f"missing notebooks: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    dirty = [
        index
        for index, cell in enumerate(document["cells"])
        if cell["cell_type"] == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{path.name}: cells {dirty} have outputs or execution counts; clear them with "
        f"`jupyter nbconvert --clear-output --inplace notebooks/{path.name}`"
    )
    assert document["metadata"]["kernelspec"]["name"] == "python3"


@pytest.fixture(scope="module")
def kernel_name(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A kernel spec that runs this very interpreter (the venv's).

    Whatever other ``python3`` kernels the machine has are not used.
    """
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "crosswalk-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "crosswalk tests",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(root))
        yield "crosswalk-test"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path, kernel_name: str) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(path.parent)}},
        allow_errors=False,
    )
    started = time.monotonic()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        pytest.fail(f"{path.name} failed:\n{error}")
    elapsed = time.monotonic() - started
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors
    assert elapsed < 60, f"{path.name} took {elapsed:.0f} s"
