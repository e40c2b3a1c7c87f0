"""The whole pipeline through the ``openai-compatible`` provider against a real model server.

llama-cpp-python's OpenAI-compatible server runs the embedded Gemma GGUF on a loopback port
(``model_server_url`` in conftest); the app talks to it with ``ChatOpenAI`` exactly as it would to
vLLM or Ollama: streamed answers, structured output held to the schema (a forced tool call, since
this server refuses OpenAI's ``json_schema`` response format), a lesson plan and a quiz. Small
outputs, one plan format, so this stays within a few minutes on two cores.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field
from quiz_fakes import PHOTOSYNTHESIS
from typer.testing import CliRunner

from conftest import MODEL_ALIAS
from toolkit.ask import AskRequest, stream_answer
from toolkit.cli import app
from toolkit.errors import ToolkitError
from toolkit.lessons.generate import stream_plan
from toolkit.lessons.models import build_request
from toolkit.llm.provider_errors import call_provider
from toolkit.llm.server_chat import ServerChatModel
from toolkit.llm.structured import generate_structured
from toolkit.quiz.generate import generate_quiz
from toolkit.quiz.models import QuizRequest
from toolkit.services import Services
from toolkit.settings import Settings

REPO = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def server_settings(url: str, data: Path, **changes: object) -> Settings:
    """Settings for the openai-compatible provider on the test's model server."""
    values: dict[str, object] = {
        "data_dir": data,
        "provider": "openai-compatible",
        "base_url": url,
        "model": MODEL_ALIAS,
        "structured_output": "function_calling",
        "max_tokens": 48,
        "request_timeout": 180,
        **changes,
    }
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def services(model_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Services:
    container = Services(server_settings(model_server_url, tmp_path_factory.mktemp("model-server-data")))
    report = container.index(
        [REPO / "corpora" / "cp" / "cp-ipa-fase-d.md", REPO / "corpora" / "ipa" / "fotosintesis.md"]
    )
    assert not report.by_status("rejected")
    return container


def test_the_provider_is_a_server_client(services: Services) -> None:
    llm = services.llm()
    assert isinstance(llm, ServerChatModel) and llm.structured_output == "function_calling"


def test_answers_stream_from_the_model_server_with_citations(services: Services) -> None:
    request = AskRequest(question="Apa hasil fotosintesis?", subject="ipa", k=2)
    steps = list(stream_answer(request, llm=services.llm(), retriever=services.retriever()))
    partials = [text for text, _ in steps]
    hits = steps[-1][1]
    assert len(hits) == 2 and all("corpora" in hit.citation.source for hit in hits)
    # streamed: the answer grew over several chunks, each one a prefix of the next
    assert len(set(partials)) >= 3
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(partials))
    assert partials[-1].strip()


class Keyword(BaseModel):
    term: str = Field(max_length=30)
    definition: str = Field(max_length=120)


def test_structured_output_is_held_to_the_schema(services: Services) -> None:
    result = generate_structured(
        services.llm(),
        [HumanMessage(content="Istilah IPA dan artinya dalam JSON.\nIstilah: klorofil\n")],
        Keyword,
        attempts=1,
    )
    assert isinstance(result, Keyword) and 0 < len(result.term) <= 30


def test_the_json_schema_method_this_server_refuses_is_reported_in_one_sentence(
    model_server_url: str, tmp_path: Path
) -> None:
    settings = server_settings(model_server_url, tmp_path, structured_output="json_schema")
    llm = Services(settings).llm()
    with pytest.raises(ToolkitError) as caught:
        call_provider(settings, lambda: generate_structured(llm, [HumanMessage(content="klorofil")], Keyword))
    message = str(caught.value)
    assert "KELAS_STRUCTURED_OUTPUT=function_calling" in message and "Traceback" not in message


def test_a_checked_lesson_plan_is_written_through_the_server(services: Services) -> None:
    request = build_request(
        format="rpp",
        subject="ipa",
        fase="D",
        kelas=7,
        topic="fotosintesis",
        duration={"jp": 1, "minutes_per_jp": 40},
    )
    events = list(
        stream_plan(
            request,
            llm=services.llm(),
            retriever=services.retriever(),
            library=services.library(),
            settings=services.settings,
            model_name=MODEL_ALIAS,
        )
    )
    assert events[-1].kind == "done", [e.kind for e in events]
    plan = events[-1].plan
    assert plan.stats["model_calls"] >= 5 and plan.stats["first_section_s"] < plan.stats["total_s"]
    assert all(section.author != "missing" for section in plan.sections)
    assert next(c for c in plan.checks if c.name == "minutes").passed
    assert services.library().list(kind="lesson-plan")


def test_a_verified_quiz_item_is_made_through_the_server(services: Services) -> None:
    request = QuizRequest(
        topic="fotosintesis",
        source_text=PHOTOSYNTHESIS,
        counts={"tf": 1},
        draft_max_tokens=64,
        model_check_on_fallback=True,
    )
    quiz = generate_quiz(request, llm=services.llm(), retriever=None, model_name=MODEL_ALIAS)
    assert quiz.stats["model_drafts"] >= 1
    assert len(quiz.items) == 1 and quiz.items[0].verified and quiz.items[0].evidence is not None


def test_kelas_check_reaches_the_server(
    model_server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "KELAS_PROVIDER": "openai-compatible",
        "KELAS_BASE_URL": model_server_url,
        "KELAS_MODEL": MODEL_ALIAS,
        "KELAS_DATA_DIR": str(tmp_path),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert f"{MODEL_ALIAS} at {model_server_url} answered" in result.output
