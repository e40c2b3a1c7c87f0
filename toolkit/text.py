"""Small text helpers shared by every tool: front matter, file names, and id/en sentences.

One helper for one job: documents and prompt files read front matter here, every export names its
files here, and a message that exists in Indonesian and English is chosen here.
"""

from __future__ import annotations

import re

import yaml

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_NOT_FILE_CHAR = re.compile(r"[^0-9A-Za-z]+")
_DEBRIS = re.compile(r"[{}\[\]<>]|```|\\n|\*\*|#")
_SENTENCE_END = re.compile(r"[.?!:…)\"”]$")


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """YAML front matter (or ``{}``) and the rest of a Markdown text."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        return {}, text
    return (data if isinstance(data, dict) else {}), text[match.end() :]


def file_slug(text: str, fallback: str = "materi", limit: int = 60) -> str:
    """A file name made from a title: ASCII letters, digits and dashes only (safe on every system)."""
    return _NOT_FILE_CHAR.sub("-", text).strip("-").lower()[:limit].strip("-") or fallback


def say(language: str, indonesian: str, english: str) -> str:
    """The sentence in the reader's language (Indonesian unless ``language`` is ``en``)."""
    return english if language == "en" else indonesian


def is_complete_sentence(text: str, min_words: int = 4) -> bool:
    """A sentence a learner can act on: enough words, a capital start, a closing mark, no debris."""
    stripped = text.strip()
    if len(stripped.split()) < min_words or _DEBRIS.search(stripped):
        return False
    first = stripped.lstrip("\"'“(")[:1]
    return bool(first) and (first.isupper() or first.isdigit()) and bool(_SENTENCE_END.search(stripped))
