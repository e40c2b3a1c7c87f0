"""The "Lokakarya / Workshop" tab: exercises of the workshop pack, submissions, trainer dashboard."""

from __future__ import annotations

import json
from typing import Any

import gradio as gr

from toolkit.services import Services
from toolkit.ui.common import Labelled, readable_error
from toolkit.ui.i18n import register_texts, t
from toolkit.ui.library_tab import owner_for
from toolkit.workshop import WorkshopPack, available_packs, load_pack, progress, submit

register_texts(
    {
        "tab_workshop": {"id": "Lokakarya", "en": "Workshop"},
        "workshop_exercise": {"id": "Latihan", "en": "Exercise"},
        "workshop_show": {"id": "Tampilkan latihan", "en": "Show exercise"},
        "workshop_start": {"id": "Masukan awal (untuk alatnya)", "en": "Starting input (for the tool)"},
        "workshop_note": {"id": "Catatan / hasil Anda", "en": "Your notes / result"},
        "workshop_material": {
            "id": "ID materi di Pustaka (opsional)",
            "en": "Library material id (optional)",
        },
        "workshop_submit": {"id": "Kumpulkan", "en": "Submit"},
        "workshop_submitted": {"id": "Terkumpul: {exercise}.", "en": "Submitted: {exercise}."},
        "workshop_dashboard": {"id": "Dasbor pelatih", "en": "Trainer dashboard"},
        "workshop_refresh": {"id": "Perbarui dasbor", "en": "Refresh dashboard"},
        "workshop_trainer_only": {
            "id": "Dasbor hanya untuk akun pelatih.",
            "en": "The dashboard is for trainer accounts.",
        },
        "workshop_none": {
            "id": "Tidak ada paket lokakarya di folder workshops/.",
            "en": "No workshop pack in the workshops/ folder.",
        },
    }
)


def current_pack() -> WorkshopPack | None:
    """The first workshop pack shipped with the toolkit, or None."""
    packs = available_packs()
    return load_pack(packs[0]) if packs else None


def exercise_choices(pack: WorkshopPack | None, language: str) -> list[tuple[str, str]]:
    """(Day n · title, id) of every exercise."""
    if pack is None:
        return []
    return [(f"{e.day} · {e.title.get(language)}", e.id) for e in pack.ordered()]


def show_exercise(pack: WorkshopPack | None, exercise_id: str | None, language: str) -> tuple[str, str]:
    """(instructions as Markdown, starting input as JSON)."""
    if pack is None:
        return t("workshop_none", language), ""
    exercise = pack.exercises.get(exercise_id or "")
    if exercise is None:
        return "", ""
    return exercise.as_markdown(language), json.dumps(exercise.starting_input, ensure_ascii=False, indent=2)


def submit_exercise(
    services: Services,
    pack: WorkshopPack | None,
    exercise_id: str | None,
    note: str,
    material_id: str,
    language: str,
    request: gr.Request | None = None,
) -> str:
    """Status line after saving a submission."""
    if pack is None or not exercise_id or exercise_id not in pack.exercises:
        return t("workshop_none", language)
    try:
        owner = owner_for(services, request) or getattr(request, "username", "") or ""
        submit(services.library(), owner, pack.exercises[exercise_id], note or "", material_id or "")
    except Exception as exc:
        return readable_error(exc, language)
    return t("workshop_submitted", language, exercise=pack.exercises[exercise_id].title.get(language))


def dashboard(
    services: Services, pack: WorkshopPack | None, language: str, request: gr.Request | None = None
) -> tuple[list[list[Any]], str]:
    """(rows: participant then one ✓ per exercise, status); trainers only in workshop mode."""
    if pack is None:
        return [], t("workshop_none", language)
    if services.settings.workshop and owner_for(services, request) is not None:
        return [], t("workshop_trainer_only", language)
    done = progress(services.library(), pack)
    participants = sorted(
        {a.username for a in services.accounts().list() if a.role == "participant"} | set(done)
    )
    rows = [
        [name or "(lokal)", *("✓" if e.id in done.get(name, set()) else "" for e in pack.ordered())]
        for name in participants
    ]
    return rows, ""


def build_workshop_tab(services: Services, language: gr.Radio, labels: Labelled) -> None:
    """Lay out the tab and wire its events."""
    lang = services.settings.language
    pack = current_pack()
    if pack is not None:
        gr.Markdown(f"## {pack.title.get(lang)}\n\n{pack.description.get(lang)}")
    exercise = labels.add(
        gr.Dropdown(exercise_choices(pack, lang), label=t("workshop_exercise", lang)),
        label="workshop_exercise",
    )
    show = labels.add(gr.Button(t("workshop_show", lang), variant="primary"), value="workshop_show")
    instructions = gr.Markdown()
    starting = labels.add(
        gr.Code(language="json", label=t("workshop_start", lang), interactive=False), label="workshop_start"
    )
    with gr.Row():
        note = labels.add(gr.Textbox(label=t("workshop_note", lang), lines=3), label="workshop_note")
        material = labels.add(gr.Textbox(label=t("workshop_material", lang)), label="workshop_material")
    send = labels.add(gr.Button(t("workshop_submit", lang)), value="workshop_submit")
    status = gr.Markdown()
    with gr.Accordion(t("workshop_dashboard", lang), open=False):
        refresh = labels.add(gr.Button(t("workshop_refresh", lang)), value="workshop_refresh")
        headers = ["peserta", *(e.id.split("-")[0] for e in pack.ordered())] if pack else ["peserta"]
        table = gr.Dataframe(headers=headers, interactive=False)
        dashboard_status = gr.Markdown()

    def on_show(exercise_id: str | None, ui: str) -> tuple[str, str]:
        return show_exercise(pack, exercise_id, ui)

    def on_submit(exercise_id: str | None, text: str, material_id: str, ui: str, request: gr.Request) -> str:
        return submit_exercise(services, pack, exercise_id, text, material_id, ui, request)

    def on_dashboard(ui: str, request: gr.Request) -> tuple[list[list[Any]], str]:
        return dashboard(services, pack, ui, request)

    show.click(on_show, [exercise, language], [instructions, starting], api_name="workshop_exercise")
    send.click(on_submit, [exercise, note, material, language], [status], api_name="workshop_submit")
    refresh.click(on_dashboard, [language], [table, dashboard_status], api_name="workshop_dashboard")
