"""The layout of each format: its sections in order, their titles, groups, builders and retrieval hints.

The section keys are the field names of the format models in ``toolkit.lessons.models``; a test
checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionSpec:
    """One section of a format."""

    key: str
    title_id: str
    title_en: str
    kind: str
    """Name of the content model in ``models.CONTENT_MODELS``."""
    builder: str
    """Name of the builder in ``toolkit.lessons.builders.BUILDERS``."""
    group_id: str = ""
    group_en: str = ""
    query: str = ""
    """Words added to the topic when passages are retrieved for this section."""
    language_checked: bool = True
    """False for sections that quote sources verbatim or hold names (CP, references)."""

    def title(self, language: str) -> str:
        """The title in the plan's language."""
        return self.title_en if language == "en" else self.title_id

    def group(self, language: str) -> str:
        """The group heading (e.g. 'Informasi Umum') in the plan's language, or ''."""
        return self.group_en if language == "en" else self.group_id


_UMUM = ("A. Informasi Umum", "A. General information")
_INTI = ("B. Komponen Inti", "B. Core components")
_LAMPIRAN = ("C. Lampiran", "C. Appendices")

MODUL_AJAR: tuple[SectionSpec, ...] = (
    SectionSpec(
        "identitas_modul",
        "Identitas Modul",
        "Module identity",
        "KeyValueContent",
        "identity",
        *_UMUM,
        language_checked=False,
    ),
    SectionSpec(
        "capaian_pembelajaran",
        "Capaian Pembelajaran",
        "Learning outcomes (CP)",
        "CPContent",
        "cp",
        *_UMUM,
        language_checked=False,
    ),
    SectionSpec(
        "kompetensi_awal",
        "Kompetensi Awal",
        "Prior competences",
        "TextContent",
        "prior_text",
        *_UMUM,
        query="pengetahuan awal prasyarat",
    ),
    SectionSpec(
        "dimensi_profil_lulusan",
        "Dimensi Profil Lulusan",
        "Graduate profile dimensions",
        "DimensiContent",
        "dimensi",
        *_UMUM,
        query="dimensi profil lulusan",
    ),
    SectionSpec(
        "sarana_prasarana",
        "Sarana dan Prasarana",
        "Facilities and materials",
        "ListContent",
        "facilities",
        *_UMUM,
        query="alat dan bahan",
    ),
    SectionSpec(
        "target_peserta_didik", "Target Peserta Didik", "Target learners", "TextContent", "target", *_UMUM
    ),
    SectionSpec(
        "model_pembelajaran", "Model Pembelajaran", "Teaching model", "TextContent", "teaching_model", *_UMUM
    ),
    SectionSpec(
        "tujuan_pembelajaran",
        "Tujuan Pembelajaran",
        "Learning objectives",
        "ObjectivesContent",
        "objectives",
        *_INTI,
        query="tujuan pembelajaran",
    ),
    SectionSpec(
        "asesmen",
        "Asesmen",
        "Assessment",
        "AssessmentContent",
        "assessment_merdeka",
        *_INTI,
        query="asesmen penilaian",
    ),
    SectionSpec(
        "pemahaman_bermakna",
        "Pemahaman Bermakna",
        "Meaningful understanding",
        "TextContent",
        "meaningful",
        *_INTI,
        query="manfaat dalam kehidupan sehari-hari",
    ),
    SectionSpec(
        "pertanyaan_pemantik",
        "Pertanyaan Pemantik",
        "Trigger questions",
        "ListContent",
        "trigger_questions",
        *_INTI,
        query="pertanyaan",
    ),
    SectionSpec(
        "kegiatan_pembelajaran",
        "Kegiatan Pembelajaran",
        "Learning activities",
        "ActivitiesContent",
        "activities_merdeka",
        *_INTI,
        query="kegiatan percobaan",
    ),
    SectionSpec(
        "refleksi",
        "Refleksi Peserta Didik dan Pendidik",
        "Learner and teacher reflection",
        "ReflectionContent",
        "reflection",
        *_INTI,
    ),
    SectionSpec(
        "lkpd",
        "Lembar Kerja Peserta Didik (LKPD)",
        "Learner worksheet (LKPD)",
        "WorksheetContent",
        "worksheet",
        *_LAMPIRAN,
        query="kegiatan percobaan langkah",
    ),
    SectionSpec(
        "bahan_bacaan",
        "Bahan Bacaan Guru dan Peserta Didik",
        "Reading for teacher and learners",
        "TextContent",
        "reading",
        *_LAMPIRAN,
    ),
    SectionSpec(
        "glosarium",
        "Glosarium",
        "Glossary",
        "GlossaryContent",
        "glossary",
        *_LAMPIRAN,
        query="istilah pengertian",
    ),
    SectionSpec(
        "daftar_pustaka",
        "Daftar Pustaka",
        "References",
        "ListContent",
        "references",
        *_LAMPIRAN,
        language_checked=False,
    ),
    SectionSpec(
        "pengayaan_remedial",
        "Pengayaan dan Remedial",
        "Enrichment and remedial",
        "EnrichmentContent",
        "enrichment",
        *_LAMPIRAN,
    ),
)

_IDENT = ("A. Identifikasi", "A. Identification")
_DESAIN = ("B. Desain Pembelajaran", "B. Learning design")
_PENGALAMAN = ("C. Pengalaman Belajar", "C. Learning experiences")
_ASESMEN = ("D. Asesmen Pembelajaran", "D. Assessment")

