"""``kelas quiz``: one file per format plus quiz.json, saved to the library; clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.library import Library
from toolkit.quiz.cli import parse_types, split_count

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "corpora" / "ipa" / "sistem-pencernaan.md"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KELAS_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_quiz_command_writes_every_format_and_quiz_json(workdir: Path) -> None:
    out = workdir / "kuis"
    result = CliRunner().invoke(
        app,
        [
            "quiz",
            "--topic",
            "fotosintesis",
            "--source",
            str(SOURCE),
            "--n",
            "7",
            "--types",
            "mc,mr,tf,short,match,order,essay",
            "--language",
            "id",
            "--no-model",
            "--export",
            "gift,moodle-xml,qti,kahoot,wayground,forms-json,docx,csv",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in out.iterdir())
    for suffix in (
        ".gift.txt",
        ".moodle.xml",
        ".qti.zip",
        ".kahoot.xlsx",
        ".wayground.xlsx",
        ".forms.json",
        ".lembar-soal.docx",
        ".kunci-jawaban.docx",
        ".csv",
    ):
        assert any(name.endswith(suffix) for name in names), (suffix, names)
    data = json.loads((out / "quiz.json").read_text(encoding="utf-8"))
    assert len(data["items"]) == 7
    for item in data["items"]:
        assert item["verified"] and item["evidence"]["quote"] and item["checks"]
    saved = Library.from_settings(__import__("toolkit.settings", fromlist=["Settings"]).Settings()).list(
        kind="quiz"
    )
    assert len(saved) == 1 and saved[0].info["sources"]
    assert "7 soal terverifikasi" in result.output


def test_bad_options_and_sources_fail_with_one_sentence(workdir: Path) -> None:
    runner = CliRunner()
    bad_type = runner.invoke(
        app, ["quiz", "--topic", "x", "--source", str(SOURCE), "--types", "mc,quiz", "--no-model"]
    )
    assert bad_type.exit_code == 1 and "Unknown item type 'quiz'" in bad_type.output
    bad_format = runner.invoke(
        app, ["quiz", "--topic", "x", "--source", str(SOURCE), "--export", "pdf", "--no-model"]
    )
    assert bad_format.exit_code == 1 and "Unknown export format 'pdf'" in bad_format.output
    empty = workdir / "kosong.txt"
    empty.write_text("", encoding="utf-8")
    empty_run = runner.invoke(
        app, ["quiz", "--source", str(empty), "--no-model", "--out", str(workdir / "o")]
    )
    assert empty_run.exit_code == 1 and "is empty" in empty_run.output


def test_type_parsing_and_count_split() -> None:
    assert parse_types("mc, bs,uraian,mc") == ["mc", "tf", "essay"]
    assert split_count(7, ["mc", "tf", "essay"]) == {"mc": 3, "tf": 2, "essay": 2}
