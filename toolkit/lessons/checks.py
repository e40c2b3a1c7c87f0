"""Deterministic checks of a plan (code, not the model's opinion), shown to the teacher.

Each check returns one ``CheckResult`` naming the sections that fail it, so a failing section can
be regenerated on its own: required sections present and non-empty, minutes add up to the
duration, operational verbs in the objectives, every learning experience covered (Mendalam), the
requested language, and a Bloom level on every activity with at least one higher-order one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from toolkit.index.lexical import tokenize
from toolkit.language import detect_language
from toolkit.lessons.bloom import HIGHER_ORDER, is_operational, non_operational_verbs
from toolkit.lessons.formats import FORMATS, activity_section_key, objectives_section_key
from toolkit.lessons.models import (
    ActivitiesContent,
    CheckResult,
    CyclesContent,
    ExitTicketContent,
    LessonPlan,
    ObjectivesContent,
    PlanSection,
    WorksheetContent,
)
from toolkit.text import is_complete_sentence

MIN_WORDS_FOR_LANGUAGE = 12
EXPERIENCES = ("memahami", "mengaplikasi", "merefleksi")

_TEXTS: dict[str, dict[str, str]] = {
    "substance_ok": {
        "id": "Setiap langkah kegiatan dan tugas LKPD berupa kalimat utuh; tujuan menyebut konsep topik.",
        "en": "Every activity step and worksheet task is a complete sentence; objectives name the topic's concepts.",
    },
    "substance_fragment": {
        "id": "{n} langkah atau tugas bukan kalimat utuh (terpotong atau berisi sisa markup), misalnya “{example}”.",
        "en": "{n} steps or tasks are not complete sentences (cut off or holding markup), e.g. “{example}”.",
    },
    "substance_off_topic": {
        "id": "Tujuan tidak menyebut konsep topik: {items}.",
        "en": "Objectives that name none of the topic's concepts: {items}.",
    },
    "required_ok": {"id": "Semua bagian wajib ada dan terisi.", "en": "Every required section is present."},
    "required_bad": {
        "id": "Bagian kosong atau tidak lengkap: {names}.",
        "en": "Sections missing or incomplete: {names}.",
    },
    "minutes_ok": {
        "id": "Jumlah menit kegiatan = {total} menit, sesuai alokasi waktu.",
        "en": "Activity minutes add up to {total}, as planned.",
    },
    "minutes_bad": {
        "id": "Jumlah menit kegiatan {found}, padahal alokasi waktu {total} menit.",
        "en": "Activity minutes add up to {found}, but the duration is {total} minutes.",
    },
    "verbs_ok": {
        "id": "Tujuan pembelajaran memakai kata kerja operasional.",
        "en": "The objectives use operational verbs.",
    },
    "verbs_bad": {
        "id": "Tujuan tanpa kata kerja operasional: {items}.",
        "en": "Objectives without an operational verb: {items}.",
    },
    "verbs_nonop": {
        "id": " ('{verbs}' saja tidak operasional)",
        "en": " ('{verbs}' alone is not operational)",
    },
    "outcome_bad": {
        "id": "Hasil belajar harus diawali 'I can ...': {items}.",
        "en": "The learning outcome must start with 'I can ...': {items}.",
    },
    "exp_ok": {
        "id": "Pengalaman belajar memahami, mengaplikasi dan merefleksi tercakup.",
        "en": "Learning experiences memahami, mengaplikasi and merefleksi are all covered.",
    },
    "exp_bad": {
        "id": "Pengalaman belajar belum tercakup: {missing}.",
        "en": "Learning experiences not covered: {missing}.",
    },
    "exp_untagged": {
        "id": "{n} langkah tanpa label pengalaman belajar atau prinsip.",
        "en": "{n} step(s) without a learning experience or principle label.",
    },
    "lang_ok": {
        "id": "Bahasa rencana: Indonesia, sesuai permintaan.",
        "en": "Plan language: English, as asked.",
    },
    "lang_bad": {
        "id": "Bagian tidak berbahasa yang diminta ({want}): {names}.",
        "en": "Sections not in the requested language ({want}): {names}.",
    },
    "bloom_ok": {
        "id": "Setiap kegiatan berlevel Bloom; ada level tinggi ({levels}).",
        "en": "Every activity has a Bloom level; higher-order present ({levels}).",
    },
    "bloom_missing": {
        "id": "{n} kegiatan tanpa level Bloom.",
        "en": "{n} activit(ies) without a Bloom level.",
    },
    "bloom_low": {
        "id": "Tidak ada kegiatan level tinggi (C4 menganalisis, C5 mengevaluasi, C6 mencipta).",
        "en": "No higher-order activity (C4 analyse, C5 evaluate, C6 create).",
    },
}


def _t(key: str, language: str, **values: object) -> str:
    return _TEXTS[key]["en" if language == "en" else "id"].format(**values)


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside a nested content dict."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def section_text(section: PlanSection) -> str:
    """All text of a section, joined by newlines."""
    return "\n".join(text for text in strings_in(section.content) if text.strip())


def _present(plan: LessonPlan) -> dict[str, PlanSection]:
    return {section.key: section for section in plan.sections if section.author != "missing"}


def check_required_sections(plan: LessonPlan) -> CheckResult:
    """Every section of the format is present, valid for its content model and not blank."""
    language = plan.request.language
    present = _present(plan)
    failing: list[str] = []
    for spec in FORMATS[plan.request.format]:
        section = present.get(spec.key)
        if section is None:
            failing.append(spec.key)
            continue
        try:
            section.typed()
        except ValidationError:
            failing.append(spec.key)
            continue
        if not section_text(section).strip() or any(
            not text.strip() for text in strings_in(section.content) if spec.kind != "CPContent"
        ):
            failing.append(spec.key)
    names = ", ".join(_title(plan, key) for key in failing)
    return CheckResult(
        name="required_sections",
        passed=not failing,
        message=_t("required_bad", language, names=names) if failing else _t("required_ok", language),
        sections=failing,
    )


def _title(plan: LessonPlan, key: str) -> str:
    for spec in FORMATS[plan.request.format]:
        if spec.key == key:
            return spec.title(plan.request.language)
    return key


def _activities(plan: LessonPlan) -> tuple[str, ActivitiesContent] | None:
    key = activity_section_key(plan.request.format)
    if key is None:
        return None
    section = _present(plan).get(key)
    if section is None:
        return None
    try:
        return key, ActivitiesContent.model_validate(section.content)
    except ValidationError:
        return None


def _cycles(plan: LessonPlan) -> tuple[CyclesContent | None, ExitTicketContent | None]:
    present = _present(plan)
    cycles = exit_ticket = None
    try:
        if "learning_cycles" in present:
            cycles = CyclesContent.model_validate(present["learning_cycles"].content)
        if "exit_ticket" in present:
            exit_ticket = ExitTicketContent.model_validate(present["exit_ticket"].content)
    except ValidationError:
        return None, None
    return cycles, exit_ticket


def check_minutes(plan: LessonPlan) -> CheckResult:
    """The minutes of the activities (or cycles plus exit ticket) add up to the stated duration."""
    language = plan.request.language
    total = plan.request.duration.total_minutes
    if plan.request.format == "lesson-plan":
        cycles, exit_ticket = _cycles(plan)
        found = sum(c.minutes for c in cycles.cycles) if cycles else 0
        found += exit_ticket.minutes if exit_ticket else 0
        # a part not written yet is blamed alone, so the written part is not regenerated for it
        sections = [
            key for key, part in (("learning_cycles", cycles), ("exit_ticket", exit_ticket)) if part is None
        ]
        sections = sections or ["learning_cycles", "exit_ticket"]
    else:
        activities = _activities(plan)
        found = 0
        if activities is not None:
            found = sum(phase.minutes for meeting in activities[1].meetings for phase in meeting.phases)
        sections = [activity_section_key(plan.request.format) or ""]
    passed = found == total
    return CheckResult(
        name="minutes",
        passed=passed,
        message=_t("minutes_ok", language, total=total)
        if passed
        else _t("minutes_bad", language, found=found, total=total),
        sections=[] if passed else sections,
    )


def check_operational_verbs(plan: LessonPlan) -> CheckResult:
    """Every objective states an operational verb; an English outcome starts with 'I can'."""
    language = plan.request.language
    key = objectives_section_key(plan.request.format)
    section = _present(plan).get(key)
    bad: list[str] = []
    outcome_bad: list[str] = []
    nonop: set[str] = set()
    if section is not None:
        try:
            objectives = ObjectivesContent.model_validate(section.content).objectives
        except ValidationError:
            objectives = []
        other = "en" if language == "id" else "id"
        for objective in objectives:
            # a bank card keeps its own language (an English card in an Indonesian plan)
            if not is_operational(objective.text, language) and not (
                section.author == "bank" and is_operational(objective.text, other)
            ):
                bad.append(objective.text[:80])
                nonop.update(non_operational_verbs(objective.text, language))
            if (
                plan.request.format == "lesson-plan"
                and language == "en"
                and not re.match(r"\s*I can\b", objective.text)
            ):
                outcome_bad.append(objective.text[:80])
        if not objectives:
            bad.append("-")
    else:
        bad.append("-")
    passed = not bad and not outcome_bad
    if passed:
        message = _t("verbs_ok", language)
    else:
        parts = []
        if bad:
            extra = _t("verbs_nonop", language, verbs="/".join(sorted(nonop))) if nonop else ""
            parts.append(_t("verbs_bad", language, items="; ".join(bad)) + extra)
        if outcome_bad:
            parts.append(_t("outcome_bad", language, items="; ".join(outcome_bad)))
        message = " ".join(parts)
    return CheckResult(
        name="operational_verbs", passed=passed, message=message, sections=[] if passed else [key]
    )


def check_experiences(plan: LessonPlan) -> CheckResult:
    """(Mendalam) memahami, mengaplikasi and merefleksi each appear; every step names one and a principle."""
    language = plan.request.language
    activities = _activities(plan)
    key = activity_section_key(plan.request.format) or ""
    steps = (
        [step for meeting in activities[1].meetings for phase in meeting.phases for step in phase.steps]
        if activities
        else []
    )
    covered = {step.experience for step in steps if step.experience}
    missing = [name for name in EXPERIENCES if name not in covered]
    untagged = sum(1 for step in steps if not step.experience or not step.principle)
    passed = not missing and untagged == 0 and bool(steps)
    parts = []
    if missing:
        parts.append(_t("exp_bad", language, missing=", ".join(missing)))
    if untagged:
        parts.append(_t("exp_untagged", language, n=untagged))
    return CheckResult(
        name="learning_experiences",
        passed=passed,
        message=_t("exp_ok", language)
        if passed
        else " ".join(parts) or _t("exp_bad", language, missing=", ".join(EXPERIENCES)),
        sections=[] if passed else [key],
    )


def check_language(plan: LessonPlan) -> CheckResult:
    """Sections written by the model or the teacher are in the requested language."""
    language = plan.request.language
    present = _present(plan)
    failing = []
    for spec in FORMATS[plan.request.format]:
        section = present.get(spec.key)
        if section is None or not spec.language_checked or section.author in ("code", "bank"):
            continue
        text = section_text(section)
        if len(re.findall(r"[A-Za-z]+", text)) < MIN_WORDS_FOR_LANGUAGE:
            continue
        if detect_language(text) != language:
            failing.append(spec.key)
    want = "Indonesia" if language == "id" else "English"
    return CheckResult(
        name="language",
        passed=not failing,
        message=_t("lang_ok", language)
        if not failing
        else _t("lang_bad", language, want=want, names=", ".join(_title(plan, k) for k in failing)),
        sections=failing,
    )


def check_bloom(plan: LessonPlan) -> CheckResult:
    """Every activity (or learning cycle) carries a Bloom level and at least one is higher-order."""
    language = plan.request.language
    if plan.request.format == "lesson-plan":
        cycles, _ = _cycles(plan)
        levels = [cycle.bloom for cycle in cycles.cycles] if cycles else []
        key = "learning_cycles"
    else:
        activities = _activities(plan)
        levels = (
            [
                step.bloom
                for meeting in activities[1].meetings
                for phase in meeting.phases
                for step in phase.steps
            ]
            if activities
            else []
        )
        key = activity_section_key(plan.request.format) or ""
    missing = sum(1 for level in levels if level is None)
    higher = sorted({level for level in levels if level in HIGHER_ORDER})
    passed = bool(levels) and missing == 0 and bool(higher)
    parts = []
    if missing:
        parts.append(_t("bloom_missing", language, n=missing))
    if not higher:
        parts.append(_t("bloom_low", language))
    return CheckResult(
        name="bloom",
        passed=passed,
        message=_t("bloom_ok", language, levels=", ".join(higher)) if passed else " ".join(parts),
        sections=[] if passed else [key],
    )


def _learner_texts(plan: LessonPlan) -> dict[str, list[str]]:
    """Section key -> the texts learners act on: activity steps, LKPD tasks, cycle practice."""
    present = _present(plan)
    found: dict[str, list[str]] = {}
    activities = _activities(plan)
    if activities is not None:
        key, content = activities
        found[key] = [
            step.text for meeting in content.meetings for phase in meeting.phases for step in phase.steps
        ]
    worksheet = present.get("lkpd")
    if worksheet is not None:
        try:
            found["lkpd"] = WorksheetContent.model_validate(worksheet.content).tasks
        except ValidationError:
            found["lkpd"] = ["-"]
    cycles, _ = _cycles(plan)
    if cycles is not None:
        found["learning_cycles"] = [cycle.practice for cycle in cycles.cycles]
    return found


def check_substance(plan: LessonPlan) -> CheckResult:
    """Every activity step and LKPD task is a complete sentence without markup debris, and the
    objectives name the topic's concepts (model- or template-written objectives; bank objectives
    were checked when the card was written)."""
    language = plan.request.language
    broken = {
        key: [t for t in texts if not is_complete_sentence(t, 3)]
        for key, texts in _learner_texts(plan).items()
    }
    broken = {key: texts for key, texts in broken.items() if texts}
    key = objectives_section_key(plan.request.format)
    section = _present(plan).get(key)
    off_topic: list[str] = []
    if section is not None and section.author not in ("bank", "teacher"):
        wanted = {token for token in tokenize(plan.request.topic) if len(token) >= 3}
        for source in section.sources:
            wanted |= {token for token in tokenize(source.excerpt) if len(token) >= 4}
        try:
            objectives = ObjectivesContent.model_validate(section.content).objectives
        except ValidationError:
            objectives = []
        off_topic = [o.text[:80] for o in objectives if wanted and not wanted & set(tokenize(o.text))]
    sections = sorted(broken) + ([key] if off_topic else [])
    if not sections:
        return CheckResult(name="substance", passed=True, message=_t("substance_ok", language), sections=[])
    parts = []
    if broken:
        first = next(iter(broken.values()))[0]
        parts.append(_t("substance_fragment", language, n=sum(map(len, broken.values())), example=first[:60]))
    if off_topic:
        parts.append(_t("substance_off_topic", language, items="; ".join(off_topic)))
    return CheckResult(name="substance", passed=False, message=" ".join(parts), sections=sections)


def check_plan(plan: LessonPlan) -> list[CheckResult]:
    """All checks that apply to the plan's format."""
    results = [
        check_required_sections(plan),
        check_minutes(plan),
        check_operational_verbs(plan),
        check_language(plan),
        check_bloom(plan),
        check_substance(plan),
    ]
    if plan.request.format == "mendalam":
        results.insert(3, check_experiences(plan))
    return results


def failures_for(plan: LessonPlan, key: str) -> list[CheckResult]:
    """The failing checks that name section ``key``."""
    return [result for result in check_plan(plan) if not result.passed and key in result.sections]


def section_checks(plan: LessonPlan, key: str) -> list[CheckResult]:
    """The checks that concern section ``key`` (passed ones included), for display next to it."""
    results = []
    for result in check_plan(plan):
        if key in result.sections or (result.passed and _concerns(plan, result.name, key)):
            results.append(result)
    return results


def _concerns(plan: LessonPlan, name: str, key: str) -> bool:
    fmt = plan.request.format
    if name in ("minutes", "bloom", "learning_experiences"):
        return key in (activity_section_key(fmt), "learning_cycles", "exit_ticket")
    if name == "operational_verbs":
        return key == objectives_section_key(fmt)
    return False
