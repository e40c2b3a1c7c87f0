"""Make a quiz: gather passages, draft items with the model, check them, fall back to the text.

For every requested item the model drafts one from a passage; the draft goes through the
deterministic checks and the independent re-answer. A failing draft is regenerated once (with the
reason as feedback), then dropped with that reason. When the model cannot give a verified item, or
there is no model, the offline fallback builds one from the passages. If the provider fails
mid-quiz, the verified items are kept and the rest come from the fallback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from langchain_core.language_models.chat_models import BaseChatModel

from toolkit.bank.match import CardMatch, match_card
from toolkit.errors import ProviderError, ToolkitError
from toolkit.index.retrieval import HybridRetriever
from toolkit.llm.loop import generate_checked
from toolkit.llm.provider_errors import is_provider_failure
from toolkit.prompts import load_phrases, load_prompt
from toolkit.quiz.bank_items import BANK_PASSAGE_ID, bank_candidates, bank_passage, order_for
from toolkit.quiz.checks import run_deterministic_checks
from toolkit.quiz.drafts import ITEM_PHRASES, ITEM_PROMPT, draft_item, item_from_draft
from toolkit.quiz.fallback import FallbackPool
from toolkit.quiz.models import (
    TYPE_NAMES,
    Bloom,
    CheckResult,
    Difficulty,
    DroppedItem,
    Passage,
    QuestionType,
    Quiz,
    QuizItem,
    QuizRequest,
)
from toolkit.quiz.sources import gather_passages
from toolkit.quiz.text import normalise
from toolkit.quiz.verify import CHECK_PHRASES, CHECK_PROMPT, extractive_check, model_check
from toolkit.settings import Settings

__all__ = ["Progress", "QuizBuilder", "check_item", "generate_quiz"]

Progress = Callable[[int, int, str], None]
"""Called with (items done, items asked for, what is happening)."""

DEFAULT_BLOOM: dict[QuestionType, Bloom] = {
    "mc": "C1",
    "mr": "C2",
    "tf": "C2",
    "short": "C1",
    "match": "C1",
    "order": "C2",
    "essay": "C4",
}
NOTES = {
    "short": {
        "id": "Sumber hanya cukup untuk {made} dari {asked} soal {kind} yang diminta; tambahkan teks atau "
        "pilih jenis soal lain.",
        "en": "The source was only enough for {made} of the {asked} {kind} items asked for; add text or "
        "choose another item type.",
    },
    "provider": {
        "id": "Model berhenti menjawab ({error}); {kept} soal yang sudah terverifikasi disimpan dan sisanya "
        "dibuat langsung dari teks.",
        "en": "The model stopped answering ({error}); the {kept} verified items were kept and the rest were "
        "built directly from the text.",
    },
    "offline": {
        "id": "{fallback} dari {total} soal dibuat langsung dari teks (jalur cadangan) karena soal dari model "
        "tidak lolos pemeriksaan atau model tidak dipakai.",
        "en": "{fallback} of {total} items were built directly from the text (fallback path) because the "
        "model's items failed the checks or no model was used.",
    },
}


def _note(key: str, language: str, **values: object) -> str:
    return NOTES[key]["en" if language == "en" else "id"].format(**values)


def check_item(
    item: QuizItem,
    passages: list[Passage],
    earlier: list[QuizItem],
    *,
    llm: BaseChatModel | None,
    language: str,
    model_on_fallback: bool = True,
    replacing: str | None = None,
) -> QuizItem:
    """The item with every check run: deterministic first, then the independent re-answer.

    Model items need the model's re-answer to agree (gating). Fallback and teacher items are
    re-derived from their evidence by extraction (gating); the model's re-answer is recorded as
    advisory when a model is available. Essays are checked for a scoring guide found in the evidence.
    """
    checks = run_deterministic_checks(item, passages, earlier, replacing)
    if all(check.passed for check in checks):
        if item.origin == "bank":
            # written and checked by people: the re-answers are recorded, the deterministic checks gate
            advisory = extractive_check(item)
            checks.append(advisory.model_copy(update={"gating": False}))
            if llm is not None and model_on_fallback:
                checks.append(model_check(item, llm, language, gating=False))
        elif item.type == "essay":
            checks.append(extractive_check(item))
        elif item.origin == "model":
            if llm is None:
                checks.append(
                    CheckResult(name="independent_model", passed=False, detail="no model to re-answer")
                )
            else:
                checks.append(model_check(item, llm, language, gating=True))
        else:
            checks.append(extractive_check(item))
            if llm is not None and model_on_fallback:
                checks.append(model_check(item, llm, language, gating=False))
    return item.model_copy(update={"checks": checks})


def _plan(request: QuizRequest) -> list[QuestionType]:
    """The requested item types, one entry per item."""
    return [kind for kind, count in request.counts.items() for _ in range(count)]


def _difficulty(request: QuizRequest, position: int) -> Difficulty:
    if request.difficulty != "mixed":
        return request.difficulty
    cycle: tuple[Difficulty, ...] = ("easy", "medium", "medium", "hard")
    return cycle[position % len(cycle)]


def _bloom(request: QuizRequest, kind: QuestionType, position: int) -> Bloom:
    if request.bloom_levels:
        return request.bloom_levels[position % len(request.bloom_levels)]
    return DEFAULT_BLOOM[kind]


class QuizBuilder:
    """State of one run of ``generate_quiz``."""

    def __init__(
        self,
        request: QuizRequest,
        passages: list[Passage],
        llm: BaseChatModel | None,
        progress: Progress | None,
        bank: list[QuizItem] | None = None,
    ) -> None:
        self.request = request
        self.passages = passages
        self.bank = list(bank or [])
        self.replacing: str | None = None
        """Id of the item a regenerated item replaces (it may share that item's evidence and key)."""
        """Unused questions of the matched topic card, taken before anything is built from text."""
        self.llm = llm if request.use_model else None
        self.progress = progress
        self.items: list[QuizItem] = []
        self.dropped: list[DroppedItem] = []
        self.notes: list[str] = []
        text_passages = [p for p in passages if p.id != BANK_PASSAGE_ID]
        self.pool = FallbackPool(
            text_passages, request.language, objective=request.objective, topic=request.topic
        )
        self.fallback_streams: dict[QuestionType, Iterator[QuizItem]] = {}
        self.stats: dict[str, float] = {
            "model_drafts": 0,
            "model_passed_deterministic": 0,
            "model_key_confirmed": 0,
            "model_verified": 0,
            "fallback_candidates": 0,
            "fallback_passed_deterministic": 0,
            "fallback_key_confirmed": 0,
            "fallback_verified": 0,
            "fallback_model_agreed": 0,
            "fallback_model_checked": 0,
            "seconds_model": 0.0,
            "seconds_fallback": 0.0,
        }

    # -- bookkeeping ---------------------------------------------------------------------------
    def _seen_stems(self) -> set[str]:
        return {normalise(i.stem) for i in self.items} | {normalise(d.stem) for d in self.dropped}

    def _record(self, item: QuizItem) -> None:
        path = item.origin if item.origin == "model" else "fallback"
        gating = [c for c in item.checks if c.gating]
        independent = [c for c in gating if c.name.startswith(("independent", "guide"))]
        if independent:
            self.stats[f"{path}_passed_deterministic"] += 1
            self.stats[f"{path}_key_confirmed"] += int(all(c.passed for c in independent))
        self.stats[f"{path}_verified"] += int(item.verified)
        advisory = [c for c in item.checks if not c.gating and c.name == "independent_model"]
        if path == "fallback" and advisory:
            self.stats["fallback_model_checked"] += 1
            self.stats["fallback_model_agreed"] += int(advisory[0].passed)

    def _drop(self, item: QuizItem, reason: str) -> None:
        self.dropped.append(
            DroppedItem(type=item.type, stem=item.stem[:300], origin=item.origin, reason=reason)
        )

    def _check(self, item: QuizItem) -> QuizItem:
        try:
            return check_item(
                item,
                self.passages,
                self.items,
                llm=self.llm,
                language=self.request.language,
                model_on_fallback=self.request.model_check_on_fallback,
                replacing=self.replacing,
            )
        except Exception as exc:
            if item.origin == "model" or not is_provider_failure(exc):
                raise
            self.provider_failed(exc)
            return check_item(item, self.passages, self.items, llm=None, language=self.request.language)

    def provider_failed(self, exc: Exception) -> None:
        """Note the failure once and continue without the model."""
        error = str(exc) if isinstance(exc, ProviderError) else f"{type(exc).__name__}: {str(exc)[:150]}"
        self.notes.append(_note("provider", self.request.language, error=error, kept=len(self.items)))
        self.llm = None

    # -- the two paths ------------------------------------------------------------------------
    def model_item(self, kind: QuestionType, position: int) -> QuizItem | None:
        """A verified model item after at most two drafts (None when both fail).

        The shared loop (``toolkit.llm.loop``) drafts from one passage, checks the item, and drafts
        once more from the next passage with the reason; every rejected draft is dropped with it.
        """
        assert self.llm is not None
        llm = self.llm
        started = time.perf_counter()

        def draft(attempt: int, reason: str) -> QuizItem:
            passage = self.passages[(position + attempt) % len(self.passages)]
            self.stats["model_drafts"] += 1
            drafted = draft_item(
                llm,
                kind,
                passage,
                topic=self.request.query,
                language=self.request.language,
                rejected_because=reason,
                max_tokens=self.request.draft_max_tokens,
            )
            return item_from_draft(
                drafted,
                kind,
                passage,
                language=self.request.language,
                bloom=_bloom(self.request, kind, position),
                difficulty=_difficulty(self.request, position),
                objective=self.request.objective,
            )

        def validate(item: QuizItem) -> tuple[QuizItem, str]:
            item = self._check(item)
            self._record(item)
            return item, "" if item.verified else item.failure_reason()

        def reject(item: QuizItem | None, reason: str) -> None:
            if item is None:
                self.dropped.append(
                    DroppedItem(type=kind, stem="(model output)", origin="model", reason=reason)
                )
            else:
                self._drop(item, reason)

        try:
            outcome = generate_checked(draft, validate, on_reject=reject)
            return outcome.value if outcome.usable else None
        finally:
            self.stats["seconds_model"] += time.perf_counter() - started

    def fallback_item(self, kind: QuestionType) -> QuizItem | None:
        """A verified item built from the text; failing candidates are dropped with their reason."""
        stream = self.fallback_streams.setdefault(kind, self.pool.take(kind, self._seen_stems()))
        started = time.perf_counter()
        try:
            for _ in range(2):
                candidate = next(stream, None)
                if candidate is None:
                    return None
                self.stats["fallback_candidates"] += 1
                item = self._check(candidate)
                self._record(item)
                if item.verified:
                    return item
                self._drop(item, item.failure_reason())
            return None
        finally:
            self.stats["seconds_fallback"] += time.perf_counter() - started

    def bank_item(self, kind: QuestionType) -> QuizItem | None:
        """The bank question of ``kind`` the quiz needs most, checked (None when the card has no more)."""
        higher = sum(1 for item in self.items if item.bloom >= "C3")
        for candidate in order_for(self.request, kind, self.bank, higher, len(self.items)):
            self.bank.remove(candidate)
            self.stats["bank_candidates"] = self.stats.get("bank_candidates", 0) + 1
            item = self._check(candidate)
            if item.verified:
                self.stats["bank_verified"] = self.stats.get("bank_verified", 0) + 1
                return item
            self._drop(item, item.failure_reason())
        return None

    def build(self) -> None:
        """Fill the quiz slot by slot: bank questions first, then the model, then the text."""
        plan = _plan(self.request)
        made: dict[QuestionType, int] = {}
        for position, kind in enumerate(plan):
            if self.progress is not None:
                self.progress(len(self.items), len(plan), TYPE_NAMES[kind][self.request.language])
            item: QuizItem | None = self.bank_item(kind) if self.bank else None
            if item is None and self.llm is not None:
                try:
                    item = self.model_item(kind, position)
                except Exception as exc:
                    if not is_provider_failure(exc):
                        raise
                    self.provider_failed(exc)
            if item is None:
                item = self.fallback_item(kind)
            if item is None:
                continue
            self.items.append(item)
            made[kind] = made.get(kind, 0) + 1
        for kind, asked in self.request.counts.items():
            if asked and made.get(kind, 0) < asked:
                name = TYPE_NAMES[kind][self.request.language].lower()
                self.notes.append(
                    _note("short", self.request.language, made=made.get(kind, 0), asked=asked, kind=name)
                )
        fallback = sum(1 for item in self.items if item.origin == "fallback")
        if fallback:
            self.notes.append(
                _note("offline", self.request.language, fallback=fallback, total=len(self.items))
            )
        if self.progress is not None:
            self.progress(len(self.items), len(plan), "")


def find_card(request: QuizRequest, retriever: HybridRetriever | None) -> CardMatch | None:
    """The topic card for a quiz on a topic (never for the teacher's own text or file)."""
    if (
        not request.use_bank
        or request.source_text is not None
        or request.source_file
        or not request.subject
        or not request.query
    ):
        return None
    return match_card(
        request.query, request.subject, kelas=request.kelas, fase=request.fase, retriever=retriever
    )


def generate_quiz(
    request: QuizRequest,
    *,
    llm: BaseChatModel | None,
    retriever: HybridRetriever | None,
    settings: Settings | None = None,
    model_name: str = "",
    progress: Progress | None = None,
) -> Quiz:
    """A quiz for ``request``: verified items only, dropped items with reasons, notes and passages.

    ``llm`` may be None (or ``request.use_model`` False) to build every item from the text.
    The quiz names its model ``model_name``, else the provider ``settings`` describe.
    Raises ``ToolkitError`` (with a sentence for the teacher) when there is no usable source.
    """
    model_name = model_name or (settings.describe_provider() if settings is not None else "")
    started = time.perf_counter()
    match = find_card(request, retriever)
    if match is None:
        passages, notes = gather_passages(request, retriever)
        bank: list[QuizItem] = []
    else:
        try:
            passages, notes = gather_passages(request, retriever)
        except ToolkitError:
            passages, notes = [], []
        passages = [bank_passage(match.card), *passages]
        bank = bank_candidates(match.card)
        notes.insert(0, match.describe(request.language))
    builder = QuizBuilder(request, passages, llm, progress, bank)
    builder.build()
    builder.stats["seconds_total"] = time.perf_counter() - started
    title = (
        request.topic.strip()
        or request.objective.strip()
        or (request.source_file.rsplit("/", 1)[-1] if request.source_file else "Kuis")
    )
    return Quiz(
        title=title[:200],
        language=request.language,
        topic=request.query,
        subject=request.subject,
        fase=request.fase,
        kelas=request.kelas,
        items=builder.items,
        dropped=builder.dropped,
        notes=[*notes, *builder.notes],
        passages=passages,
        model=model_name if request.use_model and llm is not None else "",
        prompt_versions={
            ITEM_PROMPT: load_prompt(ITEM_PROMPT).version,
            CHECK_PROMPT: load_prompt(CHECK_PROMPT).version,
            ITEM_PHRASES: load_phrases(ITEM_PHRASES).version,
            CHECK_PHRASES: load_phrases(CHECK_PHRASES).version,
        },
        stats=builder.stats,
    )
