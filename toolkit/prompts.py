"""Prompt templates kept as files in ``prompts/`` and validated against their request models.

A template file has YAML front matter (``name``, ``version``, ``request_model``,
``extra_variables``, ``stop``) and two parts introduced by lines ``[system]`` and ``[user]``.
Placeholders are ``{name}``; literal braces are doubled. Every placeholder must be a field of the
request model or a declared extra variable (computed by the tool, such as retrieved passages).
"""

from __future__ import annotations

import importlib
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel

from toolkit.errors import ToolkitError
from toolkit.text import split_front_matter

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
_PART = re.compile(r"^\[(system|user)\]\s*$", re.MULTILINE)


@dataclass
class PromptTemplate:
    """One prompt file, parsed."""

    name: str
    version: str
    request_model: str
    system: str
    user: str
    extra_variables: list[str] = field(default_factory=list)
    stop: list[str] = field(default_factory=list)
    path: Path | None = None

    @property
    def variables(self) -> set[str]:
        """Every ``{placeholder}`` used in the system and user parts."""
        names: set[str] = set()
        for text in (self.system, self.user):
            for _, name, _, _ in string.Formatter().parse(text):
                if name:
                    names.add(name.split(".")[0].split("[")[0])
        return names

    def request_class(self) -> type[BaseModel]:
        """The pydantic model named in ``request_model`` (``module.Class``)."""
        module_name, _, class_name = self.request_model.rpartition(".")
        model = getattr(importlib.import_module(module_name), class_name)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(f"{self.request_model} is not a pydantic model")
        return model

    def problems(self) -> list[str]:
        """Placeholders that neither the request model nor the extra variables provide."""
        fields = set(self.request_class().model_fields)
        allowed = fields | set(self.extra_variables)
        missing = sorted(self.variables - allowed)
        unused_extra = sorted(set(self.extra_variables) - self.variables)
        return [f"unknown placeholder {{{name}}}" for name in missing] + [
            f"declared extra variable '{name}' is not used" for name in unused_extra
        ]

    def render(self, values: Mapping[str, Any]) -> list[BaseMessage]:
        """System and user messages with the placeholders filled in."""
        missing = self.variables - set(values)
        if missing:
            raise ToolkitError(f"Prompt '{self.name}' is missing values for: {', '.join(sorted(missing))}.")
        messages: list[BaseMessage] = []
        if self.system.strip():
            messages.append(SystemMessage(content=self.system.format(**values).strip()))
        messages.append(HumanMessage(content=self.user.format(**values).strip() + "\n"))
        return messages


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def parse_prompt(text: str, path: Path | None = None) -> PromptTemplate:
    """A prompt template from the text of a prompt file."""
    front, body = split_front_matter(text)
    parts: dict[str, str] = {}
    matches = list(_PART.finditer(body))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        parts[match.group(1)] = body[match.end() : end].strip("\n")
    if "user" not in parts:
        raise ToolkitError(f"Prompt file {path or '?'} has no [user] part.")
    return PromptTemplate(
        name=str(front.get("name") or (path.stem if path else "prompt")),
        version=str(front.get("version", "1")),
        request_model=str(front.get("request_model", "")),
        system=parts.get("system", ""),
        user=parts["user"],
        extra_variables=[str(v) for v in _as_list(front.get("extra_variables"))],
        stop=[str(v) for v in _as_list(front.get("stop"))],
        path=path,
    )


def prompt_files(prompts_dir: Path = PROMPTS_DIR) -> list[Path]:
    """All prompt files."""
    return sorted(prompts_dir.glob("*.md"))


def load_prompt(name: str, prompts_dir: Path = PROMPTS_DIR) -> PromptTemplate:
    """The template ``prompts/<name>.md``."""
    path = prompts_dir / f"{name}.md"
    if not path.is_file():
        raise ToolkitError(f"Prompt file {path} is missing; reinstall the toolkit.")
    return parse_prompt(path.read_text(encoding="utf-8"), path)
