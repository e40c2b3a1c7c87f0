"""Learning objectives and the English 'I can' outcome: the verb from the operational list, the rest by the model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from toolkit.lessons import drafts
from toolkit.lessons.bloom import level_of_verb
from toolkit.lessons.context import BuildContext, Builder, Built
from toolkit.lessons.models import (
    Objective,
    ObjectivesContent,
)


def _strip_verb(verb: str, content: str) -> str:
    text = content.strip().rstrip(".")
    for prefix in (
        "peserta didik dapat ",
        "peserta didik mampu ",
        "students can ",
        "i can ",
        "learners can ",
    ):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    if text.lower().startswith(verb.lower() + " "):
        text = text[len(verb) + 1 :]
    return text


def objective_sentence(context: BuildContext, verb: str, content: str, outcome: bool = False) -> str:
    """``Peserta didik dapat <verb> <content>.`` / ``I can <verb> <content>.``"""
    rest = _strip_verb(verb, content)
    if context.language == "en":
        subject = "I can" if outcome else "Learners can"
        return f"{subject} {verb} {rest}."
    return f"{'Saya dapat' if outcome else 'Peserta didik dapat'} {verb} {rest}."


def compose_objectives(context: BuildContext, draft: Any) -> BaseModel:
    """Objectives from (verb, content) pairs; the verb comes from the operational list."""
    objectives = []
    for part in draft.objectives:
        sentence = objective_sentence(context, part.verb, part.content)
        objectives.append(
            Objective(text=sentence, verb=part.verb, bloom=level_of_verb(part.verb, context.language))
        )
    return ObjectivesContent(objectives=objectives)


def objectives_template(context: BuildContext) -> BaseModel:
    """Three objectives rising from C2 to C4/C6, written by code."""
    pairs = [
        (
            "menjelaskan",
            "explain",
            "konsep utama {topic} dengan kata-kata sendiri",
            "the main ideas of {topic} in their own words",
        ),
        (
            "menerapkan",
            "apply",
            "konsep {topic} untuk menyelesaikan masalah sehari-hari",
            "what they learned about {topic} to an everyday problem",
        ),
        (
            "menganalisis",
            "analyse",
            "contoh {topic} di lingkungan sekitar berdasarkan data atau pengamatan",
            "examples of {topic} around them using data or observation",
        ),
    ]
    objectives = []
    for verb_id, verb_en, content_id, content_en in pairs:
        verb = verb_en if context.language == "en" else verb_id
        sentence = objective_sentence(context, verb, context.say(content_id, content_en))
        objectives.append(Objective(text=sentence, verb=verb, bloom=level_of_verb(verb, context.language)))
    return ObjectivesContent(objectives=objectives)


def objectives_builder() -> Builder:
    """Objectives whose verbs the model picks from the operational list (grammar-constrained)."""

    def build(context: BuildContext) -> Built:
        schema = drafts.ObjectivesDraftEn if context.language == "en" else drafts.ObjectivesDraftId
        draft = context.draft(schema, context.instruction("objectives"), 200)
        if draft is None:
            return Built(objectives_template(context), "code", list(context.notes))
        return Built(compose_objectives(context, draft), "model+code", list(context.notes))

    return Builder(build, objectives_template)


def outcome_template(context: BuildContext) -> BaseModel:
    """One 'I can' outcome by code."""
    verb = "explain" if context.language == "en" else "menjelaskan"
    text = objective_sentence(
        context, verb, context.say("{topic} dengan contoh", "{topic} with an example"), outcome=True
    )
    return ObjectivesContent(objectives=[Objective(text=text, verb=verb, bloom="C2")])


def outcome_builder() -> Builder:
    """The English plan's single 'I can ...' outcome."""

    def build(context: BuildContext) -> Built:
        schema = drafts.OutcomeDraftEn if context.language == "en" else drafts.OutcomeDraftId
        draft = context.draft(schema, context.instruction("outcome"), 90)
        if draft is None:
            return Built(outcome_template(context), "code", list(context.notes))
        text = objective_sentence(context, draft.verb, draft.content, outcome=True)
        level = level_of_verb(draft.verb, context.language)
        return Built(
            ObjectivesContent(objectives=[Objective(text=text, verb=draft.verb, bloom=level)]),
            "model+code",
            list(context.notes),
        )

    return Builder(build, outcome_template)
