"""Generation with fake models: streaming, targeted regeneration, code repair, failures, editing, library."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from lesson_helpers import build_retriever, fake

from toolkit.errors import IngestError
from toolkit.index.retrieval import HybridRetriever
from toolkit.lessons.generate import (
    edit_section,
    generate_plan,
    regenerate_section,
    section_as_yaml,
    stream_plan,
)
from toolkit.lessons.models import LessonInputError, LessonPlan, build_request
from toolkit.library import Library
from toolkit.settings import Settings
from toolkit.tools import LESSON_PLAN


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> HybridRetriever:
    data = tmp_path_factory.mktemp("lesson-generate")
    return build_retriever(Settings(_env_file=None, data_dir=data))  # type: ignore[call-arg]


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(f"sqlite:///{tmp_path / 'library.db'}")


def save(library: Library, plan: LessonPlan) -> LessonPlan:
    """What the tab and the command line do with a finished or changed plan."""
    plan.material_id = LESSON_PLAN.save(library, plan, material_id=plan.material_id).id
    return plan


def load(library: Library, material_id: str) -> LessonPlan:
    return LESSON_PLAN.load(library.get(material_id))


def request(**overrides: object):  # type: ignore[no-untyped-def]
    # these tests exercise the model path: the topic bank is left out (tests/test_bank_tools.py covers it)
    values = {
        "format": "rpp",
        "subject": "ipa",
        "fase": "D",
        "kelas": 7,
        "topic": "fotosintesis",
        "use_bank": False,
    }
    return build_request(**{**values, **overrides})


def test_sections_stream_one_by_one_and_the_plan_is_saved(
    retriever: HybridRetriever, library: Library
) -> None:
    events = list(stream_plan(request(format="modul-ajar"), llm=fake(), retriever=retriever))
    kinds = [event.kind for event in events]
    assert kinds[0] == "grounded" and kinds[-1] == "done"
    written = [event.section_key for event in events if event.kind == "section"]
    assert len(written) == 18 == len(set(written))
    # the first streamed section is complete while later ones are still missing
    first = next(e for e in events if e.kind == "section")
    assert first.plan.stats["first_section_s"] <= events[-1].plan.stats["total_s"]
    plan = events[-1].plan
    assert plan.material_id is None  # the tool returns the plan; the caller saves it
    save(library, plan)
    assert plan.material_id is not None
    reopened = load(library, plan.material_id)
    assert reopened.sections == plan.sections and reopened.checks == plan.checks
    assert reopened.material_id == plan.material_id
    material = library.list(kind=LESSON_PLAN.kind)[0]
    assert material.kind == "lesson-plan"
    assert material.info["sources"] and material.info["checks"] and material.info["prompt_version"]


def test_every_section_records_its_sources(retriever: HybridRetriever) -> None:
    plan = generate_plan(request(format="modul-ajar"), llm=fake(), retriever=retriever)
    for key in ("capaian_pembelajaran", "pertanyaan_pemantik", "tujuan_pembelajaran", "daftar_pustaka"):
        assert plan.section(key).sources, key
    assert plan.section("identitas_modul").sources == []
    assert plan.section("identitas_modul").author == "code"
    assert plan.section("pertanyaan_pemantik").author == "model"


def test_failing_section_is_regenerated_once_with_the_problem_named(retriever: HybridRetriever) -> None:
    flat = {"steps": [{"text": "Peserta didik mencatat penjelasan guru tentang daun.", "bloom": "C1"}]}
    good = {"steps": [{"text": "Peserta didik menganalisis data percobaan Hydrilla.", "bloom": "C4"}]}
    calls = {"n": 0}

    def steps(call: int, prompt: str) -> dict[str, object]:
        calls["n"] += 1
        return good if "Perbaiki masalah ini" in prompt else flat

    llm = fake({"StepsDraft": steps})
    plan = generate_plan(request(), llm=llm, retriever=retriever)
    section = plan.section("langkah_pembelajaran")
    assert plan.stats["sections"]["langkah_pembelajaran"] == {
        "draft_passed": False,
        "regenerated": True,
        "repaired": False,
    }
    assert any("Dibuat ulang sekali" in note for note in section.notes)
    assert calls["n"] == 6  # three phases, then three again after the failed check
    assert plan.passed


def test_section_still_failing_after_regeneration_is_repaired_by_code(retriever: HybridRetriever) -> None:
    flat = {"steps": [{"text": "Peserta didik mencatat penjelasan guru.", "bloom": "C1"}]}
    plan = generate_plan(request(), llm=fake({"StepsDraft": flat}), retriever=retriever)
    stats = plan.stats["sections"]["langkah_pembelajaran"]
    assert stats == {"draft_passed": False, "regenerated": True, "repaired": True}
    section = plan.section("langkah_pembelajaran")
    assert any("diperbaiki kode" in note for note in section.notes)
    texts = [s["text"] for p in section.content["meetings"][0]["phases"] for s in p["steps"]]
    assert "Peserta didik mencatat penjelasan guru." in texts  # the model's steps are kept
    assert plan.passed


def test_wrong_language_text_falls_back_to_the_template(retriever: HybridRetriever) -> None:
    english = {
        "text": "Photosynthesis is how plants make their food, and it is the reason that the air has "
        "oxygen for the animals that live on the land."
    }
    plan = generate_plan(request(format="modul-ajar"), llm=fake({"TextDraft": english}), retriever=retriever)
    section = plan.section("pemahaman_bermakna")
    assert section.author == "code"
    assert plan.stats["sections"]["pemahaman_bermakna"]["repaired"]
    assert plan.passed


def test_invalid_model_output_uses_the_template_and_says_so(retriever: HybridRetriever) -> None:
    plan = generate_plan(request(), llm=fake({"ObjectivesDraftId": "no json here"}), retriever=retriever)
    section = plan.section("tujuan_pembelajaran")
    assert section.author == "code"
    assert any("templat" in note for note in section.notes)
    assert plan.passed


def test_provider_failing_mid_plan_keeps_written_sections(
    retriever: HybridRetriever, library: Library
) -> None:
    events = list(stream_plan(request(format="modul-ajar"), llm=fake(fail_after=3), retriever=retriever))
    last = events[-1]
    assert last.kind == "error" and "ConnectionError" in last.message
    plan = last.plan
    assert plan.status == "incomplete"
    written = [s.key for s in plan.sections if s.author != "missing"]
    assert "identitas_modul" in written and "kompetensi_awal" in written
    assert plan.section("daftar_pustaka").author == "missing"
    assert not plan.passed
    assert load(library, save(library, plan).material_id or "").status == "incomplete"


def test_unknown_topic_and_unreadable_upload_are_refused(retriever: HybridRetriever, tmp_path: Path) -> None:
    with pytest.raises(LessonInputError, match="tidak cocok"):
        generate_plan(request(topic="sepak bola piala dunia"), llm=fake(), retriever=retriever)
    with pytest.raises(LessonInputError, match="Fase A"):
        generate_plan(
            request(subject="informatika", fase="A", kelas=None, topic="penjumlahan"),
            llm=fake(),
            retriever=retriever,
        )
    broken = tmp_path / "rpp-saya.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(IngestError):
        generate_plan(request(teacher_document=str(broken)), llm=fake(), retriever=retriever)


def test_missing_cp_is_never_invented(tmp_path: Path) -> None:
    no_cp = build_retriever(Settings(_env_file=None, data_dir=tmp_path / "d"), folders=["ipa"])  # type: ignore[call-arg]
    plan = generate_plan(request(), llm=fake(), retriever=no_cp)
    cp = plan.section("capaian_pembelajaran").content
    assert cp["found"] is False and cp["quote"] == ""
    assert "tidak ditemukan" in cp["message"] and plan.warnings[-1] == cp["message"]


def test_teacher_document_is_used_for_this_plan_only(retriever: HybridRetriever, tmp_path: Path) -> None:
    path = tmp_path / "catatan-guru.docx"
    document = Document()
    document.add_heading("Fotosintesis di kebun sekolah", level=1)
    document.add_paragraph("Fotosintesis diamati dengan daun bayam di kebun sekolah kami setiap pagi.")
    document.save(str(path))
    plan = generate_plan(request(teacher_document=str(path)), llm=fake(), retriever=retriever)
    origins = {source.origin for source in plan.sources()}
    assert "teacher-document" in origins
    assert not any("catatan-guru" in hit.citation.source for hit in retriever.search("daun bayam kebun", k=5))


def test_edit_and_regenerate_one_section_keep_the_others(
    retriever: HybridRetriever, library: Library
) -> None:
    plan = save(library, generate_plan(request(), llm=fake(), retriever=retriever))
    text = section_as_yaml(plan, "asesmen").replace(
        "Kuis singkat tentang bagian tumbuhan.", "Kuis gambar daun."
    )
    edited = save(library, edit_section(plan, "asesmen", text))
    assert edited.section("asesmen").author == "teacher"
    assert "Kuis gambar daun." in str(edited.section("asesmen").content)
    assert edited.material_id == plan.material_id
    other = {
        "objectives": [
            {"verb": "merancang", "content": "percobaan cahaya dan tumbuhan air"},
            {"verb": "menjelaskan", "content": "hasil percobaan"},
        ]
    }
    again = save(
        library,
        regenerate_section(
            edited, "tujuan_pembelajaran", llm=fake({"ObjectivesDraftId": other}), retriever=retriever
        ),
    )
    assert "merancang" in again.section("tujuan_pembelajaran").content["objectives"][0]["text"]
    assert again.section("asesmen") == edited.section("asesmen")
    assert again.section("langkah_pembelajaran") == plan.section("langkah_pembelajaran")
    assert again.material_id == plan.material_id
    assert load(library, again.material_id or "").section("asesmen").author == "teacher"
    assert len(library.list(kind=LESSON_PLAN.kind)) == 1  # every save updated the one record
    with pytest.raises(LessonInputError, match="tidak sesuai format"):
        edit_section(again, "asesmen", "items: []")
    with pytest.raises(LessonInputError, match="bukan YAML"):
        edit_section(again, "asesmen", "items: [unclosed")


def test_english_plan_prompts_are_in_english(retriever: HybridRetriever) -> None:
    llm = fake()
    generate_plan(
        request(format="lesson-plan", language="en", topic="photosynthesis"), llm=llm, retriever=retriever
    )
    assert llm.prompts and all("Answer (JSON):" in prompt for prompt in llm.prompts)


def test_copied_citations_and_repeats_are_refused_and_unbelieved_levels_dropped(
    retriever: HybridRetriever,
) -> None:
    copied = {"steps": [{"text": "fotosintesis.md, § Bahan, hasil, persamaan reaksi", "bloom": "C6"}]}
    plan = generate_plan(request(), llm=fake({"StepsDraft": copied}), retriever=retriever)
    texts = [
        s["text"]
        for p in plan.section("langkah_pembelajaran").content["meetings"][0]["phases"]
        for s in p["steps"]
    ]
    assert not any("§" in text for text in texts)
    assert plan.section("langkah_pembelajaran").author == "code"
    # a higher-order label on a step without a matching verb is not believed
    claimed = {"steps": [{"text": "Guru membuka pelajaran dengan salam.", "bloom": "C6"}]}
    plan = generate_plan(request(), llm=fake({"StepsDraft": claimed}), retriever=retriever)
    stats = plan.stats["sections"]["langkah_pembelajaran"]
    assert not stats["draft_passed"] and stats["repaired"]
    assert plan.passed
    repeated = {"items": ["Apa itu fotosintesis?", "Apa itu fotosintesis?"]}
    plan = generate_plan(request(format="modul-ajar"), llm=fake({"ListDraft": repeated}), retriever=retriever)
    assert plan.section("pertanyaan_pemantik").author == "code"


def test_model_prompt_passages_carry_no_file_labels(retriever: HybridRetriever) -> None:
    llm = fake()
    generate_plan(request(), llm=llm, retriever=retriever)
    assert llm.prompts and not any("§" in prompt or ".md" in prompt for prompt in llm.prompts)


def test_steps_copied_from_the_passages_are_replaced(retriever: HybridRetriever) -> None:
    def copy_first_passage(call: int, prompt: str) -> dict[str, object]:
        line = next(line for line in prompt.splitlines() if line.startswith("[1] "))
        return {"steps": [{"text": " ".join(line[4:].split()[:14])[:110], "bloom": "C2"}]}

    plan = generate_plan(request(), llm=fake({"StepsDraft": copy_first_passage}), retriever=retriever)
    section = plan.section("langkah_pembelajaran")
    assert section.author == "code"
    assert any("menyalin" in note for note in section.notes)
