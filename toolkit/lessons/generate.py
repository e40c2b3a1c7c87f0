"""Write a plan section by section, check each section, regenerate once, and stream every finished section.

``stream_plan`` yields a ``PlanEvent`` after grounding, after each section and at the end, so the
UI and the command line can show the plan as it grows. A section that fails a check is
regenerated once with the failure named in the prompt; if it still fails, code repairs it (and the
section's notes say so); what still fails is shown. A provider failure stops the plan with one
clear sentence and keeps the sections already written (the plan is marked incomplete).

Nothing here saves: the caller keeps the plan of the ``done`` or ``error`` event (and the plan a
regeneration or an edit returns) with ``toolkit.tools.LESSON_PLAN.save``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from langchain_core.language_models.chat_models import BaseChatModel
from pydantic import BaseModel, ValidationError

from toolkit.bank.chapter import card_from_chapter
from toolkit.bank.loader import load_bank
from toolkit.bank.match import CardMatch, match_card
from toolkit.bank.models import TopicCard
from toolkit.errors import ProviderError, ToolkitError
from toolkit.index.retrieval import HybridRetriever
from toolkit.lessons.builders import BUILDERS, repair
from toolkit.lessons.checks import check_plan, failures_for, section_checks
from toolkit.lessons.context import BuildContext
from toolkit.lessons.enrich import ENRICHABLE, enrich_text
from toolkit.lessons.formats import FORMATS, SectionSpec, spec_for
from toolkit.lessons.from_card import COMPOSERS, card_source
from toolkit.lessons.grounding import Grounding, TeacherDocument
from toolkit.lessons.models import (
    CONTENT_MODELS,
    FORMAT_NAMES,
    Author,
    LessonInputError,
    LessonPlan,
    LessonRequest,
    PlanSection,
    SourceRef,
)
from toolkit.lessons.prompting import Drafter
from toolkit.llm.loop import generate_checked
from toolkit.settings import Settings

EventKind = Literal["grounded", "section", "done", "error"]


@dataclass
class PlanEvent:
    """Something that happened while a plan was written; ``plan`` is the plan so far."""

    kind: EventKind
    plan: LessonPlan
    section_key: str | None = None
    message: str = ""


def plan_title(request: LessonRequest) -> str:
    """``Modul Ajar (Kurikulum Merdeka): IPA Fase D kelas 7, fotosintesis``."""
    name = FORMAT_NAMES[request.format][request.language]
    grade = "grade" if request.language == "en" else "kelas"
    return (
        f"{name}: {request.subject_name} Fase {request.fase} {grade} {request.kelas_label}, {request.topic}"
    )


def empty_plan(request: LessonRequest, model_name: str = "") -> LessonPlan:
    """A plan with every section of its format marked missing."""
    return LessonPlan(
        request=request,
        title=plan_title(request),
        model=model_name,
        sections=[
            PlanSection(key=spec.key, title=spec.title(request.language), kind=spec.kind)
            for spec in FORMATS[request.format]
        ],
    )


def _replace(plan: LessonPlan, section: PlanSection) -> None:
    plan.sections = [section if s.key == section.key else s for s in plan.sections]


def _sources_for(
    spec: SectionSpec, grounding: Grounding, cp_sources: list[SourceRef], topic_sources: list[SourceRef]
) -> list[SourceRef]:
    if spec.builder == "cp":
        return cp_sources
    if spec.builder in ("identity", "target", "dimensi", "references"):
        return []
    if spec.builder in ("reading", "subject_matter", "key_points"):
        return topic_sources[:2]
    return grounding.passages_for(spec.query)


def write_section(
    plan: LessonPlan,
    spec: SectionSpec,
    sources: list[SourceRef],
    drafter: Drafter,
    *,
    instruction: str = "",
    card: TopicCard | None = None,
) -> PlanSection:
    """Build one section, check it, regenerate once if it fails, repair with code if it still fails.

    The draft-check-regenerate steps are the shared loop ``toolkit.llm.loop.generate_checked``;
    sections that never ask the model are checked once and not regenerated.

    With a topic card, the sections the bank can fill are composed from the card (``from_card``);
    the model, when used, may only add sentences that pass ``enrich.accept_sentences``.
    """
    builder = BUILDERS[spec.builder]
    context = BuildContext(
        request=plan.request,
        spec=spec,
        plan=plan,
        sources=sources,
        drafter=drafter,
        problems=instruction,
        card=card,
    )
    if card is not None and spec.builder in COMPOSERS:
        composed = COMPOSERS[spec.builder](context)
        if composed is not None:
            return _write_from_card(plan, spec, context, composed)
    first: PlanSection | None = None
    retry_context = context

    def draft(attempt: int, problems: str) -> PlanSection:
        nonlocal first, retry_context
        if attempt == 0:
            built = builder.build(context)
            first = PlanSection(
                key=spec.key,
                title=spec.title(plan.request.language),
                kind=spec.kind,
                content=built.content.model_dump(mode="json"),
                sources=sources,
                author=built.author,
                notes=list(built.notes),
            )
            if spec.builder == "references":
                first.sources = plan.sources()
            return first
        assert first is not None
        retry_context = BuildContext(
            request=plan.request, spec=spec, plan=plan, sources=sources, drafter=drafter, problems=problems
        )
        rebuilt = builder.build(retry_context)
        return first.model_copy(
            update={
                "content": rebuilt.content.model_dump(mode="json"),
                "author": rebuilt.author,
                "notes": [
                    *rebuilt.notes,
                    _say(plan, "Dibuat ulang sekali karena: ", "Regenerated once because: ") + problems,
                ],
            }
        )

    def validate(candidate: PlanSection) -> tuple[PlanSection, str]:
        _replace(plan, candidate)
        return candidate, " ".join(failure.message for failure in failures_for(plan, spec.key))

    outcome = generate_checked(draft, validate, regenerate=builder.uses_model, unusable=None)
    assert outcome.value is not None  # builders always build (code templates never fail to)
    section = outcome.value
    regenerated = builder.uses_model and outcome.status != "passed"
    stats = {"draft_passed": outcome.status == "passed", "regenerated": regenerated, "repaired": False}
    if regenerated and not outcome.usable:
        failures = failures_for(plan, spec.key)
        content = CONTENT_MODELS[spec.kind].model_validate(section.content)
        fixed, kept_model_text = repair(retry_context, content, {failure.name for failure in failures})
        section = section.model_copy(
            update={
                "content": fixed.model_dump(mode="json"),
                "author": "model+code" if kept_model_text else "code",
                "notes": [
                    *section.notes,
                    _say(plan, "Masih gagal cek, diperbaiki kode: ", "Still failing, repaired by code: ")
                    + " ".join(f.message for f in failures),
                ],
            }
        )
        stats["repaired"] = True
        _replace(plan, section)
    section.checks = section_checks(plan, spec.key)
    _replace(plan, section)
    plan.stats.setdefault("sections", {})[spec.key] = stats
    return section


def _write_from_card(
    plan: LessonPlan, spec: SectionSpec, context: BuildContext, content: BaseModel
) -> PlanSection:
    """A section composed from the topic card (then enriched by the model where that is allowed)."""
    assert context.card is not None
    author: Author = "bank"
    notes: list[str] = []
    if plan.request.use_model and spec.builder in ENRICHABLE:
        content, added, note = enrich_text(context, content)
        if added:
            author = "bank+model"
        if note:
            notes.append(note)
    section = PlanSection(
        key=spec.key,
        title=spec.title(plan.request.language),
        kind=spec.kind,
        content=content.model_dump(mode="json"),
        sources=[card_source(context.card)],
        author=author,
        notes=notes,
    )
    _replace(plan, section)
    section.checks = section_checks(plan, spec.key)
    _replace(plan, section)
    plan.stats.setdefault("sections", {})[spec.key] = {
        "draft_passed": True,
        "regenerated": False,
        "repaired": False,
        "bank": True,
    }
    return section


def _say(plan: LessonPlan, indonesian: str, english: str) -> str:
    return english if plan.request.language == "en" else indonesian


def find_card(request: LessonRequest, retriever: HybridRetriever | None) -> CardMatch | None:
    """The topic card for the request (None when the bank has none, or the teacher gave a chapter)."""
    if request.teacher_document or not request.use_bank:
        return None
    return match_card(
        request.topic, request.subject, kelas=request.kelas, fase=request.fase, retriever=retriever
    )


def chapter_card(request: LessonRequest, document: TeacherDocument | None) -> TopicCard | None:
    """A one-plan card from the teacher's uploaded chapter (None without one, or when it has too little)."""
    if document is None:
        return None
    return card_from_chapter(
        document.name,
        [(hit.citation.heading, hit.text) for hit in document.hits],
        subject=request.subject,
        fase=request.fase or "",
        kelas=request.kelas,
        topic=request.topic,
        language=request.language,
    )


