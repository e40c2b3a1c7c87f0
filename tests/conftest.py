"""Shared fixtures: isolated settings, a small deterministic embedding, the shared data folder."""

from __future__ import annotations

import hashlib
import math
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from toolkit.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BagOfWordsEmbeddings(Embeddings):
    """Deterministic hashed bag-of-words vectors (64-d, L2-normalised) that count their calls."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.embedded_texts = 0

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        for word in re.findall(r"\w+", text.lower()):
            bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim
            vector[bucket] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded_texts += len(texts)
        return [self._vector(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's KELAS_* variables or API keys."""
    import os

    for name in list(os.environ):
        if name.startswith("KELAS_") or name == "OPENAI_API_KEY":
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose data and index live in a temporary folder."""
    return Settings(_env_file=None, data_dir=tmp_path / "data", corpora_path=tmp_path / "corpora")  # type: ignore[call-arg]


@pytest.fixture
def fake_embeddings() -> BagOfWordsEmbeddings:
    """The deterministic embedding for unit tests."""
    return BagOfWordsEmbeddings()


@pytest.fixture
def shared() -> Path:
    """The shared data folder beside the repository (tests skip when it is absent)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (it holds data sets that are not part of the repository)")
    return SHARED


@pytest.fixture(scope="session")
def embedded_model_path() -> Path:
    """The packaged Gemma GGUF, assembled once into the repository's .kelas/models."""
    from toolkit.llm.model_files import resolve_model_path

    return resolve_model_path(Settings(_env_file=None, data_dir=REPO / ".kelas"))  # type: ignore[call-arg]


def write_doc(folder: Path, name: str, front: dict[str, str], body: str) -> Path:
    """Write a Markdown document with front matter."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["---", *(f"{k}: {v}" for k, v in front.items()), "---", body]
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def small_corpus(tmp_path: Path) -> Iterator[Path]:
    """Four short curriculum documents in two subjects, two languages and two fases."""
    folder = tmp_path / "corpora"
    write_doc(
        folder / "ipa",
        "fotosintesis.md",
        {
            "title": "Fotosintesis",
            "subject": "ipa",
            "fase": "D",
            "kelas": "7",
            "language": "id",
            "doc_type": "bahan-bacaan",
        },
        "# Fotosintesis\n\n## Pengertian\n\nFotosintesis adalah proses tumbuhan hijau membuat glukosa dari "
        "karbon dioksida dan air dengan bantuan cahaya matahari. Klorofil menyerap cahaya.\n\n"
        "## Hasil\n\nHasil fotosintesis adalah glukosa dan oksigen yang dilepaskan melalui stomata.\n",
    )
    write_doc(
        folder / "ipa",
        "siklus-air.md",
        {
            "title": "Siklus Air",
            "subject": "ipa",
            "fase": "D",
            "kelas": "7",
            "language": "id",
            "doc_type": "bahan-bacaan",
        },
        "# Siklus Air\n\n## Evaporasi\n\nEvaporasi adalah penguapan air laut dan danau karena panas matahari.\n\n"
        "## Kondensasi\n\nKondensasi adalah pengembunan uap air menjadi awan di udara yang dingin.\n",
    )
    write_doc(
        folder / "matematika",
        "bilangan.md",
        {
            "title": "Bilangan Bulat",
            "subject": "matematika",
            "fase": "D",
            "kelas": "7",
            "language": "id",
            "doc_type": "bahan-bacaan",
        },
        "# Bilangan Bulat\n\n## Operasi\n\nPenjumlahan bilangan bulat negatif dan positif memakai garis bilangan.\n",
    )
    write_doc(
        folder / "english",
        "photosynthesis.md",
        {
            "title": "Photosynthesis",
            "subject": "ipa",
            "fase": "C",
            "kelas": "5-6",
            "language": "en",
            "doc_type": "bahan-bacaan",
        },
        "# Photosynthesis\n\n## What plants make\n\nPlants use sunlight, water and carbon dioxide to make sugar "
        "and release oxygen.\n",
    )
    yield folder
