"""The "Kurikulum" tab: search the index and ask the model, every passage shown with its source."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr
from pydantic import ValidationError

from toolkit.ask import AskRequest, stream_answer
from toolkit.errors import ToolkitError, validation_sentence
from toolkit.index.retrieval import SearchFilters
from toolkit.llm.provider_errors import explain_provider_error
from toolkit.services import Services
from toolkit.ui.common import (
    Labelled,
    fase_choices,
    generation_events,
    kelas_choices,
    optional_int,
    participant,
    readable_error,
    render_hits,
    subject_choices,
)
from toolkit.ui.i18n import t

MAX_QUERY_CHARS = 1000


def search_curriculum(
    services: Services, query: str, subject: str, fase: str, kelas: str, k: float, language: str
) -> tuple[str, str]:
    """(passages as Markdown, status line) for a search."""
    if not (query or "").strip():
        return "", t("empty_query", language)
    if len(query) > MAX_QUERY_CHARS:
        return "", t("long_query", language, n=MAX_QUERY_CHARS)
    try:
        hits = services.retriever().search(
            query,
            k=int(k or 5),
            filters=SearchFilters(subject=subject or None, fase=fase or None, kelas=optional_int(kelas)),
        )
    except Exception as exc:
        return "", readable_error(exc, language)
    return render_hits(hits, language), t("found", language, n=len(hits))


def ask_curriculum(
    services: Services, query: str, subject: str, fase: str, kelas: str, language: str, owner: str = ""
) -> Iterator[tuple[str, str, str]]:
    """Stream (answer, passages as Markdown, status line) while the model writes (one slot of the
    generation gate for ``owner``)."""
    if not (query or "").strip():
        yield "", "", t("empty_query", language)
        return
    try:
        request = AskRequest(
            question=query,
            subject=subject or None,
            fase=fase or None,
            kelas=optional_int(kelas),
            language="en" if language == "en" else "id",
        )
    except ValidationError as exc:
        yield "", "", validation_sentence(exc)
        return
    passages = ""
    answer = ""
    try:
        if services.gate().busy():
            yield "", "", t("waiting_turn", language)
        with services.gate().slot(owner, language):
            yield "", "", t("thinking", language)
            for answer, hits in stream_answer(request, llm=services.llm(), retriever=services.retriever()):
                passages = render_hits(hits, language)
                yield answer, passages, t("thinking", language)
    except Exception as exc:
        error = exc if isinstance(exc, ToolkitError) else explain_provider_error(exc, services.settings)
        yield answer, passages, readable_error(error, language)
        return
    yield answer, passages, t("done", language) + " " + t("model_note", language)


def bank_chapters(subject: str, kelas: str, language: str) -> tuple[Any, str]:
    """(chapter dropdown update, status) for a subject and grade of the topic bank."""
    from toolkit.bank.loader import cards_for

    cards = cards_for(subject or None, kelas=optional_int(kelas))
    if not (subject or kelas):
        return gr.update(choices=[], value=None), t("bank_pick", language)
    choices = [(f"Kelas {c.kelas} · Bab {c.chapter or '-'} · {c.title}", c.id) for c in cards]
    status = t("bank_count", language, n=len(cards)) if cards else t("bank_none", language)
    return gr.update(choices=choices, value=choices[0][1] if choices else None), status


def bank_card(card_id: str, language: str) -> str:
    """The chosen card as Markdown (or a sentence when there is none)."""
    from toolkit.bank.loader import load_bank
    from toolkit.bank.render import card_markdown

    card = next((c for c in load_bank() if c.id == card_id), None)
    return card_markdown(card) if card is not None else t("bank_pick", language)


def build_bank_browser(language: gr.Radio, labels: Labelled) -> None:
    """Browse the topic bank by subject, grade and chapter."""
    lang = "id"
    with gr.Accordion(t("bank_title", lang), open=False):
        with gr.Row():
            subject = labels.add(
                gr.Dropdown(subject_choices(), value="", label=t("subject", lang)), label="subject"
            )
            kelas = labels.add(
                gr.Dropdown(
                    [("—", ""), *((str(n), str(n)) for n in range(1, 10))], value="", label=t("kelas", lang)
                ),
                label="kelas",
            )
            chapter = labels.add(
                gr.Dropdown([], label=t("bank_chapter", lang), scale=2), label="bank_chapter"
            )
        status = gr.Markdown("")
        card = gr.Markdown("")
        subject.change(bank_chapters, [subject, kelas, language], [chapter, status], api_name="bank_chapters")
        kelas.change(
            bank_chapters, [subject, kelas, language], [chapter, status], api_name="bank_chapters_grade"
        )
        chapter.change(bank_card, [chapter, language], card, api_name="bank_card")


def build_curriculum_tab(services: Services, language: gr.Radio, labels: Labelled) -> None:
    """Lay out the tab inside the current ``gr.Blocks`` and wire its events."""
    lang = services.settings.language
    with gr.Row():
        query = labels.add(
            gr.Textbox(label=t("query", lang), placeholder=t("query_hint", lang), lines=2, scale=4),
            label="query",
            placeholder="query_hint",
        )
    with gr.Row():
        subject = labels.add(
            gr.Dropdown(subject_choices(), value="", label=t("subject", lang)), label="subject"
        )
        fase = labels.add(gr.Dropdown(fase_choices(), value="", label=t("fase", lang)), label="fase")
        kelas = labels.add(gr.Dropdown(kelas_choices(), value="", label=t("kelas", lang)), label="kelas")
        k = labels.add(gr.Slider(1, 10, value=5, step=1, label=t("k", lang)), label="k")
    with gr.Row():
        search_button = labels.add(
            gr.Button(t("search_button", lang), variant="primary"), value="search_button"
        )
        ask_button = labels.add(gr.Button(t("ask_button", lang)), value="ask_button")
    status = gr.Markdown("")
    answer = labels.add(gr.Textbox(label=t("answer", lang), lines=4, interactive=False), label="answer")
    results = gr.Markdown()
    build_bank_browser(language, labels)

    def on_search(q: str, s: str, f: str, g: str, n: float, ui: str) -> tuple[str, str]:
        return search_curriculum(services, q, s, f, g, n, ui)

    def on_ask(
        q: str, s: str, f: str, g: str, ui: str, request: gr.Request
    ) -> Iterator[tuple[str, str, str]]:
        yield from ask_curriculum(services, q, s, f, g, ui, participant(request))

    inputs: list[Any] = [query, subject, fase, kelas, k, language]
    search_button.click(on_search, inputs, [results, status], api_name="search_curriculum")
    query.submit(on_search, inputs, [results, status], api_name="search_curriculum_submit")
    ask_button.click(
        on_ask,
        [query, subject, fase, kelas, language],
        [answer, results, status],
        api_name="ask_curriculum",
        show_progress="minimal",
        **generation_events(services.settings),
    )
