"""Helpers for the lesson-plan tests: a fake chat model that answers by draft schema, and an index."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from conftest import BagOfWordsEmbeddings
from toolkit.index.ingest import index_paths
from toolkit.index.retrieval import HybridRetriever
from toolkit.index.store import open_store
from toolkit.settings import Settings

REPO = Path(__file__).resolve().parent.parent

GOOD_ID: dict[str, Any] = {
    "TextDraft": {
        "text": "Peserta didik sudah mengenal tumbuhan hijau dan cahaya matahari dari kelas sebelumnya "
        "sehingga siap belajar fotosintesis dengan percobaan sederhana di kelas."
    },
    "ListDraft": {
        "items": [
            "Mengapa daun berwarna hijau?",
            "Dari mana tumbuhan mendapat makanan?",
            "Apa yang terjadi pada tumbuhan di tempat gelap?",
        ]
    },
    "ObjectivesDraftId": {
        "objectives": [
            {"verb": "menjelaskan", "content": "peran cahaya dalam fotosintesis"},
            {"verb": "menganalisis", "content": "hasil percobaan Hydrilla"},
        ]
    },
    "OutcomeDraftId": {"verb": "menjelaskan", "content": "proses fotosintesis"},
    "StepsDraft": {
        "steps": [
            {"text": "Peserta didik menganalisis data percobaan dan membandingkan hasilnya.", "bloom": "C4"},
            {"text": "Peserta didik menjelaskan hasil diskusi kepada kelas.", "bloom": "C2"},
        ]
    },
    "DeepStepsDraft": {
        "steps": [
            {
                "text": "Peserta didik mengamati daun dan menjelaskan warnanya.",
                "bloom": "C2",
                "experience": "memahami",
                "principle": "berkesadaran",
            },
            {
                "text": "Peserta didik merancang percobaan cahaya dengan tanaman air.",
                "bloom": "C6",
                "experience": "mengaplikasi",
                "principle": "bermakna",
            },
            {
                "text": "Peserta didik menilai hasil belajarnya sendiri.",
                "bloom": "C5",
                "experience": "merefleksi",
                "principle": "menggembirakan",
            },
        ]
    },
    "AssessmentDraftMerdeka": {
        "diagnostik": "Kuis singkat tentang bagian tumbuhan.",
        "formatif": "Observasi saat percobaan dan LKPD.",
        "sumatif": "Tes tertulis tentang fotosintesis.",
    },
    "AssessmentDraftMendalam": {
        "awal": "Pertanyaan tentang makanan tumbuhan.",
        "proses": "Observasi diskusi dan LKPD.",
        "akhir": "Laporan percobaan yang dinilai dengan rubrik.",
    },
    "ReflectionDraft": {
        "learners": ["Apa yang paling menarik hari ini?"],
        "teacher": ["Apakah langkah percobaan sudah jelas?"],
    },
    "WorksheetDraft": {
        "title": "LKPD Percobaan Hydrilla",
        "tasks": ["Catat jumlah gelembung setiap menit.", "Buat grafik dari data."],
    },
    "GlossaryDraft": {
        "entries": [
            {"term": "klorofil", "definition": "zat hijau daun yang menyerap cahaya"},
            {"term": "stomata", "definition": "celah kecil pada daun untuk pertukaran gas"},
        ]
    },
    "EnrichmentDraft": {
        "enrichment": ["Menyelidiki pengaruh warna cahaya."],
        "remedial": ["Mengulang konsep dengan gambar daun."],
    },
    "DesignDraft": {
        "lintas_disiplin": "Matematika untuk mengolah data gelembung.",
        "praktik_pedagogis": "Inkuiri terbimbing dalam kelompok.",
        "kemitraan": "Orang tua membantu menyiapkan tanaman.",
        "lingkungan": "Kebun sekolah dan kelas.",
        "pemanfaatan_digital": "Video singkat tentang kloroplas.",
    },
    "MisconceptionsDraft": {
        "items": [{"misconception": "Tumbuhan makan tanah.", "response": "Tunjukkan percobaan van Helmont."}]
    },
    "CycleDraft": {
        "title": "Cahaya dan daun",
        "explanation": "Guru menjelaskan peran cahaya.",
        "checks": ["Apa peran cahaya?"],
        "practice": "Peserta didik menganalisis data.",
        "bloom": "C4",
    },
}


class SchemaFake(BaseChatModel):
    """Answers each structured request with a canned JSON chosen by the schema's title.

    ``answers`` maps a schema title to a JSON-able value or to a callable of the call number;
    ``fail_after`` raises a connection error after that many calls (a provider failing mid-plan).
    """

    answers: dict[str, Any]
    fail_after: int | None = None
    calls: int = 0
    prompts: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "schema-fake"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise ConnectionError("server went away")
        text = "\n".join(str(m.content) for m in messages)
        self.prompts.append(text)
        titles = re.findall(r'"title": "([A-Za-z]+)"', text)
        title = next((t for t in reversed(titles) if t in self.answers), titles[-1] if titles else "")
        answer = self.answers.get(title, {})
        if callable(answer):
            answer = answer(self.calls, text)
        content = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=content))])


def fake(answers: dict[str, Any] | None = None, **kwargs: Any) -> SchemaFake:
    """A schema fake with the good Indonesian answers, overridden by ``answers``."""
    return SchemaFake(answers={**GOOD_ID, **(answers or {})}, **kwargs)


def build_retriever(settings: Settings, folders: list[str] | None = None) -> HybridRetriever:
    """An index of the repository's corpora (or some folders of it) in the test's data folder."""
    embeddings = BagOfWordsEmbeddings()
    store = open_store(settings, embeddings, "bag-of-words")
    paths = [REPO / "corpora" / name for name in (folders or ["cp", "ipa", "english", "matematika"])]
    index_paths(paths, store, embeddings)
    return HybridRetriever(store, embeddings)


AnswerFn = Callable[[int, str], Any]
