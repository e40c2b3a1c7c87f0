"""The "Kuis / Quiz" tab: make a verified quiz, edit its items, export it; thin over toolkit.quiz."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr
from pydantic import ValidationError

from toolkit.errors import validation_sentence
from toolkit.language import BLOOM_NAMES
from toolkit.quiz.editing import delete_item, edit_item, move_item, regenerate_item
from toolkit.quiz.export import FORMATS, export_quiz, write_export
from toolkit.quiz.export.common import key_text
from toolkit.quiz.generate import generate_quiz
from toolkit.quiz.models import QUESTION_TYPES, TYPE_NAMES, Quiz, QuizRequest
from toolkit.services import Services
from toolkit.tools import QUIZ
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
        "tab_quiz": {"id": "Kuis", "en": "Quiz"},
        "quiz_topic": {"id": "Topik atau tujuan pembelajaran", "en": "Topic or learning objective"},
        "quiz_objective": {"id": "Tujuan pembelajaran (boleh kosong)", "en": "Learning objective (optional)"},
        "quiz_source_text": {"id": "Teks sendiri (boleh kosong)", "en": "Your own text (optional)"},
        "quiz_source_file": {"id": "Atau unggah PDF/DOCX/MD/TXT", "en": "Or upload a PDF/DOCX/MD/TXT"},
        "quiz_counts": {"id": "Jumlah soal per jenis", "en": "Number of items per type"},
        "quiz_language": {"id": "Bahasa kuis", "en": "Quiz language"},
        "quiz_difficulty": {"id": "Tingkat kesulitan", "en": "Difficulty"},
        "quiz_bloom": {"id": "Level Bloom yang diutamakan", "en": "Preferred Bloom levels"},
        "quiz_use_model": {
            "id": "Pakai model (tanpa centang: soal dibuat langsung dari teks)",
            "en": "Use the model (unticked: items are built directly from the text)",
        },
        "quiz_generate": {"id": "Buat kuis", "en": "Make quiz"},
        "quiz_items": {"id": "Soal", "en": "Items"},
        "quiz_item_number": {"id": "Nomor soal", "en": "Item number"},
        "quiz_field": {"id": "Bagian yang diubah", "en": "Field to change"},
        "quiz_new_value": {
            "id": "Isi baru (pilihan/kunci: satu per baris)",
            "en": "New value (options/keys: one per line)",
        },
        "quiz_save_edit": {"id": "Simpan perubahan", "en": "Save change"},
        "quiz_delete": {"id": "Hapus", "en": "Delete"},
        "quiz_up": {"id": "Naik", "en": "Move up"},
        "quiz_down": {"id": "Turun", "en": "Move down"},
        "quiz_regenerate": {"id": "Buat ulang soal ini", "en": "Regenerate this item"},
        "quiz_formats": {"id": "Format ekspor", "en": "Export formats"},
        "quiz_include_unverified": {
            "id": "Sertakan soal belum terverifikasi (ditandai)",
            "en": "Include unverified items (marked)",
        },
        "quiz_export": {"id": "Ekspor", "en": "Export"},
        "quiz_files": {"id": "Berkas", "en": "Files"},
        "quiz_none": {"id": "Buat kuis dulu.", "en": "Make a quiz first."},
        "quiz_made": {
            "id": "{n} soal terverifikasi ({model} dari model, {fallback} dari teks), {dropped} dibuang. "
            "Disimpan di pustaka.",
            "en": "{n} verified items ({model} from the model, {fallback} from the text), {dropped} dropped. "
            "Saved to the library.",
        },
        "quiz_exported": {"id": "Ekspor selesai.", "en": "Export done."},
        "quiz_bad_number": {"id": "Nomor soal tidak ada.", "en": "There is no item with that number."},
    }
)

TABLE_COLUMNS = {
    "id": ["No.", "Jenis", "Soal", "Kunci", "Asal", "Terverifikasi", "Sumber", "Pemeriksaan gagal"],
    "en": ["No.", "Type", "Question", "Key", "Origin", "Verified", "Source", "Failed checks"],
}
EDIT_FIELDS = ["stem", "options", "correct", "explanation", "objective"]
LIST_FIELDS = frozenset({"options", "correct"})


def _lang(value: str) -> str:
    return "en" if value == "en" else "id"


def quiz_table(quiz: Quiz | None, language: str) -> list[list[Any]]:
    """Rows of the item table."""
    if quiz is None:
        return []
    rows = []
    for number, item in enumerate(quiz.items, 1):
        rows.append(
            [
                number,
                TYPE_NAMES[item.type][_lang(language)],
                item.stem,
                key_text(item, quiz.language),
                item.origin,
                "✓" if item.verified else "✗",
                item.evidence.citation if item.evidence else "",
                item.failure_reason(),
            ]
        )
    return rows


def quiz_notes(quiz: Quiz | None) -> str:
    """Notes and dropped items as Markdown."""
    if quiz is None:
        return ""
    lines = [f"- {note}" for note in quiz.notes]
    lines += [f"- ✗ [{d.origin}, {d.type}] {d.stem[:80]} — {d.reason}" for d in quiz.dropped]
    return "\n".join(lines)


def _load(state: dict[str, Any] | None) -> Quiz | None:
    return Quiz.model_validate(state) if state else None


def make_quiz(
    services: Services,
    values: dict[str, Any],
    language: str,
    progress: Any = None,
    owner: str = "",
    who: str = "",
) -> tuple[dict[str, Any] | None, str, str]:
    """(quiz as dict, library id, status) for the form values, saved under ``owner``; the
    generation takes a slot of ``who`` (``toolkit.limits``)."""
    source_file = values.get("source_file")
    try:
        counts = {kind: int(values.get(f"count_{kind}") or 0) for kind in QUESTION_TYPES}
    except (TypeError, ValueError, OverflowError):
        return None, "", t("quiz_bad_number", language)
    try:
        request = QuizRequest(
            topic=str(values.get("topic") or ""),
            objective=str(values.get("objective") or ""),
            subject=values.get("subject") or None,
            fase=values.get("fase") or None,
            kelas=optional_int(values.get("kelas")),
            source_text=values.get("source_text") or None,
            source_file=str(source_file) if source_file else None,
            counts={k: v for k, v in counts.items() if v},
            language=_lang(str(values.get("language"))),  # type: ignore[arg-type]
            difficulty=values.get("difficulty") or "mixed",
            bloom_levels=list(values.get("bloom") or []),
            use_model=bool(values.get("use_model")),
        )
    except ValidationError as exc:
        return None, "", validation_sentence(exc)
    try:
        needs_index = not (request.source_text or request.source_file)
        with services.gate().slot(who, language):
            llm = services.llm() if request.use_model else None
            quiz = generate_quiz(
                request,
                llm=llm,
                retriever=services.retriever() if needs_index else None,
                settings=services.settings,
                progress=(lambda done, total, what: progress((done, total), desc=what)) if progress else None,
            )
        material = QUIZ.save(services.library(), quiz, request=request, owner=owner)
    except Exception as exc:
        return None, "", readable_error(exc, language)
    by_origin = {o: sum(1 for i in quiz.items if i.origin == o) for o in ("model", "fallback")}
    status = t(
        "quiz_made",
        language,
        n=len(quiz.items),
        model=by_origin["model"],
        fallback=by_origin["fallback"],
        dropped=len(quiz.dropped),
    )
    return quiz.model_dump(mode="json"), material.id, status


def change_item(
    services: Services,
    state: dict[str, Any] | None,
    material_id: str,
    action: str,
    number: float,
    field: str,
    value: str,
    language: str,
    who: str = "",
) -> tuple[dict[str, Any] | None, str]:
    """Apply one editing action to item ``number`` (1-based) and save; (quiz, status)."""
    quiz = _load(state)
    if quiz is None:
        return state, t("quiz_none", language)
    try:
        index = int(number or 0) - 1
    except (TypeError, ValueError, OverflowError):
        return state, t("quiz_bad_number", language)
    if not 0 <= index < len(quiz.items):
        return state, t("quiz_bad_number", language)
    item_id = quiz.items[index].id
    status = t("done", language)
    try:
        if action == "edit":
            new: Any = (
                [line.strip() for line in value.splitlines() if line.strip()]
                if field in LIST_FIELDS
                else value
            )
            quiz = edit_item(quiz, item_id, {field: new})
            status = quiz.items[index].failure_reason() or status
        elif action == "delete":
            quiz = delete_item(quiz, item_id)
        elif action in ("up", "down"):
            quiz = move_item(quiz, item_id, index - 1 if action == "up" else index + 1)
        elif action == "regenerate":
            use_model = quiz.model != ""
            with services.gate().slot(who, language):
                quiz, status = regenerate_item(
                    quiz, item_id, llm=services.llm() if use_model else None, use_model=use_model
                )
        QUIZ.save(services.library(), quiz, material_id=material_id or None)
    except Exception as exc:
        return state, readable_error(exc, language)
    return quiz.model_dump(mode="json"), status


def export_files(
    state: dict[str, Any] | None, formats: list[str], include_unverified: bool, language: str
) -> tuple[list[str], str]:
    """Write the chosen formats into a temporary folder; (file paths, messages)."""
    quiz = _load(state)
    if quiz is None:
        return [], t("quiz_none", language)
    folder = Path(tempfile.mkdtemp(prefix="kuis-"))
    paths: list[str] = []
    messages: list[str] = []
    for fmt in formats or ["gift"]:
        result = export_quiz(quiz, fmt, include_unverified=include_unverified)
        paths += [str(path) for path in write_export(result, folder)]
        messages += [f"{fmt}: {message}" for message in result.messages]
    return paths, "\n".join(f"- {m}" for m in [t("quiz_exported", language), *messages])


def build_quiz_tab(services: Services, language: gr.Radio, labels: Labelled) -> None:
    """Lay out the tab inside the current ``gr.Blocks`` and wire its events."""
    lang = services.settings.language
    quiz_state = gr.State(None)
    material_state = gr.State("")
    with gr.Row():
        topic = labels.add(gr.Textbox(label=t("quiz_topic", lang), scale=3), label="quiz_topic")
        objective = labels.add(gr.Textbox(label=t("quiz_objective", lang), scale=3), label="quiz_objective")
    with gr.Row():
        subject = labels.add(
            gr.Dropdown(subject_choices(), value="", label=t("subject", lang)), label="subject"
        )
        fase = labels.add(gr.Dropdown(fase_choices(), value="", label=t("fase", lang)), label="fase")
        kelas = labels.add(gr.Dropdown(kelas_choices(), value="", label=t("kelas", lang)), label="kelas")
        quiz_language = labels.add(
            gr.Radio([("Indonesia", "id"), ("English", "en")], value=lang, label=t("quiz_language", lang)),
            label="quiz_language",
        )
    with gr.Row():
        source_text = labels.add(
            gr.Textbox(label=t("quiz_source_text", lang), lines=4, scale=3), label="quiz_source_text"
        )
        source_file = labels.add(
            gr.File(
                label=t("quiz_source_file", lang),
                type="filepath",
                file_types=[".pdf", ".docx", ".md", ".txt"],
                scale=2,
            ),
            label="quiz_source_file",
        )
    labels.add(gr.Markdown(t("quiz_counts", lang)), value="quiz_counts")
    with gr.Row():
        defaults = {"mc": 3, "tf": 2}
        counts = [
            gr.Number(
                value=defaults.get(kind, 0),
                minimum=0,
                maximum=20,
                precision=0,
                label=TYPE_NAMES[kind][lang],
                min_width=90,
            )
            for kind in QUESTION_TYPES
        ]
    with gr.Row():
        difficulty = labels.add(
            gr.Dropdown(["mixed", "easy", "medium", "hard"], value="mixed", label=t("quiz_difficulty", lang)),
            label="quiz_difficulty",
        )
        bloom = labels.add(
            gr.CheckboxGroup(
                [(f"{b} {n[lang]}", b) for b, n in BLOOM_NAMES.items()], label=t("quiz_bloom", lang)
            ),
            label="quiz_bloom",
        )
        use_model = labels.add(
            gr.Checkbox(value=True, label=t("quiz_use_model", lang)), label="quiz_use_model"
        )
    generate_button = labels.add(
        gr.Button(t("quiz_generate", lang), variant="primary"), value="quiz_generate"
    )
    status = gr.Markdown("")
    table = gr.Dataframe(
        headers=TABLE_COLUMNS[lang],
        value=[],
        interactive=False,
        wrap=True,
        label=t("quiz_items", lang),
        column_widths=["48px", "110px", "30%", "15%", "96px", "110px", "15%", "20%"],
    )
    notes = gr.Markdown("")
    with gr.Row():
        number = labels.add(
            gr.Number(value=1, precision=0, minimum=1, label=t("quiz_item_number", lang)),
            label="quiz_item_number",
        )
        field = labels.add(
            gr.Dropdown(EDIT_FIELDS, value="stem", label=t("quiz_field", lang)), label="quiz_field"
        )
        new_value = labels.add(
            gr.Textbox(label=t("quiz_new_value", lang), lines=3, scale=3), label="quiz_new_value"
        )
    with gr.Row():
        save_button = labels.add(gr.Button(t("quiz_save_edit", lang)), value="quiz_save_edit")
        delete_button = labels.add(gr.Button(t("quiz_delete", lang)), value="quiz_delete")
        up_button = labels.add(gr.Button(t("quiz_up", lang)), value="quiz_up")
        down_button = labels.add(gr.Button(t("quiz_down", lang)), value="quiz_down")
        regenerate_button = labels.add(gr.Button(t("quiz_regenerate", lang)), value="quiz_regenerate")
    with gr.Row():
        formats = labels.add(
            gr.CheckboxGroup(list(FORMATS), value=["gift", "docx"], label=t("quiz_formats", lang)),
            label="quiz_formats",
        )
        include_unverified = labels.add(
            gr.Checkbox(value=False, label=t("quiz_include_unverified", lang)),
            label="quiz_include_unverified",
        )
    export_button = labels.add(gr.Button(t("quiz_export", lang)), value="quiz_export")
    files = labels.add(
        gr.File(label=t("quiz_files", lang), file_count="multiple", interactive=False), label="quiz_files"
    )
    export_notes = gr.Markdown("")

    form = [
        topic,
        objective,
        subject,
        fase,
        kelas,
        quiz_language,
        source_text,
        source_file,
        difficulty,
        bloom,
        use_model,
        *counts,
        language,
    ]
    names = [
        "topic",
        "objective",
        "subject",
        "fase",
        "kelas",
        "language",
        "source_text",
        "source_file",
        "difficulty",
        "bloom",
        "use_model",
        *(f"count_{kind}" for kind in QUESTION_TYPES),
    ]

    # one named parameter per form field: Gradio passes the login (gr.Request) only to named parameters
    def on_generate(
        tp: str,
        ob: str,
        su: str,
        fa: str,
        ke: str,
        la: str,
        st: str,
        sf: str | None,
        di: str,
        bl: list[str],
        um: bool,
        n_mc: float,
        n_mr: float,
        n_tf: float,
        n_short: float,
        n_match: float,
        n_order: float,
        n_essay: float,
        ui: str,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        fields = [
            tp,
            ob,
            su,
            fa,
            ke,
            la,
            st,
            sf,
            di,
            bl,
            um,
            n_mc,
            n_mr,
            n_tf,
            n_short,
            n_match,
            n_order,
            n_essay,
        ]
        values = dict(zip(names, fields, strict=True))
        owner = owner_for(services, request) or ""
        state, material_id, message = make_quiz(
            services, values, ui, progress, owner=owner, who=participant(request)
        )
        quiz = _load(state)
        return state, material_id, quiz_table(quiz, ui), quiz_notes(quiz), message

    generate_button.click(
        on_generate,
        form,
        [quiz_state, material_state, table, notes, status],
        api_name="make_quiz",
        **generation_events(services.settings),
    )

    def editor(action: str) -> Any:
        def handler(
            state: Any, material_id: str, n: float, f: str, v: str, ui: str, request: gr.Request
        ) -> tuple[Any, ...]:
            who = participant(request)
            new_state, message = change_item(services, state, material_id, action, n, f, v, ui, who)
            quiz = _load(new_state)
            return new_state, quiz_table(quiz, ui), quiz_notes(quiz), message

        return handler

    edit_inputs = [quiz_state, material_state, number, field, new_value, language]
    edit_outputs = [quiz_state, table, notes, status]
    for button, action, api in (
        (save_button, "edit", "quiz_edit_item"),
        (delete_button, "delete", "quiz_delete_item"),
        (up_button, "up", "quiz_move_up"),
        (down_button, "down", "quiz_move_down"),
        (regenerate_button, "regenerate", "quiz_regenerate_item"),
    ):
        events = generation_events(services.settings) if action == "regenerate" else {}
        button.click(editor(action), edit_inputs, edit_outputs, api_name=api, **events)

    def on_export(state: Any, chosen: list[str], unverified: bool, ui: str) -> tuple[list[str], str]:
        return export_files(state, chosen, unverified, ui)

    export_button.click(
        on_export,
        [quiz_state, formats, include_unverified, language],
        [files, export_notes],
        api_name="quiz_export",
    )


__all__ = ["build_quiz_tab", "change_item", "export_files", "make_quiz", "quiz_notes", "quiz_table"]
