"""The feedback tool as the app and the command line use it: run, write outputs, save to the Library."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from toolkit.feedback.batch import append_progress, load_progress
from toolkit.feedback.calibration import Strictness
from toolkit.feedback.core import StudentFeedback, WorkItem, give_feedback
from toolkit.feedback.essay_feedback import essay_feedback, is_essay_rubric
from toolkit.feedback.model_signal import LlamaLogProbs, LogProbScorer, local_scorer
from toolkit.feedback.reports import write_class_csv, write_class_xlsx, write_student_docx
from toolkit.feedback.rubric import Rubric
from toolkit.feedback.short_answer import calibrated_models
from toolkit.feedback.vectors import TextVectors, VectorCache
from toolkit.text import unique_slugs

if TYPE_CHECKING:
    from toolkit.library import Material
    from toolkit.services import Services

PIPELINE_VERSION = "feedback-1"


def text_vectors(services: Services) -> TextVectors:
    """Vectors from the configured embeddings, cached under ``<data_dir>/cache``."""
    from toolkit.embeddings import embedding_model_name

    cache = VectorCache(services.settings.data_dir / "cache" / "feedback-vectors.sqlite")
    return TextVectors(services.embeddings(), embedding_model_name(services.settings), cache)


_SCORERS: dict[tuple[str, int, int], LlamaLogProbs] = {}
_SCORERS_LOCK = threading.Lock()


def _shared_scorer(services: Services, calibrated: set[str], n_ctx: int = 512) -> LogProbScorer | None:
    """The process-wide scorer for the local GGUF file if its stem is in ``calibrated``, else ``None``."""
    from toolkit.llm.model_files import GEMMA_FILE_NAME

    settings = services.settings
    if settings.provider != "local":
        return None
    path = settings.local_model_path or settings.model_cache_dir / GEMMA_FILE_NAME
    if not path.is_file() or path.stem not in calibrated:
        return None
    key = (str(path.resolve()), settings.n_threads, n_ctx)
    with _SCORERS_LOCK:
        if key not in _SCORERS:
            scorer = local_scorer(path, n_threads=settings.n_threads, n_ctx=n_ctx)
            if scorer is None:
                return None
            _SCORERS[key] = scorer
        return _SCORERS[key]


def model_scorer(services: Services) -> LogProbScorer | None:
    """The embedded model's log-probability scorer, when it can take part in scoring.

    Only with the local provider, when the model's GGUF file is already on disk (nothing is
    assembled or downloaded for scoring) and a calibration fitted with that file's signals ships
    (``short_answer.calibrated_models``). Otherwise ``None``: scores then come from the embedding
    and lexical signals alone. One scorer per file is shared by the process.
    """
    return _shared_scorer(services, calibrated_models())


def essay_scorer(services: Services) -> LogProbScorer | None:
    """The embedded model's scorer for essays, when it can take part in essay scoring.

    As ``model_scorer`` (local provider, GGUF file already on disk), but the calibration that must
    ship is the essay one (``essays.llm_essay_model``, fitted with that file's essay features);
    the scorer reads as many tokens of each essay as when those weights were fitted.
    """
    from toolkit.feedback.essays import llm_essay_model

    model = llm_essay_model()
    if model is None or not model.model:
        return None
    return _shared_scorer(services, {model.model}, n_ctx=model.ctx or 512)


def model_cache(services: Services) -> VectorCache:
    """Cache of the model's log-probability values under ``<data_dir>/cache``."""
    return VectorCache(services.settings.data_dir / "cache" / "feedback-llm.sqlite")


@dataclass
class FeedbackRun:
    """What a feedback run produced."""

    results: list[StudentFeedback]
    notes: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    resumed: int = 0
    model_signals: bool = False
    """Whether the embedded language model's signals took part in the scores."""


def in_work_order(works: list[WorkItem], results: list[StudentFeedback]) -> list[StudentFeedback]:
    """``results`` sorted in the order of the submitted works."""
    order = {work.student_id: number for number, work in enumerate(works)}
    return sorted(results, key=lambda result: order.get(result.student_id, 0))


def run_feedback(
    services: Services,
    rubric: Rubric,
    works: list[WorkItem],
    reference: str = "",
    exemplars: list[str] | None = None,
    strictness: Strictness = "standard",
    language: Literal["auto", "id", "en"] = "auto",
    out_dir: Path | None = None,
    notes: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    use_model: bool = True,
) -> FeedbackRun:
    """Feedback for all works; with ``out_dir`` finished students are kept and a rerun resumes.

    ``use_model`` lets the embedded language model's signals take part when ``model_scorer``
    offers them (local provider, model file on disk, calibration shipped).
    """
    finished = load_progress(out_dir) if out_dir is not None else {}
    wanted = {work.student_id for work in works}
    kept = [finished[student] for student in wanted & finished.keys()]

    def save(result: StudentFeedback) -> None:
        if out_dir is not None:
            append_progress(out_dir, result)
        if progress is not None:
            progress(f"{result.student_id}: {result.percent:.0f}/100")

    if is_essay_rubric(rubric):  # English learners' essays: the calibrated essay model
        essay_model = essay_scorer(services) if use_model else None
        todo = [work for work in works if work.student_id not in finished]
        fresh, used = essay_feedback(
            todo,
            text_vectors(services),
            scorer=essay_model,
            model_cache=model_cache(services) if essay_model is not None else None,
        )
        for result in fresh:
            save(result)
        results = in_work_order(works, kept + fresh)
        return FeedbackRun(results=results, notes=list(notes or []), resumed=len(kept), model_signals=used)
    scorer = model_scorer(services) if use_model else None
    fresh = give_feedback(
        rubric,
        works,
        text_vectors(services),
        reference=reference,
        exemplars=exemplars,
        strictness=strictness,
        language=language,
        on_result=save,
        skip=set(finished),
        scorer=scorer,
        model_cache=model_cache(services) if scorer is not None else None,
    )
    results = in_work_order(works, kept + fresh)
    return FeedbackRun(
        results=results, notes=list(notes or []), resumed=len(kept), model_signals=scorer is not None
    )


def write_outputs(run: FeedbackRun, rubric: Rubric, out_dir: Path) -> list[Path]:
    """Per-student DOCX sheets always; the class report (XLSX + CSV) for approved results."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    sheets = out_dir / "lembar"
    sheets.mkdir(exist_ok=True)
    names = unique_slugs([result.student_id for result in run.results], "siswa")
    for result, name in zip(run.results, names, strict=True):
        files.append(write_student_docx(result, rubric, sheets / f"{name}.docx"))
    if any(result.approved for result in run.results):
        files.append(write_class_csv(run.results, rubric, out_dir / "laporan-kelas.csv"))
        files.append(write_class_xlsx(run.results, rubric, out_dir / "laporan-kelas.xlsx"))
    (out_dir / "hasil.json").write_text(
        "[\n" + ",\n".join(result.model_dump_json() for result in run.results) + "\n]\n", encoding="utf-8"
    )
    files.append(out_dir / "hasil.json")
    run.files = files
    return files


def save_rubric(
    services: Services, rubric: Rubric, inputs: dict[str, object] | None = None, owner: str = ""
) -> Material:
    """Store a rubric in the Library (kind ``rubric``)."""
    return services.library().save(
        "rubric",
        rubric.title,
        rubric.model_dump(),
        inputs=inputs or {},
        info={"generator": "toolkit.feedback.rubric", "sources": rubric.sources, "gaps": rubric.gaps()},
        language=rubric.language,
        owner=owner,
    )


def save_feedback(
    services: Services,
    rubric: Rubric,
    run: FeedbackRun,
    strictness: str,
    owner: str = "",
    material_id: str | None = None,
) -> Material:
    """Store a feedback run in the Library (kind ``feedback``); with ``material_id`` update that one."""
    from toolkit.embeddings import embedding_model_name

    return services.library().save(
        "feedback",
        f"Umpan balik: {rubric.title}",
        {"rubric": rubric.model_dump(), "results": [result.model_dump() for result in run.results]},
        inputs={"students": [result.student_id for result in run.results], "strictness": strictness},
        info={
            "pipeline": PIPELINE_VERSION,
            "embeddings": embedding_model_name(services.settings),
            "calibration": "toolkit/feedback/calibration/short_answer_{batch,single}"
            + ("_llm.json" if run.model_signals else ".json"),
            "model_signals": run.model_signals,
            "notes": run.notes,
            "approved": sum(result.approved for result in run.results),
        },
        language=rubric.language,
        owner=owner,
        material_id=material_id,
    )
