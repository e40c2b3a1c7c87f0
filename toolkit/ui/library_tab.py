"""The "Pustaka / Library" tab: find, reopen, rename, duplicate, delete (with undo), export, import."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from toolkit.library import Material
from toolkit.material_export import export_material as write_material
from toolkit.material_export import formats_for
from toolkit.services import Services
from toolkit.tools import TOOLS
from toolkit.ui.common import Labelled, readable_error, subject_choices
from toolkit.ui.i18n import register_texts, t

register_texts(
    {
        "tab_library": {"id": "Pustaka", "en": "Library"},
        "library_kind": {"id": "Jenis", "en": "Type"},
        "library_search": {"id": "Cari judul", "en": "Search titles"},
        "library_refresh": {"id": "Tampilkan", "en": "Show"},
        "library_materials": {"id": "Materi tersimpan", "en": "Saved materials"},
        "library_open": {"id": "Buka", "en": "Open"},
        "library_new_title": {"id": "Judul baru", "en": "New title"},
        "library_rename": {"id": "Ganti judul", "en": "Rename"},
        "library_duplicate": {"id": "Gandakan", "en": "Duplicate"},
        "library_delete": {"id": "Hapus", "en": "Delete"},
        "library_undo": {"id": "Batalkan hapus", "en": "Undo delete"},
        "library_export_one": {"id": "Unduh dalam format ini", "en": "Download in this format"},
        "library_export_format": {"id": "Format unduhan", "en": "Download format"},
        "library_exported": {
            "id": "Siap diunduh ({n} berkas): {title}.",
            "en": "Ready to download ({n} files): {title}.",
        },
        "library_export_all": {"id": "Ekspor seluruh pustaka", "en": "Export the whole library"},
        "library_import": {"id": "Impor pustaka (file .json)", "en": "Import a library (.json file)"},
        "library_file": {"id": "File", "en": "File"},
        "library_count": {"id": "{n} materi.", "en": "{n} materials."},
        "library_choose": {"id": "Pilih dulu satu materi.", "en": "Choose a material first."},
        "library_deleted": {
            "id": "Dihapus: {title}. Klik 'Batalkan hapus' untuk mengembalikan.",
            "en": "Deleted: {title}. Click 'Undo delete' to bring it back.",
        },
        "library_restored": {"id": "Dikembalikan: {title}.", "en": "Restored: {title}."},
        "library_imported": {
            "id": "{n} materi diimpor ({present} sudah ada di Pustaka Anda).",
            "en": "{n} materials imported ({present} were already in your Library).",
        },
        "library_saved": {"id": "Tersimpan: {title}.", "en": "Saved: {title}."},
    }
)

KINDS = [("—", ""), *((tool.label(), tool.kind) for tool in TOOLS)]
"""The kind picker: every tool's materials (``toolkit.tools``)."""


def owner_for(services: Services, request: gr.Request | None) -> str | None:
    """Whose materials a request may see: '' in single-user mode, the login in workshop mode, all for trainers."""
    if not services.settings.workshop:
        return ""
    username = getattr(request, "username", None) or ""
    if username and services.accounts().role(username) == "trainer":
        return None
    return username


def material_label(material: Material) -> str:
    """One line naming a material in the picker."""
    return f"{material.title} · {material.kind} · {material.updated_at:%Y-%m-%d %H:%M}"


def list_materials(
    services: Services, kind: str, subject: str, text: str, language: str, request: gr.Request | None = None
) -> tuple[Any, str]:
    """(picker update, status) for the current filters."""
    try:
        found = services.library().list(
            kind=kind or None,
            subject=subject or None,
            text=(text or "").strip()[:200] or None,
            owner=owner_for(services, request),
        )
    except Exception as exc:
        return gr.update(choices=[], value=None), readable_error(exc, language)
    choices = [(material_label(m), m.id) for m in found]
    return gr.update(choices=choices, value=choices[0][1] if choices else None), t(
        "library_count", language, n=len(found)
    )


