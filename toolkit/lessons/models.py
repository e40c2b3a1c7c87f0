"""The lesson request, the content of each kind of section, and the four plan formats as pydantic models.

A plan is generated and edited section by section (``PlanSection`` holds one section's content as a
dict plus its sources and who wrote it); ``LessonPlan.to_format_model()`` validates the sections
against the format's own model (``ModulAjar``, ``PembelajaranMendalam``, ``RppRingkas``,
``EnglishLessonPlan``), whose fields are the required sections.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from toolkit.errors import ToolkitError
from toolkit.index.metadata import FASE_GRADES, SUBJECTS, fase_for_grade, normalise_fase, normalise_subject

LessonFormat = Literal["modul-ajar", "mendalam", "rpp", "lesson-plan"]
LessonLanguage = Literal["id", "en"]
BloomLevel = Literal["C1", "C2", "C3", "C4", "C5", "C6"]
Experience = Literal["memahami", "mengaplikasi", "merefleksi"]
Principle = Literal["berkesadaran", "bermakna", "menggembirakan"]
Dimensi = Literal[
    "keimanan dan ketakwaan terhadap Tuhan YME",
    "kewargaan",
    "penalaran kritis",
    "kreativitas",
    "kolaborasi",
    "kemandirian",
    "kesehatan",
    "komunikasi",
]
Author = Literal["model", "model+code", "code", "bank", "bank+model", "teacher", "missing"]

FORMAT_NAMES: dict[str, dict[str, str]] = {
    "modul-ajar": {"id": "Modul Ajar (Kurikulum Merdeka)", "en": "Modul Ajar (Kurikulum Merdeka)"},
    "mendalam": {
        "id": "Perencanaan Pembelajaran Mendalam",
        "en": "Deep Learning Lesson Plan (Pembelajaran Mendalam)",
    },
    "rpp": {"id": "RPP Ringkas", "en": "Short Lesson Plan (RPP Ringkas)"},
    "lesson-plan": {"id": "Rencana Pelajaran (format Inggris)", "en": "Lesson Plan"},
}


class LessonInputError(ToolkitError):
    """The teacher's request cannot be planned (unknown subject, empty topic, zero duration...)."""


# --------------------------------------------------------------------------- request