def no_card_message(request: LessonRequest, has_document: bool) -> str:
    """Why the plan is not composed from the bank, and what the teacher can do."""
    if has_document:
        return _say_request(
            request,
            "Dokumen yang Anda unggah tidak memuat cukup definisi (kalimat 'X adalah ...') untuk menyusun "
            "tujuan dan kegiatan darinya; bagian rencana ditulis dari dokumen itu dan CP oleh model atau templat.",
            "Your uploaded document holds too few definitions ('X is ...') to build objectives and activities "
            "from; the plan's sections are written from it and the CP by the model or templates.",
        )
    return _say_request(
        request,
        f"Bank topik belum memiliki kartu untuk '{request.topic}' ({request.subject_name} kelas "
        f"{request.kelas_label}). Rencana ini hanya berpijak pada CP dan dokumen di indeks; unggah bab "
        "Buku Siswa Anda (PDF/DOCX/teks) agar tujuan, kegiatan, dan soal diambil dari bab itu.",
        f"The topic bank has no card for '{request.topic}' ({request.subject_name} grade "
        f"{request.kelas_label}). This plan rests on the CP and indexed documents only; upload your "
        "student-book chapter (PDF/DOCX/text) so that objectives, activities and questions come from it.",
    )


def _say_request(request: LessonRequest, indonesian: str, english: str) -> str:
    return english if request.language == "en" else indonesian


