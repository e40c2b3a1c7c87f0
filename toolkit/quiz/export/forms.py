"""Google Forms API ``forms.batchUpdate`` request body that turns an empty form into the quiz.

Choice items become RADIO/CHECKBOX questions with correct answers, true/false a two-option RADIO
question, short answers graded text questions and essays paragraph questions. Matching and ordering
have no gradable Forms question and are left out with a message.
"""

from __future__ import annotations

import json
from typing import Any

from toolkit.quiz.export.common import (
    ExportResult,
    choice_view,
    evidence_line,
    exportable_items,
    say,
    type_name,
)
from toolkit.quiz.models import Quiz, QuizItem
from toolkit.text import file_slug


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _question(item: QuizItem, language: str) -> dict[str, Any] | None:
    feedback = _one_line(" ".join(part for part in (item.explanation, evidence_line(item, language)) if part))
    if item.type in ("mc", "mr", "tf"):
        options, correct = choice_view(item, language)
        grading: dict[str, Any] = {
            "pointValue": 1,
            "correctAnswers": {"answers": [{"value": _one_line(options[i])} for i in correct]},
        }
        if feedback:
            grading["whenRight"] = {"text": feedback}
            grading["whenWrong"] = {"text": feedback}
        return {
            "required": True,
            "grading": grading,
            "choiceQuestion": {
                "type": "CHECKBOX" if item.type == "mr" else "RADIO",
                "options": [{"value": _one_line(option)} for option in options],
                "shuffle": item.type != "tf",
            },
        }
    if item.type == "short":
        grading = {
            "pointValue": 1,
            "correctAnswers": {"answers": [{"value": _one_line(a)} for a in item.correct]},
        }
        if feedback:
            grading["generalFeedback"] = {"text": feedback}
        return {"required": True, "grading": grading, "textQuestion": {"paragraph": False}}
    if item.type == "essay":
        grading = {"pointValue": max(1, len(item.scoring_guide))}
        guide = _one_line("; ".join(item.scoring_guide))
        if guide:
            grading["generalFeedback"] = {"text": guide}
        return {"required": True, "grading": grading, "textQuestion": {"paragraph": True}}
    return None


def forms_requests(quiz: Quiz, *, include_unverified: bool = False) -> tuple[dict[str, Any], int, list[str]]:
    """(batchUpdate body, number of questions, messages)."""
    messages: list[str] = []
    requests: list[dict[str, Any]] = [
        {
            "updateSettings": {
                "settings": {"quizSettings": {"isQuiz": True}},
                "updateMask": "quizSettings.isQuiz",
            }
        },
        {
            "updateFormInfo": {
                "info": {"description": _one_line(quiz.topic or quiz.title)},
                "updateMask": "description",
            }
        },
    ]
    index = 0
    for entry in exportable_items(quiz, include_unverified, messages):
        question = _question(entry.item, quiz.language)
        if question is None:
            messages.append(
                say(
                    "type_left_out",
                    quiz.language,
                    number=entry.number,
                    kind=type_name(entry.item.type, quiz.language),
                    format="Google Forms",
                )
            )
            continue
        item = {"title": _one_line(entry.stem), "questionItem": {"question": question}}
        requests.append({"createItem": {"item": item, "location": {"index": index}}})
        index += 1
    return {"includeFormInResponse": False, "requests": requests}, index, messages


def export_forms_json(quiz: Quiz, *, include_unverified: bool = False) -> ExportResult:
    """The batchUpdate body as a JSON file."""
    body, count, messages = forms_requests(quiz, include_unverified=include_unverified)
    data = json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
    return ExportResult(f"{file_slug(quiz.title, 'kuis')}.forms.json", data, count, messages)
