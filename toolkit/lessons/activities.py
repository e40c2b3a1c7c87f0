"""Activities and learning cycles: minutes computed from the duration, steps written by the model.

The minutes always add up to the stated duration; a higher-order step and the Pembelajaran
Mendalam labels are added by code when the model's steps still lack them after regeneration.
"""

from __future__ import annotations

import re
from typing import cast

from pydantic import BaseModel

from toolkit.lessons import drafts
from toolkit.lessons.bloom import HIGHER_ORDER, highest_level
from toolkit.lessons.context import BuildContext, Builder, Built
from toolkit.lessons.models import (
    ActivitiesContent,
    ActivityPhase,
    ActivityStep,
    Author,
    BloomLevel,
    CyclesContent,
    Experience,
    LearningCycle,
    Meeting,
    Principle,
)


def round5(value: float) -> int:
    """``value`` rounded to a multiple of five (at least five)."""
    return max(5, round(value / 5.0) * 5)


def phase_minutes(total: int) -> tuple[int, int, int]:
    """(opening, core, closing) minutes of one meeting; they always add up to ``total``."""
    if total < 15:
        opening = closing = max(1, total // 4)
    else:
        opening = closing = round5(total * 0.15)
    return opening, total - opening - closing, closing


PHASE_NAMES = {
    "merdeka": (("Pendahuluan", "Opening"), ("Inti", "Core"), ("Penutup", "Closing")),
    "mendalam": (("Awal", "Opening"), ("Inti", "Core"), ("Penutup", "Closing")),
}
PHASE_INSTRUCTIONS = ("activities_opening", "activities_core", "activities_closing")
"""Keys of each phase's instruction in ``prompts/lesson_instructions.md``."""
PHASE_EXPERIENCE: tuple[Experience, Experience, Experience] = ("memahami", "mengaplikasi", "merefleksi")
PHASE_PRINCIPLE: tuple[Principle, Principle, Principle] = ("berkesadaran", "bermakna", "menggembirakan")
TEMPLATE_STEPS: tuple[tuple[tuple[str, str, BloomLevel], ...], ...] = (
    (
        (
            "Guru menyapa, mengajak berdoa, lalu menanyakan pengalaman peserta didik tentang {topic}.",
            "The teacher greets the class and asks what learners already know about {topic}.",
            "C1",
        ),
        (
            "Guru menyampaikan tujuan pembelajaran dan pertanyaan pemantik.",
            "The teacher shares the learning objectives and a trigger question.",
            "C2",
        ),
    ),
    (
        (
            "Peserta didik menjelaskan konsep {topic} dari bahan bacaan dalam kelompok.",
            "In groups, learners explain the main ideas of {topic} from the reading.",
            "C2",
        ),
        (
            "Peserta didik mengerjakan LKPD dan menerapkan konsep {topic} pada contoh nyata.",
            "Learners work on the worksheet and apply {topic} to a real example.",
            "C3",
        ),
        (
            "Peserta didik menganalisis hasil kerja kelompok lain dan membandingkan kesimpulannya.",
            "Learners analyse another group's work and compare the conclusions.",
            "C4",
        ),
    ),
    (
        (
            "Peserta didik menyimpulkan hal penting tentang {topic} bersama guru.",
            "Learners summarise the key points about {topic} with the teacher.",
            "C2",
        ),
        (
            "Peserta didik menilai pemahamannya sendiri melalui refleksi singkat.",
            "Learners evaluate their own understanding in a short reflection.",
            "C5",
        ),
    ),
)


COPY_WINDOW = 8


def copies_passage(text: str, context: BuildContext) -> bool:
    """True when ``text`` repeats eight or more consecutive words of a source passage (not a step)."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < COPY_WINDOW:
        return False
    sources = [" ".join(re.findall(r"\w+", source.excerpt.lower())) for source in context.sources]
    windows = (" ".join(words[i : i + COPY_WINDOW]) for i in range(len(words) - COPY_WINDOW + 1))
    return any(window in source for window in windows for source in sources)


def _step_level(text: str, drafted: BloomLevel | None, language: str) -> BloomLevel | None:
    """The level of the step's verbs; the model's own label only when it is not higher-order.

    A higher-order label on a step without a matching verb is not believed: the step is left
    without a level, so the Bloom check fails and the section is regenerated (then repaired).
    """
    found = highest_level(text, language)
    if found is not None:
        return found
    return drafted if drafted not in HIGHER_ORDER else None


def activities_template(context: BuildContext, deep: bool = False) -> ActivitiesContent:
    """Activities written by code: phases with computed minutes and template steps."""
    names = PHASE_NAMES["mendalam" if deep else "merdeka"]
    meetings = []
    for number, minutes in enumerate(context.request.duration.meeting_minutes(), start=1):
        phases = []
        for index, phase_total in enumerate(phase_minutes(minutes)):
            steps = [
                ActivityStep(
                    text=context.say(text_id, text_en),
                    bloom=level,
                    experience=PHASE_EXPERIENCE[index] if deep else None,
                    principle=PHASE_PRINCIPLE[index] if deep else None,
                )
                for text_id, text_en, level in TEMPLATE_STEPS[index]
            ]
            label = names[index][1] if context.language == "en" else names[index][0]
            phases.append(ActivityPhase(name=label, minutes=phase_total, steps=steps))
        meetings.append(Meeting(number=number, phases=phases))
    return ActivitiesContent(meetings=meetings)


def activities_builder(deep: bool) -> Builder:
    """Activities: minutes by code, steps by the model (one small call per phase and meeting)."""

    def template(context: BuildContext) -> BaseModel:
        return activities_template(context, deep)

    def build(context: BuildContext) -> Built:
        names = PHASE_NAMES["mendalam" if deep else "merdeka"]
        schema: type[BaseModel] = drafts.DeepStepsDraft if deep else drafts.StepsDraft
        fallback = activities_template(context, deep)
        drafted_any = False
        meetings = []
        for meeting_index, minutes in enumerate(context.request.duration.meeting_minutes()):
            phases = []
            for index, phase_total in enumerate(phase_minutes(minutes)):
                instruction = context.instruction(PHASE_INSTRUCTIONS[index])
                if deep:
                    instruction += " " + context.instruction("activities_deep_labels")
                draft = context.draft(schema, instruction, 230)
                label = names[index][1] if context.language == "en" else names[index][0]
                if draft is not None and any(copies_passage(step.text, context) for step in draft.steps):
                    context.notes.append(
                        context.say(
                            "Model menyalin kalimat bahan bacaan sebagai langkah; dipakai templat kode.",
                            "The model copied reading text as a step; a code template was used.",
                        )
                    )
                    draft = None
                if draft is None:
                    phases.append(fallback.meetings[meeting_index].phases[index])
                    continue
                drafted_any = True
                steps = [
                    ActivityStep(
                        text=step.text.strip(),
                        bloom=_step_level(step.text, step.bloom, context.language),
                        experience=cast(Experience | None, getattr(step, "experience", None)),
                        principle=cast(Principle | None, getattr(step, "principle", None)),
                    )
                    for step in draft.steps
                ]
                phases.append(ActivityPhase(name=label, minutes=phase_total, steps=steps))
            meetings.append(Meeting(number=meeting_index + 1, phases=phases))
        author: Author = "model+code" if drafted_any else "code"
        return Built(ActivitiesContent(meetings=meetings), author, list(context.notes))

    return Builder(build, template)


def repair_activities(context: BuildContext, content: ActivitiesContent, deep: bool) -> ActivitiesContent:
    """Keep the model's steps but add a higher-order step and label untagged steps by phase."""
    repaired = content.model_copy(deep=True)
    levels = [step.bloom for meeting in repaired.meetings for phase in meeting.phases for step in phase.steps]
    for meeting in repaired.meetings:
        for index, phase in enumerate(meeting.phases):
            for step in phase.steps:
                if step.bloom is None:
                    step.bloom = "C2"
                if deep:
                    step.experience = step.experience or PHASE_EXPERIENCE[min(index, 2)]
                    step.principle = step.principle or PHASE_PRINCIPLE[min(index, 2)]
    if not any(level in HIGHER_ORDER for level in levels):
        core = repaired.meetings[0].phases[min(1, len(repaired.meetings[0].phases) - 1)]
        text_id, text_en, level = TEMPLATE_STEPS[1][2]
        core.steps.append(
            ActivityStep(
                text=context.say(text_id, text_en),
                bloom=level,
                experience="mengaplikasi" if deep else None,
                principle="bermakna" if deep else None,
            )
        )
    if deep:
        covered = {
            step.experience
            for meeting in repaired.meetings
            for phase in meeting.phases
            for step in phase.steps
        }
        for index, experience in enumerate(PHASE_EXPERIENCE):
            if experience not in covered:
                phase = repaired.meetings[-1].phases[min(index, len(repaired.meetings[-1].phases) - 1)]
                phase.steps[0].experience = experience
    return repaired


def exit_minutes(total: int) -> int:
    """Minutes for the exit ticket."""
    return 5 if total >= 30 else 3


def cycle_count(total: int) -> int:
    """Two learning cycles for short lessons, three for long ones."""
    return 2 if total <= 60 else 3


def cycle_minutes(total: int) -> list[int]:
    """Minutes of each cycle; with the exit ticket they add up to ``total``."""
    available = total - exit_minutes(total)
    count = cycle_count(total)
    base, extra = divmod(available, count)
    return [base + (1 if index < extra else 0) for index in range(count)]


CYCLE_TEMPLATES: tuple[tuple[str, str, str, str, str, str, str, str, BloomLevel], ...] = (
    (
        "Memahami {topic}",
        "Understanding {topic}",
        "Guru menjelaskan gagasan utama {topic} dengan contoh.",
        "The teacher explains the main ideas of {topic} with examples.",
        "Apa gagasan utama {topic}?",
        "What is the main idea of {topic}?",
        "Peserta didik menjelaskan {topic} kepada teman sebangku.",
        "Learners explain {topic} to a partner.",
        "C2",
    ),
    (
        "Menerapkan {topic}",
        "Applying {topic}",
        "Guru memberi contoh soal dan langkah penyelesaiannya.",
        "The teacher models a task step by step.",
        "Langkah apa yang dilakukan lebih dulu?",
        "Which step comes first?",
        "Peserta didik menerapkan {topic} pada soal baru.",
        "Learners apply {topic} to a new task.",
        "C3",
    ),
    (
        "Menganalisis {topic}",
        "Analysing {topic}",
        "Guru menyajikan dua contoh yang berbeda.",
        "The teacher shows two contrasting examples.",
        "Apa perbedaan kedua contoh itu?",
        "How are the two examples different?",
        "Peserta didik menganalisis dan membandingkan kedua contoh, lalu menyimpulkan.",
        "Learners analyse and compare the two examples, then draw a conclusion.",
        "C4",
    ),
)


def _template_cycle(context: BuildContext, index: int, minutes: int) -> LearningCycle:
    t_id, t_en, e_id, e_en, c_id, c_en, p_id, p_en, level = CYCLE_TEMPLATES[index]
    return LearningCycle(
        title=context.say(t_id, t_en),
        minutes=minutes,
        explanation=context.say(e_id, e_en),
        checks=[context.say(c_id, c_en)],
        practice=context.say(p_id, p_en),
        bloom=level,
    )


def cycles_template(context: BuildContext) -> CyclesContent:
    """Learning cycles by code; the last one is higher-order."""
    minutes = cycle_minutes(context.request.duration.total_minutes)
    order = [0, 2] if len(minutes) == 2 else [0, 1, 2]
    return CyclesContent(
        cycles=[_template_cycle(context, index, m) for index, m in zip(order, minutes, strict=True)]
    )


def cycles_builder() -> Builder:
    """One model call per cycle; minutes by code."""

    def build(context: BuildContext) -> Built:
        minutes = cycle_minutes(context.request.duration.total_minutes)
        fallback = cycles_template(context)
        cycles: list[LearningCycle] = []
        drafted = False
        for index, cycle_total in enumerate(minutes):
            last = index == len(minutes) - 1
            instruction = context.instruction(
                "cycle_last" if last else "cycle", number=index + 1, count=len(minutes)
            )
            draft = context.draft(drafts.CycleDraft, instruction, 300)
            if draft is None:
                cycles.append(fallback.cycles[index])
                continue
            drafted = True
            level = highest_level(f"{draft.explanation} {draft.practice}", context.language) or draft.bloom
            cycles.append(
                LearningCycle(
                    title=draft.title.strip(),
                    minutes=cycle_total,
                    explanation=draft.explanation.strip(),
                    checks=[c.strip() for c in draft.checks],
                    practice=draft.practice.strip(),
                    bloom=level,
                )
            )
        return Built(CyclesContent(cycles=cycles), "model+code" if drafted else "code", list(context.notes))

    return Builder(build, cycles_template)