class Duration(BaseModel):
    """Time for the plan: JP (lesson periods) of a number of minutes, spread over meetings."""

    jp: int = Field(default=2, ge=0, le=40)
    minutes_per_jp: int = Field(default=40, ge=0, le=120)
    meetings: int = Field(default=1, ge=1, le=10)

    @property
    def total_minutes(self) -> int:
        """All minutes of the plan."""
        return self.jp * self.minutes_per_jp

    def meeting_minutes(self) -> list[int]:
        """Minutes of each meeting; the JP are spread as evenly as possible."""
        base, extra = divmod(self.jp, self.meetings)
        return [
            (base + (1 if number < extra else 0)) * self.minutes_per_jp for number in range(self.meetings)
        ]

    @classmethod
    def from_minutes(cls, minutes: int, meetings: int = 1) -> Duration:
        """A duration of ``minutes`` in 40-minute JP when they divide evenly, else one long JP.

        Minutes or meetings a plan cannot hold raise ``LessonInputError`` with one sentence.
        """
        if not 1 <= meetings <= 10:
            raise LessonInputError(f"A plan has 1 to 10 meetings (got {meetings}).")
        if minutes < 0:
            raise LessonInputError(f"The minutes of a plan cannot be negative (got {minutes}).")
        try:
            if minutes > 0 and minutes % 40 == 0 and minutes // 40 >= meetings:
                return cls(jp=minutes // 40, minutes_per_jp=40, meetings=meetings)
            return cls(
                jp=meetings if minutes > 0 else 0, minutes_per_jp=minutes // meetings, meetings=meetings
            )
        except ValidationError as exc:
            raise LessonInputError(
                f"{minutes} minutes in {meetings} meeting(s) is longer than a plan can hold: at most 1,600 "
                "minutes in 40-minute JP, otherwise at most 120 minutes per meeting."
            ) from exc

    def describe(self, language: str) -> str:
        """``2 JP x 40 menit (1 pertemuan)``."""
        if language == "en":
            return f"{self.jp} periods x {self.minutes_per_jp} minutes ({self.meetings} meeting(s))"
        return f"{self.jp} JP x {self.minutes_per_jp} menit ({self.meetings} pertemuan)"


class ClassContext(BaseModel):
    """What the teacher tells about the class and school."""

    class_size: int | None = Field(default=None, ge=1, le=80)
    devices: str = Field(default="", max_length=300, description="e.g. 'no internet', 'Chromebooks'.")
    needs_support: str = Field(default="", max_length=400)
    needs_extension: str = Field(default="", max_length=400)
    teacher: str = Field(default="", max_length=120)
    school: str = Field(default="", max_length=160)
    year: str = Field(default="", max_length=20)

    @property
    def offline(self) -> bool:
        """True when the teacher says there is no internet or no devices."""
        text = self.devices.lower()
        return any(
            marker in text
            for marker in (
                "tanpa internet",
                "tidak ada internet",
                "no internet",
                "offline",
                "tanpa perangkat",
                "no devices",
                "tidak ada perangkat",
            )
        )


_MESSAGES = {
    "subject": {
        "id": "Mata pelajaran '{value}' tidak dikenal; pilih salah satu: {choices}.",
        "en": "The subject '{value}' is unknown; choose one of: {choices}.",
    },
    "fase": {
        "id": "Fase '{value}' tidak dikenal; pilih fase A sampai F.",
        "en": "The fase '{value}' is unknown; choose fase A to F.",
    },
    "no_fase": {
        "id": "Pilih fase (A-F) atau kelas (1-12).",
        "en": "Choose a fase (A-F) or a grade (1-12).",
    },
    "kelas": {
        "id": "Kelas {kelas} tidak termasuk Fase {fase} (Fase {fase} = kelas {low}-{high}).",
        "en": "Grade {kelas} is not in fase {fase} (fase {fase} = grades {low}-{high}).",
    },
    "topic": {
        "id": "Tulis dulu topik pelajaran (misalnya 'fotosintesis').",
        "en": "Type the lesson topic first (for example 'photosynthesis').",
    },
    "duration": {
        "id": "Durasi harus lebih dari 0 menit (JP x menit per JP).",
        "en": "The duration must be more than 0 minutes (periods x minutes per period).",
    },
    "short": {
        "id": "Durasi {minutes} menit per pertemuan terlalu singkat; paling sedikit 15 menit.",
        "en": "{minutes} minutes per meeting is too short; use at least 15 minutes.",
    },
}


class LessonRequest(BaseModel):
    """Everything the teacher chooses before a plan is written."""

    format: LessonFormat = "modul-ajar"
    subject: str = Field(max_length=60)
    fase: str | None = None
    kelas: int | None = Field(default=None, ge=1, le=12)
    topic: str = Field(default="", max_length=200)
    duration: Duration = Field(default_factory=Duration)
    language: LessonLanguage = "id"
    context: ClassContext = Field(default_factory=ClassContext)
    teacher_document: str | None = Field(default=None, description="Path of the teacher's own PDF/DOCX.")
    use_model: bool = Field(default=True, description="False composes the plan from the bank and code only.")
    use_bank: bool = Field(
        default=True, description="False ignores the topic bank (the model and code write)."
    )

    @model_validator(mode="after")
    def _normalise(self) -> LessonRequest:
        lang = self.language
        subject = normalise_subject(self.subject)
        if subject is None or subject == "umum":
            choices = ", ".join(name for slug, name in SUBJECTS.items() if slug != "umum")
            raise ValueError(_MESSAGES["subject"][lang].format(value=self.subject, choices=choices))
        self.subject = subject
        if self.fase:
            fase = normalise_fase(self.fase)
            if fase is None or fase == "semua":
                raise ValueError(_MESSAGES["fase"][lang].format(value=self.fase))
            self.fase = fase
        elif self.kelas is not None:
            self.fase = fase_for_grade(self.kelas)
        else:
            raise ValueError(_MESSAGES["no_fase"][lang])
        if self.kelas is not None and self.fase is not None:
            low, high = FASE_GRADES[self.fase]
            if not low <= self.kelas <= high:
                raise ValueError(
                    _MESSAGES["kelas"][lang].format(kelas=self.kelas, fase=self.fase, low=low, high=high)
                )
        self.topic = " ".join(self.topic.split())
        if not self.topic:
            raise ValueError(_MESSAGES["topic"][lang])
        if self.duration.total_minutes <= 0:
            raise ValueError(_MESSAGES["duration"][lang])
        shortest = min(self.duration.meeting_minutes())
        if shortest < 15:
            raise ValueError(_MESSAGES["short"][lang].format(minutes=shortest))
        return self

    @property
    def subject_name(self) -> str:
        """Display name of the subject."""
        return SUBJECTS.get(self.subject, self.subject)

    @property
    def kelas_label(self) -> str:
        """The grade, or the fase's grades when no grade was given."""
        if self.kelas is not None:
            return str(self.kelas)
        low, high = FASE_GRADES[self.fase or "D"]
        return f"{low}-{high}"


def build_request(**values: Any) -> LessonRequest:
    """A ``LessonRequest``, or a ``LessonInputError`` whose message is one clear sentence."""
    try:
        return LessonRequest.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first.get("msg", "invalid input")).removeprefix("Value error, ")
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise LessonInputError(message if not where else f"{where}: {message}") from exc


