"""The offline fallback: grounded items built from the passages themselves, no model needed.

Cloze items blank a key term (or a number) in a source sentence; term-definition items come from
sentences such as "X adalah …"; true/false items pair a reworded definition (true) with a sentence
whose term was swapped for another term of the same topic (false); matching items pair terms with
their definitions; ordering items come from numbered lists and "the order is a, b, c" sentences;
essay prompts get the source sentences as their scoring guide. Distractors are other key terms
found in the same passages. Every item quotes the sentence(s) that prove its key.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from toolkit.quiz.checks import EVIDENCE_SEPARATOR
from toolkit.quiz.models import (
    Bloom,
    Difficulty,
    Evidence,
    MatchPair,
    Passage,
    QuestionType,
    QuizItem,
)
from toolkit.quiz.terms import Definition, PassageFacts, extract_facts
from toolkit.quiz.text import contains_normalised, content_words, normalise

BLANK = "_____"
YEAR_RANGE = range(1000, 2101)

TEXTS = {
    "id": {
        "mc_definition": "Apa yang dimaksud dengan {term} menurut teks?",
        "mr": "Teks menyebutkan: “{lead}: …”. Manakah yang termasuk dalam daftar itu? "
        "(Pilih semua jawaban yang tepat.)",
        "tf_reworded": "{definition} disebut {term}.",
        "match": "Jodohkan setiap istilah dengan pengertiannya menurut teks.",
        "order": "Urutkan sesuai teks: {lead}.",
        "essay": "Jelaskan dengan kata-katamu sendiri apa yang dimaksud dengan {term} dan hal lain yang "
        "disebutkan teks tentang {term}.",
        "explain": "Kuncinya “{key}”, sesuai kutipan dari {citation}.",
        "explain_tf_true": "Pernyataan ini benar: teks menyebut {term} sebagai {definition}.",
        "explain_tf_false": "Pernyataan ini salah: menurut teks, yang benar adalah {key}.",
        "objective_term": "Peserta didik dapat {verb} {focus}.",
        "verbs": "menyebutkan|menjelaskan|menerapkan|menganalisis|mengevaluasi|merancang",
    },
    "en": {
        "mc_definition": "What does the text say {term} is?",
        "mr": "The text says: “{lead}: …”. Which of these belong to that list? (Choose all that apply.)",
        "tf_reworded": "{definition} is called {term}.",
        "match": "Match each term with its meaning from the text.",
        "order": "Put these in the order given in the text: {lead}.",
        "essay": "Explain in your own words what {term} is and what else the text says about {term}.",
        "explain": "The key is “{key}”, as the passage from {citation} says.",
        "explain_tf_true": "This statement is true: the text describes {term} as {definition}.",
        "explain_tf_false": "This statement is false: according to the text the answer is {key}.",
        "objective_term": "Students can {verb} {focus}.",
        "verbs": "recall|explain|apply|analyse|evaluate|design",
    },
}


def _text(language: str, name: str, **values: str) -> str:
    return TEXTS["en" if language == "en" else "id"][name].format(**values)


def objective_for(language: str, bloom: Bloom, focus: str, given: str = "") -> str:
    """The tujuan pembelajaran of an item: the teacher's own, or one built from the Bloom level."""
    if given.strip():
        return given.strip()
    verbs = TEXTS["en" if language == "en" else "id"]["verbs"].split("|")
    return _text(language, "objective_term", verb=verbs[int(bloom[1]) - 1], focus=focus)


def _rng(seed_text: str) -> random.Random:
    return random.Random(zlib.crc32(seed_text.encode("utf-8")))


def shuffled(values: list[str], seed_text: str) -> list[str]:
    shuffled = list(values)
    _rng(seed_text).shuffle(shuffled)
    return shuffled


def _capital_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _match_case(distractor: str, key: str) -> str:
    """Give a distractor the same first-letter case as the key (acronyms stay as they are)."""
    if len(distractor) > 1 and distractor[1].isupper():
        return distractor
    if key[:1].islower():
        return distractor[:1].lower() + distractor[1:]
    return _capital_first(distractor)


