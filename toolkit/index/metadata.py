"""Document metadata: the fields every chunk carries, and inference when a file has no front matter."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from toolkit.language import detect_language

SUBJECTS: dict[str, str] = {
    "matematika": "Matematika",
    "bahasa-indonesia": "Bahasa Indonesia",
    "ipas": "IPAS",
    "ipa": "IPA",
    "ips": "IPS",
    "pendidikan-pancasila": "Pendidikan Pancasila",
    "bahasa-inggris": "Bahasa Inggris",
    "informatika": "Informatika",
    "umum": "Umum",
}
"""Subject slugs used in the index, with their display names (SD: fase A-C, SMP: fase D)."""

SUBJECT_ALIASES: dict[str, str] = {
    "ipa": "ipa",
    "sains": "ipa",
    "science": "ipa",
    "biologi": "ipa",
    "fisika": "ipa",
    "kimia": "ipa",
    "ipas": "ipas",
    "ilmu pengetahuan alam dan sosial": "ipas",
    "ilmu pengetahuan alam": "ipa",
    "ips": "ips",
    "ilmu pengetahuan sosial": "ips",
    "social studies": "ips",
    "pendidikan pancasila": "pendidikan-pancasila",
    "pancasila": "pendidikan-pancasila",
    "ppkn": "pendidikan-pancasila",
    "pkn": "pendidikan-pancasila",
    "civics": "pendidikan-pancasila",
    "matematika": "matematika",
    "math": "matematika",
    "maths": "matematika",
    "mathematics": "matematika",
    "mtk": "matematika",
    "bahasa indonesia": "bahasa-indonesia",
    "bahasa-indonesia": "bahasa-indonesia",
    "b. indonesia": "bahasa-indonesia",
    "bindo": "bahasa-indonesia",
    "bahasa inggris": "bahasa-inggris",
    "bahasa-inggris": "bahasa-inggris",
    "english": "bahasa-inggris",
    "b. inggris": "bahasa-inggris",
    "informatika": "informatika",
    "informatics": "informatika",
    "tik": "informatika",
    "computing": "informatika",
    "umum": "umum",
    "general": "umum",
}

SCHOOL_SUBJECTS: dict[str, tuple[str, ...]] = {
    "SD": ("matematika", "bahasa-indonesia", "ipas", "pendidikan-pancasila", "bahasa-inggris"),
    "SMP": (
        "matematika",
        "ipa",
        "ips",
        "bahasa-indonesia",
        "bahasa-inggris",
        "pendidikan-pancasila",
        "informatika",
    ),
}
"""The subjects the knowledge bank covers at each level (SD: fase A-C, SMP: fase D)."""


def known_subjects_sentence(value: str, language: str = "id") -> str:
    """One sentence for an unknown subject that lists the known ones."""
    names = ", ".join(f"{name} ({slug})" for slug, name in SUBJECTS.items() if slug != "umum")
    if language == "en":
        return f"Unknown subject '{value}'; choose one of: {names}."
    return f"Mata pelajaran '{value}' tidak dikenal; pilih salah satu: {names}."


FASE_GRADES: dict[str, tuple[int, int]] = {
    "A": (1, 2),
    "B": (3, 4),
    "C": (5, 6),
    "D": (7, 9),
    "E": (10, 10),
    "F": (11, 12),
}
ALL_GRADES = (0, 99)


class DocumentInfo(BaseModel):
    """What is known about a document as a whole."""

    title: str
    subject: str = "umum"
    fase: str = "semua"
    kelas: str = "semua"
    language: str = "id"
    doc_type: str = "dokumen"

    def grade_range(self) -> tuple[int, int]:
        """(lowest, highest) grade this document is for; (0, 99) when it is for all."""
        return parse_grade_range(self.kelas, self.fase)


def normalise_subject(value: str | None) -> str | None:
    """A subject slug from a slug, a display name or a common alias; None when unknown."""
    if value is None or not str(value).strip():
        return None
    key = str(value).strip().lower().replace("_", "-")
    if key in SUBJECTS:
        return key
    return SUBJECT_ALIASES.get(key) or SUBJECT_ALIASES.get(key.replace("-", " "))


def normalise_fase(value: str | None) -> str | None:
    """``'D'`` from ``'d'``, ``'Fase D'``; ``'semua'`` for all; None when unknown."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip().lower().removeprefix("fase").strip()
    if text in {"semua", "all", "*"}:
        return "semua"
    if text.upper() in FASE_GRADES:
        return text.upper()
    return None


def fase_for_grade(grade: int) -> str | None:
    """The fase a grade belongs to (7 -> D)."""
    for fase, (low, high) in FASE_GRADES.items():
        if low <= grade <= high:
            return fase
    return None


def parse_grade_range(kelas: str | int | None, fase: str | None = None) -> tuple[int, int]:
    """Grades from ``'7'``, ``'7-9'`` or ``'semua'``, falling back to the fase's grades."""
    text = str(kelas).strip().lower() if kelas is not None else ""
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if numbers:
        return min(numbers), max(numbers)
    normalised = normalise_fase(fase)
    if normalised in FASE_GRADES:
        return FASE_GRADES[normalised]
    return ALL_GRADES


def infer_info(path: Path, text: str) -> DocumentInfo:
    """Metadata for a file without front matter, from its folder names and its text."""
    subject = "umum"
    for part in [p.lower() for p in path.parts[:-1]][::-1]:
        found = normalise_subject(part)
        if found:
            subject = found
            break
    fase = "semua"
    kelas = "semua"
    sample = text[:5000]
    fase_match = re.search(r"\bfase\s+([A-F])\b", sample, re.IGNORECASE)
    grade_match = re.search(r"\b(?:kelas|grade|class)\s+(\d{1,2})\b", sample, re.IGNORECASE)
    if fase_match:
        fase = fase_match.group(1).upper()
    if grade_match and 1 <= int(grade_match.group(1)) <= 12:
        kelas = grade_match.group(1)
        if fase == "semua":
            fase = fase_for_grade(int(kelas)) or "semua"
    title = path.stem.replace("-", " ").replace("_", " ").strip() or path.name
    return DocumentInfo(title=title, subject=subject, fase=fase, kelas=kelas, language=detect_language(text))
