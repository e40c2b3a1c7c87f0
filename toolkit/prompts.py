"""Prompt templates kept as files in ``prompts/`` and validated against their request models.

A template file has YAML front matter (``name``, ``version``, ``request_model``,
``extra_variables``, ``stop``) and two parts introduced by lines ``[system]`` and ``[user]``.
Placeholders are ``{name}``; literal braces are doubled. Every placeholder must be a field of the
request model or a declared extra variable (computed by the tool, such as retrieved passages).
Only bare names are placeholders: a format spec (``{question:>100000000}``, which would pad one
request to gigabytes), a conversion (``{question!r}``) or attribute and index access
(``{question.__class__}``, ``{passages[0]}``) is refused when the template is parsed, so an edited
template (Prompt Lab) can do no more than the shipped ones.
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
_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_TEMPLATE_CHARS = 20_000
"""An edited template is at most this long (the shipped ones are under 3,000 characters)."""
MAX_PROMPT_CHARS = 500_000
"""A filled-in prompt is at most this long (far beyond any model's context; a guard, not a budget)."""


def placeholder_problems(text: str) -> list[str]:
    """Why ``text`` is not a valid template body: placeholders other than bare ``{name}``, lone braces."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        return [f"{exc} (write a literal brace as {{{{ or }}}})"]
    problems = []
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if not _BARE_NAME.fullmatch(name) or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            problems.append(f"placeholder {shown[:60]} is not a plain name like {{question}}")
    return problems


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
        """Every ``{placeholder}`` used in the system and user parts (bare names, see ``parse_prompt``)."""
        names: set[str] = set()
        for text in (self.system, self.user):
            for _, name, _, _ in string.Formatter().parse(text):
                if name:
                    names.add(name)
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
        size = sum(
            len(literal) + (len(str(values[name])) if name else 0)
            for text in (self.system, self.user)
            for literal, name, _, _ in string.Formatter().parse(text)
        )
        if size > MAX_PROMPT_CHARS:
            raise ToolkitError(
                f"Prompt '{self.name}' would have {size:,} characters when filled in, more than the "
                f"{MAX_PROMPT_CHARS:,} allowed; use each placeholder fewer times."
            )
        messages: list[BaseMessage] = []
        if self.system.strip():
            messages.append(SystemMessage(content=self.system.format(**values).strip()))
        messages.append(HumanMessage(content=self.user.format(**values).strip() + "\n"))
        return messages


def _as_list(value: object) -> list[str]:
    """The scalar items of a front-matter list (nested values, such as YAML alias trees, are dropped)."""
    items = list(value) if isinstance(value, list | tuple) else []
    return [str(item) for item in items if isinstance(item, str | int | float)]


def _scalar(value: object, default: str) -> str:
    """A front-matter value as text, when it is a plain value (never a nested structure)."""
    return str(value) if isinstance(value, str | int | float) and str(value) else default


def parse_prompt(text: str, path: Path | None = None) -> PromptTemplate:
    """A prompt template from the text of a prompt file; ``ToolkitError`` when it is not a valid one."""
    if len(text) > MAX_TEMPLATE_CHARS:
        raise ToolkitError(
            f"The template has {len(text):,} characters; a template may have at most {MAX_TEMPLATE_CHARS:,}."
        )
    front, body = split_front_matter(text)
    parts: dict[str, str] = {}
    matches = list(_PART.finditer(body))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        parts[match.group(1)] = body[match.end() : end].strip("\n")
    if "user" not in parts:
        raise ToolkitError(f"Prompt file {path or '?'} has no [user] part.")
    problems = placeholder_problems(parts.get("system", "")) + placeholder_problems(parts["user"])
    if problems:
        raise ToolkitError(f"The template cannot be used: {problems[0]}.")
    return PromptTemplate(
        name=_scalar(front.get("name"), path.stem if path else "prompt"),
        version=_scalar(front.get("version"), "1"),
        request_model=_scalar(front.get("request_model"), ""),
        system=parts.get("system", ""),
        user=parts["user"],
        extra_variables=_as_list(front.get("extra_variables")),
        stop=_as_list(front.get("stop")),
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
