"""The "Prompt Lab" tab: choose a prompt, see the exact messages, passages, raw output and checks; edit and compare.

The work is done in ``toolkit.prompt_lab`` (no gradio there); this module lays out the tab.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
from pydantic import ValidationError

from toolkit.errors import ToolkitError
from toolkit.llm.factory import build_chat_model
from toolkit.llm.provider_errors import explain_provider_error
from toolkit.prompt_lab import (
    LAB_PROMPTS,
    LabInput,
    LabPassage,
    LabPrompt,
    LabRun,
    input_problem,
    lab_messages,
    lab_template,
    messages_text,
    run_lab,
    shipped_template,
)
from toolkit.services import Services
from toolkit.ui.common import Labelled, generation_events, participant, readable_error
from toolkit.ui.i18n import register_texts, t
from toolkit.ui.library_tab import owner_for

register_texts(
    {
        "tab_prompt_lab": {"id": "Lab Prompt", "en": "Prompt Lab"},
        "lab_choose": {"id": "Prompt yang dikerjakan", "en": "Prompt to work on"},
        "lab_question": {"id": "Pertanyaan atau topik", "en": "Question or topic"},
        "lab_subject": {"id": "Mata pelajaran (pelajaran, kuis)", "en": "Subject (lesson, quiz)"},
        "lab_kelas": {"id": "Kelas (pelajaran, kuis)", "en": "Grade (lesson, quiz)"},
        "lab_template_a": {"id": "Templat A (asli)", "en": "Template A (original)"},
        "lab_template_b": {"id": "Templat B (ubahan Anda)", "en": "Template B (your edit)"},
        "lab_model_b": {"id": "Model untuk B", "en": "Model for B"},
        "lab_show": {"id": "Tampilkan pesan A dan B", "en": "Show messages A and B"},
        "lab_run": {"id": "Jalankan A dan B", "en": "Run A and B"},
        "lab_save": {"id": "Simpan templat B saya", "en": "Save my template B"},
        "lab_saved": {
            "id": "Templat B disimpan di Pustaka Anda (prompts/ tidak diubah).",
            "en": "Template B saved to your Library (prompts/ is not changed).",
        },
        "lab_prompt": {"id": "Pesan yang dikirim", "en": "Messages sent"},
        "lab_output": {"id": "Keluaran mentah model", "en": "Raw model output"},
        "lab_checks": {"id": "Pemeriksaan", "en": "Checks"},
        "lab_no_passages": {"id": "(tanpa kutipan)", "en": "(no passages)"},
        "lab_unknown_prompt": {
            "id": "Prompt '{name}' tidak ada di Lab; pilih salah satu: {names}.",
            "en": "The Lab has no prompt '{name}'; choose one of: {names}.",
        },
        "lab_a_read_only": {
            "id": "Templat A adalah templat asli dan tidak bisa diubah; ubahlah templat B.",
            "en": "Template A is the original and cannot be changed; edit template B instead.",
        },
        "lab_prompt_ask_curriculum": {"id": "Tanya kurikulum", "en": "Ask the curriculum"},
        "lab_prompt_lesson_section_id": {
            "id": "Bagian rencana pelajaran (bahasa Indonesia)",
            "en": "Lesson section (Indonesian)",
        },
        "lab_prompt_lesson_section_en": {
            "id": "Bagian rencana pelajaran (bahasa Inggris)",
            "en": "Lesson section (English)",
        },
        "lab_prompt_quiz_item": {"id": "Soal kuis (pilihan ganda)", "en": "Quiz item (multiple choice)"},
    }
)

MODEL_CHOICES = [
    ("Sama dengan A / same as A", "same"),
    ("Gemma 3 270M (lokal)", "gemma3-270m"),
    ("SmolLM2 135M (lokal, English)", "smollm2-135m"),
]
Seven = tuple[str, str, str, str, str, str, str]


def prompt_choices(language: str) -> list[tuple[str, str]]:
    """(label, value) of each prompt the lab can work on."""
    return [(t(f"lab_prompt_{name}", language), name) for name in LAB_PROMPTS]


def _known_prompt(prompt: str, language: str) -> LabPrompt:
    if prompt not in LAB_PROMPTS:
        names = ", ".join(LAB_PROMPTS)
        raise ToolkitError(t("lab_unknown_prompt", language).format(name=str(prompt)[:40], names=names))
    return prompt


def render_passages(passages: list[LabPassage], language: str, max_chars: int = 300) -> str:
    """The passages as Markdown, numbered as in the prompt."""
    if not passages:
        return t("lab_no_passages", language)
    blocks = []
    for number, passage in enumerate(passages, start=1):
        text = passage.text if len(passage.text) <= max_chars else passage.text[:max_chars] + " …"
        quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())
        blocks.append(f"**[{number}] {passage.citation}**\n\n{quoted}")
    return "\n\n".join(blocks)


def render_run(run: LabRun, language: str) -> tuple[str, str, str]:
    """(messages, raw output with timing, checks and passages as Markdown)."""
    checks = "\n".join(f"- {'✅' if ok else '❌'} {name}" for name, ok in run.checks.items())
    return (
        run.prompt_text,
        f"{run.raw_output}\n\n({run.seconds:.1f} s)",
        f"{checks}\n\n{render_passages(run.passages, language)}",
    )


def original_template(prompt: str = "ask_curriculum") -> str:
    """The text of the shipped template of ``prompt`` (template A, read-only)."""
    path = shipped_template(_known_prompt(prompt, "en")).path
    return path.read_text(encoding="utf-8") if path else ""


def _same_text(first: str, second: str) -> bool:
    return first.replace("\r\n", "\n").strip() == second.replace("\r\n", "\n").strip()


def _lab_input(
    question: str, language: str, prompt: str, subject: str, kelas: float | int | None
) -> LabInput:
    try:
        return LabInput(
            prompt=_known_prompt(prompt, language),
            text=question,
            language="en" if language == "en" else "id",
            subject=(subject or "ipa").strip(),
            kelas=int(kelas if kelas is not None else 7),
        )
    except ValidationError as exc:
        raise ToolkitError(input_problem(exc)) from exc


def _checked(template_a: str, template_b: str, prompt: str, language: str) -> None:
    """Refuse a changed template A, then explain a broken template B before any model runs."""
    if not _same_text(template_a or "", original_template(prompt)):
        raise ToolkitError(t("lab_a_read_only", language))
    lab_template(_known_prompt(prompt, language), template_b or "")


def show_messages(
    services: Services,
    question: str,
    template_a: str,
    template_b: str,
    language: str,
    prompt: str = "ask_curriculum",
    subject: str = "ipa",
    kelas: float | int | None = 7,
) -> tuple[str, str, str]:
    """The messages A and B would send (nothing is run); the last value is the status line."""
    try:
        lab_input = _lab_input(question, language, prompt, subject, kelas)
        _checked(template_a, template_b, prompt, language)
        retriever = services.retriever()
        shown = [
            messages_text(lab_messages(lab_input, text, retriever=retriever).messages)
            for text in (template_a, template_b)
        ]
    except Exception as exc:
        return "", "", readable_error(exc, language)
    return shown[0], shown[1], ""


def compare(
    services: Services,
    question: str,
    template_a: str,
    template_b: str,
    model_b: str,
    language: str,
    who: str = "",
    prompt: str = "ask_curriculum",
    subject: str = "ipa",
    kelas: float | int | None = 7,
) -> Seven:
    """Run both templates of ``prompt`` on the same input; the last value is the status line.

    Template A is the shipped template: the interface shows it read-only, and a call (through the
    API) that sends a changed A is refused.
    """
    empty = ("",) * 6
    try:
        lab_input = _lab_input(question, language, prompt, subject, kelas)
        _checked(template_a, template_b, prompt, language)
    except Exception as exc:
        return (*empty, readable_error(exc, language))
    if model_b not in ("", "same", *(value for _, value in MODEL_CHOICES)):
        return (*empty, f"Unknown model '{str(model_b)[:40]}' for B.")
    try:
        with services.gate().slot(who, language):
            llm_a = services.llm()
            llm_b = (
                llm_a
                if model_b in ("", "same")
                else build_chat_model(
                    services.settings.model_copy(
                        update={"provider": "local", "local_model": model_b, "local_model_path": None}
                    )
                )
            )
            run_a = run_lab(lab_input, template_a, llm=llm_a, retriever=services.retriever())
            run_b = run_lab(lab_input, template_b, llm=llm_b, retriever=services.retriever())
    except ToolkitError as exc:
        return (*empty, str(exc))
    except Exception as exc:
        return (*empty, str(explain_provider_error(exc, services.settings)))
    return (*render_run(run_a, language), *render_run(run_b, language), "")


def save_template(
    services: Services,
    template_b: str,
    language: str,
    request: gr.Request | None = None,
    prompt: str = "ask_curriculum",
) -> str:
    """Save the participant's edited template of ``prompt`` to their library."""
    try:
        template = lab_template(_known_prompt(prompt, language), template_b or "")
    except ToolkitError as exc:
        return str(exc)
    owner = owner_for(services, request) or getattr(request, "username", "") or ""
    services.library().save(
        "prompt",
        f"Prompt: {template.name}",
        {"template": template_b},
        owner=owner,
        info={"base": template.name},
    )
    return t("lab_saved", language)


