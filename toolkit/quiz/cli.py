"""The ``kelas quiz`` command: make a verified quiz and write it in the chosen formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from toolkit.quiz.models import QUESTION_TYPES, QuestionType

TYPE_ALIASES: dict[str, QuestionType] = {
    "mc": "mc",
    "pg": "mc",
    "mr": "mr",
    "multi": "mr",
    "tf": "tf",
    "bs": "tf",
    "short": "short",
    "isian": "short",
    "match": "match",
    "jodoh": "match",
    "order": "order",
    "urut": "order",
    "essay": "essay",
    "uraian": "essay",
}


def parse_types(text: str) -> list[QuestionType]:
    """Item types from a comma-separated list (``mc,tf,short``); raises ValueError on unknown names."""
    kinds: list[QuestionType] = []
    for raw in text.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        if name not in TYPE_ALIASES:
            raise ValueError(f"Unknown item type '{name}'; use {', '.join(QUESTION_TYPES)}.")
        if TYPE_ALIASES[name] not in kinds:
            kinds.append(TYPE_ALIASES[name])
    if not kinds:
        raise ValueError("Name at least one item type, e.g. --types mc,tf.")
    return kinds


def split_count(total: int, kinds: list[QuestionType]) -> dict[QuestionType, int]:
    """``total`` items spread over ``kinds`` as evenly as possible (earlier types get the rest)."""
    base, rest = divmod(total, len(kinds))
    return {kind: base + (1 if index < rest else 0) for index, kind in enumerate(kinds)}


def parse_formats(text: str) -> list[str]:
    """Export formats from a comma-separated list; raises ValueError on unknown names."""
    from toolkit.quiz.export import FORMATS

    formats = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        raise ValueError(f"Unknown export format '{unknown[0]}'; use {', '.join(FORMATS)}.")
    return formats


def register(app: typer.Typer) -> None:
    """Add the ``quiz`` command to the ``kelas`` app."""

    @app.command("quiz")
    def quiz_command(
        topic: Annotated[str, typer.Option(help="Topic or tujuan pembelajaran.")] = "",
        subject: Annotated[str | None, typer.Option(help="Subject, e.g. ipa, matematika.")] = None,
        fase: Annotated[str | None, typer.Option(help="Fase A-F.")] = None,
        kelas: Annotated[int | None, typer.Option(help="Grade 1-12.")] = None,
        source: Annotated[
            Path | None, typer.Option(help="Your own .pdf/.docx/.md/.txt instead of the curriculum index.")
        ] = None,
        n: Annotated[int, typer.Option("--n", help="Number of items, spread over the types.")] = 5,
        types: Annotated[
            str, typer.Option(help="Comma-separated: mc,mr,tf,short,match,order,essay.")
        ] = "mc,tf",
        language: Annotated[str, typer.Option(help="Quiz language: id or en.")] = "id",
        export: Annotated[
            str,
            typer.Option(
                help="Comma-separated: gift,moodle-xml,qti,kahoot,wayground,forms-json,docx,csv,"
                "kisi-kisi-docx,kisi-kisi-xlsx."
            ),
        ] = "gift,csv",
        out: Annotated[Path, typer.Option(help="Folder for quiz.json and the exported files.")] = Path(
            "kuis"
        ),
        no_model: Annotated[
            bool, typer.Option("--no-model", help="Build every item from the text only.")
        ] = False,
        include_unverified: Annotated[
            bool, typer.Option(help="Also export unverified items, marked as such.")
        ] = False,
    ) -> None:
        """Make a quiz whose keys are checked against the source, and export it."""
        run_quiz_command(
            topic=topic,
            subject=subject,
            fase=fase,
            kelas=kelas,
            source=source,
            n=n,
            types=types,
            language=language,
            export=export,
            out=out,
            no_model=no_model,
            include_unverified=include_unverified,
        )


def run_quiz_command(
    *,
    topic: str,
    subject: str | None,
    fase: str | None,
    kelas: int | None,
    source: Path | None,
    n: int,
    types: str,
    language: str,
    export: str,
    out: Path,
    no_model: bool,
    include_unverified: bool,
) -> None:
    """The body of ``kelas quiz`` (kept apart from typer so it reads top to bottom)."""
    from pydantic import ValidationError

    from toolkit.cli_support import fail, out_folder_problem
    from toolkit.errors import ToolkitError, validation_sentence
    from toolkit.quiz.export import export_quiz, write_export
    from toolkit.quiz.generate import generate_quiz
    from toolkit.quiz.models import QuizRequest
    from toolkit.services import Services
    from toolkit.settings import Settings
    from toolkit.tools import QUIZ

    try:
        kinds = parse_types(types)
        formats = parse_formats(export)
        if language not in ("id", "en"):
            raise ValueError("--language must be id or en.")
        request = QuizRequest(
            topic=topic,
            subject=subject,
            fase=fase,
            kelas=kelas,
            source_file=str(source) if source is not None else None,
            counts=split_count(n, kinds),
            language=language,  # type: ignore[arg-type]
            use_model=not no_model,
        )
    except ValidationError as exc:
        fail(validation_sentence(exc))
        return
    except ValueError as exc:
        fail(exc)
        return
    problem = out_folder_problem(out)
    if problem:
        fail(problem)
        return
    settings = Settings()
    container = Services(settings)
    llm = None
    if not no_model:
        try:
            llm = container.llm()
        except ToolkitError as exc:
            typer.secho(
                f"{exc} Continuing with items built from the text only.", fg=typer.colors.YELLOW, err=True
            )

    def progress(done: int, total: int, what: str) -> None:
        if what:
            typer.echo(f"  [{done}/{total}] {what}…", err=True)

    try:
        retriever = container.retriever() if source is None else None
        quiz = generate_quiz(request, llm=llm, retriever=retriever, settings=settings, progress=progress)
    except ToolkitError as exc:
        fail(exc)
        return
    out.mkdir(parents=True, exist_ok=True)
    (out / "quiz.json").write_text(
        json.dumps(quiz.model_dump(mode="json"), ensure_ascii=False, indent=2), "utf-8"
    )
    try:
        material = QUIZ.save(container.library(), quiz, request=request)
        typer.echo(f"Disimpan di pustaka / saved to the library: {material.id}")
    except ToolkitError as exc:
        typer.secho(str(exc), fg=typer.colors.YELLOW, err=True)
    by_origin = {
        origin: sum(1 for item in quiz.items if item.origin == origin) for origin in ("model", "fallback")
    }
    typer.echo(
        f"{len(quiz.items)} soal terverifikasi / verified items (model: {by_origin['model']}, "
        f"dari teks / from the text: {by_origin['fallback']}); {len(quiz.dropped)} dibuang / dropped."
    )
    for dropped in quiz.dropped:
        typer.echo(
            f"  dibuang / dropped [{dropped.origin}, {dropped.type}] {dropped.stem[:60]!r}: {dropped.reason}"
        )
    for note in quiz.notes:
        typer.secho(f"  {note}", fg=typer.colors.YELLOW)
    for fmt in formats:
        result = export_quiz(quiz, fmt, include_unverified=include_unverified)
        for path in write_export(result, out):
            typer.echo(f"  {fmt}: {path} ({result.exported} soal / items)")
        for message in result.messages:
            typer.echo(f"    {message}")
    typer.echo(f"  quiz.json: {out / 'quiz.json'}")
    if not quiz.items:
        raise typer.Exit(code=1)