def load_teacher_document(path: str | Path | None) -> TeacherDocument | None:
    """The teacher's document for this plan (``IngestError`` with a clear sentence when unreadable)."""
    if path is None or not str(path).strip():
        return None
    return TeacherDocument.load(Path(path))


def stream_plan(
    request: LessonRequest,
    *,
    llm: BaseChatModel | None,
    retriever: HybridRetriever,
    settings: Settings | None = None,
    model_name: str = "",
    owner: str = "",
) -> Iterator[PlanEvent]:
    """Write the plan section by section, yielding after grounding, after each section and at the end.

    Bad input (unknown topic, unreadable upload) raises ``LessonInputError``/``IngestError`` before
    any section is written. A provider failure ends the stream with an ``error`` event whose plan
    keeps the sections written so far (status ``incomplete``), for the caller to save.
    """
    started = time.perf_counter()
    teacher_document = load_teacher_document(request.teacher_document)
    plan = empty_plan(request, model_name or (settings.describe_provider() if settings else ""))
    plan.owner = owner
    grounding = Grounding(request, retriever, teacher_document)
    match = find_card(request, retriever)
    card = match.card if match is not None else chapter_card(request, teacher_document)
    if match is not None:
        plan.card_id = match.card.id
        plan.card_note = match.describe(request.language)
        topic_sources = [card_source(match.card)]
    elif card is not None and teacher_document is not None:
        plan.card_note = _say_request(
            request,
            f"Disusun dari bab yang Anda unggah ({teacher_document.name}): {len(card.concepts)} konsep, "
            f"{len(card.activities[1].steps)} tugas LKPD.",
            f"Built from your uploaded chapter ({teacher_document.name}): {len(card.concepts)} concepts, "
            f"{len(card.activities[1].steps)} worksheet tasks.",
        )
        topic_sources = [card_source(card)]
    else:
        topic_sources = grounding.check_topic()
        plan.warnings.append(no_card_message(request, teacher_document is not None))
    plan.cp, cp_sources = grounding.cp()
    if not plan.cp.found:
        plan.warnings.append(plan.cp.message)
    drafter = Drafter(llm=llm if request.use_model else None, request=request, settings=settings)
    plan.prompt_version = drafter.prompt_version if drafter.llm is not None else ""
    yield PlanEvent("grounded", plan)
    for spec in FORMATS[request.format]:
        section_started = time.perf_counter()
        try:
            sources = _sources_for(spec, grounding, cp_sources, topic_sources)
            write_section(plan, spec, sources, drafter, card=card)
        except ProviderError as exc:
            plan.status = "incomplete"
            plan.warnings.append(str(exc))
            _finish(plan, started, drafter)
            yield PlanEvent("error", plan, spec.key, str(exc))
            return
        plan.stats.setdefault("section_seconds", {})[spec.key] = round(
            time.perf_counter() - section_started, 2
        )
        if "first_section_s" not in plan.stats:
            plan.stats["first_section_s"] = round(time.perf_counter() - started, 2)
        yield PlanEvent("section", plan, spec.key)
    plan.status = "complete"
    _finish(plan, started, drafter)
    yield PlanEvent("done", plan)


