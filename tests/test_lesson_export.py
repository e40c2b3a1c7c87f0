"""Exports: DOCX read back with python-docx (every required heading, real tables), Markdown, JSON, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from lesson_helpers import build_retriever, fake
from typer.testing import CliRunner

from toolkit.errors import ToolkitError
from toolkit.index.retrieval import HybridRetriever
from toolkit.lessons.export import export_plan, to_markdown
from toolkit.lessons.formats import FORMATS
from toolkit.lessons.generate import generate_plan
from toolkit.lessons.models import LessonPlan, build_request
from toolkit.settings import Settings


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> HybridRetriever:
    data = tmp_path_factory.mktemp("lesson-export")
    return build_retriever(Settings(_env_file=None, data_dir=data))  # type: ignore[call-arg]


def make_plan(retriever: HybridRetriever, fmt: str, language: str) -> LessonPlan:
    topic = "photosynthesis" if language == "en" else "fotosintesis"
    request = build_request(format=fmt, subject="ipa", fase="D", kelas=7, topic=topic, language=language)
    return generate_plan(request, llm=fake(), retriever=retriever)


@pytest.mark.parametrize(
    ("fmt", "language"), [("modul-ajar", "id"), ("mendalam", "id"), ("rpp", "en"), ("lesson-plan", "en")]
)
def test_docx_has_every_required_heading_and_real_tables(
    retriever: HybridRetriever, tmp_path: Path, fmt: str, language: str
) -> None:
    plan = make_plan(retriever, fmt, language)
    path = export_plan(plan, tmp_path / "plan.docx")
    document = Document(str(path))
    headings = [
        p.text
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith(("Heading", "Title"))
    ]
    for spec in FORMATS[fmt]:
        assert spec.title(language) in headings, spec.key
        if spec.group(language):
            assert spec.group(language) in headings
    assert plan.title in headings
    assert len(document.tables) >= 3
    activity_tables = [t for t in document.tables if "Bloom" in [c.text for c in t.rows[0].cells]]
    assert activity_tables or fmt == "lesson-plan"
    body = "\n".join(p.text for p in document.paragraphs)
    assert "cp-ipa-fase-d.md" in body  # the CP citation travels into the document


def test_markdown_and_json_exports(retriever: HybridRetriever, tmp_path: Path) -> None:
    plan = make_plan(retriever, "mendalam", "id")
    markdown = to_markdown(plan)
    for spec in FORMATS["mendalam"]:
        assert f"## {spec.title('id')}" in markdown or f"### {spec.title('id')}" in markdown
    assert "| Tahap | Menit | Kegiatan | Bloom | Pengalaman belajar | Prinsip |" in markdown
    assert "✅" in markdown and "Sumber:" in markdown
    data = json.loads(export_plan(plan, tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert LessonPlan.model_validate(data).sections == plan.sections
    assert export_plan(plan, tmp_path / "plan.md").read_text(encoding="utf-8") == markdown
    with pytest.raises(ToolkitError, match="docx"):
        export_plan(plan, tmp_path / "plan.pdf")


def test_cli_writes_the_file_and_prints_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit.cli import app
    from toolkit.services import Services

    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    retriever = build_retriever(settings)
    monkeypatch.setattr(Services, "llm", lambda self: fake())
    monkeypatch.setattr(Services, "retriever", lambda self: retriever)
    monkeypatch.setenv("KELAS_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "out" / "rpp.docx"
    result = CliRunner().invoke(
        app,
        [
            "lesson",
            "--format",
            "rpp",
            "--subject",
            "ipa",
            "--fase",
            "D",
            "--kelas",
            "7",
            "--topic",
            "fotosintesis",
            "--minutes",
            "80",
            "--language",
            "id",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.is_file() and str(out) in result.output
    assert "Jumlah menit kegiatan = 80 menit" in result.output
    bad = CliRunner().invoke(
        app,
        [
            "lesson",
            "--subject",
            "ipa",
            "--fase",
            "D",
            "--topic",
            "fotosintesis",
            "--minutes",
            "0",
            "--out",
            str(tmp_path / "x.md"),
        ],
    )
    assert bad.exit_code == 1 and "lebih dari 0 menit" in bad.output
    wrong_suffix = CliRunner().invoke(
        app, ["lesson", "--subject", "ipa", "--fase", "D", "--topic", "x", "--out", str(tmp_path / "x.pdf")]
    )
    assert wrong_suffix.exit_code == 1 and ".docx, .md or .json" in wrong_suffix.output
