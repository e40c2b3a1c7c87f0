"""Deterministic checks and the independent re-answer (extractive and by a separate model call)."""

from __future__ import annotations

from quiz_fakes import PHOTOSYNTHESIS, RecordingChatModel, photosynthesis_passages

from toolkit.language import guess_language
from toolkit.quiz.checks import (
    check_evidence,
    check_key,
    check_key_grounded,
    check_options,
    check_tf_not_verbatim,
    check_unique_stem,
    run_deterministic_checks,
)
from toolkit.quiz.models import Evidence, MatchPair, QuizItem
from toolkit.quiz.text import contains_normalised, normalise
from toolkit.quiz.verify import answers_agree, extractive_check, extractive_reanswer, model_check

PASSAGES = photosynthesis_passages()
CHLOROPHYLL = "Klorofil adalah zat hijau daun yang menyerap energi cahaya untuk fotosintesis."


def _evidence(quote: str = CHLOROPHYLL) -> Evidence:
    return Evidence(passage_id="P1", quote=quote, citation="fotosintesis.md")


def _mc(**changes: object) -> QuizItem:
    values: dict[str, object] = {
        "type": "mc",
        "stem": "_____ adalah zat hijau daun yang menyerap energi cahaya untuk fotosintesis.",
        "options": ["Klorofil", "Stomata", "Xilem", "Floem"],
        "correct": ["Klorofil"],
        "evidence": _evidence(),
    }
    values.update(changes)
    return QuizItem.model_validate(values)


def _failed(results: list) -> set[str]:  # type: ignore[type-arg]
    return {r.name for r in results if not r.passed}


def test_normalised_matching_ignores_case_markup_and_punctuation() -> None:
    assert normalise("**Klorofil** adalah  zat-hijau!") == "klorofil adalah zat hijau"
    assert contains_normalised("Ini **Klorofil**, zat hijau.", "klorofil zat hijau")
    assert not contains_normalised("klorofilnya hijau", "klorofil")
    assert guess_language(PHOTOSYNTHESIS) == "id"
    assert (
        guess_language("The water cycle is the path that water takes as it moves through the air and land.")
        == "en"
    )


def test_evidence_must_be_in_the_cited_passage() -> None:
    assert check_evidence(_mc(), PASSAGES).passed
    invented = _mc(evidence=_evidence("Klorofil adalah zat merah yang memantulkan cahaya biru."))
    assert not check_evidence(invented, PASSAGES).passed
    assert not check_evidence(_mc(evidence=_evidence("Klorofil")), PASSAGES).passed  # too short
    assert not check_evidence(
        _mc(evidence=Evidence(passage_id="P9", quote=CHLOROPHYLL, citation="")), PASSAGES
    ).passed
    assert not check_evidence(_mc(evidence=None), PASSAGES).passed


def test_key_must_be_among_the_options_and_shaped_for_the_type() -> None:
    assert check_key(_mc()).passed
    assert not check_key(_mc(correct=["Kloroplas"])).passed
    assert not check_key(_mc(correct=["Klorofil", "Stomata"])).passed
    assert not check_key(_mc(type="mr", correct=["Klorofil", "Stomata", "Xilem", "Floem"])).passed
    assert not check_key(_mc(type="tf", options=[], correct=["maybe"])).passed
    assert not check_key(
        _mc(type="match", options=[], correct=[], pairs=[MatchPair(left="a", right="b")])
    ).passed
    assert not check_key(_mc(type="order", options=["a", "b", "c"], correct=["a", "b", "d"])).passed


def test_option_checks_catch_repeats_catch_alls_and_uneven_lengths() -> None:
    assert not _failed(check_options(_mc()))
    assert "options_distinct" in _failed(
        check_options(_mc(options=["Klorofil", "klorofil.", "Xilem", "Floem"]))
    )
    for catch_all in (
        "Semua jawaban benar",
        "Tidak ada jawaban yang benar",
        "All of the above",
        "None of the above",
    ):
        assert "no_all_or_none_option" in _failed(
            check_options(_mc(options=["Klorofil", "Stomata", "Xilem", catch_all]))
        )
    long_option = "zat yang menyerap energi cahaya matahari di dalam kloroplas sel daun tumbuhan hijau"
    assert "options_similar_length" in _failed(
        check_options(_mc(options=["Klorofil", "Stomata", "Xilem", long_option]))
    )


