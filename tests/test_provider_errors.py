"""Provider failures become one clear sentence: server down, wrong key, missing model, bad settings."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from langchain_core.messages import HumanMessage

from conftest import free_port
from toolkit.errors import ProviderError
from toolkit.llm.factory import build_chat_model
from toolkit.llm.provider_errors import call_provider
from toolkit.settings import Settings


class ErrorServer(BaseHTTPRequestHandler):
    """A tiny OpenAI-compatible server that answers every request with one error status."""

    status = 401

    def do_POST(self) -> None:
        body = json.dumps({"error": {"message": "nope", "type": "error", "code": str(self.status)}}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def error_server(request: pytest.FixtureRequest) -> Iterator[str]:
    handler = type("Handler", (ErrorServer,), {"status": request.param})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def compatible(base_url: str) -> Settings:
    return Settings(
        _env_file=None,
        provider="openai-compatible",
        base_url=base_url,
        model="tiny",
        api_key="k",
        request_timeout=5,
    )  # type: ignore[call-arg]


def ask(settings: Settings) -> None:
    llm = build_chat_model(settings)
    call_provider(settings, lambda: llm.invoke([HumanMessage(content="halo")]))


def test_unreachable_server() -> None:
    settings = compatible(f"http://127.0.0.1:{free_port()}/v1")
    with pytest.raises(ProviderError, match="Cannot reach the model server"):
        ask(settings)


@pytest.mark.parametrize(
    ("error_server", "message"),
    [(401, "refused the API key"), (404, "was not found"), (500, "answered with an error")],
    indirect=["error_server"],
)
def test_server_errors_are_explained(error_server: str, message: str) -> None:
    with pytest.raises(ProviderError, match=message) as caught:
        ask(compatible(error_server))
    assert "Traceback" not in str(caught.value)


def test_missing_settings_are_explained() -> None:
    with pytest.raises(ProviderError, match="KELAS_BASE_URL"):
        build_chat_model(Settings(_env_file=None, provider="openai-compatible", model="x"))  # type: ignore[call-arg]
    with pytest.raises(ProviderError, match="KELAS_MODEL"):
        build_chat_model(Settings(_env_file=None, provider="openai-compatible", base_url="http://h/v1"))  # type: ignore[call-arg]
    with pytest.raises(ProviderError, match="OPENAI_API_KEY"):
        build_chat_model(Settings(_env_file=None, provider="openai"))  # type: ignore[call-arg]


def test_missing_local_model_file_is_explained(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(_env_file=None, local_model_path=tmp_path / "nope.gguf")  # type: ignore[call-arg]
    with pytest.raises(ProviderError, match="not a file"):
        build_chat_model(settings)
