"""Shared fixtures: isolated settings, a small deterministic embedding, the shared data folder, and
real servers on loopback (PostgreSQL, the OpenAI-compatible model server) started once per session."""

from __future__ import annotations

import hashlib
import math
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings
from servers import Postgres, free_port, model_server, postgres_bin_dir, postgres_server

from toolkit.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


__all__ = ["BagOfWordsEmbeddings", "free_port", "write_doc"]


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
    from toolkit.llm.runtime import model_path

    return model_path(Settings(_env_file=None, data_dir=REPO / ".kelas"))  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A throw-away PostgreSQL cluster on a free loopback port for the whole test session."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL is not installed (Debian's package 'postgresql'; make test installs it when run as root)"
        )
    with postgres_server(bin_dir) as server:
        yield server


@pytest.fixture
def postgres_url(postgres: Postgres) -> str:
    """The URL of a new, empty PostgreSQL database."""
    return postgres.create_database(f"test_{uuid.uuid4().hex[:20]}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """``settings`` with the library on SQLite (the default), then on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return settings
    return settings.model_copy(update={"database_url": request.getfixturevalue("postgres_url")})


MODEL_ALIAS = "gemma3-270m"
"""The name the model server gives the embedded GGUF (``KELAS_MODEL``)."""


@pytest.fixture(scope="session")
def model_server_url(embedded_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server over the embedded GGUF; its ``/v1`` URL.

    Gemma 3 270M is a base model and its file carries no chat template: the plain Alpaca
    instruction format ("### Instruction: ... ### Response:") is the one it continues sensibly.
    """
    log = tmp_path_factory.mktemp("model-server") / "server.log"
    with model_server(embedded_model_path, log, alias=MODEL_ALIAS, chat_format="alpaca") as url:
        yield url


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
