"""The shared words by language (``toolkit.language``): one detector, one tie rule, one base word list."""

from __future__ import annotations

from toolkit.feedback import signals
from toolkit.index import lexical
from toolkit.language import (
    ENGLISH_MARKERS,
    FUNCTION_WORDS,
    INDONESIAN_MARKERS,
    detect_language,
    guess_language,
)
from toolkit.quiz import text as quiz_text

INDONESIAN = "Fotosintesis adalah proses yang dilakukan tumbuhan hijau untuk membuat makanan dari cahaya."
ENGLISH = "Photosynthesis is the process that green plants use to make their food from the light of the sun."


def test_both_detectors_agree_on_clear_texts() -> None:
    assert guess_language(INDONESIAN) == detect_language(INDONESIAN) == "id"
    assert guess_language(ENGLISH) == detect_language(ENGLISH) == "en"


def test_a_tie_or_a_short_text_has_no_guess_and_the_default_otherwise() -> None:
    tie = "the yang " * 6
    assert guess_language(tie) is None
    assert detect_language(tie) == "id" and detect_language(tie, default="en") == "en"
    assert guess_language("The cat is on the mat.") is None  # fewer than twelve words
    assert detect_language("The cat is on the mat.") == "en"
    assert detect_language("") == "id"


def test_lettered_lists_do_not_count_as_english() -> None:
    assert "a" in FUNCTION_WORDS and "a" not in ENGLISH_MARKERS
    assert detect_language("a. Ibu kota b. Kota c. Desa a. yang a. itu") == "id"


def test_markers_belong_to_one_language_and_every_stop_word_list_extends_the_base() -> None:
    assert not INDONESIAN_MARKERS & ENGLISH_MARKERS
    for stopwords in (quiz_text.STOPWORDS, lexical.STOPWORDS, signals.STOPWORDS):
        assert stopwords > FUNCTION_WORDS
