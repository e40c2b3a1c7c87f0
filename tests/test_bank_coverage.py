"""The knowledge bank covers every SD and SMP subject: a CP document per fase, six cards or more per grade."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from toolkit.bank.loader import load_bank
from toolkit.index.documents import load_document
from toolkit.index.metadata import SCHOOL_SUBJECTS, known_subjects_sentence
from toolkit.text import split_front_matter

CP_DIR = Path(__file__).resolve().parent.parent / "corpora" / "cp"
MIN_CARDS = 6
FIRST_GRADE = {"ipas": 3}
"""IPAS has no student book of its own in kelas 1-2 (it is taught from kelas 3)."""

SD = [(subject, fase) for subject in SCHOOL_SUBJECTS["SD"] for fase in "ABC"]
SMP = [(subject, "D") for subject in SCHOOL_SUBJECTS["SMP"]]
GRADES = [
    (subject, grade)
    for level, grades in (("SD", range(1, 7)), ("SMP", range(7, 10)))
    for subject in SCHOOL_SUBJECTS[level]
    for grade in grades
    if grade >= FIRST_GRADE.get(subject, 1)
]


@pytest.mark.parametrize(("subject", "fase"), SD + SMP, ids=[f"{s}-{f}" for s, f in SD + SMP])
def test_every_subject_and_fase_has_its_cp_document(subject: str, fase: str) -> None:
    path = CP_DIR / f"cp-{subject}-fase-{fase.lower()}.md"
    assert path.is_file(), f"missing {path.name}"
    front, body = split_front_matter(path.read_text(encoding="utf-8"))
    assert front["subject"] == subject and str(front["fase"]) == fase and front["doc_type"] == "cp"
    assert "046/H/KR/2025" in body, "the CP document names the decree it follows"
    assert "## Catatan verifikasi" in body, "what could not be checked is marked"
    assert sum(1 for section in load_document(path).sections if section.heading.startswith("Elemen")) >= 2


@pytest.mark.parametrize(("subject", "grade"), GRADES, ids=[f"{s}-{g}" for s, g in GRADES])
def test_every_subject_and_grade_has_six_cards_or_more(subject: str, grade: int) -> None:
    counts = Counter((card.subject, card.kelas) for card in load_bank())
    assert counts[(subject, grade)] >= MIN_CARDS


def test_an_unknown_subject_gets_one_sentence_listing_the_known_ones() -> None:
    sentence = known_subjects_sentence("sihir")
    assert sentence.count(".") == 1 and "sihir" in sentence
    assert all(name in sentence for name in ("IPAS", "IPS", "Pendidikan Pancasila", "Informatika"))
