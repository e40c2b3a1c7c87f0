"""Quiz generation: offline fallback, model path with fake models, bad input and provider failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from quiz_fakes import PHOTOSYNTHESIS, RecordingChatModel

from toolkit.errors import IngestError, ToolkitError
from toolkit.quiz.generate import generate_quiz
from toolkit.quiz.models import QUESTION_TYPES, QuizRequest
from toolkit.quiz.text import contains_normalised, normalise
from toolkit.quiz.verify import BLANK

REPO = Path(__file__).resolve().parent.parent
DIGESTION = REPO / "corpora" / "ipa" / "sistem-pencernaan.md"
ALL_TYPES = dict.fromkeys(QUESTION_TYPES, 1)

GOOD_MC = json.dumps(
    {
        "question": "Zat apa yang menyerap energi cahaya untuk fotosintesis?",
        "options": ["Klorofil", "Stomata", "Xilem", "Floem"],
        "answer": 1,
        "evidence": "Klorofil adalah zat hijau daun yang menyerap energi cahaya untuk fotosintesis.",
        "explanation": "Teks menyebut klorofil menyerap energi cahaya.",
    }
)
WRONG_KEY_MC = json.dumps(
    {
        "question": "Zat apa yang menyerap energi cahaya?",
        "options": ["Klorofil", "Stomata", "Xilem", "Floem"],
        "answer": 2,
        "evidence": "Klorofil adalah zat hijau daun yang menyerap energi cahaya untuk fotosintesis.",
        "explanation": "-",
    }
)


def test_offline_fallback_makes_every_type_from_a_curriculum_file() -> None:
    request = QuizRequest(topic="pencernaan", source_file=str(DIGESTION), counts=ALL_TYPES, use_model=False)
    quiz = generate_quiz(request, llm=None, retriever=None)
    assert sorted(item.type for item in quiz.items) == sorted(QUESTION_TYPES)
    for item in quiz.items:
        assert item.origin == "fallback" and item.verified, item.failure_reason()
        assert item.evidence is not None
        passage = quiz.passage(item.evidence.passage_id)
        assert passage is not None
        if item.type in ("mc", "short") and BLANK.search(item.stem):
            filled = BLANK.sub(item.correct[0], item.stem)
            assert contains_normalised(passage.text, filled), filled  # the key really fills the blank
        if item.type in ("mc", "mr"):
            wrong = [option for option in item.options if option not in item.correct]
            assert wrong and not any(contains_normalised(item.evidence.quote, w) for w in wrong)
    assert any("jalur cadangan" in note for note in quiz.notes)


def test_fallback_from_a_retrieved_index(settings, fake_embeddings, small_corpus) -> None:  # type: ignore[no-untyped-def]
    from toolkit.index.ingest import index_paths
    from toolkit.index.retrieval import HybridRetriever
    from toolkit.index.store import open_store

    store = open_store(settings, fake_embeddings, "bag-of-words")
    index_paths([small_corpus], store, fake_embeddings)
    retriever = HybridRetriever(store, fake_embeddings)
    request = QuizRequest(
        topic="siklus air evaporasi kondensasi", subject="ipa", counts={"tf": 1}, use_model=False
    )
    quiz = generate_quiz(request, llm=None, retriever=retriever)
    assert quiz.passages and all(p.citation for p in quiz.passages)
    assert len(quiz.items) == 1 and quiz.items[0].verified


def test_text_too_short_says_how_many_items_could_be_made() -> None:
    request = QuizRequest(
        topic="x",
        source_text="Klorofil adalah zat hijau daun yang menyerap energi cahaya.",
        counts={"mc": 3, "tf": 2},
        use_model=False,
    )
    quiz = generate_quiz(request, llm=None, retriever=None)
    made_tf = sum(item.type == "tf" for item in quiz.items)
    assert made_tf >= 1
    assert any(f"{made_tf} dari 2" in note for note in quiz.notes), quiz.notes
    assert any("0 dari 3" in note for note in quiz.notes), quiz.notes


def test_empty_and_unreadable_sources_give_a_clear_sentence(tmp_path: Path) -> None:
    with pytest.raises(ToolkitError, match="kosong"):
        generate_quiz(QuizRequest(topic="x", source_text="   ", use_model=False), llm=None, retriever=None)
    scanned = tmp_path / "scan.pdf"
    _write_pdf_without_text(scanned)
    with pytest.raises(IngestError, match="no text layer"):
        generate_quiz(QuizRequest(source_file=str(scanned), use_model=False), llm=None, retriever=None)


def _write_pdf_without_text(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with path.open("wb") as handle:
        writer.write(handle)


def test_language_mismatch_is_reported() -> None:
    english = (
        "Photosynthesis is the process by which green plants make food with the energy of light. "
        "Chlorophyll is the green pigment that absorbs the light for the plant and it is in the leaf."
    )
    quiz = generate_quiz(
        QuizRequest(topic="x", source_text=english, counts={"tf": 1}, language="id", use_model=False),
        llm=None,
        retriever=None,
    )
    assert any("Inggris" in note for note in quiz.notes), quiz.notes


def test_model_item_that_passes_every_check_is_kept_as_model_item() -> None:
    llm = RecordingChatModel(responses=[GOOD_MC, '{"answer": [1]}'])
    quiz = generate_quiz(
        QuizRequest(topic="fotosintesis", source_text=PHOTOSYNTHESIS, counts={"mc": 1}),
        llm=llm,
        retriever=None,
        model_name="fake",
    )
    assert len(quiz.items) == 1
    item = quiz.items[0]
    assert item.origin == "model" and item.verified and item.correct == ["Klorofil"]
    assert any(c.name == "independent_model" and c.gating and c.passed for c in item.checks)
    assert quiz.model == "fake" and quiz.stats["model_verified"] == 1


def test_wrong_model_key_is_regenerated_once_then_dropped_and_replaced_from_the_text() -> None:
    llm = RecordingChatModel(responses=[WRONG_KEY_MC, WRONG_KEY_MC] + ['{"answer": [1]}'] * 4)
    quiz = generate_quiz(
        QuizRequest(topic="fotosintesis", source_text=PHOTOSYNTHESIS, counts={"mc": 1}),
        llm=llm,
        retriever=None,
    )
    model_drops = [d for d in quiz.dropped if d.origin == "model"]
    assert len(model_drops) == 2
    assert all("key_in_evidence" in d.reason for d in model_drops)
    assert "rejected" in llm.prompts[1] or "ditolak" in llm.prompts[1]  # the retry carries the reason
    assert len(quiz.items) == 1 and quiz.items[0].origin == "fallback" and quiz.items[0].verified


def test_independent_check_disagreement_drops_the_model_item() -> None:
    llm = RecordingChatModel(
        responses=[GOOD_MC, '{"answer": [3]}', GOOD_MC, '{"answer": [2]}', '{"answer": [1]}']
    )
    quiz = generate_quiz(
        QuizRequest(topic="fotosintesis", source_text=PHOTOSYNTHESIS, counts={"mc": 1}),
        llm=llm,
        retriever=None,
    )
    reasons = [d.reason for d in quiz.dropped if d.origin == "model"]
    assert reasons and all("independent_model" in r for r in reasons)
    assert all(item.origin == "fallback" for item in quiz.items)


def test_provider_failure_mid_quiz_keeps_verified_items() -> None:
    llm = RecordingChatModel(responses=[GOOD_MC, '{"answer": [1]}'])  # then the connection fails
    quiz = generate_quiz(
        QuizRequest(topic="fotosintesis", source_text=PHOTOSYNTHESIS, counts={"mc": 1, "tf": 2}),
        llm=llm,
        retriever=None,
    )
    assert quiz.items[0].origin == "model" and quiz.items[0].verified
    assert len(quiz.items) == 3 and all(item.verified for item in quiz.items)
    assert any("Connection refused" in note and "1 soal" in note for note in quiz.notes), quiz.notes
    assert len({normalise(item.stem) for item in quiz.items}) == 3
