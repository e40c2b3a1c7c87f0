"""Masking personal data in student work, and restoring it in the output.

Names (given by the teacher's batch file or written as "Nama: ..."), NIS/NISN numbers, phone
numbers and e-mail addresses are replaced by numbered placeholders such as ``[NAMA_1]`` before any
text leaves the machine (and before scoring, so a student's name can never change a score).
``restore`` puts the original values back into text produced from the masked work.

Both feedback paths (rubric and English essay) mask a batch with ``mask_batch`` before scoring, and
every call to a provider that is not on this machine passes through ``toolkit.llm.guard``, which
masks with the same function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<!\d)(?:\+62|62|0)8[1-9](?:[\s.-]?\d){6,10}(?!\d)")
STUDENT_NUMBER = re.compile(r"\b(NISN|NIS)\b\s*[:.]?\s*(\d{4,12})", re.IGNORECASE)
LONE_NISN = re.compile(r"(?<!\d)\d{10}(?!\d)")
NAME_LINE = re.compile(
    r"\b(?i:nama(?:\s+saya)?|name|my name is)\s*[:\-]?\s*((?:[A-Z][a-z'’]+)(?:\s+[A-Z][a-z'’]+){0,3})"
)


@dataclass
class MaskedText:
    """Masked text plus the placeholder -> original mapping."""

    text: str
    mapping: dict[str, str] = field(default_factory=dict)

    def restore(self, text: str) -> str:
        """Put the original values back into ``text`` (longest placeholder first)."""
        for placeholder in sorted(self.mapping, key=len, reverse=True):
            text = text.replace(placeholder, self.mapping[placeholder])
        return text


def _substitute(
    text: str, pattern: re.Pattern[str], kind: str, mapping: dict[str, str], group: int = 0
) -> str:
    reverse = {value: key for key, value in mapping.items()}

    def replace(match: re.Match[str]) -> str:
        value = match.group(group)
        placeholder = reverse.get(value)
        if placeholder is None:
            placeholder = f"[{kind}_{sum(1 for key in mapping if key.startswith('[' + kind)) + 1}]"
            mapping[placeholder] = value
            reverse[value] = placeholder
        whole = match.group(0)
        return whole.replace(value, placeholder) if group else placeholder

    return pattern.sub(replace, text)


def mask_personal_data(
    text: str, known_names: list[str] | None = None, mapping: dict[str, str] | None = None
) -> MaskedText:
    """Replace names, NIS/NISN, phone numbers and e-mails by placeholders.

    ``mapping`` (placeholder -> original) is shared when several texts of one request are masked,
    so one value gets one placeholder in all of them.
    """
    mapping = {} if mapping is None else mapping
    text = _substitute(text, EMAIL, "EMAIL", mapping)
    text = _substitute(text, PHONE, "TELEPON", mapping)
    text = _substitute(text, STUDENT_NUMBER, "NOMOR_INDUK", mapping, group=2)
    text = _substitute(text, LONE_NISN, "NOMOR_INDUK", mapping)
    names = {name.strip() for name in known_names or [] if len(name.strip()) >= 2}
    names.update(match.group(1) for match in NAME_LINE.finditer(text))
    parts = {part for name in names for part in name.split() if len(part) >= 2}
    for name in sorted(names | parts, key=len, reverse=True):
        flags = re.IGNORECASE if len(name) >= 3 else 0
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", flags)
        text = _substitute(text, pattern, "NAMA", mapping)
    return MaskedText(text=text, mapping=mapping)


def mask_batch(texts: list[str], names: list[str]) -> list[MaskedText]:
    """Every work of a batch masked, each with the names of the whole class (a classmate named in
    a work is masked too)."""
    known = [name for name in names if name]
    return [mask_personal_data(text, known) for text in texts]
