"""Command line: ``kelas feedback``, ``kelas eval scoring`` and ``kelas eval essays``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from toolkit.cli_support import fail, out_folder_problem
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.feedback.models import WorkItem
    from toolkit.feedback.rubric import Rubric
    from toolkit.services import Services


def _eval_group(app: typer.Typer) -> typer.Typer:
    """The ``eval`` sub-command group of the main app (created if missing)."""
    for group in app.registered_groups:
        if group.name == "eval" and group.typer_instance is not None:
            return group.typer_instance
    eval_app = typer.Typer(help="Measure quality and speed on shared data sets.", no_args_is_help=True)
    app.add_typer(eval_app, name="eval")
    return eval_app


def feedback(
    rubric: Annotated[
        Path,
        typer.Option(
            help="Rubric file: .json, .csv, .docx, .txt/.md table; or 'english-essay' for the analytic "
            "rubric for English learners' essays."
        ),
    ],
    work: Annotated[
        Path, typer.Option(help="One work file (.txt/.md/.pdf/.docx), a CSV (id, jawaban) or a ZIP.")
    ],
    out: Annotated[Path, typer.Option(help="Output folder (rerun with the same folder to resume).")],
    reference: Annotated[
        Path | None, typer.Option(help="Reference answer file (.txt/.md/.pdf/.docx).")
    ] = None,
    strictness: Annotated[str, typer.Option(help="lenient, standard or strict.")] = "standard",
    language: Annotated[str, typer.Option(help="auto, id or en.")] = "auto",
    approve: Annotated[bool, typer.Option(help="Approve all results and write the class report.")] = False,
    grades: Annotated[
        Path | None,
        typer.Option(
            help="Grade a few, suggest the rest: a CSV of your grades (student_id, nilai = a level label "
            "or its points). If the file does not exist it is written with the answers to grade first.",
        ),
    ] = None,
    to_grade: Annotated[
        int, typer.Option(min=1, help="With --grades: how many answers to grade first.")
    ] = 10,
) -> None:
    """Draft feedback on student work against a rubric (the teacher reviews and approves)."""
    from toolkit.feedback.batch import read_work, read_work_file
    from toolkit.feedback.essay_feedback import essay_rubric
    from toolkit.feedback.models import FeedbackRequest
    from toolkit.feedback.rubric_io import load_rubric
    from toolkit.feedback.service import run_feedback, write_outputs
    from toolkit.services import Services
    from toolkit.settings import Settings
    from toolkit.tools import FEEDBACK

    if strictness not in {"lenient", "standard", "strict"} or language not in {"auto", "id", "en"}:
        fail(ValueError("--strictness must be lenient/standard/strict and --language auto/id/en."))
    problem = out_folder_problem(out)
    if problem:
        fail(problem)
    services = Services(Settings())
    try:
        loaded = essay_rubric() if str(rubric) == "english-essay" else load_rubric(rubric)
        for gap in loaded.gaps():
            typer.secho(f"rubric: {gap}", fg=typer.colors.YELLOW, err=True)
        batch = read_work(work)
        request = FeedbackRequest(
            rubric=loaded,
            works=batch.items,
            reference=read_work_file(reference).text if reference else "",
            strictness=strictness,  # type: ignore[arg-type]
            language=language,  # type: ignore[arg-type]
        )
        run = run_feedback(
            request,
            embeddings=services.embeddings(),
            settings=services.settings,
            out_dir=out,
            notes=batch.notes,
            progress=lambda line: typer.echo(line, err=True),
        )
        if approve:
            for result in run.results:
                result.approved = True
        files = write_outputs(run, out)
        material = FEEDBACK.save(services.library(), run)
        if grades is not None:
            files.append(
                grade_a_few(
                    services, loaded, batch.items, request.reference, grades, to_grade, out, strictness
                )
            )
    except (ToolkitError, ValueError) as exc:
        fail(exc)
        return
    for note in batch.notes:
        typer.secho(note, fg=typer.colors.YELLOW, err=True)
    if run.resumed:
        typer.echo(f"{run.resumed} students kept from the earlier run.")
    for result in run.results:
        levels = ", ".join(f"{item.criterion}: {item.level_label}" for item in result.criteria)
        typer.echo(f"{result.student_id}: {result.percent:.0f}/100 ({result.scale_label}) — {levels}")
    if not approve:
        typer.echo("Drafts only: review them, then rerun with --approve to write the class report.")
    typer.echo(f"{len(files)} files in {out}; saved to the Library as {material.id}.")


def grade_a_few(
    services: Services,
    rubric: Rubric,
    works: list[WorkItem],
    reference: str,
    grades_csv: Path,
    to_grade: int,
    out: Path,
    strictness: str,
) -> Path:
    """``kelas feedback --grades``: write the grades file to fill in, or the suggestions from it."""
    from toolkit.feedback.service import text_vectors
    from toolkit.feedback.teacher_grades import STATUS_TEXT, class_grade_rows, read_grades, write_grade_rows

    if len(works) < 2:
        raise ToolkitError("--grades needs a class: a CSV or ZIP with the works of several students.")
    known = read_grades(grades_csv, rubric) if grades_csv.exists() else {}
    rows = class_grade_rows(
        text_vectors(services.embeddings(), services.settings),
        rubric,
        works,
        reference,
        known,
        to_grade,
        strictness,  # type: ignore[arg-type]
    )
    if not grades_csv.exists():
        write_grade_rows(rows, grades_csv)
        first = [row.student_id for row in rows if row.status == "to_grade"]
        typer.echo(
            f"Grade these {len(first)} answers first (column 'nilai' of {grades_csv}), then run again "
            f"with the same --grades: {', '.join(first)}"
        )
        return grades_csv
    path = write_grade_rows(rows, out / "saran-nilai.csv")
    flagged = [row for row in rows if row.status == "check"]
    typer.echo(
        f"{len(known)} graded by you, {len(rows) - len(known)} suggested, {len(flagged)} to check "
        f"(confidence below the threshold); written to {path}."
    )
    for row in rows:
        if row.status != "graded":
            typer.echo(
                f"  {row.student_id}: {row.label} (confidence {row.confidence:.2f}, "
                f"{STATUS_TEXT['en'][row.status]})"
            )
    return path


def eval_scoring(
    questions: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="type-problem,pertanyaan,jawaban CSV.")
    ],
    answers: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="type-problem,jawaban,score CSV.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line of metrics.")] = False,
    graded: Annotated[
        int,
        typer.Option(
            min=0,
            help="Simulate grade-a-few: per question, K answers picked from the answers alone take "
            "their human scores as the teacher's; agreement is measured on the rest.",
        ),
    ] = 0,
) -> None:
    """Agreement of short-answer scoring with human scores (QWK, exact, MAE, ECE, flagged)."""
    from toolkit.feedback.eval_scoring import evaluate_scoring
    from toolkit.feedback.service import text_vectors
    from toolkit.services import Services
    from toolkit.settings import Settings

    services = Services(Settings())
    try:
        metrics = evaluate_scoring(
            questions,
            answers,
            text_vectors(services.embeddings(), services.settings),
            progress=lambda line: typer.echo(line, err=True),
            graded=graded,
        )
    except ToolkitError as exc:
        fail(exc)
        return
    keys = ("qwk", "exact", "mae", "ece", "flagged", "qwk_unflagged", "seconds_per_answer")
    for key in keys:
        typer.echo(f"{key:<20}{metrics[key]:.4f}")
    typer.echo(f"{'n':<20}{int(metrics['n'])}")
    typer.echo(f"{'graded_per_question':<20}{graded}")
    if as_json:
        line = {key: round(metrics[key], 4) for key in keys}
        typer.echo(json.dumps({**line, "n": int(metrics["n"]), "graded_per_question": graded}))


def eval_essays(
    data: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="ELLIPSE-style CSV (full_text + traits).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line of metrics.")] = False,
    model_signals: Annotated[
        bool,
        typer.Option(
            "--model-signals/--no-model-signals",
            help="Let the embedded model's essay features take part when weights for it ship (as the app).",
        ),
    ] = True,
) -> None:
    """Seven-trait essay scoring: per-trait QWK on half steps, MCRMSE, group bias."""
    from toolkit.feedback.essays import evaluate_essays
    from toolkit.feedback.service import essay_scorer, model_cache, text_vectors
    from toolkit.services import Services
    from toolkit.settings import Settings

    services = Services(Settings())
    settings = services.settings
    scorer = essay_scorer(settings) if model_signals else None
    try:
        metrics = evaluate_essays(
            data,
            text_vectors(services.embeddings(), settings),
            progress=lambda done, total: typer.echo(f"{done}/{total} essays", err=True),
            scorer=scorer,
            model_cache=model_cache(settings) if scorer is not None else None,
        )
    except ToolkitError as exc:
        fail(exc)
        return
    for trait, kappa in metrics["qwk"].items():  # type: ignore[attr-defined]
        typer.echo(f"{trait:<14}QWK {kappa:.4f}  RMSE {metrics['rmse'][trait]:.4f}")  # type: ignore[index]
    typer.echo(f"MCRMSE {metrics['mcrmse']}  mean QWK {metrics['qwk_mean']}  n {metrics['n']}")
    typer.echo(f"seconds per essay {metrics['seconds_per_essay']}")
    for group, bias in metrics["group_bias"].items():  # type: ignore[attr-defined]
        typer.echo(f"bias {group}: {bias:+.3f}")
    used = bool(metrics["model_signals"]) and scorer is not None
    typer.echo(f"model signals {'yes (' + scorer.name + ')' if used and scorer is not None else 'no'}")
    if as_json:
        keys = ("mcrmse", "qwk_mean", "qwk", "n", "seconds_per_essay", "group_bias", "model_signals")
        typer.echo(json.dumps({key: metrics[key] for key in keys}))


def register(app: typer.Typer) -> None:
    """Add ``feedback`` to the app and ``scoring``/``essays`` to its ``eval`` group."""
    app.command("feedback")(feedback)
    group = _eval_group(app)
    group.command("scoring")(eval_scoring)
    group.command("essays")(eval_essays)
