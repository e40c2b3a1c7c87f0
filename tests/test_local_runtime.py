"""The one local-model runtime (``toolkit.llm.runtime``): chat and scoring share a resolver and a lock.

A fake ``Llama`` stands in for llama.cpp, so nothing is loaded.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from langchain_core.messages import HumanMessage

from toolkit.feedback import essays
from toolkit.feedback.model_signal import LlamaLogProbs
from toolkit.feedback.service import essay_scorer
from toolkit.llm import runtime
from toolkit.llm.factory import build_local_chat_model
from toolkit.settings import Settings

VOCAB = 300


class FakeLlama:
    """Enough of ``llama_cpp.Llama`` for a completion and a log-probability pass; it checks the lock."""

    def __init__(self, path: Path, options: dict[str, Any]) -> None:
        self.path = path
        self.options = options
        self.locks_seen: list[bool] = []
        self.input_ids = np.zeros(options["n_ctx"], dtype=np.int64)
        self.n_tokens = 0
        self.scores = np.zeros((options["n_ctx"], VOCAB), dtype=np.float32)

    def _note_lock(self) -> None:
        self.locks_seen.append(runtime.file_lock(self.path).locked())

    def create_completion(self, prompt: str, stream: bool, **args: Any) -> Any:
        self._note_lock()
        yield {"choices": [{"text": "jawaban"}]}

    def tokenize(self, text: bytes, add_bos: bool) -> list[int]:
        return ([1] if add_bos else []) + [byte % VOCAB for byte in text]

    def eval(self, tokens: list[int]) -> None:
        self._note_lock()
        end = self.n_tokens + len(tokens)
        self.input_ids[self.n_tokens : end] = tokens
        self.n_tokens = end


@pytest.fixture
def fake_llamas(monkeypatch: pytest.MonkeyPatch) -> list[FakeLlama]:
    """Every ``Llama`` the runtime opens, in order (fresh caches for the test)."""
    opened: list[FakeLlama] = []

    def fake_open(path: Path, **options: Any) -> FakeLlama:
        opened.append(FakeLlama(path, options))
        return opened[-1]

    monkeypatch.setattr(runtime, "open_gguf", fake_open)
    monkeypatch.setattr(runtime, "_LOADED", {})
    monkeypatch.setattr(runtime, "_LOCKS", {})
    return opened


@pytest.fixture
def smollm2_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in SmolLM2 GGUF file that the resolver finds for ``local_model="smollm2-135m"``."""
    path = tmp_path / "tiny-smollm2.gguf"
    path.write_bytes(b"not a real model")
    monkeypatch.setattr(runtime, "smollm2_model_path", lambda: path)
    return path


def test_chat_and_scoring_resolve_the_configured_model_the_same_way(
    settings: Settings, smollm2_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = settings.model_copy(update={"local_model": "smollm2-135m"})
    fitted = SimpleNamespace(model=smollm2_file.stem, ctx=128)
    monkeypatch.setattr(essays, "llm_essay_model", lambda: fitted)
    scorer = essay_scorer(local)
    assert isinstance(scorer, LlamaLogProbs)
    assert scorer.model_path == build_local_chat_model(local).model_path == runtime.model_path(local)
    assert scorer.n_ctx == 128


def test_the_packaged_gemma_file_is_not_assembled_for_scoring(settings: Settings) -> None:
    path = runtime.model_path(settings, assemble=False)
    assert path == settings.model_cache_dir / "gemma-3-270m-q4_k_m.gguf"
    assert not path.exists()


def test_chat_and_scoring_on_one_file_share_one_lock(
    settings: Settings, fake_llamas: list[FakeLlama], smollm2_file: Path
) -> None:
    chat = build_local_chat_model(settings.model_copy(update={"local_model": "smollm2-135m"}))
    chat = chat.model_copy(update={"chat_format": False})
    scorer = LlamaLogProbs(smollm2_file, n_ctx=64)
    assert chat.invoke([HumanMessage(content="Apa ibu kota Indonesia?")]).content == "jawaban"
    values = scorer.segment_logprobs("Student essay:\n", ["Cats sleep."])
    assert len(values[0]) == len(b"Cats sleep.")
    chat_llama, scoring_llama = fake_llamas
    assert chat_llama.options.get("logits_all") is None and scoring_llama.options["logits_all"] is True
    assert chat_llama.locks_seen == [True] and scoring_llama.locks_seen == [True]
    assert runtime.file_lock(smollm2_file) is runtime.file_lock(smollm2_file.parent / "." / smollm2_file.name)
    assert len(runtime._LOCKS) == 1  # two Llama objects, one lock for the file
    scorer.segment_logprobs("Student essay:\n", ["Dogs run."])
    assert len(fake_llamas) == 2  # each configuration is loaded once


def test_chat_waits_while_the_file_is_scored(
    settings: Settings, fake_llamas: list[FakeLlama], smollm2_file: Path
) -> None:
    chat = build_local_chat_model(settings.model_copy(update={"local_model": "smollm2-135m"}))
    chat = chat.model_copy(update={"chat_format": False})
    answers: list[str] = []
    worker = threading.Thread(target=lambda: answers.append(str(chat.invoke("Halo").content)))
    with runtime.file_lock(smollm2_file):  # what scoring holds while it runs
        worker.start()
        worker.join(timeout=0.2)
        assert worker.is_alive() and not answers
    worker.join(timeout=5)
    assert answers == ["jawaban"]
