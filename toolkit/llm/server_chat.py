"""The chat model for OpenAI and OpenAI-compatible servers (imported only when one is configured).

``ChatOpenAI`` asks for structured output with OpenAI's ``json_schema`` response format. Not every
OpenAI-compatible server takes it: llama-cpp-python's server refuses it but holds a forced tool
call to the schema (``function_calling``), and some servers offer neither (``prompt``:
``toolkit.llm.structured`` then asks for JSON in words and repairs what comes back). The method is
the setting ``KELAS_STRUCTURED_OUTPUT``.

``ChatOpenAI`` also sends the token limit as OpenAI's newer ``max_completion_tokens``, which
llama-cpp-python's server (and other older servers) silently ignore, letting an answer run on to
the end of the context; to OpenAI-compatible servers the limit goes as the classic ``max_tokens``.
"""

from __future__ import annotations

from typing import Any

from toolkit.llm.guard import GuardedChatOpenAI
from toolkit.settings import StructuredOutput


class ServerChatModel(GuardedChatOpenAI):
    """``ChatOpenAI`` behind the privacy guard, whose structured output uses the configured method."""

    structured_output: StructuredOutput = "json_schema"
    classic_max_tokens: bool = False
    """Send the token limit as ``max_tokens`` (every OpenAI-compatible server reads it)."""

    def _get_request_payload(
        self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        payload: dict[str, Any] = super()._get_request_payload(input_, stop=stop, **kwargs)
        if self.classic_max_tokens and "max_completion_tokens" in payload:
            payload["max_tokens"] = payload.pop("max_completion_tokens")
        return payload

    def with_structured_output(self, schema: Any = None, *, method: Any = None, **kwargs: Any) -> Any:
        """As ``ChatOpenAI``'s, with ``structured_output`` as the default method."""
        chosen = method or self.structured_output
        if chosen == "prompt":
            raise NotImplementedError("this server is asked for JSON in the prompt")
        return super().with_structured_output(schema, method=chosen, **kwargs)
