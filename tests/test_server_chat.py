"""KELAS_STRUCTURED_OUTPUT decides how a server model is asked for JSON (request shapes on the wire)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from pydantic import BaseModel

from toolkit.llm.factory import build_chat_model
from toolkit.llm.structured import generate_structured
from toolkit.settings import Settings


class Term(BaseModel):
    term: str
    meaning: str


ANSWER = {"term": "klorofil", "meaning": "zat hijau daun"}


class RecordingServer(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint that records each request body and answers in kind."""

    bodies: list[dict[str, Any]]

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.bodies.append(body)
        message: dict[str, Any] = {"role": "assistant", "content": json.dumps(ANSWER)}
        if body.get("tools"):
            name = body["tools"][0]["function"]["name"]
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": name, "arguments": json.dumps(ANSWER)},
                    }
                ],
            }
        if body.get("stream"):
            chunk = {
                "id": "x",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {"index": 0, "delta": {"role": "assistant", "content": "ya"}, "finish_reason": "stop"}
                ],
            }
            events = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(events)))
            self.end_headers()
            self.wfile.write(events)
            return
        reply = json.dumps(
            {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    bodies: list[dict[str, Any]] = []
    handler = type("Handler", (RecordingServer,), {"bodies": bodies})
    httpd = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", bodies
    httpd.shutdown()


def structured_request(url: str, method: str) -> Term:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, provider="openai-compatible", base_url=url, model="tiny", structured_output=method
    )
    return generate_structured(
        build_chat_model(settings), [HumanMessage(content="klorofil")], Term, attempts=1
    )


def test_the_token_limit_reaches_compatible_servers_as_max_tokens(
    server: tuple[str, list[dict[str, Any]]],
) -> None:
    """llama-cpp-python's server ignores OpenAI's newer max_completion_tokens and writes on."""
    url, bodies = server
    for provider in ("openai-compatible", "openai"):
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, provider=provider, base_url=url, model="tiny", api_key="k", max_tokens=77
        )
        build_chat_model(settings).invoke([HumanMessage(content="halo")])
        list(build_chat_model(settings).stream([HumanMessage(content="halo")]))
    compatible, compatible_stream, openai, openai_stream = bodies
    assert compatible["max_tokens"] == compatible_stream["max_tokens"] == 77
    assert "max_completion_tokens" not in compatible and "max_completion_tokens" not in compatible_stream
    assert openai["max_completion_tokens"] == openai_stream["max_completion_tokens"] == 77


def test_json_schema_is_the_default_response_format(server: tuple[str, list[dict[str, Any]]]) -> None:
    url, bodies = server
    assert Settings(_env_file=None).structured_output == "json_schema"  # type: ignore[call-arg]
    assert structured_request(url, "json_schema") == Term(**ANSWER)
    assert bodies[0]["response_format"]["type"] == "json_schema" and "tools" not in bodies[0]


def test_function_calling_forces_a_tool_call_with_the_schema(
    server: tuple[str, list[dict[str, Any]]],
) -> None:
    url, bodies = server
    assert structured_request(url, "function_calling") == Term(**ANSWER)
    [body] = bodies
    assert "response_format" not in body
    assert body["tool_choice"]["function"]["name"] == "Term"
    assert set(body["tools"][0]["function"]["parameters"]["properties"]) == {"term", "meaning"}


def test_prompt_asks_for_the_schema_in_words(server: tuple[str, list[dict[str, Any]]]) -> None:
    url, bodies = server
    assert structured_request(url, "prompt") == Term(**ANSWER)
    [body] = bodies
    assert "response_format" not in body and "tools" not in body
    assert '"meaning"' in body["messages"][-1]["content"]  # the schema travels in the last message
