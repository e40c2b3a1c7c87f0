"""The embedded chat model: a GGUF file run by llama.cpp, exposed as a LangChain chat model.

Gemma 3 270M is a base model: its chat template returns nothing, so messages are rendered as one
plain completion prompt (the prompt files end with an answer cue such as ``Jawaban:``).
Instruction-tuned files (SmolLM2) use llama.cpp's chat completion. Structured output is forced
with a JSON-schema grammar, so the text is always parseable JSON. The file is loaded and locked
through ``toolkit.llm.runtime``, shared with log-probability scoring.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from toolkit.llm import runtime


def render_completion_prompt(messages: Sequence[BaseMessage]) -> str:
    """Join chat messages into one plain-text prompt for a base (non-chat) model."""
    parts = [str(message.content).strip() for message in messages if str(message.content).strip()]
    prompt = "\n\n".join(parts)
    return prompt if prompt.endswith((" ", "\n")) else prompt + "\n"


def to_chat_dicts(messages: Sequence[BaseMessage]) -> list[dict[str, str]]:
    """Messages in llama.cpp's chat-completion format."""
    roles = {"system": "system", "human": "user", "ai": "assistant"}
    return [
        {"role": roles.get(message.type, "user"), "content": str(message.content)} for message in messages
    ]


class LocalChatModel(BaseChatModel):
    """LangChain chat model over an embedded llama.cpp GGUF model."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: Path
    model_name: str = "gemma3-270m"
    chat_format: bool = False
    """True for instruction-tuned files that have a working chat template."""
    n_ctx: int = 4096
    n_threads: int = 2
    temperature: float = 0.2
    max_tokens: int = 512
    repeat_penalty: float = 1.15
    seed: int = 7

    _grammar_cache: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "kelas-llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "model_path": str(self.model_path)}

    def _grammar(self, json_schema: dict[str, Any] | None) -> Any:
        if json_schema is None:
            return None
        key = json.dumps(json_schema, sort_keys=True)
        if key not in self._grammar_cache:
            from llama_cpp import LlamaGrammar  # type: ignore[attr-defined]

            self._grammar_cache[key] = LlamaGrammar.from_json_schema(key, verbose=False)
        return self._grammar_cache[key]

    def _call_args(self, stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        grammar = self._grammar(kwargs.get("json_schema"))
        return {
            "max_tokens": int(kwargs.get("max_tokens", self.max_tokens)),
            "temperature": float(kwargs.get("temperature", self.temperature)),
            "repeat_penalty": self.repeat_penalty,
            "seed": self.seed,
            "stop": None if grammar is not None else (stop or None),
            "grammar": grammar,
        }

    def _run(
        self,
        messages: Sequence[BaseMessage],
        stop: list[str] | None,
        kwargs: dict[str, Any],
        stream: bool,
    ) -> Iterator[str]:
        llama = runtime.load(self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads)
        args = self._call_args(stop, kwargs)
        with runtime.file_lock(self.model_path):
            if self.chat_format:
                for part in llama.create_chat_completion(
                    messages=to_chat_dicts(messages), stream=True, **args
                ):
                    text = part["choices"][0].get("delta", {}).get("content")
                    if text:
                        yield text
            else:
                prompt = render_completion_prompt(messages)
                for part in llama.create_completion(prompt=prompt, stream=True, **args):
                    text = part["choices"][0]["text"]
                    if text:
                        yield text

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(self._run(messages, stop, kwargs, stream=False))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text.strip()))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for text in self._run(messages, stop, kwargs, stream=True):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
            if run_manager is not None:
                run_manager.on_llm_new_token(text, chunk=chunk)
            yield chunk

    def generate_json(
        self, messages: Sequence[BaseMessage], json_schema: dict[str, Any], max_tokens: int | None = None
    ) -> str:
        """Text constrained by a JSON-schema grammar (always syntactically valid JSON)."""
        kwargs: dict[str, Any] = {"json_schema": json_schema}
        if max_tokens is not None:
            kwargs["max_tokens"] = max_tokens
        return "".join(self._run(list(messages), None, kwargs, stream=False)).strip()