# --------------------------------------------------------------------------- section contents


class SourceRef(BaseModel):
    """A passage a section rests on."""

    label: str
    source: str
    excerpt: str = ""
    origin: Literal["index", "teacher-document"] = "index"


class KeyValue(BaseModel):
    """One labelled row of a table."""

    label: str = Field(max_length=120)
    value: str = Field(max_length=2000)


class KeyValueContent(BaseModel):
    """A two-column table (identitas modul, desain pembelajaran)."""

    rows: list[KeyValue] = Field(min_length=1)


class TextContent(BaseModel):
    """A paragraph of prose."""

    text: str = Field(min_length=1, max_length=4000)


class ListContent(BaseModel):
    """A bulleted list."""

    items: list[str] = Field(min_length=1, max_length=20)


class CPContent(BaseModel):
    """The Capaian Pembelajaran quoted from the index, or a statement that it was not found."""

    found: bool
    quote: str = Field(default="", max_length=4000)
    citation: str = ""
    message: str = ""


class DimensiContent(BaseModel):
    """Dimensi profil lulusan chosen from the fixed list of eight, with why."""

    dimensi: list[Dimensi] = Field(min_length=1, max_length=8)
    rationale: str = Field(default="", max_length=1000)


class Objective(BaseModel):
    """One tujuan pembelajaran with its operational verb and Bloom level."""

    text: str = Field(min_length=1, max_length=400)
    verb: str = Field(default="", max_length=40)
    bloom: BloomLevel | None = None


class ObjectivesContent(BaseModel):
    """Tujuan pembelajaran (or an English learning outcome)."""

    objectives: list[Objective] = Field(min_length=1, max_length=8)


class AssessmentItem(BaseModel):
    """One assessment stage (diagnostik / formatif / sumatif, or awal / proses / akhir)."""

    stage: str = Field(max_length=40)
    technique: str = Field(default="", max_length=200)
    description: str = Field(min_length=1, max_length=1000)


class AssessmentContent(BaseModel):
    """Assessments by stage."""

    items: list[AssessmentItem] = Field(min_length=1, max_length=6)


class ActivityStep(BaseModel):
    """One learning step with its Bloom level (and for Pembelajaran Mendalam its experience and principle)."""

    text: str = Field(min_length=1, max_length=600)
    bloom: BloomLevel | None = None
    experience: Experience | None = None
    principle: Principle | None = None


