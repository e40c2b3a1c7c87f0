"""The "Prompt Lab" tab: see the exact prompt, passages, raw output and checks; edit and compare."""

from __future__ import annotations

from typing import Any

import gradio as gr

from toolkit.ask import AskRequest
from toolkit.errors import ToolkitError
from toolkit.llm.factory import build_chat_model
from toolkit.llm.provider_errors import explain_provider_error
from toolkit.prompt_lab import LabRun, run_template
from toolkit.prompts import load_prompt, parse_prompt
from toolkit.services import Services
from toolkit.ui.common import Labelled, generation_events, participant, readable_error, render_hits
from toolkit.ui.i18n import register_texts, t
from toolkit.ui.library_tab import owner_for

register_texts(
    {
        "tab_prompt_lab": {"id": "Lab Prompt", "en": "Prompt Lab"},
        "lab_question": {"id": "Pertanyaan", "en": "Question"},
        "lab_template_a": {"id": "Templat A (asli)", "en": "Template A (original)"},
        "lab_template_b": {"id": "Templat B (ubahan Anda)", "en": "Template B (your edit)"},
        "lab_model_b": {"id": "Model untuk B", "en": "Model for B"},
        "lab_run": {"id": "Jalankan A dan B", "en": "Run A and B"},
        "lab_save": {"id": "Simpan templat B saya", "en": "Save my template B"},
        "lab_saved": {
            "id": "Templat B disimpan di Pustaka Anda (prompts/ tidak diubah).",
            "en": "Template B saved to your Library (prompts/ is not changed).",
        },
        "lab_prompt": {"id": "Prompt yang dikirim", "en": "Prompt sent"},
        "lab_output": {"id": "Keluaran mentah model", "en": "Raw model output"},
        "lab_checks": {"id": "Pemeriksaan", "en": "Checks"},
        "lab_a_read_only": {
            "id": "Templat A adalah templat asli dan tidak bisa diubah; ubahlah templat B.",
            "en": "Template A is the original and cannot be changed; edit template B instead.",
        },
    }
)

MODEL_CHOICES = [
    ("Sama dengan A / same as A", "same"),
    ("Gemma 3 270M (lokal)", "gemma3-270m"),
    ("SmolLM2 135M (lokal, English)", "smollm2-135m"),
]


def render_run(run: LabRun, language: str) -> tuple[str, str, str]:
    """(prompt, raw output with timing, checks and passages as Markdown)."""
    checks = "\n".join(f"- {'✅' if ok else '❌'} {name}" for name, ok in run.checks.items())
    return (
        run.prompt_text,
        f"{run.raw_output}\n\n({run.seconds:.1f} s)",
        f"{checks}\n\n{render_hits(run.passages, language, 300)}",
    )


def original_template() -> str:
    """The text of the shipped ``ask_curriculum`` template (template A, read-only)."""
    path = load_prompt("ask_curriculum").path
    return path.read_text(encoding="utf-8") if path else ""


def _same_text(first: str, second: str) -> bool:
    return first.replace("\r\n", "\n").strip() == second.replace("\r\n", "\n").strip()


def compare(
    services: Services,
    question: str,
    template_a: str,
    template_b: str,
    model_b: str,
    language: str,
    who: str = "",
) -> tuple[str, str, str, str, str, str, str]:
    """Run both templates on the same question; the last value is the status line.

    Template A is the shipped template: the interface shows it read-only, and a call (through the
    API) that sends a changed A is refused.
    """
    empty = ("",) * 6
    if not _same_text(template_a or "", original_template()):
        return (*empty, t("lab_a_read_only", language))
    try:
        parse_prompt(template_b)  # a broken edit is explained before the model runs A
    except ToolkitError as exc:
        return (*empty, str(exc))
    try:
        request = AskRequest(question=question, language="en" if language == "en" else "id", k=3)
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
            run_a = run_template(template_a, request, llm=llm_a, retriever=services.retriever())
            run_b = run_template(template_b, request, llm=llm_b, retriever=services.retriever())
    except ToolkitError as exc:
        return (*empty, str(exc))
    except Exception as exc:
        return (*empty, str(explain_provider_error(exc, services.settings)))
    return (*render_run(run_a, language), *render_run(run_b, language), "")


def save_template(
    services: Services, template_b: str, language: str, request: gr.Request | None = None
) -> str:
    """Save the participant's edited template to their library."""
    try:
        template = parse_prompt(template_b)
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


def build_prompt_lab_tab(services: Services, language: gr.Radio, labels: Labelled) -> None:
    """Lay out the tab and wire its events."""
    lang = services.settings.language
    original = original_template()
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

    def on_compare(
        q: str, a: str, b: str, m: str, ui: str, request: gr.Request
    ) -> tuple[str, str, str, str, str, str, str]:
        return compare(services, q, a, b, m, ui, participant(request))

    def on_save(b: str, ui: str, request: gr.Request) -> str:
        return save_template(services, b, ui, request)

    run.click(
        on_compare,
        [question, template_a, template_b, model_b, language],
        [*outputs, status],
        api_name="prompt_lab_compare",
        **generation_events(services.settings),
    )
    save.click(on_save, [template_b, language], [status], api_name="prompt_lab_save")