def choose_prompt(prompt: str, language: str) -> tuple[Any, Any, str]:
    """Templates A and B set to the shipped template of ``prompt``; the last value is the status line."""
    try:
        original = original_template(_known_prompt(prompt, language))
    except ToolkitError as exc:
        return gr.skip(), gr.skip(), str(exc)
    return original, original, ""


def build_prompt_lab_tab(services: Services, language: gr.Radio, labels: Labelled) -> None:
    """Lay out the tab and wire its events."""
    lang = services.settings.language
    original = original_template()
    with gr.Row():
        prompt = labels.add(
            gr.Dropdown(prompt_choices(lang), value="ask_curriculum", label=t("lab_choose", lang)),
            label="lab_choose",
        )
        subject = labels.add(gr.Textbox(value="ipa", label=t("lab_subject", lang)), label="lab_subject")
        kelas = labels.add(
            gr.Number(value=7, minimum=1, maximum=12, precision=0, label=t("lab_kelas", lang)),
            label="lab_kelas",
        )
    question = labels.add(
        gr.Textbox(label=t("lab_question", lang), value="Apa hasil fotosintesis?"), label="lab_question"
    )
    with gr.Row():
        template_a = labels.add(
            gr.Code(value=original, label=t("lab_template_a", lang), language="markdown", interactive=False),
            label="lab_template_a",
        )
        template_b = labels.add(
            gr.Code(value=original, label=t("lab_template_b", lang), language="markdown", interactive=True),
            label="lab_template_b",
        )
    with gr.Row():
        model_b = labels.add(
            gr.Dropdown(MODEL_CHOICES, value="same", label=t("lab_model_b", lang)), label="lab_model_b"
        )
        show = labels.add(gr.Button(t("lab_show", lang)), value="lab_show")
        run = labels.add(gr.Button(t("lab_run", lang), variant="primary"), value="lab_run")
        save = labels.add(gr.Button(t("lab_save", lang)), value="lab_save")
    status = gr.Markdown()
    outputs: list[Any] = []
    with gr.Row():
        for side in ("A", "B"):
            with gr.Column():
                gr.Markdown(f"### {side}")
                outputs.append(
                    labels.add(
                        gr.Textbox(label=t("lab_prompt", lang), lines=8, interactive=False),
                        label="lab_prompt",
                    )
                )
                outputs.append(
                    labels.add(
                        gr.Textbox(label=t("lab_output", lang), lines=4, interactive=False),
                        label="lab_output",
                    )
                )
                outputs.append(gr.Markdown())

    def on_choose(p: str, ui: str) -> tuple[Any, Any, str]:
        return choose_prompt(p, ui)

    def on_show(q: str, a: str, b: str, ui: str, p: str, s: str, k: float | None) -> tuple[str, str, str]:
        return show_messages(services, q, a, b, ui, p, s, k)

    def on_compare(
        q: str, a: str, b: str, m: str, ui: str, p: str, s: str, k: float | None, request: gr.Request
    ) -> Seven:
        return compare(services, q, a, b, m, ui, participant(request), p, s, k)

    def on_save(b: str, ui: str, p: str, request: gr.Request) -> str:
        return save_template(services, b, ui, request, p)

    prompt.change(
        on_choose, [prompt, language], [template_a, template_b, status], api_name="prompt_lab_choose"
    )
    show.click(
        on_show,
        [question, template_a, template_b, language, prompt, subject, kelas],
        [outputs[0], outputs[3], status],
        api_name="prompt_lab_show",
    )
    run.click(
        on_compare,
        [question, template_a, template_b, model_b, language, prompt, subject, kelas],
        [*outputs, status],
        api_name="prompt_lab_compare",
        **generation_events(services.settings),
    )
    save.click(on_save, [template_b, language, prompt], [status], api_name="prompt_lab_save")
