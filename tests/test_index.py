"""Indexing into a real Chroma index: incremental runs, replacement, removal, failures, retrieval."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BagOfWordsEmbeddings, write_doc
from toolkit.index.ingest import index_paths
from toolkit.index.lexical import BM25Index, light_stem, tokenize
from toolkit.index.retrieval import CurriculumRetriever, HybridRetriever, SearchFilters
from toolkit.index.store import CurriculumStore, open_store
from toolkit.settings import Settings


@pytest.fixture
def store(settings: Settings, fake_embeddings: BagOfWordsEmbeddings) -> CurriculumStore:
    return open_store(settings, fake_embeddings, "test-bow")


def test_second_run_over_unchanged_folder_embeds_nothing(
    small_corpus: Path, store: CurriculumStore, fake_embeddings: BagOfWordsEmbeddings
) -> None:
    first = index_paths([small_corpus], store, fake_embeddings)
    assert len(first.by_status("added")) == 4
    assert first.embedded_chunks == store.count() > 0
    embedded = fake_embeddings.embedded_texts
    second = index_paths([small_corpus], store, fake_embeddings)
    assert len(second.by_status("unchanged")) == 4
    assert second.embedded_chunks == 0
    assert fake_embeddings.embedded_texts == embedded


def test_changed_file_is_replaced_and_deleted_file_removed(
    small_corpus: Path, store: CurriculumStore, fake_embeddings: BagOfWordsEmbeddings
) -> None:
    index_paths([small_corpus], store, fake_embeddings)
    before = store.count()
    path = small_corpus / "ipa" / "siklus-air.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n## Presipitasi\n\nHujan turun dari awan.\n", encoding="utf-8"
    )
    (small_corpus / "matematika" / "bilangan.md").unlink()
    report = index_paths([small_corpus], store, fake_embeddings)
    assert [o.source.rsplit("/", 1)[-1] for o in report.by_status("updated")] == ["siklus-air.md"]
    assert [o.source.rsplit("/", 1)[-1] for o in report.by_status("removed")] == ["bilangan.md"]
    sources = {str(m["source"]).rsplit("/", 1)[-1] for m in store.all_metadatas()}
    assert "bilangan.md" not in sources
    assert store.count() == before - 1 + 1  # one chunk removed, one section added
    texts = [text for _, text, _ in store.all_chunks()]
    assert sum("Hujan turun" in t for t in texts) == 1


def test_bad_file_is_rejected_and_the_others_are_indexed(
    small_corpus: Path, store: CurriculumStore, fake_embeddings: BagOfWordsEmbeddings
) -> None:
    (small_corpus / "rusak.pdf").write_bytes(b"%PDF-1.4 garbage")
    report = index_paths([small_corpus], store, fake_embeddings)
    rejected = report.by_status("rejected")
    assert len(rejected) == 1 and "rusak.pdf" in rejected[0].message
    assert len(report.by_status("added")) == 4


class FailingEmbeddings(BagOfWordsEmbeddings):
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if any("Kondensasi" in t for t in texts):
            raise RuntimeError("embedding server went away")
        return super().embed_documents(texts)


def test_failure_while_embedding_leaves_no_half_indexed_file(small_corpus: Path, settings: Settings) -> None:
    embeddings = FailingEmbeddings()
    store = open_store(settings, embeddings, "test-bow")
    report = index_paths([small_corpus], store, embeddings)
    assert [o.source.rsplit("/", 1)[-1] for o in report.by_status("rejected")] == ["siklus-air.md"]
    assert "embedding server went away" in report.by_status("rejected")[0].message
    sources = {str(m["source"]).rsplit("/", 1)[-1] for m in store.all_metadatas()}
    assert sources == {"fotosintesis.md", "bilangan.md", "photosynthesis.md"}


def test_index_refuses_vectors_of_another_model(
    settings: Settings, fake_embeddings: BagOfWordsEmbeddings
) -> None:
    from toolkit.errors import IndexUnavailableError

    open_store(settings, fake_embeddings, "model-a")
    with pytest.raises(IndexUnavailableError, match="rebuild"):
        open_store(settings, fake_embeddings, "model-b")


@pytest.fixture
def retriever(
    small_corpus: Path, store: CurriculumStore, fake_embeddings: BagOfWordsEmbeddings
) -> HybridRetriever:
    index_paths([small_corpus], store, fake_embeddings)
    return HybridRetriever(store, fake_embeddings)


def test_search_returns_cited_passages(retriever: HybridRetriever) -> None:
    hits = retriever.search("Apa hasil fotosintesis?", k=3)
    assert hits[0].citation.source.endswith("ipa/fotosintesis.md")
    assert hits[0].citation.heading in {"Hasil", "Pengertian"}
    assert "fotosintesis.md" in hits[0].citation.label()
    assert hits == sorted(hits, key=lambda h: h.score, reverse=True)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (SearchFilters(subject="matematika"), {"bilangan.md"}),
        (SearchFilters(subject="IPA", language="en"), {"photosynthesis.md"}),
        (SearchFilters(fase="C"), {"photosynthesis.md"}),
        (SearchFilters(kelas=6), {"photosynthesis.md"}),
        (SearchFilters(fase="fase D", subject="ipa"), {"fotosintesis.md", "siklus-air.md"}),
    ],
)
def test_filters_apply_to_dense_and_lexical_sides(
    retriever: HybridRetriever, filters: SearchFilters, expected: set[str]
) -> None:
    for mode in ("hybrid", "dense", "lexical"):
        retriever.mode = mode  # type: ignore[assignment]
        hits = retriever.search("fotosintesis air bilangan photosynthesis sugar", k=10, filters=filters)
        assert {h.citation.source.rsplit("/", 1)[-1] for h in hits} == expected, mode


def test_langchain_retriever_carries_citations(retriever: HybridRetriever) -> None:
    documents = CurriculumRetriever(retriever=retriever, k=2).invoke("kondensasi awan")
    assert documents[0].metadata["citation"].startswith("siklus-air.md")
    assert "Kondensasi" in documents[0].page_content


def test_hybrid_finds_a_rare_exact_term_that_dense_ranks_lower(settings: Settings, tmp_path: Path) -> None:
    """A lexical match on a rare word lifts the passage that contains it."""
    embeddings = BagOfWordsEmbeddings(dim=4)  # so coarse that dense search is nearly blind
    folder = tmp_path / "docs"
    for number in range(8):
        write_doc(
            folder,
            f"d{number}.md",
            {"title": f"D{number}", "subject": "ipa"},
            f"## Bagian\n\nTeks umum tentang tumbuhan dan hewan nomor {number}.\n",
        )
    write_doc(
        folder,
        "x.md",
        {"title": "X", "subject": "ipa"},
        "## Bagian\n\nStomata adalah celah kecil pada daun.\n",
    )
    store = open_store(settings, embeddings, "coarse")
    index_paths([folder], store, embeddings)
    hybrid = HybridRetriever(store, embeddings).search("stomata", k=1)
    assert hybrid[0].citation.source.endswith("x.md")


def test_bm25_and_stemming() -> None:
    assert light_stem("pembelajaran") == "belajar"
    assert light_stem("menguapkan") == light_stem("penguapan")
    assert "yang" not in tokenize("air yang menguap")
    index = BM25Index(["air laut menguap", "tanaman membutuhkan cahaya", "penguapan air danau"])
    scores = index.scores("penguapan di danau")
    assert max(scores, key=lambda k: scores[k]) == 2
    assert 1 not in scores