def _is_number(value: str) -> bool:
    return bool(re.fullmatch(r"\d+(?:[.,]\d+)?", value))


def _number_distractors(key: str, sentence: str, known: list[str]) -> list[str]:
    """Other numbers of the passages, then numbers near the key, none of which occur in the sentence."""
    pool = [n for n in known if n != key and not contains_normalised(sentence, n)]
    if key.isdigit():
        value = int(key)
        if value in YEAR_RANGE:
            near = [value - 10, value + 10, value - 25, value + 5]
        else:
            near = [value * 2, max(1, value // 2), value + max(1, value // 4), value * 3]
        pool.extend(
            str(n) for n in near if n != value and n > 0 and not contains_normalised(sentence, str(n))
        )
    unique: list[str] = []
    for number in pool:
        if number not in unique:
            unique.append(number)
    return unique


def _common_noun_case(term: str) -> str:
    """Lower-case the first letter of a common-noun term ("Klorofil"), not of names ("Kabupaten Brebes")."""
    words = term.split()
    is_name = any(word[:1].isupper() for word in words[1:]) or (len(term) > 1 and term[1].isupper())
    return term if is_name else term[:1].lower() + term[1:]


def _mid_sentence(term: str) -> str:
    """A term as written inside a sentence: a leading article is not capitalised."""
    first, _, rest = term.partition(" ")
    return f"{first.lower()} {rest}" if rest and first in {"The", "A", "An"} else term


def _in_brackets(sentence: str, term: str) -> bool:
    """True when ``term`` first occurs inside parentheses (a gloss, not the sentence's claim)."""
    position = sentence.lower().find(term.lower())
    if position < 0:
        return False
    before = sentence[:position]
    return before.count("(") > before.count(")")


def _closest_in_length(values: list[str], count: int) -> list[str]:
    """``count`` values whose lengths are closest together, in their original order."""
    if len(values) <= count:
        return list(values)
    by_length = sorted(values, key=len)
    windows = [by_length[i : i + count] for i in range(len(by_length) - count + 1)]
    best = min(windows, key=lambda window: len(window[-1]) / max(1, len(window[0])))
    return [value for value in values if value in best]


@dataclass
class FallbackPool:
    """Candidate fallback items per type; each source sentence is used by one item at most."""

    passages: list[Passage]
    language: str
    objective: str = ""
    topic: str = ""
    facts: PassageFacts = field(init=False)
    used: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.facts = extract_facts(self.passages, self.language)
        self._citations = {p.id: p.citation for p in self.passages}
        self._tf_flip = 0

    # -- helpers -------------------------------------------------------------------------------
    def _explain(self, key: str, passage_id: str) -> str:
        """The explanation of a key: what it is and the passage it comes from."""
        return _text(self.language, "explain", key=key, citation=self._citations.get(passage_id, ""))

    def _evidence(self, passage_id: str, quotes: list[str]) -> Evidence:
        return Evidence(
            passage_id=passage_id,
            quote=EVIDENCE_SEPARATOR.join(quotes),
            citation=self._citations.get(passage_id, passage_id),
        )

    def _item(
        self,
        kind: QuestionType,
        stem: str,
        evidence: Evidence,
        *,
        bloom: Bloom,
        difficulty: Difficulty,
        focus: str,
        explanation: str,
        **fields: object,
    ) -> QuizItem:
        return QuizItem(
            type=kind,
            stem=stem,
            evidence=evidence,
            bloom=bloom,
            difficulty=difficulty,
            objective=objective_for(self.language, bloom, focus, self.objective),
            origin="fallback",
            explanation=explanation,
            **fields,  # type: ignore[arg-type]
        )

    def _term_distractors(self, key: str, avoid_text: str, count: int = 3) -> list[str]:
        """Other key terms of the same kind, closest in length, not named in ``avoid_text``."""
        if _is_number(key):
            candidates = _number_distractors(key, avoid_text, self.facts.numbers)
        else:
            proper = key in self.facts.proper_nouns and key not in self.facts.terms
            pool = self.facts.proper_nouns if proper else self.facts.terms
            candidates = [
                term
                for term in pool
                if normalise(term) != normalise(key)
                and normalise(term) not in normalise(key)
                and normalise(key) not in normalise(term)
                and not contains_normalised(avoid_text, term)
                and not _is_number(term)
            ]
            candidates.sort(key=lambda term: abs(len(term) - len(key)))
            if not proper:
                candidates += sorted(
                    (
                        t
                        for t in self.facts.proper_nouns
                        if not contains_normalised(avoid_text, t) and normalise(t) != normalise(key)
                    ),
                    key=lambda term: abs(len(term) - len(key)),
                )
        picked: list[str] = []
        for candidate in candidates:
            shaped = _match_case(candidate, key)
            if normalise(shaped) not in {normalise(p) for p in picked}:
                picked.append(shaped)
            if len(picked) == count:
                break
        return picked

    def _fresh(self, *sentences: str) -> bool:
        return all(normalise(sentence) not in self.used for sentence in sentences)

    def _use(self, *sentences: str) -> None:
        self.used.update(normalise(sentence) for sentence in sentences)

    def _blankable(self, sentence: str) -> Iterator[str]:
        """Key terms, proper nouns and numbers that occur exactly once in ``sentence``."""
        normal = f" {normalise(sentence)} "
        for term in [*self.facts.terms, *self.facts.proper_nouns, *self.facts.numbers]:
            key = normalise(term)
            if (
                key
                and normal.count(f" {key} ") == 1
                and len(sentence.split()) >= 6
                and not _in_brackets(sentence, term)
            ):
                yield term

    def _cloze(self, sentence: str, term: str) -> str | None:
        pattern = re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)
        found = pattern.search(sentence)
        if found is None:
            return None
        return sentence[: found.start()] + BLANK + sentence[found.end() :]

    def _key_as_written(self, sentence: str, term: str) -> str:
        found = re.search(rf"(?<!\w){re.escape(term)}(?!\w)", sentence, re.IGNORECASE)
        return found.group(0) if found else term

    # -- generators per type -----------------------------------------------------------------
    def _mc_candidates(self) -> Iterator[QuizItem]:
        for number, definition in enumerate(self.facts.definitions):
            if number % 2:
                cloze = self._mc_cloze(definition.passage_id, definition.sentence, definition.term)
                if cloze is not None:
                    yield cloze
                    continue
            yield from self._mc_definition(definition)
        for passage_id, sentence in self.facts.sentences:
            for term in self._blankable(sentence):
                item = self._mc_cloze(passage_id, sentence, term)
                if item is not None:
                    yield item
                    break

    def _mc_definition(self, definition: Definition) -> Iterator[QuizItem]:
        others = [
            d.definition
            for d in self.facts.definitions
            if normalise(d.term) != normalise(definition.term)
            and not contains_normalised(d.definition, definition.term)
        ]
        others.sort(key=lambda text: abs(len(text) - len(definition.definition)))
        if len(others) < 3:
            cloze = self._mc_cloze(definition.passage_id, definition.sentence, definition.term)
            if cloze is not None:
                yield cloze
            return
        options = shuffled([definition.definition, *others[:3]], definition.sentence)
        yield self._item(
            "mc",
            _text(self.language, "mc_definition", term=_mid_sentence(definition.term)),
            self._evidence(definition.passage_id, [definition.sentence]),
            bloom="C1",
            difficulty="easy",
            focus=definition.term,
            explanation=self._explain(definition.definition, definition.passage_id),
            options=options,
            correct=[definition.definition],
        )

    def _mc_cloze(self, passage_id: str, sentence: str, term: str) -> QuizItem | None:
        key = self._key_as_written(sentence, term)
        stem = self._cloze(sentence, term)
        distractors = self._term_distractors(key, sentence)
        if stem is None or len(distractors) < 3:
            return None
        return self._item(
            "mc",
            stem,
            self._evidence(passage_id, [sentence]),
            bloom="C1",
            difficulty="easy" if not _is_number(key) else "medium",
            focus=key if not _is_number(key) else self.topic or key,
            explanation=self._explain(key, passage_id),
            options=shuffled([key, *distractors], sentence),
            correct=[key],
        )

    def _short_candidates(self) -> Iterator[QuizItem]:
        sources = [(d.passage_id, d.sentence, d.term, d.aliases) for d in self.facts.definitions]
        sources += [
            (pid, sentence, term, [])
            for pid, sentence in self.facts.sentences
            for term in self._blankable(sentence)
            if not _is_number(term)
        ]
        for passage_id, sentence, term, aliases in sources:
            stem = self._cloze(sentence, term)
            if stem is None:
                continue
            key = self._key_as_written(sentence, term)
            yield self._item(
                "short",
                stem,
                self._evidence(passage_id, [sentence]),
                bloom="C1",
                difficulty="medium",
                focus=key,
                explanation=self._explain(key, passage_id),
                correct=[key, *aliases],
            )

    def _tf_candidates(self) -> Iterator[QuizItem]:
        for definition in self.facts.definitions:
            self._tf_flip += 1
            if self._tf_flip % 2:
                yield self._tf_true(definition)
            else:
                item = self._tf_false(definition.passage_id, definition.sentence, definition.term)
                yield item if item is not None else self._tf_true(definition)
        for passage_id, sentence in self.facts.sentences:
            for term in self._blankable(sentence):
                item = self._tf_false(passage_id, sentence, term)
                if item is not None:
                    yield item
                    break

    def _tf_true(self, definition: Definition) -> QuizItem:
        statement = _text(
            self.language,
            "tf_reworded",
            definition=_capital_first(definition.definition),
            term=_common_noun_case(definition.term),
        )
        return self._item(
            "tf",
            statement,
            self._evidence(definition.passage_id, [definition.sentence]),
            bloom="C2",
            difficulty="easy",
            focus=definition.term,
            explanation=_text(
                self.language, "explain_tf_true", term=definition.term, definition=definition.definition
            ),
            correct=["true"],
        )

    def _tf_false(self, passage_id: str, sentence: str, term: str) -> QuizItem | None:
        key = self._key_as_written(sentence, term)
        distractors = [
            d
            for d in self._term_distractors(key, sentence, count=5)
            if content_words(d) - content_words(sentence)
        ]
        stem = self._cloze(sentence, term)
        if stem is None or not distractors:
            return None
        statement = stem.replace(BLANK, distractors[0])
        statement = _capital_first(statement) if stem.startswith(BLANK) else statement
        return self._item(
            "tf",
            statement,
            self._evidence(passage_id, [sentence]),
            bloom="C2",
            difficulty="medium",
            focus=key,
            explanation=_text(self.language, "explain_tf_false", key=key),
            correct=["false"],
        )

    def _mr_candidates(self) -> Iterator[QuizItem]:
        for term_list in self.facts.lists:
            if term_list.ordered:
                continue
            lead_and_lines = [term_list.lead, *term_list.lines]
            avoid = " ".join(lead_and_lines)
            correct = _closest_in_length(term_list.items, 3)
            distractors = [
                d
                for d in self._term_distractors(correct[0], avoid, count=6)
                if all(normalise(d) != normalise(item) for item in term_list.items)
            ][:2]
            if len(distractors) < 2 or len(correct) < 2:
                continue
            quotes = [term_list.lead] + [
                line for line in term_list.lines if any(contains_normalised(line, item) for item in correct)
            ]
            if any(len(quote.split()) < 2 for quote in quotes):
                continue
            yield self._item(
                "mr",
                _text(self.language, "mr", lead=term_list.lead),
                self._evidence(term_list.passage_id, quotes),
                bloom="C2",
                difficulty="medium",
                focus=term_list.lead,
                explanation=self._explain(", ".join(correct), term_list.passage_id),
                options=shuffled(
                    [*correct, *[_match_case(d, correct[0]) for d in distractors]], term_list.lead
                ),
                correct=correct,
            )

    def _match_candidates(self) -> Iterator[QuizItem]:
        by_passage: dict[str, list[Definition]] = {}
        for definition in self.facts.definitions:
            by_passage.setdefault(definition.passage_id, []).append(definition)
        produced = 0
        for passage_id, definitions in by_passage.items():
            distinct: list[Definition] = []
            for definition in definitions:
                if all(normalise(d.term) != normalise(definition.term) for d in distinct):
                    distinct.append(definition)
            for start in range(0, len(distinct) - 2, 5):
                group = distinct[start : start + 5]
                if len(group) < 3:
                    break
                produced += 1
                part = f" ({produced})" if produced > 1 else ""
                yield self._item(
                    "match",
                    _text(self.language, "match") + part,
                    self._evidence(passage_id, [d.sentence for d in group]),
                    bloom="C1",
                    difficulty="easy",
                    focus=", ".join(d.term for d in group),
                    explanation=self._explain("; ".join(d.term for d in group), passage_id),
                    pairs=[MatchPair(left=d.term, right=d.definition) for d in group],
                )

    def _order_candidates(self) -> Iterator[QuizItem]:
        for term_list in self.facts.lists:
            if not term_list.ordered or len(term_list.items) < 3:
                continue
            steps = term_list.items[:8]
            shown = shuffled(steps, term_list.lead)
            if shown == steps:
                shown = list(reversed(steps))
            quotes = term_list.lines if len(term_list.lines) > 1 else [term_list.lines[0]]
            yield self._item(
                "order",
                _text(self.language, "order", lead=term_list.lead[:1].lower() + term_list.lead[1:]),
                self._evidence(term_list.passage_id, quotes),
                bloom="C2",
                difficulty="medium",
                focus=term_list.lead,
                explanation=self._explain(" → ".join(steps), term_list.passage_id),
                options=shown,
                correct=steps,
            )

    def _essay_candidates(self) -> Iterator[QuizItem]:
        def related(definition: Definition) -> list[str]:
            return [
                s
                for pid, s in self.facts.sentences
                if pid == definition.passage_id
                and s != definition.sentence
                and contains_normalised(s, definition.term)
            ][:2]

        for definition in sorted(self.facts.definitions, key=lambda d: -len(related(d))):
            guide = [definition.sentence, *related(definition)]
            yield self._item(
                "essay",
                _text(self.language, "essay", term=definition.term),
                self._evidence(definition.passage_id, guide),
                bloom="C2" if len(guide) == 1 else "C4",
                difficulty="medium" if len(guide) == 1 else "hard",
                focus=definition.term,
                explanation=self._explain(definition.term, definition.passage_id),
                scoring_guide=guide,
            )

    def candidates(self, kind: QuestionType) -> Iterator[QuizItem]:
        """Every candidate of ``kind`` in order of preference (unfiltered by use)."""
        generators = {
            "mc": self._mc_candidates,
            "mr": self._mr_candidates,
            "tf": self._tf_candidates,
            "short": self._short_candidates,
            "match": self._match_candidates,
            "order": self._order_candidates,
            "essay": self._essay_candidates,
        }
        yield from generators[kind]()

    def take(self, kind: QuestionType, reject: set[str] | None = None) -> Iterator[QuizItem]:
        """Candidates of ``kind`` whose source sentences no earlier item used; marks them used.

        ``reject`` holds normalised stems the caller has already seen (kept or dropped).
        """
        for item in self.candidates(kind):
            quotes = (
                []
                if item.evidence is None
                else [q.strip() for q in item.evidence.quote.split(EVIDENCE_SEPARATOR.strip())]
            )
            if kind != "match" and not self._fresh(*quotes):
                continue
            if reject is not None and normalise(item.stem) in reject:
                continue
            if kind != "match":
                self._use(*quotes)
            yield item
