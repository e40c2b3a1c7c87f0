"""The feedback tool: a class's work scored against a rubric, and the files a teacher takes away.

``run_feedback(request, embeddings=..., settings=...)`` returns a ``FeedbackRun``; the caller
(tab, command line, notebook) saves it with ``toolkit.tools.FEEDBACK.save`` and writes the sheets
and the class report with ``write_outputs``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from langchain_core.embeddings import Embeddings

from toolkit.errors import ProviderError
from toolkit.feedback.batch import append_progress, load_progress
from toolkit.feedback.core import give_feedback
from toolkit.feedback.essay_feedback import essay_feedback, is_essay_rubric
from toolkit.feedback.model_signal import LogProbScorer, local_scorer
from toolkit.feedback.models import FeedbackRequest, FeedbackRun, StudentFeedback, WorkItem
from toolkit.feedback.reports import write_class_csv, write_class_xlsx, write_student_docx
from toolkit.feedback.vectors import TextVectors, VectorCache
from toolkit.llm import runtime
from toolkit.settings import Settings
from toolkit.text import unique_slugs

ESSAY_CALIBRATION = "toolkit/feedback/calibration/essay_traits{}.npz"


def text_vectors(embeddings: Embeddings, settings: Settings) -> TextVectors:
    """Vectors from ``embeddings``, cached under ``<data_dir>/cache``."""
    from toolkit.embeddings import embedding_model_name

    cache = VectorCache(settings.data_dir / "cache" / "feedback-vectors.sqlite")
    return TextVectors(embeddings, embedding_model_name(settings), cache)


def _local_scorer(settings: Settings, calibrated: set[str], n_ctx: int = 512) -> LogProbScorer | None:
    """A scorer for the configured local model's file if its stem is in ``calibrated``, else ``None``.

    The file comes from the same resolver as the chat model's (``runtime.model_path``), without
    assembling anything; the loaded model and its lock are shared through ``toolkit.llm.runtime``.
    """
    if settings.provider != "local":
        return None
    try:
        path = runtime.model_path(settings, assemble=False)
    except ProviderError:
        return None
    if not path.is_file() or path.stem not in calibrated:
        return None
    return local_scorer(path, n_threads=settings.n_threads, n_ctx=n_ctx)


def essay_scorer(settings: Settings) -> LogProbScorer | None:
    """The embedded model's log-probability scorer for essays, when it can take part in essay scoring.

    Only with the local provider, when the model's GGUF file is already on disk (nothing is
    assembled or downloaded for scoring) and the essay weights that ship were fitted with that
    file's essay features (``essays.llm_essay_model``); the scorer reads as many tokens of each
    essay as when those weights were fitted. Otherwise ``None``. The loaded model is shared by the
    process (``toolkit.llm.runtime``).
    """
    from toolkit.feedback.essays import llm_essay_model

    model = llm_essay_model()
    if model is None or not model.model:
        return None
    return _local_scorer(settings, {model.model}, n_ctx=model.ctx or 512)


def model_cache(settings: Settings) -> VectorCache:
    """Cache of the model's log-probability values under ``<data_dir>/cache``."""
    return VectorCache(settings.data_dir / "cache" / "feedback-llm.sqlite")


def in_work_order(works: list[WorkItem], results: list[StudentFeedback]) -> list[StudentFeedback]:
    """``results`` sorted in the order of the submitted works."""
    order = {work.student_id: number for number, work in enumerate(works)}
    return sorted(results, key=lambda result: order.get(result.student_id, 0))


def run_feedback(
    request: FeedbackRequest,
    *,
    embeddings: Embeddings,
    settings: Settings,
    out_dir: Path | None = None,
    notes: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    use_model: bool = True,
) -> FeedbackRun:
    """Feedback for all works; with ``out_dir`` finished students are kept and a rerun resumes.

    ``use_model`` lets the embedded language model's essay features take part when
    ``essay_scorer`` offers them (local provider, model file on disk, matching weights shipped).
    """
    from toolkit.embeddings import embedding_model_name

    rubric, works = request.rubric, request.works
    finished = load_progress(out_dir) if out_dir is not None else {}
    wanted = {work.student_id for work in works}
    kept = [finished[student] for student in wanted & finished.keys()]
    vectors = text_vectors(embeddings, settings)
    run = FeedbackRun(
        rubric=rubric,
        results=[],
        strictness=request.strictness,
        embeddings=embedding_model_name(settings),
        notes=list(notes or []),
        resumed=len(kept),
    )

    def save(result: StudentFeedback) -> None:
        if out_dir is not None:
            append_progress(out_dir, result)
        if progress is not None:
            progress(f"{result.student_id}: {result.percent:.0f}/100")

    if is_essay_rubric(rubric):  # English learners' essays: the calibrated essay model
        scorer = essay_scorer(settings) if use_model else None
        todo = [work for work in works if work.student_id not in finished]
        fresh, used = essay_feedback(
            todo,
            vectors,
            scorer=scorer,
            model_cache=model_cache(settings) if scorer is not None else None,
        )
        for result in fresh:
            save(result)
        run.model_signals = used
        run.calibration = ESSAY_CALIBRATION.format("_llm" if used else "")
    else:
        fresh = give_feedback(
            rubric,
            works,
            vectors,
            reference=request.reference,
            exemplars=request.exemplars,
            strictness=request.strictness,
            language=request.language,
            on_result=save,
            skip=set(finished),
        )
    run.results = in_work_order(works, kept + fresh)
    return run


def write_outputs(run: FeedbackRun, out_dir: Path) -> list[Path]:
    """Per-student DOCX sheets always; the class report (XLSX + CSV) for approved results."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    sheets = out_dir / "lembar"
    sheets.mkdir(exist_ok=True)
    names = unique_slugs([result.student_id for result in run.results], "siswa")
    for result, name in zip(run.results, names, strict=True):
        files.append(write_student_docx(result, run.rubric, sheets / f"{name}.docx"))
    if run.approved():
        files.append(write_class_csv(run.results, run.rubric, out_dir / "laporan-kelas.csv"))
        files.append(write_class_xlsx(run.results, run.rubric, out_dir / "laporan-kelas.xlsx"))
    (out_dir / "hasil.json").write_text(
        "[\n" + ",\n".join(result.model_dump_json() for result in run.results) + "\n]\n", encoding="utf-8"
    )
    files.append(out_dir / "hasil.json")
    run.files = files
    return files
