"""Sections composed from a topic card of the knowledge bank, adapted to the plan's minutes and meetings.

When the teacher's topic matches a card, the plan's substance (objectives, prior knowledge,
activities with their support and extension variants, LKPD, assessment, reflection, glossary,
misconceptions, exit questions) comes from the card, which people wrote and checked; code only
arranges it into the format's sections and fits it to the duration. Identity rows, the CP quote
and the dimensi profil lulusan stay with their own builders. Every composer returns the section's
content; ``COMPOSERS`` maps builder names to composers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel

from toolkit.bank.loader import card_citation
from toolkit.bank.models import Activity, TopicCard
from toolkit.bank.models import Objective as CardObjective
from toolkit.lessons.activities import (
    PHASE_EXPERIENCE,
    PHASE_NAMES,
    PHASE_PRINCIPLE,
    cycle_minutes,
    exit_minutes,
    phase_minutes,
)
from toolkit.lessons.bloom import find_verbs, highest_level
from toolkit.lessons.context import BuildContext
from toolkit.lessons.models import (
    ActivitiesContent,
    ActivityPhase,
    ActivityStep,
    AssessmentContent,
    AssessmentItem,
    BloomLevel,
    CyclesContent,
    EnrichmentContent,
    ExitTicketContent,
    GlossaryContent,
    KeyValue,
    KeyValueContent,
    LearningCycle,
    ListContent,
    Meeting,
    Misconception,
    MisconceptionsContent,
    Objective,
    ObjectivesContent,
    ReflectionContent,
    SourceRef,
    Term,
    TextContent,
    WorksheetContent,
)
from toolkit.lessons.sections import DESIGN_LABELS, STAGES, teaching_model_name
from toolkit.quiz.text import sentences

MAX_PHASE_STEPS = 10


def card_source(card: TopicCard) -> SourceRef:
    """The card (or the teacher's chapter it was built from) as a source a plan cites."""
    origin: Literal["index", "teacher-document"] = "teacher-document" if card.origin == "teacher" else "index"
    return SourceRef(
        label=card_citation(card),
        source=card.sources[0] if card.origin == "teacher" else card.id,
        excerpt=card.summary,
        origin=origin,
    )


def _card(context: BuildContext) -> TopicCard:
    if context.card is None:  # pragma: no cover - composers run only with a card
        raise ValueError("no topic card")
    return context.card


def _first_sentence(text: str) -> str:
    found = sentences(text)
    return found[0] if found else text.strip()


def _verb(text: str, language: str) -> str:
    found = find_verbs(text, language) or find_verbs(text, "en" if language == "id" else "id")
    return found[0][0] if found else ""


def objectives(context: BuildContext) -> BaseModel:
    """The card's objectives (a slice of the ATP), lowest Bloom level first."""
    card = _card(context)
    return ObjectivesContent(
        objectives=[
            Objective(text=o.text, verb=_verb(o.text, card.language), bloom=o.bloom)
            for o in card.objectives[:8]
        ]
    )


def outcome(context: BuildContext) -> BaseModel:
    """English lesson plan outcomes: the card's objectives as 'I can ...' statements."""
    card = _card(context)
    items = []
    for objective in card.objectives[:4]:
        text = objective.text
        for lead in ("Students can ", "Learners can ", "Peserta didik dapat ", "Peserta didik mampu "):
            if text.startswith(lead):
                text = text[len(lead) :]
                break
        items.append(
            Objective(
                text=f"I can {text[0].lower()}{text[1:]}",
                verb=_verb(text, card.language),
                bloom=objective.bloom,
            )
        )
    return ObjectivesContent(objectives=items)


def prior_text(context: BuildContext) -> BaseModel:
    """Kompetensi awal from the card."""
    return TextContent(text=" ".join(_card(context).prior_knowledge))


def prior_list(context: BuildContext) -> BaseModel:
    """Prior knowledge as a list."""
    return ListContent(items=list(_card(context).prior_knowledge)[:5])


def facilities(context: BuildContext) -> BaseModel:
    """The materials the card's activities need, plus the class's devices."""
    items = list(_card(context).materials)[:12]
    devices = context.request.context.devices.strip()
    if devices:
        items.append(context.say(f"Perangkat kelas: {devices}", f"Class devices: {devices}"))
    return ListContent(items=items[:20])


def meaningful(context: BuildContext) -> BaseModel:
    """Pemahaman bermakna: what the chapter is about and where learners meet it."""
    card = _card(context)
    return TextContent(text=f"{card.summary} {card.local_context[0]}")


def trigger_questions(context: BuildContext) -> BaseModel:
    """Pertanyaan pemantik from the card."""
    return ListContent(items=list(_card(context).trigger_questions)[:6])


def reading(context: BuildContext) -> BaseModel:
    """Bahan bacaan: the key concepts, explained."""
    card = _card(context)
    return TextContent(text="\n\n".join(f"{c.term}: {c.explanation}" for c in card.concepts)[:4000])


def subject_matter(context: BuildContext) -> BaseModel:
    """Identifikasi materi: the summary and the concepts the chapter needs."""
    card = _card(context)
    terms = ", ".join(c.term for c in card.concepts)
    lead = context.say("Konsep yang dipelajari", "Concepts covered")
    return TextContent(text=f"{card.summary} {lead}: {terms}.")


def learners(context: BuildContext) -> BaseModel:
    """Identifikasi peserta didik: prior knowledge and the diagnostic question to check it."""
    card = _card(context)
    ask = context.say("Pertanyaan diagnostik", "Diagnostic question")
    return TextContent(text=f"{' '.join(card.prior_knowledge)} {ask}: {card.diagnostic.question}")


def key_points(context: BuildContext) -> BaseModel:
    """Key learning points: the first sentence of each concept."""
    card = _card(context)
    return ListContent(items=[f"{c.term}: {_first_sentence(c.explanation)}" for c in card.concepts[:5]])


def glossary(context: BuildContext) -> BaseModel:
    """Glosarium / keywords from the concepts."""
    card = _card(context)
    return GlossaryContent(
        entries=[
            Term(term=c.term[:80], definition=_first_sentence(c.explanation)[:500])
            for c in card.concepts[:12]
        ]
    )


def misconceptions(context: BuildContext) -> BaseModel | None:
    """The card's misconceptions with their corrections (None when it lists none)."""
    card = _card(context)
    if not card.misconceptions:
        return None
    return MisconceptionsContent(
        items=[
            Misconception(misconception=m.wrong[:400], response=m.correction[:600])
            for m in card.misconceptions[:3]
        ]
    )


def enrichment(context: BuildContext) -> BaseModel:
    """Pengayaan from the activities' extension variants, remedial from their support variants."""
    card = _card(context)
    return EnrichmentContent(
        enrichment=[a.extension for a in card.activities][:6],
        remedial=[a.support for a in card.activities][:6],
    )


def _lkpd(card: TopicCard) -> Activity:
    return next((a for a in card.activities if a.kind == "lkpd"), card.activities[0])


def worksheet(context: BuildContext) -> BaseModel:
    """The LKPD: the card's worksheet task with materials and its three variants."""
    card = _card(context)
    task = _lkpd(card)
    instructions = [
        context.say(f"Waktu: {task.minutes} menit.", f"Time: {task.minutes} minutes."),
        context.say("Bahan: ", "Materials: ") + ", ".join(card.materials[:4]) + ".",
        context.say("Bantuan bila perlu: ", "Support if needed: ") + task.support,
    ]
    tasks = [*task.steps, context.say("Tantangan: ", "Challenge: ") + task.extension]
    return WorksheetContent(title=f"LKPD: {task.title}"[:200], instructions=instructions, tasks=tasks[:10])


def _assessment(context: BuildContext, kind: str) -> BaseModel:
    """Diagnostic question, LKPD observation against the KKTP, and the bank's questions."""
    card = _card(context)
    lkpd = _lkpd(card)
    criteria = "; ".join(c.criterion for c in card.success_criteria)
    higher = [q for q in card.questions if q.bloom >= "C3"]
    example = (higher or card.questions)[0].stem if card.questions else card.diagnostic.question
    techniques = (
        context.say(
            f"Pertanyaan lisan: “{card.diagnostic.question}”", f"Oral question: “{card.diagnostic.question}”"
        ),
        context.say(f"Observasi {lkpd.title}", f"Observing {lkpd.title}"),
        context.say(
            f"{len(card.questions)} soal bank topik ({len(higher)} soal C3 ke atas)",
            f"{len(card.questions)} bank questions ({len(higher)} at C3 or above)",
        ),
    )
    texts = (
        context.say("Jawaban yang diharapkan: ", "Expected answer: ")
        + card.diagnostic.expected
        + context.say(" Jika belum: ", " If not: ")
        + card.diagnostic.if_not,
        context.say(f"Kriteria ketercapaian: {criteria}.", f"Success criteria: {criteria}."),
        context.say("Contoh soal: ", "Example question: ") + example,
    )
    items = [
        AssessmentItem(
            stage=context.say(stage_id, stage_en), technique=technique[:200], description=text[:1000]
        )
        for (stage_id, stage_en, _, _), technique, text in zip(STAGES[kind], techniques, texts, strict=True)
    ]
    return AssessmentContent(items=items)


def reflection(context: BuildContext) -> BaseModel:
    """Learners' reflection from the card; the teacher's from its success criteria."""
    card = _card(context)
    teacher = [
        context.say(
            f"Berapa peserta didik yang mencapai kriteria “{c.criterion}” pada tingkat cakap atau mahir?",
            f"How many learners reached “{c.criterion}” at the cakap or mahir level?",
        )
        for c in card.success_criteria[:3]
    ]
    if card.misconceptions:
        teacher.append(
            context.say(
                f"Apakah miskonsepsi “{card.misconceptions[0].wrong[:120]}” masih muncul?",
                f"Does the misconception “{card.misconceptions[0].wrong[:120]}” still appear?",
            )
        )
    return ReflectionContent(learners=list(card.reflection)[:6], teacher=teacher[:6])


def _step(text: str, fallback: BloomLevel, language: str, index: int, deep: bool) -> ActivityStep:
    level = (
        highest_level(text, language) or highest_level(text, "en" if language == "id" else "id") or fallback
    )
    return ActivityStep(
        text=text[:600],
        bloom=level,
        experience=PHASE_EXPERIENCE[index] if deep else None,
        principle=PHASE_PRINCIPLE[index] if deep else None,
    )


def _activity_level(card: TopicCard, index: int) -> BloomLevel:
    levels = [o.bloom for o in card.objectives]
    return levels[min(index + 1, len(levels) - 1)]


def _meeting_activities(card: TopicCard, meetings: int) -> list[list[tuple[int, Activity]]]:
    """The card's activities shared over the meetings in order (each meeting gets at least one)."""
    indexed = list(enumerate(card.activities))
    if meetings <= len(indexed):
        size = len(indexed) / meetings
        return [indexed[round(m * size) : round((m + 1) * size)] for m in range(meetings)]
    return [[indexed[m % len(indexed)]] for m in range(meetings)]


def _meeting_objectives(card: TopicCard, number: int, meetings: int) -> list[CardObjective]:
    """The objectives a meeting works on: the card's objectives shared over the meetings in order."""
    items = card.objectives
    if meetings >= len(items):
        return [items[min(number - 1, len(items) - 1)]]
    size = len(items) / meetings
    return items[round((number - 1) * size) : round(number * size)] or [items[-1]]


def _activities(context: BuildContext, deep: bool) -> BaseModel:
    card = _card(context)
    language = context.language
    names = PHASE_NAMES["mendalam" if deep else "merdeka"]
    minutes_per_meeting = context.request.duration.meeting_minutes()
    shares = _meeting_activities(card, len(minutes_per_meeting))
    meetings = []
    for number, (minutes, share) in enumerate(zip(minutes_per_meeting, shares, strict=True), start=1):
        goals = "; ".join(o.text for o in _meeting_objectives(card, number, len(minutes_per_meeting)))
        opening_steps = [
            context.say(
                f"Guru mengajukan pertanyaan pemantik: “{card.trigger_questions[(number - 1) % len(card.trigger_questions)]}”",
                f"The teacher asks a trigger question: “{card.trigger_questions[(number - 1) % len(card.trigger_questions)]}”",
            ),
            context.say(
                f"Guru menyampaikan tujuan pembelajaran: {goals}",
                f"The teacher shares the objectives: {goals}",
            ),
        ]
        if number == 1:
            opening_steps.insert(
                0,
                context.say(
                    f"Peserta didik menjawab pertanyaan diagnostik: “{card.diagnostic.question}”",
                    f"Learners answer a diagnostic question: “{card.diagnostic.question}”",
                ),
            )
        core: list[ActivityStep] = []
        core_minutes = phase_minutes(minutes)[1]
        planned = sum(activity.minutes for _, activity in share) or 1
        for index, activity in share:
            level = _activity_level(card, index)
            fitted = max(5, round(core_minutes * activity.minutes / planned))
            lead = context.say(
                f"{activity.title} (± {fitted} menit): ", f"{activity.title} (about {fitted} min): "
            )
            core.append(_step(lead + activity.steps[0], level, language, 1, deep))
            core.extend(_step(text, level, language, 1, deep) for text in activity.steps[1:])
            core.append(
                _step(
                    context.say(
                        f"Diferensiasi: dukungan: {activity.support} Pengayaan: {activity.extension}",
                        f"Differentiation: support: {activity.support} Extension: {activity.extension}",
                    ),
                    level,
                    language,
                    1,
                    deep,
                )
            )
        closing_text = card.reflection[(number - 1) % len(card.reflection)]
        closing = [
            _step(
                context.say(
                    f"Peserta didik menyimpulkan konsep {', '.join(c.term for c in card.concepts[:3])} bersama guru.",
                    f"Learners summarise {', '.join(c.term for c in card.concepts[:3])} with the teacher.",
                ),
                "C2",
                language,
                2,
                deep,
            ),
            _step(
                context.say(
                    f"Peserta didik mengevaluasi pemahamannya dengan menjawab pertanyaan refleksi: “{closing_text}”",
                    f"Learners evaluate their understanding with a reflection question: “{closing_text}”",
                ),
                "C5",
                language,
                2,
                deep,
            ),
        ]
        opening = [_step(text, "C2", language, 0, deep) for text in opening_steps]
        phases = []
        for index, (phase_total, steps) in enumerate(
            zip(phase_minutes(minutes), (opening, core, closing), strict=True)
        ):
            label = names[index][1] if language == "en" else names[index][0]
            phases.append(ActivityPhase(name=label, minutes=phase_total, steps=steps[:MAX_PHASE_STEPS]))
        meetings.append(Meeting(number=number, phases=phases))
    return ActivitiesContent(meetings=meetings)


def cycles(context: BuildContext) -> BaseModel:
    """English lesson plan cycles: one per activity, explanation from the concepts, checks from the bank."""
    card = _card(context)
    minutes = cycle_minutes(context.request.duration.total_minutes)
    checks = [q.stem for q in card.questions if q.bloom <= "C2" and q.type in ("mc", "short", "tf")]
    levels = [o.bloom for o in card.objectives]
    top_question = max(card.questions, key=lambda q: q.bloom) if card.questions else None
    items = []
    for index, cycle_total in enumerate(minutes):
        last = index == len(minutes) - 1
        level = levels[round(index * (len(levels) - 1) / max(1, len(minutes) - 1))]
        activity = card.activities[index % len(card.activities)]
        practice = " ".join(activity.steps)
        if last and top_question is not None and top_question.bloom > level:
            level = top_question.bloom
            practice = f"{practice} {top_question.stem}"

        concept = card.concepts[index % len(card.concepts)]
        items.append(
            LearningCycle(
                title=activity.title[:200],
                minutes=cycle_total,
                explanation=f"{concept.term}: {concept.explanation}"[:1500],
                checks=(checks[index * 2 : index * 2 + 2] or [card.diagnostic.question])[:5],
                practice=practice[:1000],
                bloom=level,
            )
        )
    return CyclesContent(cycles=items)


def exit_ticket(context: BuildContext) -> BaseModel:
    """Exit questions: the bank's questions at C3 or above first."""
    card = _card(context)
    ranked = sorted(card.questions, key=lambda q: q.bloom, reverse=True)
    questions = [q.stem for q in ranked if q.type in ("short", "essay", "mc")][:3]
    return ExitTicketContent(
        minutes=exit_minutes(context.request.duration.total_minutes),
        questions=questions or [card.diagnostic.question],
    )


def design(context: BuildContext) -> BaseModel:
    """The Pembelajaran Mendalam framework, filled from the card."""
    card = _card(context)
    kinds = sorted({a.kind for a in card.activities})
    values = {
        "lintas_disiplin": context.say(
            f"Dikaitkan dengan konteks sekitar peserta didik: {card.local_context[0]}",
            f"Linked to the learners' surroundings: {card.local_context[0]}",
        ),
        "praktik_pedagogis": context.say("Kegiatan: ", "Activities: ") + ", ".join(kinds) + ".",
        "kemitraan": card.local_context[-1],
        "lingkungan": context.say("Bahan: ", "Materials: ") + ", ".join(card.materials[:4]) + ".",
        "pemanfaatan_digital": context.say(
            "Tidak wajib; kegiatan memakai bahan nyata di kelas.",
            "Optional; the activities use real materials in class.",
        ),
    }
    rows = [KeyValue(label=context.say("Topik", "Topic"), value=card.title)]
    for key, label_id, label_en in DESIGN_LABELS:
        value = values[key]
        devices = context.request.context.devices.strip()
        if key == "pemanfaatan_digital" and devices:
            value = f"{value} ({devices})"
        rows.append(KeyValue(label=context.say(label_id, label_en), value=value[:2000]))
    return KeyValueContent(rows=rows)


def teaching_model(context: BuildContext) -> BaseModel:
    """The subject's teaching model, and the card's activities that carry it."""
    card = _card(context)
    titles = "; ".join(f"{a.title} ({a.kind})" for a in card.activities[:4])
    lead = context.say("Kegiatan inti dari bank topik", "Core activities from the topic bank")
    return TextContent(text=f"{teaching_model_name(context)}. {lead}: {titles}.")


COMPOSERS: dict[str, Callable[[BuildContext], BaseModel | None]] = {
    "teaching_model": teaching_model,
    "prior_text": prior_text,
    "prior_list": prior_list,
    "facilities": facilities,
    "objectives": objectives,
    "outcome": outcome,
    "assessment_merdeka": lambda c: _assessment(c, "merdeka"),
    "assessment_rpp": lambda c: _assessment(c, "merdeka"),
    "assessment_mendalam": lambda c: _assessment(c, "mendalam"),
    "meaningful": meaningful,
    "trigger_questions": trigger_questions,
    "activities_merdeka": lambda c: _activities(c, deep=False),
    "activities_mendalam": lambda c: _activities(c, deep=True),
    "reflection": reflection,
    "worksheet": worksheet,
    "reading": reading,
    "glossary": glossary,
    "enrichment": enrichment,
    "learners": learners,
    "subject_matter": subject_matter,
    "deep_design": design,
    "key_points": key_points,
    "misconceptions": misconceptions,
    "cycles": cycles,
    "exit_ticket": exit_ticket,
}
"""Builder name -> composer from the card (builders not listed keep their own code: identity, CP, ...).

A composer returns None when the card has nothing for its section; the section's own builder writes it."""
