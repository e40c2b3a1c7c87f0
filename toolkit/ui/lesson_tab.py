"""The "Rencana Pembelajaran / Lesson plan" tab: a plan streamed section by section, edited and downloaded.

Thin on purpose: form values become a ``LessonRequest``; ``toolkit.lessons`` writes, checks and
exports; this module renders and saves each finished or changed plan through
``toolkit.tools.LESSON_PLAN``. The plan travels between events as JSON in a ``gr.State``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from toolkit.errors import ToolkitError
from toolkit.lessons.export import export_plan
from toolkit.lessons.generate import edit_section, regenerate_section, section_as_yaml, stream_plan
from toolkit.lessons.models import FORMAT_NAMES, LessonPlan, build_request
from toolkit.llm.provider_errors import explain_provider_error
from toolkit.services import Services
from toolkit.tools import LESSON_PLAN
from toolkit.ui.common import (
    Labelled,
    fase_choices,
    generation_events,
    kelas_choices,
    optional_int,
    participant,
    readable_error,
    subject_choices,
)
from toolkit.ui.i18n import register_texts, t
from toolkit.ui.library_tab import owner_for

register_texts(
    {
        "tab_lesson": {"id": "Rencana Pembelajaran", "en": "Lesson plan"},
        "ls_format": {"id": "Format", "en": "Format"},
        "ls_topic": {"id": "Topik", "en": "Topic"},
        "ls_topic_hint": {"id": "misalnya: fotosintesis", "en": "for example: photosynthesis"},
        "ls_plan_language": {"id": "Bahasa rencana", "en": "Plan language"},
        "ls_jp": {"id": "Jumlah JP", "en": "Periods (JP)"},
        "ls_minutes_per_jp": {"id": "Menit per JP", "en": "Minutes per period"},
        "ls_meetings": {"id": "Jumlah pertemuan", "en": "Meetings"},
        "ls_class_size": {"id": "Jumlah peserta didik", "en": "Class size"},
        "ls_devices": {"id": "Perangkat dan internet", "en": "Devices and internet"},
        "ls_devices_hint": {
            "id": "misalnya: tanpa internet, 1 proyektor",
            "en": "e.g. no internet, Chromebooks",
        },
        "ls_support": {"id": "Peserta didik yang perlu pendampingan", "en": "Learners needing support"},
        "ls_extension": {"id": "Peserta didik yang perlu pengayaan", "en": "Learners needing extension"},
        "ls_document": {
            "id": "Dokumen guru (PDF/DOCX, hanya untuk rencana ini)",
            "en": "Your document (PDF/DOCX, this plan only)",
        },
        "ls_generate": {"id": "Buat rencana", "en": "Write the plan"},
        "ls_plan": {"id": "Rencana", "en": "Plan"},
        "ls_checks": {"id": "Hasil pemeriksaan", "en": "Checks"},
        "ls_sources": {"id": "Sumber", "en": "Sources"},
        "ls_section": {"id": "Bagian", "en": "Section"},
        "ls_editor": {"id": "Isi bagian (YAML, bisa disunting)", "en": "Section content (YAML, editable)"},
        "ls_save_edit": {"id": "Simpan suntingan", "en": "Save edit"},
        "ls_instruction": {
            "id": "Arahan untuk membuat ulang (opsional)",
            "en": "Hint for regenerating (optional)",
        },
        "ls_regenerate": {"id": "Buat ulang bagian ini", "en": "Regenerate this section"},
        "ls_downloads": {"id": "Unduh (DOCX, Markdown, JSON)", "en": "Download (DOCX, Markdown, JSON)"},
        "ls_saved": {"id": "Rencana tersimpan", "en": "Saved plans"},
        "ls_refresh": {"id": "Tampilkan rencana tersimpan", "en": "Show saved plans"},
        "ls_open": {"id": "Buka", "en": "Open"},
        "ls_grounded": {
            "id": "Kurikulum ditemukan; menulis bagian demi bagian…",
            "en": "Curriculum found; writing section by section…",
        },
        "ls_writing": {
            "id": "Menulis: {n}/{total} bagian selesai…",
            "en": "Writing: {n}/{total} sections done…",
        },
        "ls_done": {
            "id": "Selesai dan tersimpan di Pustaka. {passed}/{total} pemeriksaan lulus.",
            "en": "Done and saved in the Library. {passed}/{total} checks passed.",
        },
        "ls_stopped": {
            "id": "Terhenti: {error} Bagian yang sudah ditulis tetap tersimpan.",
            "en": "Stopped: {error} The sections already written are kept and saved.",
        },
        "ls_no_plan": {"id": "Buat atau buka rencana dulu.", "en": "Write or open a plan first."},
        "ls_edited": {
            "id": "Suntingan disimpan; pemeriksaan diulang.",
            "en": "Edit saved; checks run again.",
        },
        "ls_regenerated": {
            "id": "Bagian dibuat ulang; bagian lain tidak berubah.",
            "en": "Section regenerated; the others are unchanged.",
        },
        "ls_opened": {"id": "Rencana dibuka.", "en": "Plan opened."},
        "ls_count": {"id": "{n} rencana tersimpan.", "en": "{n} saved plans."},
        "ls_model_note": {
            "id": "Bagian bertanda 'model' ditulis model bawaan yang sangat kecil; bagian 'kode' disusun dari "
            "data dan templat. Periksa dan sunting sebelum dipakai.",
            "en": "Sections marked 'model' were written by the very small embedded model; 'code' sections come "
            "from data and templates. Check and edit before use.",
        },
    }
)

FORMAT_CHOICES = [
    (names["id"] + (f" / {names['en']}" if names["en"] != names["id"] else ""), key)
    for key, names in FORMAT_NAMES.items()
]
PLAN_LANGUAGES = [("Bahasa Indonesia", "id"), ("English", "en")]
FORM_FIELDS = (
    "format",
    "subject",
    "fase",
    "kelas",
    "plan_language",
    "topic",
    "jp",
    "minutes_per_jp",
    "meetings",
    "class_size",
    "devices",
    "support",
    "extension",
    "document",
    "content_source",
)  # the lesson form's inputs in the order of the generate event (before the interface language)
CONTENT_SOURCES = ("bank-model", "bank", "model")
"""Where a plan's substance comes from: the topic bank with the model's additions, the bank alone, the model."""
EMPTY = ("", "", "", "")


def render_checks(plan: LessonPlan, language: str) -> str:
    """Check results as a Markdown list, failing ones first."""
    if not plan.checks:
        return ""
    ordered = sorted(plan.checks, key=lambda check: check.passed)
    return "\n".join(f"- {'✅' if c.passed else '❌'} {c.message}" for c in ordered)


def render_sources(plan: LessonPlan, language: str) -> str:
    """Every source with an excerpt, and which sections used it."""
    used: dict[str, list[str]] = {}
    for section in plan.sections:
        for source in section.sources:
            used.setdefault(source.label, []).append(section.title)
    blocks = []
    for number, source in enumerate(plan.sources(), start=1):
        origin = " (dokumen guru / your document)" if source.origin == "teacher-document" else ""
        quote = "\n".join(f"> {line}" for line in source.excerpt.splitlines() if line.strip())
        sections = ", ".join(used.get(source.label, []))
        blocks.append(f"**[{number}] {source.label}**{origin} — {sections}\n\n{quote}")
    return "\n\n".join(blocks) or t("no_results", language)


def render_plan(plan: LessonPlan) -> str:
    """The plan as Markdown, with each section's author and sources."""
    from toolkit.lessons.export import to_markdown

    return to_markdown(plan)


