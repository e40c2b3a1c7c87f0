"""Interface texts in Indonesian (default) and English; tabs look up labels here by key."""

from __future__ import annotations

from typing import Literal

UiLanguage = Literal["id", "en"]

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {"id": "# Perangkat AI untuk Kelas", "en": "# AI Classroom Toolkit"},
    "app_intro": {
        "id": "Buat materi kelas dengan AI yang berpijak pada dokumen kurikulum. Model: {model}.",
        "en": "Make classroom materials with AI grounded in curriculum documents. Model: {model}.",
    },
    "ui_language": {"id": "Bahasa tampilan", "en": "Interface language"},
    "tab_curriculum": {"id": "Kurikulum", "en": "Curriculum"},
    "query": {"id": "Cari atau tanya tentang kurikulum", "en": "Search or ask about the curriculum"},
    "query_hint": {
        "id": "misalnya: tujuan pembelajaran fotosintesis kelas 7",
        "en": "for example: photosynthesis learning goals grade 7",
    },
    "subject": {"id": "Mata pelajaran", "en": "Subject"},
    "fase": {"id": "Fase", "en": "Phase (fase)"},
    "kelas": {"id": "Kelas", "en": "Grade"},
    "any": {"id": "Semua", "en": "Any"},
    "k": {"id": "Jumlah kutipan", "en": "Number of passages"},
    "search_button": {"id": "Cari", "en": "Search"},
    "ask_button": {"id": "Tanya model", "en": "Ask the model"},
    "results": {"id": "Kutipan dengan sumber", "en": "Passages with sources"},
    "answer": {"id": "Jawaban model", "en": "Model answer"},
    "status": {"id": "Status", "en": "Status"},
    "no_results": {
        "id": "Tidak ada kutipan yang cocok. Coba kata lain atau hapus filter.",
        "en": "No matching passages. Try other words or remove the filters.",
    },
    "empty_query": {
        "id": "Tulis dulu pertanyaan atau kata kunci.",
        "en": "Type a question or keywords first.",
    },
    "found": {"id": "{n} kutipan ditemukan.", "en": "{n} passages found."},
    "ls_source": {"id": "Sumber isi rencana", "en": "Where the plan's content comes from"},
    "ls_source_bank-model": {
        "id": "Bank topik + tambahan model (disarankan)",
        "en": "Topic bank + the model's additions (recommended)",
    },
    "ls_source_bank": {
        "id": "Bank topik saja (cepat, tanpa model)",
        "en": "Topic bank only (fast, no model)",
    },
    "ls_source_model": {"id": "Model saja (tanpa bank topik)", "en": "Model only (no topic bank)"},
    "bank_title": {
        "id": "Bank topik: jelajahi bab Buku Siswa",
        "en": "Topic bank: browse the student-book chapters",
    },
    "bank_chapter": {"id": "Bab / topik", "en": "Chapter / topic"},
    "bank_show": {"id": "Tampilkan kartu", "en": "Show card"},
    "bank_count": {
        "id": "{n} kartu topik untuk pilihan ini.",
        "en": "{n} topic cards for this choice.",
    },
    "bank_none": {
        "id": "Belum ada kartu topik untuk pilihan ini.",
        "en": "No topic cards for this choice yet.",
    },
    "bank_pick": {
        "id": "Pilih mata pelajaran dan kelas, lalu bab.",
        "en": "Pick a subject and grade, then a chapter.",
    },
    "thinking": {"id": "Model sedang menulis…", "en": "The model is writing…"},
    "long_query": {
        "id": "Pencarian terlalu panjang; gunakan paling banyak {n} karakter.",
        "en": "The search is too long; use at most {n} characters.",
    },
    "waiting_turn": {
        "id": "Menunggu giliran: model sedang melayani peserta lain…",
        "en": "Waiting for a turn: the model is serving other participants…",
    },
    "done": {"id": "Selesai.", "en": "Done."},
    "sources": {"id": "Sumber", "en": "Sources"},
    "model_note": {
        "id": "Model bawaan sangat kecil: jawabannya menunjukkan alur kerja, bukan kualitas kelas. "
        "Periksa selalu dengan sumbernya.",
        "en": "The embedded model is very small: its answers show the workflow, not classroom "
        "quality. Always check against the sources.",
    },
}


def register_texts(texts: dict[str, dict[str, str]]) -> None:
    """Add a tab's own texts (each tab module keeps its texts beside its code)."""
    for key, entry in texts.items():
        if key in TEXTS and TEXTS[key] != entry:
            raise ValueError(f"UI text key {key!r} is defined twice with different texts")
        TEXTS[key] = entry


def t(key: str, language: str = "id", **values: object) -> str:
    """The text for ``key`` in ``language`` (Indonesian when missing), formatted with values."""
    entry = TEXTS[key]
    text = entry.get(language) or entry["id"]
    return text.format(**values) if values else text
