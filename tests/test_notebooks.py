"""Every notebook in notebooks/ runs top to bottom without an error (its last cells assert what it showed).

The notebooks are stored without outputs; each is executed here with nbclient in a fresh
kernel, from the notebooks folder (so that relative paths work), with a time limit per cell.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks_and_they_are_stored_without_outputs():
    assert NOTEBOOKS, "notebooks/ has no notebook"
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in cells), path.name
        first = nb["cells"][0]
        assert first["cell_type"] == "markdown" and "goal" in "".join(first["source"]).lower(), path.name
        assert "assert" in "".join(cells[-1]["source"]), f"{path.name}: the last code cell asserts what it showed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError naming the cell and the error
