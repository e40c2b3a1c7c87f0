"""Tools composing from the knowledge bank: plans, quizzes, kisi-kisi, model sentences, shipped embeddings."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from lesson_helpers import build_retriever, fake
from openpyxl import load_workbook

from conftest import BagOfWordsEmbeddings
from toolkit.bank.loader import load_bank
from toolkit.index.embedding_cache import CachedEmbeddings, build_cache, load_cache
from toolkit.index.retrieval import HybridRetriever
from toolkit.lessons.enrich import sentence_verdict
from toolkit.lessons.generate import generate_plan
from toolkit.lessons.models import Duration, build_request
from toolkit.quiz.export import export_quiz
from toolkit.quiz.generate import generate_quiz
from toolkit.quiz.models import QuizRequest
from toolkit.settings import Settings

CARD_ID = "matematika-4-pecahan"


def _card():  # type: ignore[no-untyped-def]
    return next(card for card in load_bank() if card.id == CARD_ID)


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> HybridRetriever:
    data = tmp_path_factory.mktemp("bank-index")
    return build_retriever(Settings(_env_file=None, data_dir=data), folders=["cp", "bank/matematika/kelas-4"])  # type: ignore[call-arg]


@pytest.mark.parametrize("fmt", ["modul-ajar", "mendalam", "rpp", "lesson-plan"])
def test_a_plan_is_composed_from_the_card_without_a_model(retriever: HybridRetriever, fmt: str) -> None:
    card = _card()
    language = "en" if fmt == "lesson-plan" else "id"
    request = build_request(
        format=fmt,
        subject="matematika",
        kelas=4,
        topic="penjumlahan pecahan",
        duration=Duration.from_minutes(120, 2).model_dump(),
        language=language,
        use_model=False,
    )
    started = time.perf_counter()
    plan = generate_plan(request, llm=None, retriever=retriever)
    assert time.perf_counter() - started < 5
    assert plan.card_id == CARD_ID and CARD_ID in plan.card_note
    assert all(check.passed for check in plan.checks), [c.message for c in plan.checks if not c.passed]
    text = str([section.content for section in plan.sections])
    if fmt != "lesson-plan":
        objectives_key = "tujuan_pembelajaran"
        objectives = [o["text"] for o in plan.section(objectives_key).content["objectives"]]
        assert objectives == [o.text for o in card.objectives]
        for activity in card.activities:
            assert activity.steps[-1] in text
    else:
        assert card.concepts[0].explanation[:60] in text
    assert "{topic}" not in text and plan.stats.get("model_calls", 0) == 0
    composed = [s for s in plan.sections if s.author == "bank"]
    assert len(composed) >= 3 and all(s.sources and CARD_ID in s.sources[0].label for s in composed)


def test_a_topic_without_a_card_says_so(retriever: HybridRetriever) -> None:
    request = build_request(
        format="rpp", subject="matematika", kelas=4, topic="pecahan", use_bank=False, use_model=False
    )
    plan = generate_plan(request, llm=None, retriever=retriever)
    assert plan.card_id == "" and any("belum memiliki kartu" in w for w in plan.warnings)


def test_model_sentences_enter_only_when_supported_complete_and_not_a_misconception() -> None:
    card = _card()
    assert sentence_verdict("Pecahan senilai diperoleh dengan mengalikan pembilang dan penyebut.", card) == ""
    assert sentence_verdict("Pecahan senilai diperoleh dengan", card) == "incomplete"
    assert (
        sentence_verdict("Gunung Dempo adalah gunung berapi tertinggi di Sumatra Selatan.", card)
        == "unsupported"
    )
    wrong = (
        "Penyebut yang lebih besar selalu berarti pecahannya lebih besar, jadi 1/8 lebih besar daripada 1/4."
    )
    assert sentence_verdict(wrong, card) == "misconception"


def test_the_model_adds_to_bank_prose_and_the_counts_are_kept(retriever: HybridRetriever) -> None:
    supported = (
        "Pecahan senilai diperoleh dengan mengalikan pembilang dan penyebut dengan bilangan yang sama."
    )
    request = build_request(format="modul-ajar", subject="matematika", kelas=4, topic="pecahan")
    plan = generate_plan(request, llm=fake({"TextDraft": {"text": supported}}), retriever=retriever)
    counts = plan.stats["model_sentences"]
    assert counts["proposed"] >= 1 and counts["accepted"] >= 1
    assert any(s.author == "bank+model" and supported in str(s.content) for s in plan.sections)
    unsupported = "Siswa sebaiknya menonton film kartun di rumah setiap malam sebelum tidur."
    plan = generate_plan(request, llm=fake({"TextDraft": {"text": unsupported}}), retriever=retriever)
    assert plan.stats["model_sentences"]["accepted"] == 0
    assert unsupported not in str([s.content for s in plan.sections])


def test_a_quiz_takes_bank_items_first_with_a_bloom_spread() -> None:
    request = QuizRequest(
        topic="pecahan", subject="matematika", kelas=4, counts={"mc": 5, "tf": 1, "short": 2}, use_model=False
    )
    quiz = generate_quiz(request, llm=None, retriever=None)
    assert len(quiz.items) == 8 and all(item.verified and item.origin == "bank" for item in quiz.items)
    assert sum(item.bloom >= "C3" for item in quiz.items) >= 3
    quotes = [item.evidence.quote for item in quiz.items if item.evidence]
    assert len(set(quotes)) == len(quotes)
    assert CARD_ID in quiz.notes[0]


def test_an_unknown_topic_quiz_never_fills_up_off_topic(retriever: HybridRetriever) -> None:
    request = QuizRequest(
        topic="teorema pythagoras", subject="matematika", kelas=4, counts={"mc": 5}, use_model=False
    )
    with pytest.raises(Exception, match="Tidak ada dokumen kurikulum"):
        generate_quiz(request, llm=None, retriever=retriever)


def test_kisi_kisi_lists_objectives_levels_types_numbers_and_keys() -> None:
    request = QuizRequest(
        topic="pecahan", subject="matematika", kelas=4, counts={"mc": 4, "short": 2}, use_model=False
    )
    quiz = generate_quiz(request, llm=None, retriever=None)
    quiz.items[0].objective = '=HYPERLINK("http://x")'
    result = export_quiz(quiz, "kisi-kisi-xlsx")
    sheet = load_workbook(io.BytesIO(result.data)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[2][:2] == ["No.", "Tujuan pembelajaran"]
    numbers = sorted(int(n) for row in rows[3:] for n in str(row[5]).split(", "))
    assert numbers == list(range(1, len(quiz.items) + 1))
    assert all(str(row[1]).startswith("'=") or not str(row[1]).startswith("=") for row in rows[3:])
    assert any(str(row[3]).startswith("C3") for row in rows[3:])
    document = export_quiz(quiz, "kisi-kisi-docx")
    import docx

    table = docx.Document(io.BytesIO(document.data)).tables[0]
    assert table.rows[0].cells[5].text == "Nomor soal" and len(table.rows) == len(rows) - 2


def test_shipped_embeddings_are_used_and_only_new_text_is_embedded(tmp_path: Path) -> None:
    class Counting(BagOfWordsEmbeddings):
        calls = 0

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            Counting.calls += len(texts)
            return super().embed_documents(texts)

    inner = Counting()
    path = tmp_path / "vectors.npz"
    kept, embedded = build_cache(["satu dua", "tiga empat"], inner, "m", path)
    assert (kept, embedded) == (0, 2) and len(load_cache(path)) == 2
    assert build_cache(["satu dua", "lima"], inner, "m", path) == (1, 1) and len(load_cache(path)) == 2
    Counting.calls = 0
    cached = CachedEmbeddings(inner, "m", path)
    vectors = cached.embed_documents(["satu dua", "baru sekali"])
    assert Counting.calls == 1 and cached.hits == 1 and cached.misses == 1
    assert vectors[0] == pytest.approx(inner.embed_documents(["satu dua"])[0], abs=1e-3)
    assert CachedEmbeddings(inner, "other-model", path).embed_documents(["satu dua"]) and Counting.calls == 3


def test_a_rubric_takes_the_cards_success_criteria() -> None:
    from toolkit.feedback.rubric import RubricRequest, generate_rubric

    card = _card()
    request = RubricRequest(
        goal="Membandingkan pecahan",
        reference="Samakan penyebut lalu bandingkan pembilang.",
        subject="matematika",
        kelas=4,
        topic="pecahan",
    )
    rubric = generate_rubric(request)
    assert [c.name for c in rubric.criteria] == [c.criterion for c in card.success_criteria]
    assert rubric.criteria[0].descriptors == [
        card.success_criteria[0].baru_berkembang,
        card.success_criteria[0].layak,
        card.success_criteria[0].cakap,
        card.success_criteria[0].mahir,
    ]
    assert rubric.criteria[0].key_points and not rubric.criteria[1].key_points
    assert CARD_ID in rubric.sources[0] and not rubric.gaps()
    other = generate_rubric(
        RubricRequest(goal="Menulis surat", subject="matematika", kelas=4, topic="surat resmi")
    )
    assert CARD_ID not in " ".join(other.sources)


def test_the_curriculum_tab_browses_subject_grade_and_chapter() -> None:
    from toolkit.ui.curriculum_tab import bank_card, bank_chapters

    update, status = bank_chapters("matematika", "4", "id")
    assert CARD_ID in [value for _, value in update["choices"]] and "kartu topik" in status
    page = bank_card(CARD_ID, "id")
    assert _card().concepts[0].term in page and "Bab 2" in page
    _, status = bank_chapters("ipa", "1", "en")
    assert "No topic cards" in status


CHAPTER = """# Bab 3 Magnet

