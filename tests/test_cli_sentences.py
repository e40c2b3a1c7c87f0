"""Every input of the probe's row 12 gets one sentence and a non-zero exit, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app

runner = CliRunner()
WORK = "id,jawaban\nani,Fotosintesis menghasilkan oksigen dan glukosa.\n"


def files(folder: Path) -> None:
    """The probe's inputs, written into ``folder``."""
    (folder / "work.csv").write_text(WORK, encoding="utf-8")
    (folder / "empty.csv").write_bytes(b"")
    (folder / "bad.json").write_text('{"title": 5', encoding="utf-8")
    (folder / "wrong.json").write_text('{"title": "x", "criteria": "nope"}', encoding="utf-8")
    (folder / "latin1.md").write_bytes(
        "Kriteria | Kurang | Baik\nIsi | sedikit | lengkap é\n".encode("cp1252")
    )
    (folder / "utf16.txt").write_bytes(b"\xff\xfe\x00\xd8")
    (folder / "big.csv").write_text("id,jawaban\nani," + "a" * 140_000 + "\n", encoding="utf-8")
    (folder / "existing").write_text("a file, not a folder", encoding="utf-8")
    (folder / "q.csv").write_text(
        "type-problem,pertanyaan,jawaban\nA,Apa itu?,fotosintesis\n", encoding="utf-8"
    )
    (folder / "a.csv").write_text(
        "type-problem,jawaban,score\nA,fotosintesis,1e400\nA,x,0\n", encoding="utf-8"
    )
    (folder / "garbage.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)


CASES: list[tuple[list[str], str]] = [
    (
        ["lesson", "--subject", "ipa", "--topic", "x", "--out", "p.md", "--minutes", "99999"],
        "longer than a plan",
    ),
    (
        ["lesson", "--subject", "ipa", "--topic", "x", "--out", "p.md", "--minutes", "-40"],
        "cannot be negative",
    ),
    (["lesson", "--subject", "ipa", "--topic", "x", "--out", "p.md", "--meetings", "0"], "1 to 10 meetings"),
    (["lesson", "--subject", "ipa", "--topic", "x", "--out", "existing", "--no-model"], "--out must end in"),
    (["feedback", "--rubric", "empty.csv", "--work", "work.csv", "--out", "o"], "empty.csv is empty"),
    (["feedback", "--rubric", "bad.json", "--work", "work.csv", "--out", "o"], "bad.json is not a rubric"),
    (
        ["feedback", "--rubric", "wrong.json", "--work", "work.csv", "--out", "o"],
        "wrong.json is not a rubric",
    ),
    (["feedback", "--rubric", "utf16.txt", "--work", "work.csv", "--out", "o"], "rubric table needs"),
    (["feedback", "--rubric", "english-essay", "--work", "big.csv", "--out", "o"], "cell longer than 128 KB"),
    (["feedback", "--rubric", "english-essay", "--work", "work.csv", "--out", "existing"], "is a file"),
    (["quiz", "--topic", "fotosintesis", "--subject", "ipa", "--no-model", "--out", "existing"], "is a file"),
    (["quiz", "--subject", "sihir", "--no-model"], "Mata pelajaran 'sihir' tidak dikenal"),
    (["ask", "Apa itu fotosintesis?", "--subject", "sihir"], "Mata pelajaran 'sihir' tidak dikenal"),
    (["search", "fotosintesis", "--subject", "sihir"], "Mata pelajaran 'sihir' tidak dikenal"),
    (["eval", "scoring", "--questions", "q.csv", "--answers", "a.csv"], "is not a number from 0 to 5"),
    (["accounts", "create", "--csv", "garbage.pdf"], "not a CSV text file"),
    (["index", "/nonexistent"], "/nonexistent does not exist"),
]


@pytest.mark.parametrize(("args", "sentence"), CASES, ids=[" ".join(args)[:60] for args, _ in CASES])
def test_each_input_of_the_probe_is_one_sentence(
    args: list[str], sentence: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KELAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KELAS_CORPORA_PATH", str(tmp_path / "corpora"))
    monkeypatch.chdir(tmp_path)
    files(tmp_path)
    result = runner.invoke(app, args)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1, result.output
    assert sentence in result.output and len(lines) == 1, result.output
    assert "Traceback" not in result.output and "pydantic" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_a_cp1252_rubric_is_read_not_refused(tmp_path: Path) -> None:
    from toolkit.feedback.rubric_io import load_rubric

    files(tmp_path)
    rubric = load_rubric(tmp_path / "latin1.md")
    assert rubric.criteria[0].descriptors[-1] == "lengkap é"
