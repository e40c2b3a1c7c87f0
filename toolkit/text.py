"""Small text helpers shared by every tool: front matter, file names, and id/en sentences.

One helper for one job: documents and prompt files read front matter here, every export names its
files here, every spreadsheet and CSV cell the toolkit writes is made safe here, and a message that
exists in Indonesian and English is chosen here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import yaml

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_NOT_FILE_CHAR = re.compile(r"[^0-9A-Za-z]+")
_DEBRIS = re.compile(r"[{}\[\]<>]|```|\\n|\*\*|#")
_SENTENCE_END = re.compile(r"[.?!:…)\"”]$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet program read a cell as a formula (CSV injection)."""


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


def unique_slugs(texts: Sequence[str], fallback: str = "materi") -> list[str]:
    """``file_slug`` of each text, made unique (``budi``, ``budi-2``): no file overwrites another.

    Names that differ only in case or punctuation ("Budi", "budi", "budi!") get the same slug, so
    the later ones are numbered in their order.
    """
    used: set[str] = set()
    slugs: list[str] = []
    for text in texts:
        base = file_slug(text, fallback)
        slug, number = base, 2
        while slug in used:
            slug, number = f"{base}-{number}", number + 1
        used.add(slug)
        slugs.append(slug)
    return slugs


def safe_cell(value: object) -> object:
    """A spreadsheet or CSV cell that never turns into a live formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe (spreadsheet programs show the text as typed); numbers and empty cells are unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Sequence[object]) -> list[object]:
    """``safe_cell`` applied to every cell of a row."""
    return [safe_cell(value) for value in values]


def plain_cell(text: str) -> str:
    """A cell read back from a file the toolkit wrote: the apostrophe ``safe_cell`` added is removed."""
    return text[1:] if text.startswith("'") and text[1:2] and text[1] in "".join(FORMULA_START) else text


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
