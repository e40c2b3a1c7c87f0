"""Every practice notebook only imports the toolkit (static, fast) and runs top to bottom with the embedded model (e2e)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_at_least_two_notebooks() -> None:
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_only_imports_the_toolkit(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")
    assert "def " not in code and "class " not in code, (
        "notebooks call the toolkit; they do not copy its logic"
    )
    assert "toolkit" in code


@pytest.fixture(scope="module")
def notebook_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder shared by all notebooks, so the curriculum is indexed once."""
    return tmp_path_factory.mktemp("notebooks")


@pytest.fixture
def notebook_environment(
    notebook_folder: Path, embedded_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The kernel inherits these settings: shared data folder, real corpora, the packaged model."""
    monkeypatch.setenv("KELAS_DATA_DIR", str(notebook_folder / "data"))
    monkeypatch.setenv("KELAS_CORPORA_PATH", str(REPO / "corpora"))
    monkeypatch.setenv("KELAS_LOCAL_MODEL_PATH", str(embedded_model_path))
    monkeypatch.setenv("KELAS_MAX_TOKENS", "64")
    yield notebook_folder


@pytest.mark.e2e
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, notebook_environment: Path) -> None:
    notebook = nbformat.read(str(path), as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(notebook_environment)}},
    )
    client.execute()
    errors = [
        o for cell in notebook.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
