"""KELAS_CHROMA_URL mode against a real Chroma server started by the test on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import chroma_server

from conftest import BagOfWordsEmbeddings, free_port
from toolkit.errors import IndexUnavailableError
from toolkit.index.ingest import index_paths
from toolkit.index.retrieval import HybridRetriever
from toolkit.index.store import open_store
from toolkit.settings import Settings


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with chroma_server(tmp_path_factory.mktemp("chroma-server") / "data") as url:
        yield url


def test_index_and_search_through_a_chroma_server(
    chroma_url: str, settings: Settings, small_corpus: Path
) -> None:
    remote = settings.model_copy(update={"chroma_url": chroma_url})
    embeddings = BagOfWordsEmbeddings()
    store = open_store(remote, embeddings, "test-bow")
    report = index_paths([small_corpus], store, embeddings)
    assert len(report.by_status("added")) == 4
    assert not (settings.resolved_index_path / "chroma.sqlite3").exists()
    again = index_paths([small_corpus], open_store(remote, embeddings, "test-bow"), embeddings)
    assert again.embedded_chunks == 0
    hits = HybridRetriever(store, embeddings).search("kondensasi awan", k=1)
    assert hits[0].citation.source.endswith("siklus-air.md")


def test_unreachable_chroma_server_is_explained(settings: Settings) -> None:
    remote = settings.model_copy(update={"chroma_url": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(IndexUnavailableError, match="Chroma server"):
        open_store(remote, BagOfWordsEmbeddings(), "test-bow")
