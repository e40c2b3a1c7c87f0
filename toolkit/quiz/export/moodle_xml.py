"""Moodle XML question import (``<quiz>`` of ``<question type=…>``), parsed in the tests with lxml.

Ordering is converted to matching (step → position), as core Moodle imports matching everywhere.
"""

from __future__ import annotations

from lxml import etree

from toolkit.quiz.export.common import ExportResult, evidence_line, exportable_items, say, type_name
from toolkit.quiz.models import Quiz, QuizItem
from toolkit.text import file_slug

MOODLE_TYPES = {
    "mc": "multichoice",
    "mr": "multichoice",
    "tf": "truefalse",
    "short": "shortanswer",
    "match": "matching",
    "order": "matching",
    "essay": "essay",
}


def _text_element(parent: etree._Element, tag: str, text: str, html: bool = False) -> etree._Element:
    element = etree.SubElement(parent, tag, format="html" if html else "plain_text")
    etree.SubElement(element, "text").text = text
    return element


def _answer(parent: etree._Element, fraction: float, text: str) -> None:
    answer = etree.SubElement(
        parent, "answer", fraction=f"{fraction:.5f}".rstrip("0").rstrip("."), format="plain_text"
    )
    etree.SubElement(answer, "text").text = text


def _fill(question: etree._Element, item: QuizItem, language: str) -> None:
    if item.type in ("mc", "mr"):
        etree.SubElement(question, "single").text = "true" if item.type == "mc" else "false"
        etree.SubElement(question, "shuffleanswers").text = "true"
        etree.SubElement(question, "answernumbering").text = "abc"
        share = 100 / max(1, len(item.correct))
        for option in item.options:
            is_right = option in item.correct
            _answer(
                question,
                (100 if item.type == "mc" else share) if is_right else (0 if item.type == "mc" else -100),
                option,
            )
    elif item.type == "tf":
        _answer(question, 100 if item.tf_answer() else 0, "true")
        _answer(question, 0 if item.tf_answer() else 100, "false")
    elif item.type == "short":
        etree.SubElement(question, "usecase").text = "0"
        for accepted in item.correct:
            _answer(question, 100, accepted)
    elif item.type in ("match", "order"):
        etree.SubElement(question, "shuffleanswers").text = "true"
        pairs = (
            [(pair.left, pair.right) for pair in item.pairs]
            if item.type == "match"
            else [(step, str(position)) for position, step in enumerate(item.correct, 1)]
        )
        for left, right in pairs:
            sub = etree.SubElement(question, "subquestion", format="plain_text")
            etree.SubElement(sub, "text").text = left
            answer = etree.SubElement(sub, "answer")
            etree.SubElement(answer, "text").text = right
    elif item.type == "essay":
        etree.SubElement(question, "responseformat").text = "editor"
        etree.SubElement(question, "responsefieldlines").text = "10"
        _text_element(question, "graderinfo", "\n".join(f"- {point}" for point in item.scoring_guide))


def export_moodle_xml(quiz: Quiz, *, include_unverified: bool = False) -> ExportResult:
    """The quiz as a Moodle XML file."""
    messages: list[str] = []
    root = etree.Element("quiz")
    category = etree.SubElement(root, "question", type="category")
    _text_element(category, "category", f"$course$/top/{quiz.title}")
    count = 0
    for entry in exportable_items(quiz, include_unverified, messages):
        item = entry.item
        if item.type == "order":
            messages.append(
                say(
                    "converted",
                    quiz.language,
                    number=entry.number,
                    kind=type_name("order", quiz.language),
                    target=type_name("match", quiz.language),
                    format="Moodle XML",
                )
            )
        question = etree.SubElement(root, "question", type=MOODLE_TYPES[item.type])
        _text_element(question, "name", f"Q{entry.number} {entry.stem[:60]}")
        _text_element(question, "questiontext", entry.stem)
        feedback = " ".join(part for part in (item.explanation, evidence_line(item, quiz.language)) if part)
        _text_element(question, "generalfeedback", feedback)
        etree.SubElement(question, "defaultgrade").text = "1"
        tags = etree.SubElement(question, "tags")
        for tag in (item.bloom, item.difficulty, item.origin):
            etree.SubElement(etree.SubElement(tags, "tag"), "text").text = tag
        _fill(question, item, quiz.language)
        count += 1
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return ExportResult(f"{file_slug(quiz.title, 'kuis')}.moodle.xml", data, count, messages)
