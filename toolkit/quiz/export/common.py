"""What every exporter shares: the result type, which items may be exported, and messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from toolkit.quiz.models import TRUE_FALSE_WORDS, TYPE_NAMES, QuestionType, Quiz, QuizItem

UNVERIFIED_MARK = {"id": "[BELUM TERVERIFIKASI] ", "en": "[NOT VERIFIED] "}

MESSAGES = {
    "unverified_left_out": {
        "id": "Soal {number} belum terverifikasi ({reason}) dan tidak diekspor.",
        "en": "Item {number} is not verified ({reason}) and was not exported.",
    },
    "unverified_marked": {
        "id": "Soal {number} belum terverifikasi dan diekspor dengan tanda {mark}.",
        "en": "Item {number} is not verified and was exported marked {mark}.",
    },
    "type_left_out": {
        "id": "Soal {number} ({kind}) tidak dapat disimpan dalam format {format} dan tidak diekspor.",
        "en": "Item {number} ({kind}) cannot be held by the {format} format and was left out.",
    },
    "converted": {
        "id": "Soal {number} ({kind}) diubah menjadi {target} untuk format {format}.",
        "en": "Item {number} ({kind}) was converted to {target} for the {format} format.",
    },
    "too_long": {
        "id": "Soal {number} tidak diekspor ke {format}: {what} lebih dari {limit} karakter.",
        "en": "Item {number} was left out of {format}: the {what} is longer than {limit} characters.",
    },
    "too_many_options": {
        "id": "Soal {number} tidak diekspor ke {format}: lebih dari {limit} pilihan.",
        "en": "Item {number} was left out of {format}: more than {limit} options.",
    },
}


def say(key: str, language: str, **values: object) -> str:
    """A message in the quiz's language."""
    return MESSAGES[key]["en" if language == "en" else "id"].format(**values)


def type_name(kind: QuestionType, language: str) -> str:
    """The display name of an item type."""
    return TYPE_NAMES[kind]["en" if language == "en" else "id"].lower()


@dataclass
class ExportResult:
    """One exported file: its name, bytes, how many items it holds and what the teacher should know."""

    filename: str
    data: bytes
    exported: int
    messages: list[str] = field(default_factory=list)
    extra_files: dict[str, bytes] = field(default_factory=dict)
    """More files of the same export (the DOCX answer key)."""


@dataclass
class ExportEntry:
    """An item ready for a format: its number in the quiz and the stem to write (marked if unverified)."""

    number: int
    item: QuizItem
    stem: str


def exportable_items(quiz: Quiz, include_unverified: bool, messages: list[str]) -> list[ExportEntry]:
    """Verified items; unverified ones are left out, or kept with a visible mark when asked for."""
    chosen: list[ExportEntry] = []
    mark = UNVERIFIED_MARK["en" if quiz.language == "en" else "id"]
    for number, item in enumerate(quiz.items, 1):
        if item.verified:
            chosen.append(ExportEntry(number, item, item.stem))
        elif include_unverified:
            chosen.append(ExportEntry(number, item, mark + item.stem))
            messages.append(say("unverified_marked", quiz.language, number=number, mark=mark.strip()))
        else:
            reason = item.failure_reason() or "no checks"
            messages.append(say("unverified_left_out", quiz.language, number=number, reason=reason))
    return chosen


def true_false_words(language: str) -> tuple[str, str]:
    """("Benar", "Salah") or ("True", "False")."""
    return TRUE_FALSE_WORDS["en" if language == "en" else "id"]


def choice_view(item: QuizItem, language: str) -> tuple[list[str], list[int]]:
    """(options, 0-based correct positions) of a choice-like item; true/false becomes two options."""
    if item.type == "tf":
        true_word, false_word = true_false_words(language)
        return [true_word, false_word], [0 if item.tf_answer() else 1]
    return list(item.options), item.correct_indexes()


def evidence_line(item: QuizItem, language: str) -> str:
    """ "Sumber: citation — “quote”" for feedback fields."""
    if item.evidence is None:
        return ""
    label = "Sumber" if language != "en" else "Source"
    return f"{label}: {item.evidence.citation} — “{item.evidence.quote}”"


def key_text(item: QuizItem, language: str) -> str:
    """The key written out for answer sheets and spreadsheets."""
    if item.type == "tf":
        true_word, false_word = true_false_words(language)
        return true_word if item.tf_answer() else false_word
    if item.type == "match":
        return "; ".join(f"{pair.left} → {pair.right}" for pair in item.pairs)
    if item.type == "order":
        return " → ".join(item.correct)
    if item.type == "essay":
        return "; ".join(item.scoring_guide)
    if item.type == "short":
        return " / ".join(item.correct)
    letters = "ABCDEFGH"
    return ", ".join(f"{letters[i]}. {item.options[i]}" for i in item.correct_indexes())
