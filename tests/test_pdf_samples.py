"""Every real-world PDF in ../shared is either indexed with its true page count or rejected clearly."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import BagOfWordsEmbeddings
from toolkit.index.ingest import index_file
from toolkit.index.store import open_store
from toolkit.settings import Settings


def test_every_sample_pdf_is_indexed_whole_or_rejected(
    shared: Path, settings: Settings, fake_embeddings: BagOfWordsEmbeddings
) -> None:
    folder = shared / "datasets" / "pdf-samples"
    expected = {entry["path"]: entry for entry in json.loads((folder / "files.json").read_text())["data"]}
    pdfs = sorted(folder.rglob("*.pdf"))
    assert len(pdfs) >= 30
    store = open_store(settings, fake_embeddings, "test-bow")
    indexed = rejected = 0
    for pdf in pdfs:
        relative = pdf.relative_to(folder).as_posix()
        outcome = index_file(pdf, store, fake_embeddings)  # must never raise
        chunks = [m for m in store.all_metadatas() if m["source"] == outcome.source]
        if outcome.status == "added":
            indexed += 1
            assert chunks, relative
            if relative in expected and "pages" in expected[relative]:
                assert outcome.pages == expected[relative]["pages"], relative
            assert {int(m["pages"]) for m in chunks} == {outcome.pages}
            assert all(1 <= int(m["page"]) <= int(outcome.pages or 0) for m in chunks)
        else:
            rejected += 1
            assert outcome.status == "rejected", relative
            assert outcome.message.endswith((".", ")")) and pdf.name in outcome.message
            assert not chunks, f"{relative} was half-indexed"
    assert indexed >= 20
    assert rejected >= 1


def test_encrypted_pdf_asks_for_a_copy_without_password(shared: Path, settings: Settings) -> None:
    pdf = shared / "datasets/pdf-samples/005-libreoffice-writer-password/libreoffice-writer-password.pdf"
    embeddings = BagOfWordsEmbeddings()
    outcome = index_file(pdf, open_store(settings, embeddings, "test-bow"), embeddings)
    assert outcome.status == "rejected"
    assert "password" in outcome.message
