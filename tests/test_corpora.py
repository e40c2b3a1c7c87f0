"""The shipped curriculum documents: enough of them, valid front matter, and they index cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.index.documents import load_document, split_front_matter
from toolkit.index.metadata import FASE_GRADES, SUBJECTS

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
FILES = sorted(CORPORA.rglob("*.md"))
REQUIRED = {"title", "subject", "fase", "kelas", "language", "doc_type"}


def test_at_least_twenty_documents_in_both_languages() -> None:
    assert len(FILES) >= 20
    languages = {split_front_matter(p.read_text(encoding="utf-8"))[0].get("language") for p in FILES}
    assert languages == {"id", "en"}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_front_matter_is_complete_and_valid(path: Path) -> None:
    front, _body = split_front_matter(path.read_text(encoding="utf-8"))
    assert set(front) >= REQUIRED, REQUIRED - set(front)
    assert front["subject"] in SUBJECTS
    assert str(front["fase"]) in {*FASE_GRADES, "semua"}
    document = load_document(path)
    assert len(document.sections) >= 2
    assert all(section.text.strip() for section in document.sections)


def test_required_topics_are_covered() -> None:
    names = {p.stem for p in FILES}
    for needed in (
        "fotosintesis",
        "siklus-air",
        "ekosistem",
        "dimensi-profil-lulusan",
        "komponen-modul-ajar",
        "kktp-dan-asesmen",
        "pembelajaran-mendalam",
        "cp-ipa-fase-d",
        "cp-matematika-fase-d",
        "cp-bahasa-indonesia-fase-d",
        "cp-bahasa-inggris-fase-d",
        "cp-informatika-fase-d",
    ):
        assert needed in names, needed
