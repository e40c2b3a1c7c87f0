"""``kelas lesson``: write a lesson plan from the command line and save it as .docx, .md or .json."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli_support import fail, out_file_problem
from toolkit.errors import ToolkitError


class FormatChoice(StrEnum):
    """The four plan formats."""

    modul_ajar = "modul-ajar"
    mendalam = "mendalam"
    rpp = "rpp"
    lesson_plan = "lesson-plan"


class LanguageChoice(StrEnum):
    """Plan languages."""

    id = "id"
    en = "en"


def lesson(
    subject: Annotated[str, typer.Option(help="Subject, e.g. ipa, matematika, bahasa-inggris.")],
    topic: Annotated[str, typer.Option(help="Lesson topic, e.g. fotosintesis.")],
    out: Annotated[Path, typer.Option(help="Output file: .docx, .md or .json.")],
    format: Annotated[FormatChoice, typer.Option("--format", help="Plan format.")] = FormatChoice.modul_ajar,
    fase: Annotated[str | None, typer.Option(help="Fase A-F (taken from --kelas when omitted).")] = None,
    kelas: Annotated[int | None, typer.Option(help="Grade 1-12.")] = None,
    minutes: Annotated[int, typer.Option(help="Total minutes (40-minute JP when it divides evenly).")] = 80,
    meetings: Annotated[int, typer.Option(help="Number of meetings.")] = 1,
    language: Annotated[LanguageChoice, typer.Option(help="Plan language.")] = LanguageChoice.id,
    document: Annotated[Path | None, typer.Option(help="Your own PDF/DOCX, used for this plan only.")] = None,
    devices: Annotated[str, typer.Option(help="Devices/internet, e.g. 'no internet', 'Chromebooks'.")] = "",
    class_size: Annotated[int | None, typer.Option(help="Number of learners.")] = None,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Compose the plan from the topic bank and code only (seconds).")
    ] = False,
) -> None:
    """Write a lesson plan grounded in the curriculum index, section by section, and save it."""
    from toolkit.lessons.export import EXPORT_SUFFIXES, export_plan
    from toolkit.lessons.generate import stream_plan
    from toolkit.lessons.models import Duration, build_request
    from toolkit.services import Services
    from toolkit.settings import Settings
    from toolkit.tools import LESSON_PLAN

    problem = out_file_problem(out, EXPORT_SUFFIXES)
    if problem:
        fail(problem)
    settings = Settings()
    services = Services(settings)
    plan = None
    try:
        request = build_request(
            format=format.value,
            subject=subject,
            fase=fase,
            kelas=kelas,
            topic=topic,
            duration=Duration.from_minutes(minutes, meetings).model_dump(),
            language=language.value,
            context={"devices": devices, "class_size": class_size},
            teacher_document=str(document) if document else None,
            use_model=not no_model,
        )
        for event in stream_plan(
            request,
            llm=None if no_model else services.llm(),
            retriever=services.retriever(),
            settings=settings,
        ):
            plan = event.plan
            if event.kind in ("done", "error"):
                plan.material_id = LESSON_PLAN.save(services.library(), plan, material_id=plan.material_id).id
            if event.kind == "grounded":
                typer.echo(plan.title)
                if plan.card_note:
                    typer.echo(f"  {plan.card_note}")
                for warning in plan.warnings:
                    typer.secho(f"  ⚠ {warning}", fg=typer.colors.YELLOW)
            elif event.kind == "section" and event.section_key:
                section = plan.section(event.section_key)
                typer.echo(f"  ✓ {section.title}  ({section.author})")
            elif event.kind == "error":
                typer.secho(f"  ✗ {event.message}", fg=typer.colors.RED, err=True)
    except ToolkitError as exc:
        if plan is None:
            fail(str(exc))
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
    if plan is None:
        return
    path = export_plan(plan, out)
    typer.echo(f"\nDisimpan / saved: {path}  (library id {plan.material_id})")
    typer.echo("Pemeriksaan / checks:")
    for check in plan.checks:
        mark = typer.style(
            "✓" if check.passed else "✗", fg=typer.colors.GREEN if check.passed else typer.colors.RED
        )
        typer.echo(f"  {mark} {check.message}")
    if plan.status != "complete":
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add the ``lesson`` command to the ``kelas`` app."""
    app.command("lesson")(lesson)
