"""The other sections: code-only sections (identity, CP, dimensi, target learners, references) and
the prose sections with their code templates.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from toolkit.lessons import drafts
from toolkit.lessons.activities import exit_minutes
from toolkit.lessons.context import BuildContext, Builder, Built, with_draft
from toolkit.lessons.models import (
    AssessmentContent,
    AssessmentItem,
    CPContent,
    DimensiContent,
    EnrichmentContent,
    ExitTicketContent,
    GlossaryContent,
    KeyValue,
    KeyValueContent,
    ListContent,
    Misconception,
    MisconceptionsContent,
    ReflectionContent,
    Term,
    TextContent,
    WorksheetContent,
)

JENJANG = {"A": "SD", "B": "SD", "C": "SD", "D": "SMP", "E": "SMA/SMK", "F": "SMA/SMK"}


def identity(context: BuildContext) -> BaseModel:
    """Identitas modul from the request."""
    request = context.request
    blank = context.say("(diisi guru)", "(to be filled in)")
    rows = [
        (context.say("Penyusun", "Author"), request.context.teacher or blank),
        (context.say("Sekolah", "School"), request.context.school or blank),
        (context.say("Tahun pelajaran", "School year"), request.context.year or blank),
        (context.say("Jenjang", "Level"), JENJANG.get(request.fase or "", "-")),
        ("Fase", request.fase or "-"),
        (context.say("Kelas", "Grade"), request.kelas_label),
        (context.say("Mata pelajaran", "Subject"), request.subject_name),
        (context.say("Topik", "Topic"), request.topic),
        (context.say("Alokasi waktu", "Time"), request.duration.describe(context.language)),
    ]
    if request.context.class_size:
        rows.append((context.say("Jumlah peserta didik", "Class size"), str(request.context.class_size)))
    return KeyValueContent(rows=[KeyValue(label=label, value=value) for label, value in rows])


def cp_section(context: BuildContext) -> BaseModel:
    """The CP quoted by the grounding step (or its 'not found' statement)."""
    return context.plan.cp.model_copy() if context.plan.cp else CPContent(found=False)


SUBJECT_DIMENSI: dict[str, list[str]] = {
    "ipa": ["penalaran kritis", "kolaborasi", "kemandirian"],
    "matematika": ["penalaran kritis", "kemandirian", "komunikasi"],
    "bahasa-indonesia": ["komunikasi", "kreativitas", "kolaborasi"],
    "bahasa-inggris": ["komunikasi", "kreativitas", "kolaborasi"],
    "informatika": ["penalaran kritis", "kreativitas", "kolaborasi"],
}
TOPIC_DIMENSI: dict[str, tuple[str, ...]] = {
    "kesehatan": ("pencernaan", "gizi", "kesehatan", "makanan", "olahraga", "health", "digest", "food"),
    "kewargaan": (
        "lingkungan",
        "pemanasan",
        "iklim",
        "ekosistem",
        "sampah",
        "environment",
        "climate",
        "ecosystem",
        "warga",
        "community",
    ),
}


def dimensi(context: BuildContext) -> BaseModel:
    """Dimensi profil lulusan chosen by code from the fixed list of eight."""
    chosen = list(SUBJECT_DIMENSI.get(context.request.subject, ["penalaran kritis", "kolaborasi"]))
    topic = context.request.topic.lower()
    for name, markers in TOPIC_DIMENSI.items():
        if any(marker in topic for marker in markers) and name not in chosen:
            chosen.append(name)
    rationale = context.say(
        "Dipilih oleh kode dari delapan dimensi profil lulusan menurut mata pelajaran dan topik: "
        + ", ".join(chosen)
        + ". Sesuaikan dengan kebutuhan kelas.",
        "Chosen by code from the eight graduate profile dimensions by subject and topic: "
        + ", ".join(chosen)
        + ". Adjust them to your class.",
    )
    return DimensiContent.model_validate({"dimensi": chosen, "rationale": rationale})


def target_learners(context: BuildContext) -> BaseModel:
    """Target peserta didik from the class context."""
    request = context.request
    size = f" ({request.context.class_size} orang)" if request.context.class_size else ""
    size_en = f" ({request.context.class_size} learners)" if request.context.class_size else ""
    parts = [
        context.say(
            f"Peserta didik reguler kelas {request.kelas_label}{size} tanpa hambatan belajar khusus.",
            f"Regular learners of grade {request.kelas_label}{size_en}.",
        )
    ]
    support = request.context.needs_support.strip()
    extension = request.context.needs_extension.strip()
    parts.append(
        context.say(
            f"Peserta didik yang perlu pendampingan: {support}."
            if support
            else "Peserta didik yang mengalami kesulitan belajar mendapat pendampingan dan contoh tambahan.",
            f"Learners needing support: {support}."
            if support
            else "Learners who find the topic hard get extra guidance and worked examples.",
        )
    )
    parts.append(
        context.say(
            f"Peserta didik yang siap pengayaan: {extension}."
            if extension
            else "Peserta didik yang cepat menguasai materi mendapat tugas pengayaan.",
            f"Learners ready for extension: {extension}."
            if extension
            else "Learners who master the topic quickly get extension tasks.",
        )
    )
    return TextContent(text=" ".join(parts))


REGULATION = "Keputusan Kepala BSKAP Nomor 046/H/KR/2025 tentang Capaian Pembelajaran (naskah resmi)."


def references(context: BuildContext) -> BaseModel:
    """Daftar pustaka from the sources of the sections written so far."""
    labels = [source.label for source in context.plan.sources()] or [
        source.label for source in context.sources
    ]
    items = [*dict.fromkeys(labels)][:15]
    items.append(REGULATION)
    return ListContent(items=items)


# --------------------------------------------------------------------------- templates for prose


def text_template(indonesian: str, english: str) -> Callable[[BuildContext], BaseModel]:
    """A template that writes one paragraph."""
    return lambda context: TextContent(text=context.say(indonesian, english))


def list_template(indonesian: list[str], english: list[str]) -> Callable[[BuildContext], BaseModel]:
    """A template that writes a list."""
    return lambda context: ListContent(
        items=[context.say(i, e) for i, e in zip(indonesian, english, strict=True)]
    )


def compose_text(context: BuildContext, draft: drafts.TextDraft) -> BaseModel:
    """A paragraph from a text draft."""
    return TextContent(text=draft.text.strip())


def compose_list(context: BuildContext, draft: drafts.ListDraft) -> BaseModel:
    """A list from a list draft (duplicates removed)."""
    items = [*dict.fromkeys(item.strip() for item in draft.items if item.strip())]
    return ListContent(items=items) if items else None  # type: ignore[return-value]


def prose(
    instruction: str,
    template_id: str,
    template_en: str,
    max_tokens: int = 160,
) -> Builder:
    """A paragraph written by the model, with a code template."""
    return with_draft(
        text_template(template_id, template_en),
        compose_text,
        drafts.TextDraft,
        instruction,
        max_tokens,
    )


def bullet_list(
    instruction: str,
    template_id: list[str],
    template_en: list[str],
    max_tokens: int = 200,
) -> Builder:
    """A list written by the model, with a code template."""
    return with_draft(
        list_template(template_id, template_en),
        compose_list,
        drafts.ListDraft,
        instruction,
        max_tokens,
    )


STAGES = {
    "merdeka": (
        ("Diagnostik", "Diagnostic", "Pertanyaan lisan atau kuis singkat", "Oral questions or a short quiz"),
        ("Formatif", "Formative", "Observasi dan LKPD", "Observation and worksheet"),
        ("Sumatif", "Summative", "Tes tertulis atau produk", "Written test or product"),
    ),
    "mendalam": (
        ("Awal", "Initial", "Pertanyaan pemantik dan kuis singkat", "Trigger questions and a short quiz"),
        (
            "Proses",
            "Process",
            "Observasi, LKPD dan umpan balik teman",
            "Observation, worksheet, peer feedback",
        ),
        ("Akhir", "Final", "Tes tertulis, produk atau presentasi", "Written test, product or presentation"),
    ),
}
STAGE_TEMPLATES = {
    "merdeka": (
        (
            "Mengetahui pengetahuan awal peserta didik tentang {topic} sebelum pelajaran dimulai.",
            "Find out what learners already know about {topic} before the lesson.",
        ),
        (
            "Memantau kemajuan peserta didik selama kegiatan dan memberi umpan balik langsung.",
            "Follow learners' progress during the activities and give feedback on the spot.",
        ),
        (
            "Menilai ketercapaian tujuan pembelajaran tentang {topic} dengan rubrik yang jelas.",
            "Judge whether the objectives on {topic} were reached, with a clear rubric.",
        ),
    ),
    "mendalam": (
        (
            "Memetakan pengetahuan awal dan minat peserta didik tentang {topic}.",
            "Map learners' prior knowledge of and interest in {topic}.",
        ),
        (
            "Mengamati cara peserta didik memahami dan mengaplikasikan {topic} lalu memberi umpan balik.",
            "Watch how learners understand and apply {topic}, and give feedback.",
        ),
        (
            "Menilai ketercapaian tujuan pembelajaran dan refleksi peserta didik tentang {topic}.",
            "Judge whether the objectives and learners' reflection on {topic} are reached.",
        ),
    ),
}


def assessment_template(context: BuildContext, kind: str) -> BaseModel:
    """Assessment stages with template descriptions."""
    items = []
    for (stage_id, stage_en, tech_id, tech_en), (text_id, text_en) in zip(
        STAGES[kind], STAGE_TEMPLATES[kind], strict=True
    ):
        items.append(
            AssessmentItem(
                stage=context.say(stage_id, stage_en),
                technique=context.say(tech_id, tech_en),
                description=context.say(text_id, text_en),
            )
        )
    return AssessmentContent(items=items)


def assessment_builder(kind: str) -> Builder:
    """Stages and techniques by code, what each stage checks by the model."""

    def template(context: BuildContext) -> BaseModel:
        return assessment_template(context, kind)

    def build(context: BuildContext) -> Built:
        schema: type[BaseModel] = (
            drafts.AssessmentDraftMendalam if kind == "mendalam" else drafts.AssessmentDraftMerdeka
        )
        draft = context.draft(schema, context.instruction("assessment"), 220)
        if draft is None:
            return Built(template(context), "code", list(context.notes))
        texts = list(draft.model_dump().values())
        items = []
        for (stage_id, stage_en, tech_id, tech_en), text in zip(STAGES[kind], texts, strict=True):
            items.append(
                AssessmentItem(
                    stage=context.say(stage_id, stage_en),
                    technique=context.say(tech_id, tech_en),
                    description=text.strip(),
                )
            )
        return Built(AssessmentContent(items=items), "model+code", list(context.notes))

    return Builder(build, template)


# --------------------------------------------------------------------------- other sections


def reflection_template(context: BuildContext) -> BaseModel:
    """Reflection questions by code."""
    return ReflectionContent(
        learners=[
            context.say(
                "Apa hal baru yang kamu pelajari tentang {topic} hari ini?",
                "What did you learn about {topic} today?",
            ),
            context.say(
                "Bagian mana yang masih sulit dan apa rencanamu?",
                "Which part is still hard, and what will you do about it?",
            ),
        ],
        teacher=[
            context.say(
                "Apakah semua peserta didik mencapai tujuan pembelajaran?",
                "Did every learner reach the objectives?",
            ),
            context.say(
                "Kegiatan mana yang perlu diubah pada pertemuan berikutnya?",
                "Which activity should change next time?",
            ),
        ],
    )


def compose_reflection(context: BuildContext, draft: drafts.ReflectionDraft) -> BaseModel:
    """Reflection questions from a draft."""
    return ReflectionContent(
        learners=[q.strip() for q in draft.learners], teacher=[q.strip() for q in draft.teacher]
    )


WORKSHEET_INSTRUCTIONS = (
    ("Tulis nama dan kelompokmu.", "Write your name and group."),
    ("Baca bahan bacaan tentang {topic} dengan teliti.", "Read the text about {topic} carefully."),
    (
        "Kerjakan tugas bersama kelompok, lalu presentasikan hasilnya.",
        "Do the tasks in your group, then present.",
    ),
)


def worksheet_template(context: BuildContext) -> BaseModel:
    """A worksheet by code."""
    return WorksheetContent(
        title=context.say("LKPD: {topic}", "Worksheet: {topic}"),
        instructions=[context.say(i, e) for i, e in WORKSHEET_INSTRUCTIONS],
        tasks=[
            context.say(
                "Jelaskan pengertian {topic} dengan kata-katamu sendiri.",
                "Explain {topic} in your own words.",
            ),
            context.say(
                "Berikan dua contoh {topic} di lingkungan sekitarmu.",
                "Give two examples of {topic} around you.",
            ),
            context.say(
                "Bandingkan jawabanmu dengan kelompok lain dan analisis perbedaannya.",
                "Compare your answers with another group and analyse the differences.",
            ),
        ],
    )


def compose_worksheet(context: BuildContext, draft: drafts.WorksheetDraft) -> BaseModel:
    """A worksheet: title and tasks by the model, instructions by code."""
    return WorksheetContent(
        title=draft.title.strip(),
        instructions=[context.say(i, e) for i, e in WORKSHEET_INSTRUCTIONS],
        tasks=[task.strip() for task in draft.tasks],
    )


def glossary_template(context: BuildContext) -> BaseModel:
    """A one-entry glossary built from the topic and the first passage."""
    source = context.sources[0].excerpt if context.sources else ""
    first_sentence = source.split(". ")[0].strip()[:300] if source else ""
    definition = first_sentence or context.say("Lihat bahan bacaan.", "See the reading.")
    return GlossaryContent(entries=[Term(term=context.request.topic, definition=definition)])


def compose_glossary(context: BuildContext, draft: drafts.GlossaryDraft) -> BaseModel:
    """Glossary entries from a draft (one per term)."""
    seen: dict[str, Term] = {}
    for entry in draft.entries:
        seen.setdefault(
            entry.term.strip().lower(), Term(term=entry.term.strip(), definition=entry.definition.strip())
        )
    return GlossaryContent(entries=list(seen.values()))


def enrichment_template(context: BuildContext) -> BaseModel:
    """Enrichment and remedial by code."""
    return EnrichmentContent(
        enrichment=[
            context.say(
                "Peserta didik menyelidiki satu pertanyaan lanjutan tentang {topic} dan menyajikan hasilnya.",
                "Learners investigate a further question about {topic} and present it.",
            )
        ],
        remedial=[
            context.say(
                "Guru mengulang konsep kunci {topic} dengan contoh konkret dan latihan terbimbing.",
                "The teacher revisits the key ideas of {topic} with concrete examples and guided practice.",
            )
        ],
    )


def compose_enrichment(context: BuildContext, draft: drafts.EnrichmentDraft) -> BaseModel:
    """Enrichment and remedial from a draft."""
    return EnrichmentContent(
        enrichment=[x.strip() for x in draft.enrichment], remedial=[x.strip() for x in draft.remedial]
    )


DESIGN_LABELS = (
    ("lintas_disiplin", "Lintas disiplin ilmu", "Cross-curricular links"),
    ("praktik_pedagogis", "Praktik pedagogis", "Pedagogical practice"),
    ("kemitraan", "Kemitraan pembelajaran", "Learning partnerships"),
    ("lingkungan", "Lingkungan pembelajaran", "Learning environment"),
    ("pemanfaatan_digital", "Pemanfaatan digital", "Use of digital tools"),
)
DESIGN_TEMPLATES = {
    "lintas_disiplin": (
        "Mengaitkan {topic} dengan Bahasa Indonesia (menulis laporan) dan Matematika (mengolah data).",
        "Link {topic} to language (writing a report) and mathematics (handling data).",
    ),
    "praktik_pedagogis": (
        "Pembelajaran berbasis inkuiri dan diskusi kelompok.",
        "Inquiry and group discussion.",
    ),
    "kemitraan": (
        "Orang tua dan lingkungan sekitar sekolah sebagai sumber belajar.",
        "Parents and the school's surroundings as learning resources.",
    ),
    "lingkungan": (
        "Kelas dan halaman sekolah; budaya belajar yang saling menghargai.",
        "Classroom and school grounds; a respectful learning culture.",
    ),
    "pemanfaatan_digital": (
        "Video atau gambar {topic} yang ditayangkan guru bila tersedia.",
        "Videos or pictures of {topic} shown by the teacher when available.",
    ),
}
OFFLINE_DIGITAL = (
    "Kelas tanpa internet: guru menyiapkan gambar, video atau bahan cetak {topic} sebelumnya.",
    "No internet in class: the teacher prepares pictures, videos or printouts on {topic} in advance.",
)


def _design_rows(context: BuildContext, values: dict[str, str]) -> KeyValueContent:
    rows = [KeyValue(label=context.say("Topik", "Topic"), value=context.request.topic)]
    for key, label_id, label_en in DESIGN_LABELS:
        value = values[key]
        if key == "pemanfaatan_digital":
            if context.request.context.offline:
                value = context.say(*OFFLINE_DIGITAL)
            elif context.request.context.devices.strip():
                value = f"{value} ({context.request.context.devices.strip()})"
        rows.append(KeyValue(label=context.say(label_id, label_en), value=value))
    return KeyValueContent(rows=rows)


def design_template(context: BuildContext) -> BaseModel:
    """The Pembelajaran Mendalam framework by code."""
    return _design_rows(context, {key: context.say(*DESIGN_TEMPLATES[key]) for key, _, _ in DESIGN_LABELS})


def compose_design(context: BuildContext, draft: drafts.DesignDraft) -> BaseModel:
    """The framework rows: topic by code, the rest by the model (digital use follows the class context)."""
    return _design_rows(context, {key: str(value).strip() for key, value in draft.model_dump().items()})


def facilities_template(context: BuildContext) -> BaseModel:
    """Facilities by code, following the class context."""
    items = [
        context.say("Papan tulis dan spidol", "Whiteboard and markers"),
        context.say(
            "Bahan bacaan dan LKPD tercetak tentang {topic}", "Printed reading and worksheet on {topic}"
        ),
    ]
    return ListContent(items=items + _context_lines(context))


def _context_lines(context: BuildContext) -> list[str]:
    devices = context.request.context.devices.strip()
    if not devices:
        return []
    if context.request.context.offline:
        return [
            context.say(
                f"Kondisi kelas: {devices}; semua bahan disiapkan luring.",
                f"Class setting: {devices}; all materials are prepared offline.",
            )
        ]
    return [context.say(f"Perangkat tersedia: {devices}", f"Devices available: {devices}")]


def compose_facilities(context: BuildContext, draft: drafts.ListDraft) -> BaseModel:
    """Facilities from the model plus the class context."""
    return ListContent(items=[item.strip() for item in draft.items] + _context_lines(context))


TEACHING_MODELS = {
    "ipa": ("Problem Based Learning (PBL)", "Problem-based learning"),
    "matematika": ("Discovery Learning", "Discovery learning"),
    "bahasa-indonesia": ("Pembelajaran berbasis genre (teks)", "Genre-based learning"),
    "bahasa-inggris": ("Genre-based approach", "Genre-based approach"),
    "informatika": ("Project Based Learning (PjBL)", "Project-based learning"),
}


def teaching_model_name(context: BuildContext) -> str:
    """The teaching model chosen by code for the subject."""
    name_id, name_en = TEACHING_MODELS.get(
        context.request.subject, ("Discovery Learning", "Discovery learning")
    )
    return context.say(name_id, name_en)


def teaching_model_template(context: BuildContext) -> BaseModel:
    """Teaching model by code."""
    reason = context.say(
        "dipilih agar peserta didik aktif menemukan dan menerapkan konsep {topic}.",
        "chosen so that learners actively discover and apply {topic}.",
    )
    return TextContent(text=f"{teaching_model_name(context)}: {reason}")


def compose_teaching_model(context: BuildContext, draft: drafts.TextDraft) -> BaseModel:
    """The model name by code, the reason by the model."""
    return TextContent(text=f"{teaching_model_name(context)}: {draft.text.strip()}")


def reading_template(context: BuildContext) -> BaseModel:
    """Reading list by code: the first source passages."""
    lines = [f"{source.label}: {source.excerpt[:300]}" for source in context.sources[:2]]
    text = "\n\n".join(lines) or context.say(
        "Bahan bacaan tentang {topic} dari buku siswa.", "A reading on {topic} from the learners' book."
    )
    return TextContent(text=text)


def compose_reading(context: BuildContext, draft: drafts.TextDraft) -> BaseModel:
    """A summary by the model followed by the source list by code."""
    labels = "; ".join(source.label for source in context.sources)
    suffix = (
        context.say(f"\n\nBacaan lanjutan: {labels}.", f"\n\nFurther reading: {labels}.") if labels else ""
    )
    return TextContent(text=draft.text.strip() + suffix)


def learners_template(context: BuildContext) -> BaseModel:
    """Learner identification by code (same as the target learners)."""
    return target_learners(context)


def compose_learners(context: BuildContext, draft: drafts.TextDraft) -> BaseModel:
    """The model's sentence about prior knowledge followed by the class context by code."""
    context_text = str(target_learners(context).model_dump()["text"])
    return TextContent(text=f"{draft.text.strip()} {context_text}")


