"""Prompt Lab: run a prompt template as the tools do and show every step, for learning and comparing.

For one input it shows the passages retrieved, the exact messages sent (template plus filled
values), the raw model output and simple checks. Two templates, or two models, can be run on the
same input side by side. Edited templates are returned to the caller to be saved per participant;
nothing here writes to ``prompts/``.
"""

from __future__ import annotations

import time

from langchain_core.language_models.chat_models import BaseChatModel
from pydantic import BaseModel

from toolkit.ask import AskRequest, prompt_messages
from toolkit.index.lexical import tokenize
from toolkit.index.retrieval import Hit, HybridRetriever
from toolkit.language import detect_language
from toolkit.prompts import PromptTemplate, parse_prompt


class LabRun(BaseModel):
    """Everything one run of a template produced."""

    prompt_text: str
    passages: list[Hit]
    raw_output: str
    seconds: float
    checks: dict[str, bool]


def lab_checks(output: str, passages: list[Hit], language: str) -> dict[str, bool]:
    """Deterministic checks a participant can read: non-empty, language, cites, grounded."""
    words = tokenize(output)
    source = set(tokenize(" ".join(hit.text for hit in passages)))
    grounded = bool(words) and sum(1 for w in words if w in source) / len(words) >= 0.5
    return {
        "not_empty": bool(output.strip()),
        "language_matches": bool(output.strip()) and detect_language(output) == language,
        "cites_a_passage": any(f"[{n}]" in output for n in range(1, len(passages) + 1)),
        "mostly_words_from_passages": grounded,
    }


def run_template(
    template_text: str, request: AskRequest, *, llm: BaseChatModel, retriever: HybridRetriever
) -> LabRun:
    """Run an ask-style template (request model ``toolkit.ask.AskRequest``) and record each step.

    The messages come from ``toolkit.ask.prompt_messages``, the rendering the tool itself uses.
    """
    template: PromptTemplate = parse_prompt(template_text)
    hits = retriever.search(request.question, k=request.k, filters=request.filters())
    messages = prompt_messages(request, hits, template)
    prompt_text = "\n\n".join(f"[{m.type}]\n{m.content}" for m in messages)
    started = time.perf_counter()
    output = str(llm.invoke(messages, stop=template.stop or None).content)
    seconds = time.perf_counter() - started
    return LabRun(
        prompt_text=prompt_text,
        passages=hits,
        raw_output=output,
        seconds=seconds,
        checks=lab_checks(output, hits, request.language),
    )