class ActivityPhase(BaseModel):
    """Pendahuluan / inti / penutup (awal / inti / penutup) with its minutes."""

    name: str = Field(max_length=40)
    minutes: int = Field(ge=0, le=600)
    steps: list[ActivityStep] = Field(min_length=1, max_length=10)


class Meeting(BaseModel):
    """One meeting of the plan."""

    number: int = Field(ge=1)
    phases: list[ActivityPhase] = Field(min_length=1, max_length=4)


class ActivitiesContent(BaseModel):
    """Kegiatan pembelajaran / pengalaman belajar / langkah pembelajaran, by meeting."""

    meetings: list[Meeting] = Field(min_length=1, max_length=10)


class ReflectionContent(BaseModel):
    """Reflection questions for learners and for the teacher."""

    learners: list[str] = Field(min_length=1, max_length=6)
    teacher: list[str] = Field(min_length=1, max_length=6)


class Term(BaseModel):
    """A keyword with its definition."""

    term: str = Field(min_length=1, max_length=80)
    definition: str = Field(min_length=1, max_length=500)


class GlossaryContent(BaseModel):
    """Glosarium / keywords."""

    entries: list[Term] = Field(min_length=1, max_length=12)


class WorksheetContent(BaseModel):
    """LKPD: a worksheet with instructions and tasks."""

    title: str = Field(min_length=1, max_length=200)
    instructions: list[str] = Field(min_length=1, max_length=8)
    tasks: list[str] = Field(min_length=1, max_length=10)


class EnrichmentContent(BaseModel):
    """Pengayaan (extension) and remedial activities."""

    enrichment: list[str] = Field(min_length=1, max_length=6)
    remedial: list[str] = Field(min_length=1, max_length=6)


class Misconception(BaseModel):
    """A common misconception and how to address it."""

    misconception: str = Field(min_length=1, max_length=400)
    response: str = Field(min_length=1, max_length=600)


class MisconceptionsContent(BaseModel):
    """Misconceptions (1-3)."""

    items: list[Misconception] = Field(min_length=1, max_length=3)


class LearningCycle(BaseModel):
    """One learning cycle of an English lesson plan."""

    title: str = Field(min_length=1, max_length=200)
    minutes: int = Field(ge=0, le=600)
    explanation: str = Field(min_length=1, max_length=1500)
    checks: list[str] = Field(min_length=1, max_length=5)
    practice: str = Field(min_length=1, max_length=1000)
    bloom: BloomLevel | None = None


class CyclesContent(BaseModel):
    """Two or three learning cycles."""

    cycles: list[LearningCycle] = Field(min_length=2, max_length=3)


class ExitTicketContent(BaseModel):
    """The exit ticket questions and the minutes they take."""

    minutes: int = Field(ge=0, le=120)
    questions: list[str] = Field(min_length=1, max_length=5)


CONTENT_MODELS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (
        KeyValueContent,
        TextContent,
        ListContent,
        CPContent,
        DimensiContent,
        ObjectivesContent,
        AssessmentContent,
        ActivitiesContent,
        ReflectionContent,
        GlossaryContent,
        WorksheetContent,
        EnrichmentContent,
        MisconceptionsContent,
        CyclesContent,
        ExitTicketContent,
    )
}


# --------------------------------------------------------------------------- the four formats


class ModulAjar(BaseModel):
    """Modul Ajar (Kurikulum Merdeka): informasi umum, komponen inti, lampiran."""

    identitas_modul: KeyValueContent
    capaian_pembelajaran: CPContent
    kompetensi_awal: TextContent
    dimensi_profil_lulusan: DimensiContent
    sarana_prasarana: ListContent
    target_peserta_didik: TextContent
    model_pembelajaran: TextContent
    tujuan_pembelajaran: ObjectivesContent
    asesmen: AssessmentContent
    pemahaman_bermakna: TextContent
    pertanyaan_pemantik: ListContent
    kegiatan_pembelajaran: ActivitiesContent
    refleksi: ReflectionContent
    lkpd: WorksheetContent
    bahan_bacaan: TextContent
    glosarium: GlossaryContent
    daftar_pustaka: ListContent
    pengayaan_remedial: EnrichmentContent