def misconceptions_template(context: BuildContext) -> BaseModel:
    """One general misconception by code."""
    return MisconceptionsContent(
        items=[
            Misconception(
                misconception=context.say(
                    "Peserta didik mengira {topic} hanya hafalan istilah.",
                    "Learners think {topic} is only about memorising words.",
                ),
                response=context.say(
                    "Tunjukkan contoh nyata dan minta peserta didik menjelaskan alasannya.",
                    "Show a real example and ask learners to explain why it happens.",
                ),
            )
        ]
    )


def compose_misconceptions(context: BuildContext, draft: drafts.MisconceptionsDraft) -> BaseModel:
    """Misconceptions from a draft."""
    return MisconceptionsContent(
        items=[
            Misconception(misconception=i.misconception.strip(), response=i.response.strip())
            for i in draft.items
        ]
    )


def exit_template(context: BuildContext) -> BaseModel:
    """An exit ticket by code."""
    return ExitTicketContent(
        minutes=exit_minutes(context.request.duration.total_minutes),
        questions=[
            context.say(
                "Tuliskan satu hal penting tentang {topic}.", "Write one important thing about {topic}."
            ),
            context.say(
                "Berikan satu contoh {topic} dan jelaskan alasannya.",
                "Give one example of {topic} and explain why.",
            ),
        ],
    )


def compose_exit(context: BuildContext, draft: drafts.ListDraft) -> BaseModel:
    """Exit questions by the model, minutes by code."""
    return ExitTicketContent(
        minutes=exit_minutes(context.request.duration.total_minutes),
        questions=[item.strip() for item in draft.items],
    )