def _allowed(services: Services, material_id: str, request: gr.Request | None) -> Material:
    material = services.library().get(material_id)
    owner = owner_for(services, request)
    if owner is not None and material.owner != owner:
        raise PermissionError("this material belongs to another account")
    return material


def open_material(
    services: Services, material_id: str | None, language: str, request: gr.Request | None = None
) -> tuple[str, str]:
    """(content as pretty JSON, status)."""
    if not material_id:
        return "", t("library_choose", language)
    try:
        material = _allowed(services, material_id, request)
    except Exception as exc:
        return "", readable_error(exc, language)
    shown = {
        "title": material.title,
        "kind": material.kind,
        "inputs": material.inputs,
        "info": material.info,
        "content": material.content,
    }
    return json.dumps(shown, ensure_ascii=False, indent=2), material_label(material)


def change_material(
    services: Services,
    action: str,
    material_id: str | None,
    new_title: str,
    language: str,
    request: gr.Request | None = None,
) -> tuple[str, str]:
    """Rename, duplicate, delete or restore; returns (id to remember for undo, status)."""
    if not material_id:
        return "", t("library_choose", language)
    library = services.library()
    try:
        material = _allowed(services, material_id, request)
        if action == "rename":
            material = library.rename(material_id, new_title or material.title)
            return "", t("library_saved", language, title=material.title)
        if action == "duplicate":
            copy = library.duplicate(material_id)
            return "", t("library_saved", language, title=copy.title)
        if action == "delete":
            library.delete(material_id)
            return material_id, t("library_deleted", language, title=material.title)
        restored = library.restore(material_id)
        return "", t("library_restored", language, title=restored.title)
    except Exception as exc:
        return "", readable_error(exc, language)


def _write_download(name: str, data: bytes) -> str:
    folder = Path(tempfile.mkdtemp(prefix="kelas-download-"))
    path = folder / name
    path.write_bytes(data)
    return str(path)


def export_formats(
    services: Services, material_id: str | None, request: gr.Request | None = None
) -> tuple[list[str], str]:
    """(formats the chosen material can be downloaded in, the first of them)."""
    if not material_id:
        return ["json"], "json"
    try:
        formats = list(formats_for(_allowed(services, material_id, request).kind))
    except Exception:
        return ["json"], "json"
    return formats, formats[0]


def export_material(
    services: Services,
    material_id: str | None,
    fmt: str,
    language: str,
    request: gr.Request | None = None,
) -> tuple[list[str], str]:
    """(paths of the material written again as ``fmt``, status)."""
    if not material_id:
        return [], t("library_choose", language)
    try:
        material = _allowed(services, material_id, request)
        folder = Path(tempfile.mkdtemp(prefix="kelas-download-"))
        paths = write_material(material, fmt or "json", folder)
    except Exception as exc:
        return [], readable_error(exc, language)
    return [str(path) for path in paths], t("library_exported", language, n=len(paths), title=material.title)


def export_library(
    services: Services, language: str, request: gr.Request | None = None
) -> tuple[str | None, str]:
    """(path of the whole library as one file, status)."""
    owner = owner_for(services, request)
    data = services.library().export_all(owner=owner)
    count = len(json.loads(data)["materials"])
    return _write_download("pustaka-kelas.json", data), t("library_count", language, n=count)


def import_library(
    services: Services, upload: str | None, language: str, request: gr.Request | None = None
) -> str:
    """Status after importing an exported library file."""
    if not upload:
        return t("library_choose", language)
    try:
        added, present = services.library().import_file(
            Path(upload).read_bytes(), owner=owner_for(services, request) or ""
        )
    except Exception as exc:
        return readable_error(exc, language)
    return t("library_imported", language, n=added, present=present)


