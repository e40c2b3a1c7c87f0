"""The tool registry: one descriptor per tool, iterated by the CLI and the app, cheap to import."""

from __future__ import annotations

import json
import subprocess
import sys

import typer

from toolkit.tools import TOOLS, tool_for


def test_kinds_are_unique_and_every_tool_names_its_command_and_tab() -> None:
    kinds = [tool.kind for tool in TOOLS]
    assert len(set(kinds)) == len(kinds) == 4
    assert tool_for("lesson-plan").request_model.__name__ == "LessonRequest"
    for tool in TOOLS:
        assert {"id", "en"} <= set(tool.names) and "json" in tool.export_formats()
        builder = tool.tab()
        assert builder is None or (callable(builder) and tool.tab_title is not None)
    app = typer.Typer()
    for tool in TOOLS:
        tool.register_commands(app)
    names = {command.name for command in app.registered_commands}
    assert {"lesson", "quiz", "feedback"} <= names  # each from the module its descriptor names


def test_the_registry_and_the_cli_load_no_interface_model_or_exporter() -> None:
    heavy = ["gradio", "llama_cpp", "docx", "openpyxl", "toolkit.quiz.export", "toolkit.library"]
    code = (
        "import json, sys, toolkit.cli, toolkit.tools; "
        f"print(json.dumps([name for name in {heavy!r} if name in sys.modules]))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(loaded.stdout) == []