def section_choices(plan: LessonPlan) -> list[tuple[str, str]]:
    """(title, key) of the sections written so far."""
    return [(section.title, section.key) for section in plan.sections if section.author != "missing"]


def export_files(plan: LessonPlan) -> list[str]:
    """The plan written as DOCX, Markdown and JSON into a fresh temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="kelas-lesson-"))
    stem = "rencana-" + "".join(ch if ch.isalnum() else "-" for ch in plan.request.topic.lower())[:40]
    return [str(export_plan(plan, folder / f"{stem}{suffix}")) for suffix in (".docx", ".md", ".json")]


def save_plan(services: Services, plan: LessonPlan) -> LessonPlan:
    """Save ``plan`` in the Library (an update once it has an id); the plan, with its id."""
    plan.material_id = LESSON_PLAN.save(services.library(), plan, material_id=plan.material_id).id
    return plan


def _outputs(plan: LessonPlan, language: str, status: str, files: bool) -> tuple[Any, ...]:
    choices = section_choices(plan)
    return (
        plan.model_dump(mode="json"),
        render_plan(plan),
        render_checks(plan, language),
        render_sources(plan, language),
        status,
        gr.update(choices=choices, value=choices[0][1] if choices else None),
        export_files(plan) if files else None,
    )


def generate_lesson(
    services: Services,
    form: dict[str, Any],
    language: str,
    owner: str = "",
    who: str = "",
) -> Iterator[tuple[Any, ...]]:
    """Stream (state, plan, checks, sources, status, section choices, files) while the plan is written.

    ``owner`` owns the saved plan; ``who`` is the participant whose generation slot it takes.
    """
    source = form.get("content_source") or "bank-model"
    try:
        request = build_request(
            format=form["format"] or "modul-ajar",
            subject=form["subject"] or "",
            fase=form["fase"] or None,
            kelas=optional_int(form["kelas"]),
            topic=form["topic"] or "",
            duration={
                "jp": int(form["jp"] or 0),
                "minutes_per_jp": int(form["minutes_per_jp"] or 0),
                "meetings": max(1, int(form["meetings"] or 1)),
            },
            language=form["plan_language"] or "id",
            context={
                "class_size": optional_int(form["class_size"]),
                "devices": form["devices"] or "",
                "needs_support": form["support"] or "",
                "needs_extension": form["extension"] or "",
            },
            teacher_document=form["document"] or None,
            use_model=source != "bank",
            use_bank=source != "model",
        )
    except (ToolkitError, ValueError, TypeError, OverflowError) as exc:
        yield None, *EMPTY[:3], readable_error(exc, language), gr.update(), None
        return
    plan: LessonPlan | None = None
    try:
        if services.gate().busy():
            yield None, *EMPTY[:3], t("waiting_turn", language), gr.update(), None
        with services.gate().slot(who, language):
            stream = stream_plan(
                request,
                llm=services.llm() if request.use_model else None,
                retriever=services.retriever(),
                settings=services.settings,
                owner=owner,
            )
            for event in stream:
                plan = event.plan
                if event.kind in ("done", "error"):
                    save_plan(services, plan)
                total = len(plan.sections)
                if event.kind == "grounded":
                    status = t("ls_grounded", language) + (f" {plan.card_note}" if plan.card_note else "")
                elif event.kind == "section":
                    written = sum(1 for s in plan.sections if s.author != "missing")
                    status = t("ls_writing", language, n=written, total=total)
                elif event.kind == "error":
                    status = t("ls_stopped", language, error=event.message)
                else:
                    passed = sum(1 for c in plan.checks if c.passed)
                    status = (
                        t("ls_done", language, passed=passed, total=len(plan.checks))
                        + " "
                        + t("ls_model_note", language)
                    )
                yield _outputs(plan, language, status, files=event.kind in ("done", "error"))
    except Exception as exc:
        error = exc if isinstance(exc, ToolkitError) else explain_provider_error(exc, services.settings)
        message = readable_error(error, language)
        if plan is None:
            yield None, *EMPTY[:3], message, gr.update(), None
        else:
            yield _outputs(plan, language, t("ls_stopped", language, error=message), files=True)


def _plan_from_state(state: dict[str, Any] | None) -> LessonPlan | None:
    return LessonPlan.model_validate(state) if state else None


def edit_lesson_section(
    services: Services, state: dict[str, Any] | None, key: str | None, text: str, language: str
) -> tuple[Any, ...]:
    """Save the teacher's edit of one section."""
    plan = _plan_from_state(state)
    if plan is None or not key:
        return state, gr.update(), gr.update(), gr.update(), t("ls_no_plan", language), gr.update(), None
    try:
        updated = save_plan(services, edit_section(plan, key, text or ""))
    except ToolkitError as exc:
        return state, gr.update(), gr.update(), gr.update(), readable_error(exc, language), gr.update(), None
    return _outputs(updated, language, t("ls_edited", language), files=True)


