"""The app shell: one Gradio Blocks with a tab per tool and an Indonesian/English switch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from toolkit.services import Services
from toolkit.ui.common import Labelled
from toolkit.ui.curriculum_tab import build_curriculum_tab
from toolkit.ui.i18n import t

LANGUAGE_CHOICES = [("Bahasa Indonesia", "id"), ("English", "en")]

TabBuilder = Callable[[Services, gr.Radio, Labelled], None]
"""A tab builder gets the services, the interface-language switch (an input of its events) and
the registry of labels to translate."""


def tool_tabs() -> list[tuple[str, TabBuilder]]:
    """(title text key, builder) of the curriculum tab and every tool's tab, in display order.

    A tool names its tab in its descriptor (``toolkit.tools``): its module
    ``toolkit/ui/<tool>_tab.py`` defines ``build_<tool>_tab(services, language, labels)`` and
    registers its texts with ``toolkit.ui.i18n.register_texts``; it is imported when the app is built.
    """
    from toolkit.tools import TOOLS

    tabs: list[tuple[str, TabBuilder]] = [("tab_curriculum", build_curriculum_tab)]
    for tool in TOOLS:
        builder = tool.tab()
        if builder is not None and tool.tab_title is not None:
            tabs.append((tool.tab_title, builder))
    return tabs


def shell_tabs() -> list[tuple[str, TabBuilder]]:
    """Tabs of the shell itself, after the tools: the library of saved work and the workshop."""
    from toolkit.ui.library_tab import build_library_tab
    from toolkit.ui.prompt_lab_tab import build_prompt_lab_tab
    from toolkit.ui.workshop_tab import build_workshop_tab

    return [
        ("tab_library", build_library_tab),
        ("tab_prompt_lab", build_prompt_lab_tab),
        ("tab_workshop", build_workshop_tab),
    ]


def queue_options(services: Services) -> dict[str, Any]:
    """Arguments for ``Blocks.queue``: one request at a time per event unless an event says otherwise
    (generations share the gate of ``toolkit.limits``), and a bounded queue for the whole server."""
    return {"default_concurrency_limit": 1, "max_size": services.settings.max_queue}


def launch_options(services: Services) -> dict[str, Any]:
    """Arguments for ``Blocks.launch``: address, upload limit, and logins in workshop mode."""
    settings = services.settings
    options: dict[str, Any] = {
        "server_name": settings.host,
        "server_port": settings.port,
        "show_error": True,
        "max_file_size": f"{settings.max_upload_mb}mb",
        # generations waiting for a turn hold a worker thread; the rest of the app keeps 40
        "max_threads": settings.running_generations + settings.max_waiting_generations + 40,
    }
    if settings.workshop:
        accounts = services.accounts()
        options["auth"] = accounts.verify
        options["auth_message"] = (
            "Masuk dengan akun dari pelatih; setelah 5 kata sandi salah, tunggu satu menit. / "
            "Log in with the account from your trainer; after 5 wrong passwords, wait a minute."
        )
    return options


def build_app(services: Services) -> gr.Blocks:
    """The whole app for one services container (not launched)."""
    lang = services.settings.language
    labels = Labelled()
    model = services.settings.describe_provider()
    with gr.Blocks(title="AI Classroom Toolkit", analytics_enabled=False) as demo:
        with gr.Row():
            # the title's column wraps above the switch on a phone instead of being squeezed
            with gr.Column(scale=3, min_width=320):
                title = gr.Markdown(t("app_title", lang))
            switch = gr.Radio(
                LANGUAGE_CHOICES, value=lang, label=t("ui_language", lang), scale=0, min_width=260
            )
        intro = gr.Markdown(t("app_intro", lang, model=model))
        language = switch  # every event reads the interface language from the switch
        tabs: list[tuple[Any, str]] = []
        with gr.Tabs():
            for title_key, builder in [*tool_tabs(), *shell_tabs()]:
                with gr.Tab(t(title_key, lang)) as tab:
                    builder(services, language, labels)
                tabs.append((tab, title_key))

        def relabel(choice: str) -> list[Any]:
            new = "en" if choice == "en" else "id"
            updates: list[Any] = [
                gr.update(value=t("app_title", new)),
                gr.update(value=t("app_intro", new, model=model)),
                gr.update(label=t("ui_language", new)),
            ]
            updates.extend(gr.update(label=t(key, new)) for _, key in tabs)
            for _, attributes in labels.items:
                texts: dict[str, Any] = {attr: t(key, new) for attr, key in attributes.items()}
                updates.append(gr.update(**texts))
            return updates

        outputs = [title, intro, switch, *(c for c, _ in tabs), *(c for c, _ in labels.items)]
        switch.change(relabel, [switch], outputs, api_name="set_language")
    return demo  # type: ignore[no-any-return]
