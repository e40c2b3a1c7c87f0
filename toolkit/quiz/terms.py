"""Facts the offline fallback finds in passages: definitions, key terms, numbers, lists and sequences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from toolkit.quiz.models import Passage
from toolkit.quiz.text import normalise, sentences, strip_markdown_line

_DEFINITION_ID = re.compile(r"^(?P<term>[^,;:]{2,70}?)\s+(?:adalah|merupakan|ialah)\s+(?P<definition>.{8,})$")
_DEFINITION_EN = re.compile(
    r"^(?P<term>(?:The |An? )?[A-Z][^,;:]{1,60}?)\s+(?:is|are)\s+(?P<definition>(?:a|an|the)\s.{8,})$"
)
_PARENTHESES = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_BOLD = re.compile(r"\*\*([^*\n]{2,60}?)\*\*")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])")
_PROPER = re.compile(r"(?<=[a-z,;]\s)([A-Z][\w-]+(?:\s+[A-Z][\w-]+){0,3})")
_SEQUENCE_WORDS = re.compile(
    r"\b(urutan|tahap|tahapan|langkah|berurutan|order|steps|stages|sequence)\b", re.I
)
_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s+(.+)$")
_BULLET_ITEM = re.compile(r"^\s*[-*•]\s+(.+)$")
_BAD_TERM_START = re.compile(
    r"^(hal|ini|itu|jadi|artinya|yang|contoh|salah satu|tujuan|materi|hasilnya|urutan|it|this|that|these|there|"
    r"one|another|such)\b",
    re.I,
)


_CLAUSE_WORDS = frozenset(
    ["yang", "kita", "kami", "ini", "itu", "tersebut", "which", "that", "we", "our", "they", "this"]
)


@dataclass
class Definition:
    """``term`` (with ``aliases``) is defined as ``definition`` in ``sentence`` of ``passage_id``."""

    term: str
    definition: str
    sentence: str
    passage_id: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class TermList:
    """A lead-in sentence and the named items listed under it (or after it, in order)."""

    lead: str
    items: list[str]
    lines: list[str]
    passage_id: str
    ordered: bool


@dataclass
class PassageFacts:
    """Everything the fallback found in a set of passages."""

    definitions: list[Definition] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    proper_nouns: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    lists: list[TermList] = field(default_factory=list)
    sentences: list[tuple[str, str]] = field(default_factory=list)
    """(passage id, sentence) in passage order."""


def clean_term(raw: str) -> tuple[str, list[str]]:
    """A term without parentheses and footnote marks, split at 'atau'/'or' into name and aliases."""
    text = _PARENTHESES.sub("", raw.replace("**", "")).strip(" .,:;\"'")
    parts = [part.strip() for part in re.split(r"\s+(?:atau|or)\s+", text) if part.strip()]
    if not parts:
        return "", []
    return parts[0], parts[1:]


def _plausible_term(term: str) -> bool:
    word_count = len(term.split())
    return (
        1 <= word_count <= 6
        and len(term) <= 60
        and term[:1].isalpha()
        and not _BAD_TERM_START.match(term)
        and not re.search(r"\d{3,}", term)
        and not set(term.lower().split()) & _CLAUSE_WORDS
    )


def find_definition(sentence: str, language: str) -> tuple[str, list[str], str] | None:
    """(term, aliases, definition) when ``sentence`` defines a term, else None."""
    pattern = _DEFINITION_EN if language == "en" else _DEFINITION_ID
    match = pattern.match(sentence.strip())
    if match is None and language != "en":
        match = _DEFINITION_EN.match(sentence.strip())
    if match is None:
        return None
    term, aliases = clean_term(match.group("term"))
    definition = match.group("definition").strip().rstrip(".")
    if not _plausible_term(term) or len(definition.split()) < 3:
        return None
    if term[:1].islower() and not _DEFINITION_ID.match(sentence.strip()):
        return None
    return term, aliases, definition


def _add_unique(bucket: list[str], value: str) -> None:
    key = normalise(value)
    if key and all(normalise(existing) != key for existing in bucket):
        bucket.append(value)


def _lists(passage: Passage) -> list[TermList]:
    """Bulleted or numbered runs of lines with the sentence that introduces them."""
    found: list[TermList] = []
    lines = passage.text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if _NUMBERED.match(line) or _BULLET_ITEM.match(line):
            start = index
            while index < len(lines) and (_NUMBERED.match(lines[index]) or _BULLET_ITEM.match(lines[index])):
                index += 1
            run = lines[start:index]
            lead = next((lines[j].strip() for j in range(start - 1, -1, -1) if lines[j].strip()), "")
            ordered = all(_NUMBERED.match(item) for item in run)
            items = [_list_item_name(item) for item in run]
            introduces = lead.rstrip().endswith(":")
            if len(run) >= 3 and all(items) and lead and introduces:
                found.append(
                    TermList(
                        lead=_last_sentence(lead),
                        items=[item for item in items if item],
                        lines=[strip_markdown_line(item) for item in run],
                        passage_id=passage.id,
                        ordered=ordered or bool(_SEQUENCE_WORDS.search(lead)),
                    )
                )
        else:
            index += 1
    return found


def _last_sentence(text: str) -> str:
    """The last sentence of a lead-in paragraph, without its closing colon."""
    found = sentences(text)
    last = found[-1] if found else strip_markdown_line(text)
    return last.rstrip(":").strip()


def _list_item_name(line: str) -> str:
    """The bold name of a list item, or the whole item when it is short."""
    bold = _BOLD.search(line)
    if bold:
        name, _ = clean_term(bold.group(1))
        return name
    text = strip_markdown_line(line).rstrip(".;")
    return text if len(text.split()) <= 8 else ""


def _comma_sequences(passage_id: str, sentence: str) -> TermList | None:
    """'The order of X is a, b, c and d.' as an ordered list."""
    if not _SEQUENCE_WORDS.search(sentence):
        return None
    match = re.search(r"(?:adalah|yaitu|ialah|is|are|:)\s+(?P<items>[^:]+?)\.?$", sentence)
    if not match:
        return None
    listed = _PARENTHESES.sub("", match.group("items"))
    separators = r"\s*→\s*" if "→" in listed else r",\s*(?:dan|and)?\s*|\s+(?:dan|and|lalu|kemudian|then)\s+"
    parts = re.split(separators, listed)
    items = [part.strip() for part in parts if part.strip()]
    if not 3 <= len(items) <= 8 or any(len(item.split()) > 6 for item in items):
        return None
    lead = sentence[: match.start()].strip()
    if not _SEQUENCE_WORDS.search(lead):
        return None
    return TermList(lead=lead, items=items, lines=[sentence], passage_id=passage_id, ordered=True)


def extract_facts(passages: list[Passage], language: str) -> PassageFacts:
    """Definitions, key terms, proper nouns, numbers, lists and sentences of the passages."""
    facts = PassageFacts()
    for passage in passages:
        for bold in _BOLD.findall(passage.text):
            name, _ = clean_term(bold)
            if _plausible_term(name):
                _add_unique(facts.terms, name)
        facts.lists.extend(_lists(passage))
        for sentence in sentences(passage.text):
            facts.sentences.append((passage.id, sentence))
            found = find_definition(sentence, language)
            if found is not None:
                term, aliases, definition = found
                facts.definitions.append(Definition(term, definition, sentence, passage.id, aliases))
                _add_unique(facts.terms, term)
            sequence = _comma_sequences(passage.id, sentence)
            if sequence is not None:
                facts.lists.append(sequence)
            for number in _NUMBER.findall(sentence):
                _add_unique(facts.numbers, number)
            for proper in _PROPER.findall(sentence):
                cleaned, _ = clean_term(proper)
                if cleaned and len(cleaned) > 2:
                    _add_unique(facts.proper_nouns, cleaned)
    return facts