def regenerate_lesson_section(
    services: Services,
    state: dict[str, Any] | None,
    key: str | None,
    instruction: str,
    language: str,
    who: str = "",
) -> tuple[Any, ...]:
    """Write one section again (a generation slot of ``who``); the others stay as they are."""
    plan = _plan_from_state(state)
    if plan is None or not key:
        return state, gr.update(), gr.update(), gr.update(), t("ls_no_plan", language), gr.update(), None, ""
    try:
        with services.gate().slot(who, language):
            updated = regenerate_section(
                plan,
                key,
                llm=services.llm(),
                retriever=services.retriever(),
                settings=services.settings,
                instruction=instruction or "",
            )
        save_plan(services, updated)
    except Exception as exc:
        error = exc if isinstance(exc, ToolkitError) else explain_provider_error(exc, services.settings)
        return (
            state,
            gr.update(),
            gr.update(),
            gr.update(),
            readable_error(error, language),
            gr.update(),
            None,
            gr.update(),
        )
    outputs = _outputs(updated, language, t("ls_regenerated", language), files=True)
    outputs[5]["value"] = key
    return (*outputs, section_as_yaml(updated, key))


def load_section_text(state: dict[str, Any] | None, key: str | None) -> str:
    """The YAML of one section for the editor."""
    plan = _plan_from_state(state)
    if plan is None or not key:
        return ""
    try:
        return section_as_yaml(plan, key)
    except KeyError:
        return ""


