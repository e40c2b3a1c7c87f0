"""A one-plan topic card built from the teacher's own chapter (PDF, DOCX or text).

When the bank has no card for a topic, the teacher can upload the student-book chapter. Its
definitions become the key concepts and objectives, its examples the worked examples, its exercises
the LKPD tasks and the diagnostic question; the plan is then composed exactly as from a bank card,
and cites the chapter. A chapter in which fewer than two definitions can be found gives no card
(the plan says so), because a plan built on nothing but the topic's name is what this replaces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from toolkit.bank.models import (
    Activity,
    Concept,
    Diagnostic,
    Objective,
    SuccessCriterion,
    TopicCard,
    WorkedExample,
)
from toolkit.quiz.models import Passage
from toolkit.quiz.terms import extract_facts
from toolkit.quiz.text import sentences
from toolkit.text import say as say_in

MIN_DEFINITIONS = 2
MAX_CONCEPTS = 6
_EXAMPLE = re.compile(r"^(contoh|misalnya|sebagai contoh|for example|example)\b", re.I)
_EXERCISE_HEADING = re.compile(r"latihan|soal|ayo|tugas|uji|exercise|practice|task|question", re.I)


def _exercises(sections: Sequence[tuple[str, str]]) -> list[str]:
    found: list[str] = []
    for heading, text in sections:
        for sentence in sentences(text):
            exercise = sentence.endswith("?") or (
                _EXERCISE_HEADING.search(heading) is not None and len(sentence.split()) >= 4
            )
            if exercise and sentence not in found:
                found.append(sentence)
    return found[:8]


def card_from_chapter(
    name: str,
    sections: Sequence[tuple[str, str]],
    *,
    subject: str,
    fase: str,
    kelas: int | None,
    topic: str,
    language: str = "id",
) -> TopicCard | None:
    """A card for one plan from the chapter's (heading, text) sections, or None when it has too little."""
    passages = [Passage(id=f"C{n}", text=text, citation=name) for n, (_, text) in enumerate(sections, 1)]
    facts = extract_facts(passages, language)
    definitions = []
    seen: set[str] = set()
    for definition in facts.definitions:
        key = definition.term.lower()
        if key not in seen:
            seen.add(key)
            definitions.append(definition)
    if len(definitions) < MIN_DEFINITIONS:
        return None
    definitions = definitions[:MAX_CONCEPTS]
    terms = [d.term for d in definitions]

    def say(indonesian: str, english: str) -> str:
        return say_in(language, indonesian, english)

    examples = [s for _, s in facts.sentences if _EXAMPLE.match(s)][:3]
    exercises = _exercises(sections)
    concepts = [Concept.model_construct(term=d.term, explanation=d.sentence) for d in definitions]
    objectives = [
        Objective.model_construct(
            text=say(
                f"Peserta didik dapat mengidentifikasi istilah penting bab ini: {', '.join(terms[:4])}.",
                f"Students can identify the chapter's key terms: {', '.join(terms[:4])}.",
            ),
            bloom="C1",
        ),
        *(
            Objective.model_construct(
                text=say(
                    f"Peserta didik dapat menjelaskan pengertian {term} dengan kata-kata sendiri.",
                    f"Students can explain what {term} means in their own words.",
                ),
                bloom="C2",
            )
            for term in terms[:3]
        ),
        Objective.model_construct(
            text=say(
                f"Peserta didik dapat menerapkan pengertian {terms[0]} untuk menentukan contohnya di lingkungan sekitar.",
                f"Students can apply what {terms[0]} means to find an example in their surroundings.",
            ),
            bloom="C3",
        ),
        Objective.model_construct(
            text=say(
                f"Peserta didik dapat membandingkan {terms[0]} dan {terms[1]}.",
                f"Students can compare {terms[0]} and {terms[1]}.",
            ),
            bloom="C4",
        ),
    ]
    tasks = [
        say(f"Peserta didik menjawab soal bab: “{q}”", f"Students answer the chapter's question: “{q}”")
        for q in exercises[:4]
    ]
    tasks = tasks or [
        say(
            f"Peserta didik menuliskan pengertian {term} dan satu contohnya.",
            f"Students write what {term} means and one example.",
        )
        for term in terms[:3]
    ]
    activities = [
        Activity.model_construct(
            title=say(
                f"Membaca bab: {terms[0]} dan {terms[1]}", f"Reading the chapter: {terms[0]} and {terms[1]}"
            ),
            kind="diskusi",
            minutes=20,
            steps=[
                say(
                    f"Peserta didik membaca bagian tentang {term} dan menandai kalimat pengertiannya.",
                    f"Students read the part on {term} and mark the sentence that defines it.",
                )
                for term in terms[:3]
            ],
            support=say(
                "Guru membacakan kalimat pengertian bersama kelompok yang memerlukan bantuan.",
                "The teacher reads the defining sentences aloud with the group that needs support.",
            ),
            on_track=say(
                "Peserta didik menuliskan pengertian dengan kata-kata sendiri.",
                "Students rewrite each definition in their own words.",
            ),
            extension=say(
                f"Peserta didik menjelaskan hubungan {terms[0]} dengan {terms[-1]}.",
                f"Students explain how {terms[0]} relates to {terms[-1]}.",
            ),
        ),
        Activity.model_construct(
            title=say("LKPD dari latihan bab", "Worksheet from the chapter's exercises"),
            kind="lkpd",
            minutes=25,
            steps=tasks,
            support=say(
                "Peserta didik boleh membuka kembali bab saat menjawab.",
                "Students may reopen the chapter while answering.",
            ),
            on_track=say(
                "Peserta didik menjawab semua soal dan menukar jawaban dengan teman.",
                "Students answer every question and swap answers with a partner.",
            ),
            extension=say(
                "Peserta didik membuat satu soal baru beserta kuncinya.",
                "Students write one new question with its answer.",
            ),
        ),
        Activity.model_construct(
            title=say(
                f"Tabel perbandingan {terms[0]} dan {terms[1]}", f"Comparing {terms[0]} and {terms[1]}"
            ),
            kind="diskusi",
            minutes=15,
            steps=[
                say(
                    f"Peserta didik membuat tabel persamaan dan perbedaan {terms[0]} dan {terms[1]}.",
                    f"Students make a table of how {terms[0]} and {terms[1]} are alike and different.",
                ),
                say(
                    "Peserta didik mempresentasikan tabelnya kepada kelompok lain.",
                    "Students present their table to another group.",
                ),
            ],
            support=say(
                "Guru menyiapkan tabel dengan baris yang sudah diberi judul.",
                "The teacher gives a table with the rows already labelled.",
            ),
            on_track=say(
                "Peserta didik mengisi tabel dengan tiga baris perbandingan.",
                "Students fill three rows of comparison.",
            ),
            extension=say(
                "Peserta didik menambahkan konsep ketiga ke dalam tabel.",
                "Students add a third concept to the table.",
            ),
        ),
    ]
    first = definitions[0]
    return TopicCard.model_construct(
        id="bab-guru",
        subject=subject,
        fase=fase,
        kelas=kelas or 0,
        chapter=None,
        title=f"{topic} ({name})",
        aliases=[topic],
        elements=[],
        language=language,
        summary=" ".join(s for _, s in facts.sentences[:2]),
        sources=[name],
        unverified=[],
        prior_knowledge=[
            say(
                f"Peserta didik sudah membaca bagian awal bab tentang {topic}.",
                f"Students have read the start of the chapter on {topic}.",
            )
        ],
        objectives=objectives,
        concepts=concepts,
        misconceptions=[],
        examples=[WorkedExample.model_construct(problem=e, steps=[e], answer=e) for e in examples],
        activities=activities,
        trigger_questions=exercises[:2]
        or [say(f"Apa yang kamu ketahui tentang {first.term}?", f"What do you know about {first.term}?")],
        materials=[
            say(f"Bab dari guru: {name}", f"The teacher's chapter: {name}"),
            say("LKPD dari latihan bab", "Worksheet from the chapter's exercises"),
        ],
        diagnostic=Diagnostic.model_construct(
            question=say(
                f"Apa yang kamu ketahui tentang {first.term}?", f"What do you know about {first.term}?"
            ),
            expected=first.sentence,
            if_not=say(
                f"Bacakan bagian tentang {first.term} bersama sebelum kegiatan inti.",
                f"Read the part on {first.term} together before the main activity.",
            ),
        ),
        questions=[],
        success_criteria=[
            SuccessCriterion.model_construct(
                criterion=say(f"Menjelaskan {term}", f"Explaining {term}"),
                baru_berkembang=say(
                    f"Menyebut istilah {term} tanpa penjelasan.", f"Names {term} without explaining it."
                ),
                layak=say(
                    f"Menjelaskan {term} dengan bantuan teks.", f"Explains {term} with the text's help."
                ),
                cakap=say(
                    f"Menjelaskan {term} dengan kata-kata sendiri.", f"Explains {term} in their own words."
                ),
                mahir=say(
                    f"Menjelaskan {term} dan memberi contoh baru.",
                    f"Explains {term} and gives a new example.",
                ),
            )
            for term in terms[:3]
        ],
        local_context=examples[:1]
        or [
            say(
                f"Guru memilih contoh {first.term} dari lingkungan sekolah.",
                f"The teacher picks an example of {first.term} near the school.",
            )
        ],
        reflection=[
            say(
                "Konsep mana dari bab ini yang paling sulit bagimu?",
                "Which idea in this chapter was hardest for you?",
            ),
            say(
                f"Di mana kamu menjumpai {first.term} dalam kehidupan sehari-hari?",
                f"Where do you meet {first.term} in everyday life?",
            ),
        ],
        origin="teacher",
    )
