"""Structured output from any chat model, repaired or retried a bounded number of times.

* The embedded model is constrained by a JSON-schema grammar (``LocalChatModel.generate_json``).
* Providers with native support use ``with_structured_output(schema, include_raw=True)``.
* Models without it (and fakes in tests) are asked for JSON in the prompt.

Text that is not valid JSON is repaired (code fences, prose around the object, trailing commas);
output that fails validation is sent back with the error for another try. After the allowed
attempts a ``StructuredOutputError`` reports what went wrong, keeping the raw outputs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from pydantic import BaseModel, ValidationError

from toolkit.errors import StructuredOutputError
from toolkit.llm.local_chat import LocalChatModel
from toolkit.prompts import load_phrases

ModelT = TypeVar("ModelT", bound=BaseModel)
STRUCTURED_PHRASES = "structured_output"

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def extract_json(text: str) -> Any:
    """Parse the JSON object in ``text``, repairing the common ways models break it."""
    candidates: list[str] = []
    fenced = _FENCE.search(text)
    if fenced:
        candidates.append(fenced.group(1))
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        candidates.append(text[start : end + 1])
    candidates.append(text)
    last_error: Exception | None = None
    for candidate in candidates:
        for variant in (candidate, _TRAILING_COMMA.sub(r"\1", candidate.replace("“", '"').replace("”", '"'))):
            try:
                return json.loads(variant, strict=False)
            except json.JSONDecodeError as exc:
                last_error = exc
    raise ValueError(f"no valid JSON object found ({last_error})")


class StructuredPrompt(BaseModel):
    """Values of the phrases in ``prompts/structured_output.md``."""

    json_schema: str = ""
    error: str = ""


def _json_instruction(schema: type[BaseModel]) -> str:
    values = StructuredPrompt(json_schema=json.dumps(schema.model_json_schema(), ensure_ascii=False))
    return load_phrases(STRUCTURED_PHRASES).text("json_instruction", "", {"json_schema": values.json_schema})


def _feedback(error: Exception) -> str:
    return load_phrases(STRUCTURED_PHRASES).text("feedback", "", {"error": str(error)[:600]})


def _attempt(
    llm: BaseChatModel, messages: list[BaseMessage], schema: type[ModelT], max_tokens: int | None
) -> tuple[str, ModelT | None, Exception | None]:
    """One try: (raw text, parsed value or None, error or None)."""
    if isinstance(llm, LocalChatModel):
        raw = llm.generate_json(messages, schema.model_json_schema(), max_tokens=max_tokens)
    else:
        try:
            runnable = llm.with_structured_output(schema, include_raw=True)
        except NotImplementedError:
            runnable = None
        if runnable is not None:
            result = runnable.invoke(messages)
            if isinstance(result, dict):
                parsed = result.get("parsed")
                if isinstance(parsed, schema):
                    return "", parsed, None
                raw_message = result.get("raw")
                raw = _raw_text(raw_message)
            else:  # pragma: no cover - providers return the include_raw dict
                raw = str(result)
        else:
            prompted = [*messages, HumanMessage(content=_json_instruction(schema))]
            raw = str(llm.invoke(prompted).content)
    try:
        return raw, schema.model_validate(extract_json(raw)), None
    except (ValueError, ValidationError) as exc:
        return raw, None, exc


def structured_messages(
    llm: BaseChatModel, messages: Sequence[BaseMessage], schema: type[BaseModel]
) -> list[BaseMessage]:
    """The messages the first try of ``generate_structured`` sends to ``llm``.

    A model without a JSON grammar (embedded) or native structured output also gets the JSON
    instruction of ``prompts/structured_output.md``, as ``_attempt`` sends it.
    """
    if isinstance(llm, LocalChatModel):
        return list(messages)
    try:
        llm.with_structured_output(schema, include_raw=True)
    except NotImplementedError:
        return [*messages, HumanMessage(content=_json_instruction(schema))]
    return list(messages)


def raw_attempt(
    llm: BaseChatModel, messages: Sequence[BaseMessage], schema: type[ModelT], max_tokens: int | None = None
) -> tuple[str, ModelT | None, Exception | None]:
    """One try of ``generate_structured`` (raw text, parsed value or None, error or None), for the Prompt Lab."""
    return _attempt(llm, list(messages), schema, max_tokens)


def _raw_text(message: object) -> str:
    if isinstance(message, AIMessage):
        if message.tool_calls:
            return json.dumps(message.tool_calls[0].get("args", {}), ensure_ascii=False)
        return str(message.content)
    return str(message or "")


def generate_structured(
    llm: BaseChatModel,
    messages: Sequence[BaseMessage],
    schema: type[ModelT],
    *,
    attempts: int = 3,
    max_tokens: int | None = None,
) -> ModelT:
    """Ask ``llm`` for an instance of ``schema``; repair, retry, then raise a clear error."""
    conversation = list(messages)
    raw_outputs: list[str] = []
    last_error: Exception | None = None
    for _ in range(max(1, attempts)):
        raw, parsed, error = _attempt(llm, conversation, schema, max_tokens)
        raw_outputs.append(raw)
        if parsed is not None:
            return parsed
        last_error = error
        conversation = [
            *messages,
            AIMessage(content=raw[:2000]),
            HumanMessage(content=_feedback(error or ValueError("empty answer"))),
        ]
    raise StructuredOutputError(
        f"The model did not return a valid {schema.__name__} after {attempts} tries "
        f"({str(last_error)[:200]}); try again, or connect a stronger model.",
        raw_outputs,
    )
