"""Evidence per criterion: language judged on language, each criterion its own quote and next step."""

from __future__ import annotations

import pytest

from conftest import BagOfWordsEmbeddings
from toolkit.feedback.core import StudentFeedback, WorkItem, give_feedback
from toolkit.feedback.criteria import criterion_kind, key_terms
from toolkit.feedback.language_check import check_language, language_level
from toolkit.feedback.rubric import RubricRequest, generate_rubric
from toolkit.feedback.vectors import TextVectors

REFERENCE = (
    "Air laut menguap karena panas matahari, uap air mengembun menjadi awan, lalu turun sebagai hujan."
)
INFORMAL = "Air menguap kena panas matahari lalu jadi awan dan turun hujan."
FORMAL = "Air laut menguap karena panas matahari. Uap air mengembun menjadi awan, lalu turun sebagai hujan."


def feedback(texts: list[str]) -> list[StudentFeedback]:
    rubric = generate_rubric(RubricRequest(goal="Menjelaskan siklus air", reference=REFERENCE))
    works = [WorkItem(student_id=f"s{i}", text=text) for i, text in enumerate(texts)]
    return give_feedback(rubric, works, TextVectors(BagOfWordsEmbeddings(), "fake"), reference=REFERENCE)


def criterion(result: StudentFeedback, name: str) -> object:
    return next(item for item in result.criteria if item.criterion == name)


def test_an_informal_answer_does_not_get_the_top_level_on_a_language_criterion() -> None:
    informal, formal = feedback([INFORMAL, FORMAL])
    language = criterion(informal, "Kejelasan bahasa")
    assert language.level_index < 3 and language.level_label != "Mahir"  # type: ignore[attr-defined]
    assert "'kena'" in language.next_step and "'terkena'" in language.next_step  # type: ignore[attr-defined]
    assert "'jadi'" in language.next_step  # type: ignore[attr-defined]
    assert language.evidence and "kena" in language.evidence[0]  # type: ignore[attr-defined]
    assert not language.calibrated  # a visible rule, not a calibrated score  # type: ignore[attr-defined]
    assert criterion(formal, "Kejelasan bahasa").level_label == "Mahir"  # type: ignore[attr-defined]
    assert informal.percent < 100


def test_language_rules_follow_eyd_conventions() -> None:
    cases = {
        "Air menguap karena panas.": set(),
        "air menguap karena panas.": {"capital"},
        "Air menguap karena panas": {"end_punctuation"},
        "Anak2 melihat air menguap karena panas.": {"digit"},
        "Air gak menguap kalo dingin.": {"informal"},
        "Air menguap. Dan turun.": {"incomplete"},
        "Air menguap karena panas!!": {"punctuation"},
    }
    for text, kinds in cases.items():
        report = check_language(text, "id")
        assert report.kinds == kinds, text
        assert (language_level(report, 4) == 3) == (not kinds)
    english = check_language("i think homework is bad. It is boring", "en")
    assert {"capital", "lower_i", "end_punctuation"} <= english.kinds
    assert language_level(check_language("", "id"), 4) == 0


def test_each_criterion_quotes_its_own_part_and_speaks_to_it() -> None:
    [result] = feedback([INFORMAL])
    quotes = [tuple(item.evidence) for item in result.criteria]
    steps = [item.next_step for item in result.criteria]
    assert len(set(quotes)) >= 3 and len(set(steps)) == len(steps)
    completeness = criterion(result, "Kelengkapan poin kunci")
    assert "mengembun" in completeness.next_step  # the missing key point  # type: ignore[attr-defined]
    assert completeness.level_label != "Mahir"  # a key point is missing  # type: ignore[attr-defined]
    concept = criterion(result, "Ketepatan konsep")
    assert "'mengembun'" in concept.next_step  # a key term not used yet  # type: ignore[attr-defined]
    reasoning = criterion(result, "Penjelasan dan penalaran")
    assert reasoning.evidence == [] and "karena" in reasoning.next_step  # type: ignore[attr-defined]
    assert reasoning.level_label != "Mahir"  # no reason given  # type: ignore[attr-defined]
    for item in result.criteria:
        assert all(quote.lower() in INFORMAL.lower() for quote in item.evidence)
        assert item.confidence < 1.0


@pytest.mark.parametrize(
    "reference",
    [
        REFERENCE,
        "fotosintesis, respirasi",
        "Bacillus thuringiensis, Agrobacterium tumefaciens",
        "Pemanasan global disebabkan gas rumah kaca; dampaknya es kutub mencair.",
    ],
)
@pytest.mark.parametrize(
    "goal", ["Menjelaskan siklus air", "Menulis teks eksposisi tentang banjir", "Membuat proyek filter air"]
)
def test_generated_rubrics_never_give_two_criteria_the_same_key_points(goal: str, reference: str) -> None:
    for language in ("id", "en"):
        rubric = generate_rubric(RubricRequest(goal=goal, reference=reference, language=language))
        given = [frozenset(p.lower() for p in c.key_points) for c in rubric.criteria if c.key_points]
        assert len(given) == len(set(given)), [c.key_points for c in rubric.criteria]


def test_criterion_kinds_and_key_terms() -> None:
    assert criterion_kind("Kejelasan bahasa") == criterion_kind("Tata bahasa dan ejaan") == "language"
    assert criterion_kind("Clarity of language") == "language"
    assert criterion_kind("Penjelasan dan penalaran") == "reasoning"
    assert criterion_kind("Ketepatan konsep") == criterion_kind("Accuracy of concepts") == "concept"
    assert criterion_kind("Kelengkapan poin kunci") == "coverage"
    assert criterion_kind("Kerapian", has_key_points=True) == "coverage"
    assert criterion_kind("Kerapian") == "general"
    assert "mengembun" in key_terms(REFERENCE) and "menjadi" not in key_terms(REFERENCE)