MENDALAM: tuple[SectionSpec, ...] = (
    SectionSpec("identitas", "Identitas", "Identity", "KeyValueContent", "identity", language_checked=False),
    SectionSpec(
        "identifikasi_peserta_didik", "Peserta Didik", "Learners", "TextContent", "learners", *_IDENT
    ),
    SectionSpec(
        "identifikasi_materi",
        "Materi Pelajaran",
        "Subject matter",
        "TextContent",
        "subject_matter",
        *_IDENT,
        query="pengertian konsep",
    ),
    SectionSpec(
        "dimensi_profil_lulusan",
        "Dimensi Profil Lulusan",
        "Graduate profile dimensions",
        "DimensiContent",
        "dimensi",
        *_IDENT,
    ),
    SectionSpec(
        "capaian_pembelajaran",
        "Capaian Pembelajaran",
        "Learning outcomes (CP)",
        "CPContent",
        "cp",
        *_DESAIN,
        language_checked=False,
    ),
    SectionSpec(
        "tujuan_pembelajaran",
        "Tujuan Pembelajaran",
        "Learning objectives",
        "ObjectivesContent",
        "objectives",
        *_DESAIN,
        query="tujuan pembelajaran",
    ),
    SectionSpec(
        "desain_pembelajaran",
        "Kerangka Pembelajaran",
        "Learning framework",
        "KeyValueContent",
        "deep_design",
        *_DESAIN,
        query="kerangka pembelajaran mendalam",
    ),
    SectionSpec(
        "pengalaman_belajar",
        "Langkah Pembelajaran",
        "Learning steps",
        "ActivitiesContent",
        "activities_mendalam",
        *_PENGALAMAN,
        query="memahami mengaplikasi merefleksi",
    ),
    SectionSpec(
        "asesmen",
        "Asesmen Awal, Proses dan Akhir",
        "Initial, process and final assessment",
        "AssessmentContent",
        "assessment_mendalam",
        *_ASESMEN,
        query="asesmen",
    ),
)

RPP: tuple[SectionSpec, ...] = (
    SectionSpec("identitas", "Identitas", "Identity", "KeyValueContent", "identity", language_checked=False),
    SectionSpec(
        "capaian_pembelajaran",
        "Capaian Pembelajaran",
        "Learning outcomes (CP)",
        "CPContent",
        "cp",
        language_checked=False,
    ),
    SectionSpec(
        "tujuan_pembelajaran",
        "Tujuan Pembelajaran",
        "Learning objectives",
        "ObjectivesContent",
        "objectives",
        query="tujuan pembelajaran",
    ),
    SectionSpec(
        "langkah_pembelajaran",
        "Langkah Pembelajaran",
        "Learning steps",
        "ActivitiesContent",
        "activities_merdeka",
        query="kegiatan",
    ),
    SectionSpec("asesmen", "Asesmen", "Assessment", "AssessmentContent", "assessment_rpp", query="asesmen"),
)

ENGLISH: tuple[SectionSpec, ...] = (
    SectionSpec("overview", "Ringkasan", "Overview", "KeyValueContent", "identity", language_checked=False),
    SectionSpec(
        "curriculum_reference",
        "Acuan Kurikulum (CP)",
        "Curriculum reference (CP)",
        "CPContent",
        "cp",
        language_checked=False,
    ),
    SectionSpec("learning_outcome", "Hasil Belajar", "Learning outcome", "ObjectivesContent", "outcome"),
    SectionSpec(
        "prior_knowledge",
        "Pengetahuan Awal",
        "Prior knowledge",
        "ListContent",
        "prior_list",
        query="prior knowledge",
    ),
    SectionSpec(
        "key_learning_points", "Poin Kunci Pembelajaran", "Key learning points", "ListContent", "key_points"
    ),
    SectionSpec(
        "misconceptions",
        "Miskonsepsi",
        "Misconceptions",
        "MisconceptionsContent",
        "misconceptions",
        query="misconception miskonsepsi",
    ),
    SectionSpec("keywords", "Kata Kunci", "Keywords", "GlossaryContent", "glossary", query="definition"),
    SectionSpec(
        "learning_cycles",
        "Siklus Pembelajaran",
        "Learning cycles",
        "CyclesContent",
        "cycles",
        query="activity practice",
    ),
    SectionSpec("exit_ticket", "Tiket Keluar", "Exit ticket", "ExitTicketContent", "exit_ticket"),
)

FORMATS: dict[str, tuple[SectionSpec, ...]] = {
    "modul-ajar": MODUL_AJAR,
    "mendalam": MENDALAM,
    "rpp": RPP,
    "lesson-plan": ENGLISH,
}


def spec_for(format_name: str, key: str) -> SectionSpec:
    """The spec of section ``key`` in ``format_name``."""
    for spec in FORMATS[format_name]:
        if spec.key == key:
            return spec
    raise KeyError(f"{format_name} has no section {key!r}")


def activity_section_key(format_name: str) -> str | None:
    """The key of the section whose minutes must add up to the duration (None: English cycles)."""
    return {
        "modul-ajar": "kegiatan_pembelajaran",
        "mendalam": "pengalaman_belajar",
        "rpp": "langkah_pembelajaran",
    }.get(format_name)


def objectives_section_key(format_name: str) -> str:
    """The key of the section that holds the learning objectives."""
    return "learning_outcome" if format_name == "lesson-plan" else "tujuan_pembelajaran"
