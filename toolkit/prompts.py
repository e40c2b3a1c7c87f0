"""Prompt templates kept as files in ``prompts/`` and validated against their request models.

A template file has YAML front matter (``name``, ``version``, ``request_model``,
``extra_variables``, ``stop``) and two parts introduced by lines ``[system]`` and ``[user]``.
Placeholders are ``{name}``; literal braces are doubled. Every placeholder must be a field of the
request model or a declared extra variable (computed by the tool, such as retrieved passages).
Only bare names are placeholders: a format spec (``{question:>100000000}``, which would pad one
request to gigabytes), a conversion (``{question!r}``) or attribute and index access
(``{question.__class__}``, ``{passages[0]}``) is refused when the template is parsed, so an edited
template (Prompt Lab) can do no more than the shipped ones.

A phrase book (front matter ``kind: phrases``) holds the pieces a tool puts into a template's
placeholders, such as the instruction for each lesson section or each quiz item type: parts
introduced by ``[key.language]`` lines (``[prior_text.id]``, ``[prior_text.en]``), or ``[key]`` for
a part that is the same in every language, with the same
placeholder rule, checked against the same request model. Every word a tool sends to a model is in
one of these files.
"""

from __future__ import annotations

import importlib
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel

from toolkit.errors import ToolkitError
from toolkit.text import split_front_matter

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
_PART = re.compile(r"^\[(system|user)\]\s*$", re.MULTILINE)
_PHRASE = re.compile(r"^\[([a-z][a-z0-9_]*(?:\.(?:id|en))?)\]\s*$", re.MULTILINE)
_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_TEMPLATE_CHARS = 20_000
"""An edited template is at most this long (the shipped ones are under 3,000 characters)."""
MAX_PROMPT_CHARS = 500_000
"""A filled-in prompt is at most this long (far beyond any model's context; a guard, not a budget)."""


class NoValues(BaseModel):
    """The request model of a template without placeholders (such as ``model_check.md``)."""


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


@dataclass
class PhraseBook:
    """One phrase file, parsed: pieces of prompt text by ``key.language``."""

    name: str
    version: str
    request_model: str
    phrases: dict[str, str]
    extra_variables: list[str] = field(default_factory=list)
    path: Path | None = None

    @property
    def variables(self) -> set[str]:
        """Every ``{placeholder}`` used in any phrase."""
        return {
            name for text in self.phrases.values() for _, name, _, _ in string.Formatter().parse(text) if name
        }

    def request_class(self) -> type[BaseModel]:
        """The pydantic model named in ``request_model`` (``module.Class``)."""
        return PromptTemplate("", "", self.request_model, "", "").request_class()

    def problems(self) -> list[str]:
        """Unknown placeholders, unused extra variables, and keys present in one language only."""
        allowed = set(self.request_class().model_fields) | set(self.extra_variables)
        keys = {key.rpartition(".")[0] for key in self.phrases if "." in key}
        one_language = sorted(k for k in keys if not {f"{k}.id", f"{k}.en"} <= set(self.phrases))
        return (
            [f"unknown placeholder {{{name}}}" for name in sorted(self.variables - allowed)]
            + [
                f"declared extra variable '{name}' is not used"
                for name in sorted(set(self.extra_variables) - self.variables)
            ]
            + [f"phrase '{key}' is not given in both id and en" for key in one_language]
        )

    def text(self, key: str, language: str, values: Mapping[str, Any] | None = None) -> str:
        """The phrase ``key`` in ``language`` (``en``, else ``id``) with its placeholders filled in.

        A part given without a language (``[key]``) serves every language.
        """
        full = f"{key}.{'en' if language == 'en' else 'id'}"
        if full not in self.phrases and key in self.phrases:
            full = key
        if full not in self.phrases:
            raise ToolkitError(f"Phrase file '{self.name}' has no part [{full}].")
        template = self.phrases[full]
        given = dict(values or {})
        missing = {name for _, name, _, _ in string.Formatter().parse(template) if name} - set(given)
        if missing:
            raise ToolkitError(f"Phrase '{full}' is missing values for: {', '.join(sorted(missing))}.")
        return template.format(**given)


def parse_phrases(text: str, path: Path | None = None) -> PhraseBook:
    """A phrase book from the text of a phrase file; ``ToolkitError`` when it is not a valid one."""
    front, body = split_front_matter(text)
    matches = list(_PHRASE.finditer(body))
    phrases: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        phrases[match.group(1)] = body[match.end() : end].strip("\n")
    problems = [problem for phrase in phrases.values() for problem in placeholder_problems(phrase)]
    if not phrases or problems:
        reason = problems[0] if problems else "it has no [key], [key.id] or [key.en] parts"
        raise ToolkitError(f"Phrase file {path or '?'} cannot be used: {reason}.")
    return PhraseBook(
        name=_scalar(front.get("name"), path.stem if path else "phrases"),
        version=_scalar(front.get("version"), "1"),
        request_model=_scalar(front.get("request_model"), ""),
        phrases=phrases,
        extra_variables=_as_list(front.get("extra_variables")),
        path=path,
    )


def is_phrase_file(text: str) -> bool:
    """Whether a prompt file's front matter says ``kind: phrases``."""
    return split_front_matter(text)[0].get("kind") == "phrases"


def parse_prompt_file(path: Path) -> PromptTemplate | PhraseBook:
    """Any file in ``prompts/``: a template or a phrase book."""
    text = path.read_text(encoding="utf-8")
    return parse_phrases(text, path) if is_phrase_file(text) else parse_prompt(text, path)


@lru_cache(maxsize=64)
def _cached_phrases(path: Path, mtime: float) -> PhraseBook:
    return parse_phrases(path.read_text(encoding="utf-8"), path)


def load_phrases(name: str, prompts_dir: Path = PROMPTS_DIR) -> PhraseBook:
    """The phrase book ``prompts/<name>.md`` (parsed again when the file changes)."""
    path = prompts_dir / f"{name}.md"
    if not path.is_file():
        raise ToolkitError(f"Prompt file {path} is missing; reinstall the toolkit.")
    return _cached_phrases(path, path.stat().st_mtime)
