"""The app shell: one Gradio Blocks with a tab per tool and an Indonesian/English switch."""

from __future__ import annotations

from typing import Any

import gradio as gr

from toolkit.services import Services
from toolkit.ui.common import Labelled
from toolkit.ui.curriculum_tab import build_curriculum_tab
from toolkit.ui.i18n import t

LANGUAGE_CHOICES = [("Bahasa Indonesia", "id"), ("English", "en")]


def build_app(services: Services) -> gr.Blocks:
    """The whole app for one services container (not launched)."""
    lang = services.settings.language
    labels = Labelled()
    model = services.settings.describe_provider()
    with gr.Blocks(title="AI Classroom Toolkit", analytics_enabled=False) as demo:
        language = gr.State(lang)
        with gr.Row():
            title = gr.Markdown(t("app_title", lang))
            switch = gr.Radio(
                LANGUAGE_CHOICES, value=lang, label=t("ui_language", lang), scale=0, min_width=260
            )
        intro = gr.Markdown(t("app_intro", lang, model=model))
        with gr.Tabs(), gr.Tab(t("tab_curriculum", lang)) as curriculum:
            build_curriculum_tab(services, language, labels)

        def relabel(choice: str) -> list[Any]:
            new = "en" if choice == "en" else "id"
            updates: list[Any] = [
                new,
                gr.update(value=t("app_title", new)),
                gr.update(value=t("app_intro", new, model=model)),
                gr.update(label=t("ui_language", new)),
                gr.update(label=t("tab_curriculum", new)),
            ]
            for _, attributes in labels.items:
                texts: dict[str, Any] = {attr: t(key, new) for attr, key in attributes.items()}
                updates.append(gr.update(**texts))
            return updates

        outputs = [language, title, intro, switch, curriculum, *(c for c, _ in labels.items)]
        switch.change(relabel, [switch], outputs, api_name="set_language")
    return demo  # type: ignore[no-any-return]