## Mengenal magnet

Magnet adalah benda yang dapat menarik benda lain yang terbuat dari besi atau baja.
Kutub magnet adalah bagian ujung magnet yang gaya tariknya paling kuat.
Contoh benda magnetis di rumah adalah paku, peniti, dan gunting.

## Sifat magnet

Gaya magnet adalah tarikan atau dorongan yang ditimbulkan magnet tanpa menyentuh benda.
Kutub senama saling tolak-menolak, sedangkan kutub tidak senama saling tarik-menarik.

## Ayo Berlatih

Mengapa paku dapat ditarik magnet, tetapi penghapus tidak?
Apa yang terjadi jika dua kutub utara magnet didekatkan?
"""


def test_an_uploaded_chapter_becomes_the_plans_substance(retriever: HybridRetriever, tmp_path: Path) -> None:
    path = tmp_path / "bab-magnet.md"
    path.write_text(CHAPTER, encoding="utf-8")
    request = build_request(
        format="modul-ajar",
        subject="ipas",
        kelas=6,
        topic="magnet",
        teacher_document=str(path),
        use_model=False,
    )
    plan = generate_plan(request, llm=None, retriever=retriever)
    assert "bab-magnet.md" in plan.card_note and plan.card_id == ""
    objectives = " ".join(o["text"] for o in plan.section("tujuan_pembelajaran").content["objectives"])
    assert "Kutub magnet" in objectives and "Gaya magnet" in objectives
    tasks = plan.section("lkpd").content["tasks"]
    assert any("Mengapa paku dapat ditarik magnet" in task for task in tasks)
    assert any("bab-magnet.md" in source.label for source in plan.sources())
    assert all(check.passed for check in plan.checks), [c.message for c in plan.checks if not c.passed]