def test_key_must_be_named_in_the_evidence() -> None:
    assert check_key_grounded(_mc()).passed  # type: ignore[union-attr]
    wrong_key = _mc(correct=["Stomata"])
    result = check_key_grounded(wrong_key)
    assert result is not None and not result.passed


def test_true_false_statement_may_not_be_copied_verbatim() -> None:
    copied = QuizItem(type="tf", stem=CHLOROPHYLL, correct=["true"], evidence=_evidence())
    reworded = QuizItem(
        type="tf",
        stem="Zat hijau daun yang menyerap energi cahaya disebut klorofil.",
        correct=["true"],
        evidence=_evidence(),
    )
    assert not check_tf_not_verbatim(copied, PASSAGES).passed  # type: ignore[union-attr]
    assert check_tf_not_verbatim(reworded, PASSAGES).passed  # type: ignore[union-attr]


def test_duplicate_stems_are_caught() -> None:
    first = _mc()
    assert check_unique_stem(first, []).passed
    assert not check_unique_stem(_mc(), [first]).passed
    assert "unique_stem" in _failed(run_deterministic_checks(_mc(), PASSAGES, [first]))


def test_extractive_reanswer_derives_keys_without_seeing_them() -> None:
    assert extractive_reanswer(_mc(correct=[]), CHLOROPHYLL) == ["Klorofil"]
    tf_true = QuizItem(
        type="tf",
        stem="Zat hijau daun yang menyerap energi cahaya disebut klorofil.",
        correct=["true"],
        evidence=_evidence(),
    )
    tf_false = tf_true.model_copy(
        update={"stem": "Zat hijau daun yang menyerap energi cahaya disebut stomata."}
    )
    assert extractive_reanswer(tf_true, CHLOROPHYLL) == ["true"]
    assert extractive_reanswer(tf_false, CHLOROPHYLL) == ["false"]
    negated = tf_true.model_copy(update={"stem": "Klorofil tidak menyerap energi cahaya."})
    assert extractive_reanswer(negated, CHLOROPHYLL) == ["false"]
    order_quote = (
        "Urutan tahap fotosintesis adalah penyerapan cahaya, penguraian air, pelepasan oksigen, "
        "dan pembentukan glukosa."
    )
    order = QuizItem(
        type="order",
        stem="Urutkan.",
        options=["pelepasan oksigen", "penyerapan cahaya", "penguraian air"],
        correct=["penyerapan cahaya", "penguraian air", "pelepasan oksigen"],
        evidence=_evidence(order_quote),
    )
    assert extractive_reanswer(order, order_quote) == order.correct
    assert extractive_check(order).passed
    assert not extractive_check(_mc(correct=["Stomata"])).passed


def test_short_answer_agreement_is_lenient_about_case_only() -> None:
    item = QuizItem(type="short", stem="_____ adalah zat hijau daun.", correct=["Klorofil", "zat hijau daun"])
    assert answers_agree(item, ["klorofil"])
    assert answers_agree(item, ["jawabannya klorofil"])
    assert not answers_agree(item, ["stomata"])
    assert not answers_agree(item, None)


def test_model_check_asks_a_separate_call_without_the_key() -> None:
    agreeing = RecordingChatModel(responses=['{"answer": [1]}'])
    result = model_check(_mc(), agreeing, "id", gating=True)
    assert result.passed and result.gating
    prompt = agreeing.prompts[0]
    assert CHLOROPHYLL in prompt and "1. Klorofil" in prompt
    assert "correct" not in prompt.lower() and "kunci" not in prompt.lower()
    disagreeing = RecordingChatModel(responses=['{"answer": [2]}'])
    assert not model_check(_mc(), disagreeing, "id", gating=True).passed
    garbage = RecordingChatModel(responses=["tidak tahu"])
    outcome = model_check(_mc(), garbage, "id", gating=False)
    assert not outcome.passed and "no usable answer" in outcome.detail