class PembelajaranMendalam(BaseModel):
    """Perencanaan Pembelajaran Mendalam (2025): identifikasi, desain, pengalaman belajar, asesmen."""

    identitas: KeyValueContent
    identifikasi_peserta_didik: TextContent
    identifikasi_materi: TextContent
    dimensi_profil_lulusan: DimensiContent
    capaian_pembelajaran: CPContent
    tujuan_pembelajaran: ObjectivesContent
    desain_pembelajaran: KeyValueContent
    pengalaman_belajar: ActivitiesContent
    asesmen: AssessmentContent


class RppRingkas(BaseModel):
    """RPP ringkas ("RPP 1 lembar"): tujuan, langkah pembelajaran, asesmen."""

    identitas: KeyValueContent
    capaian_pembelajaran: CPContent
    tujuan_pembelajaran: ObjectivesContent
    langkah_pembelajaran: ActivitiesContent
    asesmen: AssessmentContent


class EnglishLessonPlan(BaseModel):
    """English lesson plan (learning outcome, prior knowledge, cycles, exit ticket)."""

    overview: KeyValueContent
    curriculum_reference: CPContent
    learning_outcome: ObjectivesContent
    prior_knowledge: ListContent
    key_learning_points: ListContent
    misconceptions: MisconceptionsContent
    keywords: GlossaryContent
    learning_cycles: CyclesContent
    exit_ticket: ExitTicketContent


FORMAT_MODELS: dict[str, type[BaseModel]] = {
    "modul-ajar": ModulAjar,
    "mendalam": PembelajaranMendalam,
    "rpp": RppRingkas,
    "lesson-plan": EnglishLessonPlan,
}


# --------------------------------------------------------------------------- the plan


class CheckResult(BaseModel):
    """The outcome of one deterministic check."""

    name: str
    passed: bool
    message: str
    sections: list[str] = Field(default_factory=list)


class PlanSection(BaseModel):
    """One section: its content, the sources it used, who wrote it and its checks."""

    key: str
    title: str
    kind: str
    content: dict[str, Any] = Field(default_factory=dict)
    sources: list[SourceRef] = Field(default_factory=list)
    author: Author = "missing"
    notes: list[str] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)

    def typed(self) -> BaseModel:
        """The content validated against its content model (raises ``ValidationError``)."""
        return CONTENT_MODELS[self.kind].model_validate(self.content)


class LessonPlan(BaseModel):
    """A plan in one of the four formats, as generated, checked and edited."""

    request: LessonRequest
    title: str
    sections: list[PlanSection] = Field(default_factory=list)
    cp: CPContent = Field(default_factory=lambda: CPContent(found=False))
    warnings: list[str] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)
    status: Literal["writing", "complete", "incomplete"] = "writing"
    model: str = ""
    prompt_version: str = ""
    material_id: str | None = None
    owner: str = Field(default="", description="Login of the teacher in workshop mode ('' otherwise).")
    stats: dict[str, Any] = Field(default_factory=dict)
    card_id: str = Field(default="", description="The topic card the plan was composed from ('' if none).")
    card_note: str = Field(default="", description="Which card was used and how it was matched.")

    def section(self, key: str) -> PlanSection:
        """The section with ``key`` (``KeyError`` when the format has none)."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def to_format_model(self) -> BaseModel:
        """The plan validated as its format's model (raises ``ValidationError`` when incomplete)."""
        return FORMAT_MODELS[self.request.format].model_validate(
            {section.key: section.content for section in self.sections if section.author != "missing"}
        )

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return bool(self.checks) and all(check.passed for check in self.checks)

    def sources(self) -> list[SourceRef]:
        """Every distinct source of every section, in first-use order."""
        seen: dict[str, SourceRef] = {}
        for section in self.sections:
            for source in section.sources:
                seen.setdefault(source.label, source)
        return list(seen.values())
