"""One masking step in front of every provider that is not on this machine.

When the chat model or the embeddings are a remote service (OpenAI, or an OpenAI-compatible
server), every text sent passes through ``PrivacyGuard`` first: names written as "Nama: ...",
NIS/NISN numbers, phone numbers and e-mail addresses become placeholders such as ``[EMAIL_1]``
(``toolkit.feedback.privacy``). The chat model's answer, streamed or whole, plain or structured,
gets the original values back, so the teacher sees them while the provider never did. Embeddings
see the masked text with neutral placeholders (``[EMAIL]``), so the vectors do not depend on who
is named. The embedded model and the local embeddings run on this machine and are not wrapped.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.embeddings import Embeddings
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from toolkit.feedback.privacy import mask_personal_data

_PLACEHOLDER_NUMBER = re.compile(r"\[([A-Z_]+?)_\d+\]")
_LONGEST_PLACEHOLDER = 24
"""Characters held back while streaming, in case a placeholder is split between two pieces."""


class PrivacyGuard:
    """Masks the texts of one request and restores the values in its answer (one shared mapping)."""

    def __init__(self) -> None:
        self.mapping: dict[str, str] = {}

    def mask(self, text: str) -> str:
        """``text`` with personal data replaced by numbered placeholders."""
        return mask_personal_data(text, mapping=self.mapping).text

    def restore(self, text: str) -> str:
        """The original values put back into ``text`` (longest placeholder first)."""
        for placeholder in sorted(self.mapping, key=len, reverse=True):
            text = text.replace(placeholder, self.mapping[placeholder])
        return text

    def mask_messages(self, messages: list[BaseMessage]) -> list[BaseMessage]:
        """Copies of ``messages`` with every text part masked."""
        return [
            message.model_copy(update={"content": self._content(message.content)}) for message in messages
        ]

    def _content(self, content: Any) -> Any:
        if isinstance(content, str):
            return self.mask(content)
        if isinstance(content, list):
            return [
                {**part, "text": self.mask(str(part["text"]))}
                if isinstance(part, dict) and isinstance(part.get("text"), str)
                else self.mask(part)
                if isinstance(part, str)
                else part
                for part in content
            ]
        return content

    def restore_value(self, value: Any) -> Any:
        """Restore inside strings, lists, dicts and pydantic objects (structured output)."""
        if not self.mapping:
            return value
        if isinstance(value, str):
            return self.restore(value)
        if isinstance(value, list):
            return [self.restore_value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.restore_value(item) for key, item in value.items()}
        if isinstance(value, BaseModel):
            return type(value).model_validate(self.restore_value(value.model_dump()))
        return value

    def restore_message(self, message: BaseMessage) -> BaseMessage:
        """``message`` with its text, tool-call arguments and parsed output restored."""
        update: dict[str, Any] = {
            "content": self.restore_value(message.content),
            "additional_kwargs": self.restore_value(message.additional_kwargs),
        }
        if isinstance(message, AIMessage) and message.tool_calls:
            update["tool_calls"] = [
                {**call, "args": self.restore_value(call["args"])} for call in message.tool_calls
            ]
        return message.model_copy(update=update)

    def restore_result(self, result: ChatResult) -> ChatResult:
        """A chat result whose every generation is restored."""
        generations = [
            ChatGeneration(message=self.restore_message(g.message), generation_info=g.generation_info)
            for g in result.generations
        ]
        return ChatResult(generations=generations, llm_output=result.llm_output)


class StreamRestorer:
    """Restores a streamed answer piece by piece, holding back a possibly split placeholder."""

    def __init__(self, guard: PrivacyGuard) -> None:
        self.guard = guard
        self.pending = ""

    def feed(self, piece: str) -> str:
        """The restored text that can be shown now."""
        text = self.pending + piece
        start = text.rfind("[")
        if start != -1 and "]" not in text[start:] and len(text) - start < _LONGEST_PLACEHOLDER:
            self.pending = text[start:]
            text = text[:start]
        else:
            self.pending = ""
        return self.guard.restore(text)

    def flush(self) -> str:
        """What was held back at the end of the stream."""
        text, self.pending = self.pending, ""
        return self.guard.restore(text)


def _restored_chunk(chunk: ChatGenerationChunk, text: str) -> ChatGenerationChunk:
    message = chunk.message.model_copy(update={"content": text})
    return ChatGenerationChunk(message=message, generation_info=chunk.generation_info)


class GuardedChatOpenAI(ChatOpenAI):
    """``ChatOpenAI`` (OpenAI or any OpenAI-compatible server) behind the privacy guard."""

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        guard = PrivacyGuard()
        result = super()._generate(guard.mask_messages(messages), stop, run_manager, **kwargs)
        return guard.restore_result(result)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        guard = PrivacyGuard()
        result = await super()._agenerate(guard.mask_messages(messages), stop, run_manager, **kwargs)
        return guard.restore_result(result)

    def _stream(
        self, messages: list[BaseMessage], *args: Any, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        guard = PrivacyGuard()
        restorer = StreamRestorer(guard)
        last: ChatGenerationChunk | None = None
        for chunk in super()._stream(guard.mask_messages(messages), *args, **kwargs):
            last = chunk
            content = chunk.message.content
            yield _restored_chunk(chunk, restorer.feed(content)) if isinstance(content, str) else chunk
        tail = restorer.flush()
        if tail and last is not None:
            yield ChatGenerationChunk(message=AIMessageChunk(content=tail))

    async def _astream(
        self, messages: list[BaseMessage], *args: Any, **kwargs: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        guard = PrivacyGuard()
        restorer = StreamRestorer(guard)
        last: ChatGenerationChunk | None = None
        async for chunk in super()._astream(guard.mask_messages(messages), *args, **kwargs):
            last = chunk
            content = chunk.message.content
            yield _restored_chunk(chunk, restorer.feed(content)) if isinstance(content, str) else chunk
        tail = restorer.flush()
        if tail and last is not None:
            yield ChatGenerationChunk(message=AIMessageChunk(content=tail))


class GuardedEmbeddings(Embeddings):
    """Remote embeddings that only ever see masked text (placeholders without numbers)."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner

    @staticmethod
    def masked(text: str) -> str:
        """``text`` as the provider sees it."""
        return _PLACEHOLDER_NUMBER.sub(r"[\1]", mask_personal_data(text).text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors of the masked texts."""
        return self.inner.embed_documents([self.masked(text) for text in texts])

    def embed_query(self, text: str) -> list[float]:
        """Vector of the masked query."""
        return self.inner.embed_query(self.masked(text))


__all__ = ["GuardedChatOpenAI", "GuardedEmbeddings", "PrivacyGuard", "StreamRestorer"]