def _finish(plan: LessonPlan, started: float, drafter: Drafter) -> None:
    plan.checks = check_plan(plan)
    plan.stats["total_s"] = round(time.perf_counter() - started, 2)
    plan.stats["model_calls"] = drafter.calls


def generate_plan(request: LessonRequest, **kwargs: object) -> LessonPlan:
    """The complete plan (the last event's plan); raises the provider error if one stopped it."""
    last: PlanEvent | None = None
    for event in stream_plan(request, **kwargs):  # type: ignore[arg-type]
        last = event
    if last is None:  # pragma: no cover - stream_plan always yields
        raise ToolkitError("No plan was written.")
    if last.kind == "error":
        raise ProviderError(last.message)
    return last.plan


def regenerate_section(
    plan: LessonPlan,
    key: str,
    *,
    llm: BaseChatModel,
    retriever: HybridRetriever,
    settings: Settings | None = None,
    instruction: str = "",
) -> LessonPlan:
    """A copy of ``plan`` with section ``key`` written again (the other sections are untouched)."""
    spec = spec_for(plan.request.format, key)
    updated = plan.model_copy(deep=True)
    teacher_document = None
    document_path = plan.request.teacher_document
    if document_path and Path(document_path).is_file():
        teacher_document = load_teacher_document(document_path)
    grounding = Grounding(plan.request, retriever, teacher_document)
    cp_sources = [source for source in plan.section(key).sources] if spec.builder == "cp" else []
    topic_sources = updated.sources()[:2]
    drafter = Drafter(llm=llm, request=plan.request, settings=settings)
    sources = _sources_for(spec, grounding, cp_sources, topic_sources)
    card = next((c for c in load_bank() if c.id == plan.card_id), None) if plan.card_id else None
    write_section(updated, spec, sources, drafter, instruction=instruction.strip(), card=card)
    updated.checks = check_plan(updated)
    return updated


def edit_section(plan: LessonPlan, key: str, text: str) -> LessonPlan:
    """A copy of ``plan`` whose section ``key`` holds the teacher's YAML text (validated; checks re-run)."""
    spec = spec_for(plan.request.format, key)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LessonInputError(
            _say(
                plan,
                f"Teks bagian '{spec.title_id}' bukan YAML yang sah: {exc}",
                f"The text of '{spec.title_en}' is not valid YAML: {exc}",
            )
        ) from exc
    try:
        content = CONTENT_MODELS[spec.kind].model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise LessonInputError(
            _say(
                plan,
                f"Bagian '{spec.title_id}' tidak sesuai format ({where}: {first['msg']}).",
                f"'{spec.title_en}' does not fit its format ({where}: {first['msg']}).",
            )
        ) from exc
    updated = plan.model_copy(deep=True)
    old = updated.section(key)
    section = old.model_copy(
        update={
            "content": content.model_dump(mode="json"),
            "author": "teacher",
            "notes": [_say(plan, "Disunting guru.", "Edited by the teacher.")],
        }
    )
    _replace(updated, section)
    section.checks = section_checks(updated, key)
    _replace(updated, section)
    updated.checks = check_plan(updated)
    return updated


def section_as_yaml(plan: LessonPlan, key: str) -> str:
    """The section's content as YAML, for the teacher to edit."""
    return str(yaml.safe_dump(plan.section(key).content, allow_unicode=True, sort_keys=False, width=100))