def build_library_tab(services: Services, language: gr.Radio, labels: Labelled) -> None:
    """Lay out the tab and wire its events."""
    lang = services.settings.language
    with gr.Row():
        kind = labels.add(gr.Dropdown(KINDS, value="", label=t("library_kind", lang)), label="library_kind")
        subject = labels.add(
            gr.Dropdown(subject_choices(), value="", label=t("subject", lang)), label="subject"
        )
        text = labels.add(gr.Textbox(label=t("library_search", lang)), label="library_search")
        refresh = labels.add(
            gr.Button(t("library_refresh", lang), variant="primary"), value="library_refresh"
        )
    picker = labels.add(
        gr.Dropdown(choices=[], label=t("library_materials", lang)), label="library_materials"
    )
    status = gr.Markdown("")
    with gr.Row():
        open_button = labels.add(gr.Button(t("library_open", lang)), value="library_open")
        new_title = labels.add(gr.Textbox(label=t("library_new_title", lang)), label="library_new_title")
        rename = labels.add(gr.Button(t("library_rename", lang)), value="library_rename")
        duplicate = labels.add(gr.Button(t("library_duplicate", lang)), value="library_duplicate")
        delete = labels.add(gr.Button(t("library_delete", lang), variant="stop"), value="library_delete")
        undo = labels.add(gr.Button(t("library_undo", lang)), value="library_undo")
    content = gr.Code(language="json", interactive=False)
    with gr.Row():
        export_format = labels.add(
            gr.Dropdown(["json"], value="json", label=t("library_export_format", lang)),
            label="library_export_format",
        )
        export_one = labels.add(gr.Button(t("library_export_one", lang)), value="library_export_one")
        export_all = labels.add(gr.Button(t("library_export_all", lang)), value="library_export_all")
        download = labels.add(gr.File(label=t("library_file", lang)), label="library_file")
    exported = labels.add(
        gr.File(label=t("library_export_one", lang), file_count="multiple", interactive=False),
        label="library_export_one",
    )
    upload = labels.add(
        gr.File(label=t("library_import", lang), file_types=[".json"], type="filepath"),
        label="library_import",
    )
    last_deleted = gr.State("")

    def on_list(k: str, s: str, q: str, ui: str, request: gr.Request) -> tuple[Any, str]:
        return list_materials(services, k, s, q, ui, request)

    def on_open(material_id: str | None, ui: str, request: gr.Request) -> tuple[str, str]:
        return open_material(services, material_id, ui, request)

    def on_change(action: str) -> Any:
        def handler(material_id: str | None, title: str, ui: str, request: gr.Request) -> tuple[str, str]:
            return change_material(services, action, material_id, title, ui, request)

        return handler

    def on_undo(deleted: str, ui: str, request: gr.Request) -> tuple[str, str]:
        return change_material(services, "restore", deleted or None, "", ui, request)

    filters = [kind, subject, text, language]
    refresh.click(on_list, filters, [picker, status], api_name="library_list")
    open_button.click(on_open, [picker, language], [content, status], api_name="library_open")
    for button, action in ((rename, "rename"), (duplicate, "duplicate"), (delete, "delete")):
        button.click(
            on_change(action),
            [picker, new_title, language],
            [last_deleted, status],
            api_name=f"library_{action}",
        ).then(on_list, filters, [picker, status])
    undo.click(on_undo, [last_deleted, language], [last_deleted, status], api_name="library_undo").then(
        on_list, filters, [picker, status]
    )

    def on_pick(material_id: str | None, request: gr.Request) -> Any:
        formats, first = export_formats(services, material_id, request)
        return gr.update(choices=formats, value=first)

    def on_export_one(
        material_id: str | None, fmt: str, ui: str, request: gr.Request
    ) -> tuple[list[str], str]:
        return export_material(services, material_id, fmt, ui, request)

    def on_export_all(ui: str, request: gr.Request) -> tuple[str | None, str]:
        return export_library(services, ui, request)

    def on_import(path: str | None, ui: str, request: gr.Request) -> str:
        return import_library(services, path, ui, request)

    picker.change(on_pick, [picker], [export_format], api_name="library_formats")
    export_one.click(
        on_export_one, [picker, export_format, language], [exported, status], api_name="library_export"
    )
    export_all.click(on_export_all, [language], [download, status], api_name="library_export_all")
    upload.upload(on_import, [upload, language], [status], api_name="library_import")