def saved_plan_choices(services: Services, owner: str | None, language: str) -> tuple[Any, str]:
    """The saved plans as dropdown choices."""
    # the owner is part of the query: other accounts' plans never push one's own out of the limit
    materials = services.library().list(kind=LESSON_PLAN.kind, owner=owner, limit=50)
    choices = [(f"{m.title} ({m.updated_at:%Y-%m-%d %H:%M})", m.id) for m in materials]
    return gr.update(choices=choices, value=choices[0][1] if choices else None), t(
        "ls_count", language, n=len(choices)
    )


def open_saved_plan(
    services: Services, material_id: str | None, owner: str | None, language: str
) -> tuple[Any, ...]:
    """Reopen a saved plan."""
    if not material_id:
        return None, *EMPTY[:3], t("ls_no_plan", language), gr.update(), None
    try:
        plan = LESSON_PLAN.load(services.library().get(material_id))
        if owner is not None and plan.owner != owner:
            raise ToolkitError(f"No saved material has the id {material_id}.")
    except ToolkitError as exc:
        return None, *EMPTY[:3], readable_error(exc, language), gr.update(), None
    return _outputs(plan, language, t("ls_opened", language), files=True)


def build_lesson_tab(services: Services, language: gr.Radio, labels: Labelled) -> None:
    """Lay out the tab inside the current ``gr.Blocks`` and wire its events."""
    lang = services.settings.language
    plan_state = gr.State(None)
    with gr.Row():
        fmt = labels.add(
            gr.Dropdown(FORMAT_CHOICES, value="modul-ajar", label=t("ls_format", lang)), label="ls_format"
        )
        subject = labels.add(
            gr.Dropdown(subject_choices(), value="ipa", label=t("subject", lang)), label="subject"
        )
        fase = labels.add(gr.Dropdown(fase_choices(), value="D", label=t("fase", lang)), label="fase")
        kelas = labels.add(gr.Dropdown(kelas_choices(), value="7", label=t("kelas", lang)), label="kelas")
        plan_language = labels.add(
            gr.Radio(PLAN_LANGUAGES, value=lang, label=t("ls_plan_language", lang)), label="ls_plan_language"
        )
    with gr.Row():
        topic = labels.add(
            gr.Textbox(label=t("ls_topic", lang), placeholder=t("ls_topic_hint", lang), scale=3),
            label="ls_topic",
            placeholder="ls_topic_hint",
        )
        jp = labels.add(gr.Number(value=2, precision=0, minimum=0, label=t("ls_jp", lang)), label="ls_jp")
        minutes_per_jp = labels.add(
            gr.Number(value=40, precision=0, minimum=0, label=t("ls_minutes_per_jp", lang)),
            label="ls_minutes_per_jp",
        )
        meetings = labels.add(
            gr.Number(value=1, precision=0, minimum=1, label=t("ls_meetings", lang)), label="ls_meetings"
        )
    with gr.Accordion(t("ls_devices", lang) + " / " + t("ls_document", lang), open=False):
        with gr.Row():
            class_size = labels.add(
                gr.Number(value=None, precision=0, label=t("ls_class_size", lang)), label="ls_class_size"
            )
            devices = labels.add(
                gr.Textbox(label=t("ls_devices", lang), placeholder=t("ls_devices_hint", lang)),
                label="ls_devices",
                placeholder="ls_devices_hint",
            )
        with gr.Row():
            support = labels.add(gr.Textbox(label=t("ls_support", lang)), label="ls_support")
            extension = labels.add(gr.Textbox(label=t("ls_extension", lang)), label="ls_extension")
        document = labels.add(
            gr.File(
                label=t("ls_document", lang), file_types=[".pdf", ".docx", ".md", ".txt"], type="filepath"
            ),
            label="ls_document",
        )
    content_source = labels.add(
        gr.Radio(
            [(t(f"ls_source_{name}", lang), name) for name in CONTENT_SOURCES],
            value="bank-model",
            label=t("ls_source", lang),
        ),
        label="ls_source",
    )
    generate_button = labels.add(gr.Button(t("ls_generate", lang), variant="primary"), value="ls_generate")
    status = gr.Markdown("", elem_id="lesson-status")
    with gr.Row():
        with gr.Column(scale=3):
            plan_view = gr.Markdown(label=t("ls_plan", lang))
        with gr.Column(scale=2):
            checks_view = gr.Markdown()
            downloads = labels.add(
                gr.File(label=t("ls_downloads", lang), file_count="multiple", interactive=False),
                label="ls_downloads",
            )
            section = labels.add(gr.Dropdown([], label=t("ls_section", lang)), label="ls_section")
            editor = labels.add(
                gr.Code(language="yaml", label=t("ls_editor", lang), lines=14), label="ls_editor"
            )
            save_button = labels.add(gr.Button(t("ls_save_edit", lang)), value="ls_save_edit")
            instruction = labels.add(gr.Textbox(label=t("ls_instruction", lang)), label="ls_instruction")
            regenerate_button = labels.add(gr.Button(t("ls_regenerate", lang)), value="ls_regenerate")
            with gr.Accordion(t("ls_sources", lang), open=False):
                sources_view = gr.Markdown()
    with gr.Row():
        saved = labels.add(gr.Dropdown([], label=t("ls_saved", lang), scale=3), label="ls_saved")
        refresh_button = labels.add(gr.Button(t("ls_refresh", lang)), value="ls_refresh")
        open_button = labels.add(gr.Button(t("ls_open", lang)), value="ls_open")

    form_inputs: list[Any] = [
        fmt,
        subject,
        fase,
        kelas,
        plan_language,
        topic,
        jp,
        minutes_per_jp,
        meetings,
        class_size,
        devices,
        support,
        extension,
        document,
        content_source,
        language,
    ]
    names = list(FORM_FIELDS)
    plan_outputs = [plan_state, plan_view, checks_view, sources_view, status, section, downloads]

    def on_generate(
        f: str,
        s: str,
        fa: str,
        k: str,
        pl: str,
        tp: str,
        j: float,
        m: float,
        mt: float,
        cs: float | None,
        dv: str,
        sp: str,
        ex: str,
        doc: str | None,
        src: str,
        ui: str,
        request: gr.Request,
    ) -> Iterator[tuple[Any, ...]]:
        form = dict(zip(names, [f, s, fa, k, pl, tp, j, m, mt, cs, dv, sp, ex, doc, src], strict=True))
        yield from generate_lesson(
            services, form, ui, owner_for(services, request) or "", participant(request)
        )

    def on_edit(state: dict[str, Any] | None, key: str | None, text: str, ui: str) -> tuple[Any, ...]:
        return edit_lesson_section(services, state, key, text, ui)

    def on_regenerate(
        state: dict[str, Any] | None, key: str | None, hint: str, ui: str, request: gr.Request
    ) -> tuple[Any, ...]:
        return regenerate_lesson_section(services, state, key, hint, ui, participant(request))

    def on_refresh(ui: str, request: gr.Request) -> tuple[Any, str]:
        return saved_plan_choices(services, owner_for(services, request), ui)

    def on_open(material_id: str | None, ui: str, request: gr.Request) -> tuple[Any, ...]:
        return open_saved_plan(services, material_id, owner_for(services, request), ui)

    generate_button.click(
        on_generate,
        form_inputs,
        plan_outputs,
        api_name="generate_lesson",
        show_progress="minimal",
        **generation_events(services.settings),
    )
    section.change(load_section_text, [plan_state, section], [editor], api_name="lesson_load_section")
    save_button.click(
        on_edit, [plan_state, section, editor, language], plan_outputs, api_name="lesson_edit_section"
    )
    regenerate_button.click(
        on_regenerate,
        [plan_state, section, instruction, language],
        [*plan_outputs, editor],
        api_name="lesson_regenerate_section",
        **generation_events(services.settings),
    )
    refresh_button.click(on_refresh, [language], [saved, status], api_name="lesson_list_saved")
    open_button.click(on_open, [saved, language], plan_outputs, api_name="lesson_open_saved")
