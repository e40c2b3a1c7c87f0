"""Rubric import/export, CSV problems, evidence verification, reports read back, resumable batches."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import docx
import numpy as np
import pytest
from openpyxl import load_workbook

from toolkit.errors import ToolkitError
from toolkit.feedback.batch import load_progress, read_work, read_work_csv
from toolkit.feedback.calibration import STRICTNESS_SHIFT
from toolkit.feedback.core import WorkItem, give_feedback, override, verify_quotes
from toolkit.feedback.models import FeedbackRequest
from toolkit.feedback.reports import NotApprovedError, write_class_csv, write_class_xlsx, write_student_docx
from toolkit.feedback.rubric import RubricRequest, generate_rubric, make_levels
from toolkit.feedback.rubric_io import load_rubric, rubric_from_text, rubric_to_csv, rubric_to_docx
from toolkit.feedback.service import run_feedback
from toolkit.feedback.short_answer import SHORT_ANSWER_FILES, load_calibration
from toolkit.feedback.tables import TableError
from toolkit.feedback.vectors import TextVectors
from toolkit.language import detect_language
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.tools import FEEDBACK, RUBRIC

REFERENCE = "Hujan terjadi karena uap air naik, mengembun menjadi awan, lalu jatuh sebagai presipitasi."
WORKS = [
    "Air laut menguap karena panas matahari. Uap air naik dan mengembun menjadi awan. Lalu turun hujan.",
    "Hujan turun dari langit.",
    "",
    "Awan terbentuk dari kondensasi uap air, kemudian presipitasi terjadi sebagai hujan.",
]


def vectors(fake_embeddings: object) -> TextVectors:
    return TextVectors(fake_embeddings, "fake")  # type: ignore[arg-type]


def test_generated_rubric_shape_levels_and_points() -> None:
    rubric = generate_rubric(RubricRequest(goal="Menjelaskan siklus air", reference=REFERENCE))
    assert 3 <= len(rubric.criteria) <= 6
    assert [level.label for level in rubric.levels] == ["Baru berkembang", "Layak", "Cakap", "Mahir"]
    assert all(len(c.descriptors) == 4 and all(c.descriptors) for c in rubric.criteria)
    assert rubric.gaps() == []
    assert any(c.key_points for c in rubric.criteria)
    points = generate_rubric(RubricRequest(goal="Menulis teks deskripsi", points=3))
    assert [level.points for level in points.levels] == [0, 1, 2, 3]
    assert points.criteria[0].name == "Isi dan gagasan"
    custom = make_levels(["Kurang", "Cukup", "Baik"])
    assert [level.points for level in custom] == [1, 2, 3]


def test_rubric_round_trip_csv_docx_and_paste(tmp_path: Path) -> None:
    rubric = generate_rubric(RubricRequest(goal="Menjelaskan siklus air", reference=REFERENCE))
    from_csv = load_rubric(rubric_to_csv(rubric, tmp_path / "r.csv"))
    from_docx = load_rubric(rubric_to_docx(rubric, tmp_path / "r.docx"))
    for loaded in (from_csv, from_docx):
        assert [c.name for c in loaded.criteria] == [c.name for c in rubric.criteria]
        assert [c.descriptors for c in loaded.criteria] == [c.descriptors for c in rubric.criteria]
        assert [c.weight for c in loaded.criteria] == [c.weight for c in rubric.criteria]
        assert [level.label for level in loaded.levels] == [level.label for level in rubric.levels]
    pasted = rubric_from_text(
        "Kriteria\tBobot\t1\t2\t3\nIsi\t2\tKurang\t\tLengkap\nBahasa\t1\tBanyak salah\tCukup\tRapi"
    )
    assert [level.points for level in pasted.levels] == [1, 2, 3]
    assert any("no descriptor" in gap for gap in pasted.gaps())
    assert pasted.filled().gaps() == []


def test_rubric_import_errors_are_sentences(tmp_path: Path) -> None:
    with pytest.raises(ToolkitError, match="Kriteria"):
        rubric_from_text("Nama\tA\tB\nx\ty\tz")
    bad = tmp_path / "r.docx"
    bad.write_bytes(b"not a docx")
    with pytest.raises(ToolkitError, match="Word"):
        load_rubric(bad)


def test_csv_problems_are_named(tmp_path: Path) -> None:
    missing = tmp_path / "kelas.csv"
    missing.write_text("nama,kelas\nAni,7\n", encoding="utf-8")
    with pytest.raises(TableError, match="missing column"):
        read_work_csv(missing)
    windows = tmp_path / "kelas-1252.csv"
    windows.write_bytes("nis;jawaban\n1;Caf\xe9 dan hujan\n1;Awan\n".encode("cp1252"))
    batch = read_work_csv(windows)
    assert any("cp1252" in note for note in batch.notes)
    assert batch.items[0].text == "Café dan hujan"
    assert [item.student_id for item in batch.items] == ["1", "1 (2)"]
    assert any("Duplicate" in note for note in batch.notes)


def test_zip_batch_reads_files_and_reports_bad_ones(tmp_path: Path) -> None:
    archive = tmp_path / "kelas.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("ani.txt", WORKS[0])
        handle.writestr("budi.txt", WORKS[3])
        handle.writestr("rusak.pdf", b"%PDF-1.4 broken")
    batch = read_work(archive)
    assert sorted(item.student_id for item in batch.items) == ["ani", "budi"]
    assert any("rusak.pdf" in note for note in batch.notes)


def test_evidence_is_verified_against_the_work(fake_embeddings: object) -> None:
    assert verify_quotes(["uap air naik", "kalimat karangan model"], WORKS[0]) == ["uap air naik"]
    rubric = generate_rubric(RubricRequest(goal="Menjelaskan siklus air", reference=REFERENCE))
    works = [WorkItem(student_id=f"s{i}", text=text) for i, text in enumerate(WORKS)]
    results = give_feedback(rubric, works, vectors(fake_embeddings), reference=REFERENCE)
    for work, result in zip(works, results, strict=True):
        for item in result.criteria:
            assert verify_quotes(item.evidence, work.text) == item.evidence
            assert item.next_step
    empty = results[2]
    assert all(item.level_index == 0 for item in empty.criteria)
    assert any("kosong" in note.lower() for note in empty.notes)


def test_strictness_shifts_levels(fake_embeddings: object) -> None:
    rubric = generate_rubric(RubricRequest(goal="Menjelaskan siklus air", reference=REFERENCE))
    works = [WorkItem(student_id=f"s{i}", text=text) for i, text in enumerate(WORKS)]
    percents = {
        mode: [
            r.percent
            for r in give_feedback(rubric, works, vectors(fake_embeddings), REFERENCE, strictness=mode)
        ]
        for mode in ("lenient", "standard", "strict")
    }
    for lenient, standard, strict in zip(*percents.values(), strict=True):
        assert lenient >= standard >= strict
    model = load_calibration(SHORT_ANSWER_FILES["single"])
    coef = np.asarray(model.coef)
    target = model.thresholds[2] + 0.2  # just above the third threshold
    standardised = coef * (target - model.intercept) / float(coef @ coef)
    signals = (np.asarray(model.mean) + standardised * np.asarray(model.scale))[None, :]
    assert model.continuous(signals)[0] == pytest.approx(target)
    levels = {mode: int(model.levels(signals, mode)[0]) for mode in STRICTNESS_SHIFT}  # type: ignore[arg-type]
    assert levels == {"lenient": 3, "standard": 3, "strict": 2}


def test_override_approval_and_reports_read_back(tmp_path: Path, fake_embeddings: object) -> None:
    rubric = generate_rubric(RubricRequest(goal="Menjelaskan siklus air", reference=REFERENCE))
    works = [WorkItem(student_id=f"s{i}", text=text) for i, text in enumerate(WORKS)]
    results = give_feedback(rubric, works, vectors(fake_embeddings), reference=REFERENCE)
    with pytest.raises(NotApprovedError):
        write_class_csv(results, rubric, tmp_path / "x.csv")
    with pytest.raises(ValueError, match="reason"):
        override(results[1], rubric, rubric.criteria[0].name, 3, "")
    override(results[1], rubric, rubric.criteria[0].name, 3, "Penjelasan lisan di kelas lengkap")
    for result in results:
        result.approved = True
    rows = list(csv.reader((write_class_csv(results, rubric, tmp_path / "k.csv")).open(encoding="utf-8-sig")))
    assert rows[0][1] == f"{rubric.criteria[0].name} (level)"
    assert rows[2][1] == "Mahir" and "Penjelasan lisan" in rows[2][-2]
    workbook = load_workbook(write_class_xlsx(results, rubric, tmp_path / "k.xlsx"))
    assert workbook["Nilai"].max_row == len(WORKS) + 1
    spread = workbook["Sebaran"]
    assert len(spread._charts) == 1
    counts = [sum(cell.value for cell in row[1:]) for row in spread.iter_rows(min_row=2)]
    assert counts == [len(WORKS)] * len(rubric.criteria)
    sheet = docx.Document(str(write_student_docx(results[0], rubric, tmp_path / "s0.docx")))
    text = "\n".join(cell.text for table in sheet.tables for row in table.rows for cell in row.cells)
    assert rubric.criteria[0].name in text and results[0].criteria[0].next_step in text


def test_batch_failing_half_way_resumes(tmp_path: Path, settings: Settings, fake_embeddings: object) -> None:
    services = Services(settings, embeddings=fake_embeddings)  # type: ignore[arg-type]
    rubric = generate_rubric(RubricRequest(goal="Menjelaskan siklus air", reference=REFERENCE))
    works = [WorkItem(student_id=f"s{i}", text=text) for i, text in enumerate(WORKS)]
    out = tmp_path / "out"
    seen: list[str] = []

    def crash_after_two(line: str) -> None:
        seen.append(line)
        if len(seen) == 2:
            raise RuntimeError("power cut")

    request = FeedbackRequest(rubric=rubric, works=works, reference=REFERENCE)
    tools = {"embeddings": services.embeddings(), "settings": settings}
    with pytest.raises(RuntimeError):
        run_feedback(request, **tools, out_dir=out, progress=crash_after_two)  # type: ignore[arg-type]
    assert sorted(load_progress(out)) == ["s0", "s1"]
    run = run_feedback(request, **tools, out_dir=out)  # type: ignore[arg-type]
    assert run.resumed == 2 and [r.student_id for r in run.results] == ["s0", "s1", "s2", "s3"]
    material = FEEDBACK.save(services.library(), run)
    stored = services.library().get(material.id)
    assert stored is not None and stored.kind == "feedback"
    assert FEEDBACK.load(stored).results == run.results
    assert RUBRIC.save(services.library(), rubric).kind == "rubric"


def test_feedback_cli_drafts_then_approves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from toolkit.cli import app

    monkeypatch.setenv("KELAS_DATA_DIR", str(tmp_path / "data"))
    rubric = generate_rubric(RubricRequest(goal="Menjelaskan siklus air", reference=REFERENCE))
    rubric_file = rubric_to_csv(rubric, tmp_path / "rubrik.csv")
    work = tmp_path / "kelas.csv"
    work.write_text(
        "nis,jawaban\n" + "".join(f'{i},"{text}"\n' for i, text in enumerate(WORKS)), encoding="utf-8"
    )
    reference = tmp_path / "acuan.txt"
    reference.write_text(REFERENCE, encoding="utf-8")
    out = tmp_path / "out"
    arguments = [
        "feedback",
        "--rubric",
        str(rubric_file),
        "--work",
        str(work),
        "--reference",
        str(reference),
        "--out",
        str(out),
    ]
    draft = CliRunner().invoke(app, arguments)
    assert draft.exit_code == 0, draft.output
    assert "Drafts only" in draft.output and not (out / "laporan-kelas.xlsx").exists()
    assert len(list((out / "lembar").glob("*.docx"))) == len(WORKS)
    approved = CliRunner().invoke(app, [*arguments, "--approve"])
    assert approved.exit_code == 0, approved.output
    assert "4 students kept" in approved.output
    assert (out / "laporan-kelas.xlsx").exists() and (out / "laporan-kelas.csv").exists()


REFERENCE_EN = "Water evaporates, condenses into clouds and falls as rain."


def test_long_english_work_is_chunked_and_answered_in_english(fake_embeddings: object) -> None:
    rubric = generate_rubric(
        RubricRequest(
            goal="Explain the water cycle",
            reference=REFERENCE_EN,
            language="en",
        )
    )
    sentence = (
        "The sun heats the sea and the water evaporates, then it condenses into clouds and falls as rain. "
    )
    long_work = WorkItem(
        student_id="long", text=sentence * 400 + "In the end the rain flows back to the sea."
    )
    short_work = WorkItem(student_id="short", text="Rain falls.")
    results = give_feedback(rubric, [long_work, short_work], vectors(fake_embeddings), reference=REFERENCE_EN)
    assert len(long_work.text.split()) > 5000
    assert results[0].language == "en"
    assert all(detect_language(item.next_step) == "en" for item in results[0].criteria)
    for item in results[0].criteria:
        assert verify_quotes(item.evidence, long_work.text) == item.evidence


def test_generated_rubric_cites_kktp_guidance(
    settings: Settings, fake_embeddings: object, tmp_path: Path
) -> None:
    folder = tmp_path / "corpora" / "kerangka"
    folder.mkdir(parents=True)
    (folder / "kktp.md").write_text(
        "---\ntitle: KKTP\nsubject: umum\nlanguage: id\ndoc_type: panduan\n---\n# KKTP\n\n## Rubrik\n\n"
        "Kriteria ketercapaian tujuan pembelajaran (KKTP) dapat disusun sebagai rubrik dengan deskripsi "
        "tiap tingkat atau sebagai interval nilai.\n",
        encoding="utf-8",
    )
    services = Services(settings, embeddings=fake_embeddings)  # type: ignore[arg-type]
    services.index([folder])
    rubric = generate_rubric(RubricRequest(goal="Menjelaskan siklus air"), retriever=services.retriever())
    assert rubric.sources and "kktp.md" in rubric.sources[0]
