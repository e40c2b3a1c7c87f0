"""The ``kelas`` command line with real embeddings on a small corpus in a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app

runner = CliRunner()


@pytest.fixture
def kelas_env(tmp_path: Path, small_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KELAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KELAS_CORPORA_PATH", str(small_corpus))
    monkeypatch.chdir(tmp_path)
    return small_corpus


def test_index_then_search_then_incremental(kelas_env: Path) -> None:
    first = runner.invoke(app, ["index"])
    assert first.exit_code == 0, first.output
    assert "4 added" in first.output
    found = runner.invoke(app, ["search", "kondensasi awan", "--k", "2"])
    assert found.exit_code == 0, found.output
    assert "siklus-air.md" in found.output.splitlines()[0]
    second = runner.invoke(app, ["index"])
    assert "4 unchanged" in second.output and "0 chunks embedded" in second.output
    filtered = runner.invoke(app, ["search", "sugar", "--subject", "ipa", "--fase", "C"])
    assert "photosynthesis.md" in filtered.output and "fotosintesis.md" not in filtered.output


def test_rejected_file_is_reported_and_the_rest_indexed(kelas_env: Path) -> None:
    (kelas_env / "scan.pdf").write_bytes(b"%PDF-1.4 broken")
    result = runner.invoke(app, ["index", str(kelas_env)])
    assert result.exit_code == 0
    assert "scan.pdf" in result.output and "4 added" in result.output and "1 rejected" in result.output


def test_provider_down_gives_one_sentence(kelas_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KELAS_PROVIDER", "openai-compatible")
    monkeypatch.setenv("KELAS_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("KELAS_MODEL", "x")
    assert runner.invoke(app, ["index"]).exit_code == 0
    result = runner.invoke(app, ["ask", "Apa itu kondensasi?"])
    assert result.exit_code == 1
    assert "Cannot reach the model server" in result.output
    assert "Traceback" not in result.output


def test_eval_retrieval_json_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    contexts = [
        "Fotosintesis terjadi di kloroplas daun dan menghasilkan oksigen.",
        "Gunung Dempo adalah gunung api di Kabupaten Lahat, Sumatra Selatan.",
        "Evaporasi adalah penguapan air dari laut karena panas matahari.",
    ]
    data = [
        {
            "context": contexts[0],
            "qas": [{"question": "Di mana fotosintesis terjadi?", "is_impossible": False}],
        },
        {
            "context": contexts[1],
            "qas": [
                {"question": "Gunung api apa yang ada di Lahat?", "is_impossible": False},
                {"question": "Siapa bupati Lahat?", "is_impossible": True},
            ],
        },
    ]
    distractors = [{"context": contexts[2], "qas": [{"question": "ignored", "is_impossible": False}]}]
    (tmp_path / "d.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "x.json").write_text(json.dumps(distractors), encoding="utf-8")
    result = runner.invoke(
        app, ["eval", "retrieval", "--data", "d.json", "--distractors", "x.json", "--json"]
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output.strip().splitlines()[-1])
    for key in ("recall@1", "recall@5", "recall@10", "mrr@10", "p50_ms", "p95_ms", "passages_per_s"):
        assert key in metrics
    assert metrics["n"] == 2
    assert metrics["recall@1"] == 1.0 and metrics["mrr@10"] == 1.0
    assert "3 passages" in result.output
