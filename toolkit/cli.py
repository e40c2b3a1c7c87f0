"""The ``kelas`` command line: index, search, ask, check, serve and eval."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from toolkit.cli_support import fail, out_file_problem
from toolkit.errors import ToolkitError, validation_sentence
from toolkit.settings import Settings

if TYPE_CHECKING:
    from toolkit.accounts import Credential

app = typer.Typer(
    help="AI Classroom Toolkit: materi kelas dengan AI, berbasis kurikulum / classroom materials with AI.",
    no_args_is_help=True,
    add_completion=False,
)
eval_app = typer.Typer(help="Measure quality and speed on shared data sets.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
accounts_app = typer.Typer(help="Participant accounts for workshop mode.", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")

SubjectOption = Annotated[str | None, typer.Option(help="Subject, e.g. ipa, matematika.")]
FaseOption = Annotated[str | None, typer.Option(help="Fase A-F.")]
KelasOption = Annotated[int | None, typer.Option(help="Grade 1-12.")]


@app.command()
def index(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: corpora/).")] = None,
    rebuild: Annotated[bool, typer.Option(help="Delete the index first and embed everything.")] = False,
    save_embeddings: Annotated[
        bool,
        typer.Option(help="Write the shipped embeddings file of the corpora (corpora/embeddings/) and stop."),
    ] = False,
) -> None:
    """Build or update the curriculum index (only new and changed files are embedded)."""
    from toolkit.index.store import reset_collection
    from toolkit.services import Services

    settings = Settings()
    missing = [path for path in paths or [] if not path.exists()]
    if missing:
        fail(f"{missing[0]} does not exist; give files or folders of .md, .txt, .pdf or .docx documents.")
        return
    try:
        if save_embeddings:
            _save_embeddings(settings, paths or [settings.corpora_path])
            return
        if rebuild:
            reset_collection(settings)
        report = Services(settings).index(paths or None, progress=True)
    except ToolkitError as exc:
        fail(exc)
        return
    for outcome in report.by_status("rejected"):
        typer.secho(f"  ditolak / rejected: {outcome.message}", fg=typer.colors.YELLOW)
    typer.echo(report.summary())


def _save_embeddings(settings: Settings, paths: list[Path]) -> None:
    from toolkit.embeddings import build_embeddings, embedding_model_name
    from toolkit.index.embedding_cache import build_cache, cache_file
    from toolkit.index.ingest import corpus_texts

    name = embedding_model_name(settings)
    target = cache_file(name)
    kept, embedded = build_cache(corpus_texts(paths), build_embeddings(settings), name, target)
    typer.echo(f"{kept + embedded} passages in {target} ({kept} kept, {embedded} embedded)")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    subject: SubjectOption = None,
    fase: FaseOption = None,
    kelas: KelasOption = None,
    language: Annotated[str | None, typer.Option(help="id or en.")] = None,
    k: Annotated[int, typer.Option(help="Number of passages.")] = 5,
) -> None:
    """Search the curriculum index; every passage is shown with its citation."""
    from toolkit.index.metadata import known_subjects_sentence, normalise_subject
    from toolkit.index.retrieval import SearchFilters
    from toolkit.services import Services

    if subject and normalise_subject(subject) is None:
        fail(known_subjects_sentence(subject))
        return
    subject = normalise_subject(subject)
    try:
        hits = (
            Services(Settings())
            .retriever()
            .search(
                query, k=k, filters=SearchFilters(subject=subject, fase=fase, kelas=kelas, language=language)
            )
        )
    except ToolkitError as exc:
        fail(exc)
        return
    if not hits:
        typer.echo("Tidak ada hasil / no results.")
    for number, hit in enumerate(hits, start=1):
        typer.secho(f"[{number}] {hit.citation.label()}  (skor {hit.score:.3f})", bold=True)
        typer.echo(hit.text[:600] + ("…" if len(hit.text) > 600 else ""))
        typer.echo("")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question about the curriculum.")],
    subject: SubjectOption = None,
    fase: FaseOption = None,
    kelas: KelasOption = None,
    language: Annotated[str, typer.Option(help="Answer language: id or en.")] = "id",
) -> None:
    """Answer a question from the curriculum documents, with citations."""
    from pydantic import ValidationError

    from toolkit.ask import AskRequest, stream_answer
    from toolkit.llm.provider_errors import call_provider
    from toolkit.services import Services

    settings = Settings()
    container = Services(settings)
    try:
        request = AskRequest(question=question, subject=subject, fase=fase, kelas=kelas, language=language)  # type: ignore[arg-type]
        shown = 0
        hits: list[object] = []

        def run() -> None:
            nonlocal shown, hits
            for text, found in stream_answer(request, llm=container.llm(), retriever=container.retriever()):
                sys.stdout.write(text[shown:])
                sys.stdout.flush()
                shown, hits = len(text), list(found)

        call_provider(settings, run)
    except ValidationError as exc:
        fail(validation_sentence(exc))
        return
    except ToolkitError as exc:
        fail(exc)
        return
    typer.echo("\n\nSumber / sources:")
    for number, hit in enumerate(hits, start=1):
        typer.echo(f"  [{number}] {hit.citation.label()}")  # type: ignore[attr-defined]


@app.command()
def check() -> None:
    """Check that the configured model answers (one short call) and the index opens."""
    from toolkit.llm.provider_errors import call_provider
    from toolkit.prompts import load_prompt
    from toolkit.services import Services

    settings = Settings()
    container = Services(settings)
    try:
        reply = call_provider(
            settings,
            lambda: container.llm().invoke(load_prompt("model_check").render({}), max_tokens=8),
        )
        chunks = container.store().count()
    except ToolkitError as exc:
        fail(exc)
        return
    typer.echo(f"Model: {settings.describe_provider()} answered: {str(reply.content).strip()[:60]!r}")
    typer.echo(f"Index: {chunks} chunks in '{settings.collection}'")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    workshop: Annotated[
        bool, typer.Option(help="Accounts on: each teacher logs in and sees their own work.")
    ] = False,
) -> None:
    """Start the browser app."""
    from toolkit.services import Services
    from toolkit.ui.app import build_app, launch_options, queue_options

    settings = Settings()
    updates: dict[str, object] = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    if workshop:
        updates["workshop"] = True
    settings = settings.model_copy(update=updates)
    container = Services(settings)
    if settings.workshop and not container.accounts().list():
        fail(
            ValueError(
                "Workshop mode needs accounts: create them first with 'kelas accounts create --csv names.csv'."
            )
        )
    demo = build_app(container)
    typer.echo(
        f"AI Classroom Toolkit: http://{settings.host}:{settings.port}  (model: {settings.describe_provider()})"
    )
    demo.queue(**queue_options(container)).launch(prevent_thread_lock=True, **launch_options(container))
    if settings.workshop:
        from toolkit.ui.sessions import expire_logins

        expire_logins(demo, settings.session_hours)
    demo.block_thread()


def credentials_target(out: Path) -> str | None:
    """Why credentials cannot be written to ``out`` (checked before any account is made), or None.

    Passwords are shown once, so an existing file is never overwritten and the folder must exist.
    """
    folder = out.parent if str(out.parent) else Path(".")
    if out.suffix.lower() in (".docx", ".csv") and not out.exists() and not folder.is_dir():
        return f"The folder {folder} does not exist; create it first or choose another --out."
    return out_file_problem(out, (".docx", ".csv"), overwrite=False)


def write_credentials(created: list[Credential], out: Path, title: str = "AI in the Classroom") -> None:
    """Write the credentials as .docx or .csv; if that fails they are printed so none is lost."""
    from toolkit.accounts import credentials_csv, credentials_docx

    try:
        data = credentials_csv(created) if out.suffix.lower() == ".csv" else credentials_docx(created, title)
        out.write_bytes(data)
    except OSError as exc:
        typer.secho(f"{out} could not be written ({exc.strerror}); the logins are:", fg=typer.colors.RED)
        for c in created:
            typer.echo(f"  {c.username}  {c.password}  ({c.display_name}, {c.role})")
        raise typer.Exit(code=1) from exc


@accounts_app.command("create")
def accounts_create(
    names: Annotated[list[str] | None, typer.Argument(help="Participants' names.")] = None,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", exists=True, dir_okay=False, help="CSV with a 'nama' column.")
    ] = None,
    trainer: Annotated[bool, typer.Option(help="Create trainer accounts (see everyone's work).")] = False,
    out: Annotated[Path, typer.Option(help="Printable credentials (.docx) or .csv.")] = Path(
        "akun-peserta.docx"
    ),
) -> None:
    """Create accounts and write printable credentials (passwords are shown only this once)."""
    from toolkit.accounts import names_from_csv
    from toolkit.services import Services

    problem = credentials_target(out)
    if problem:
        fail(problem)
        return
    try:
        all_names = list(names or []) + (names_from_csv(csv_file.read_bytes()) if csv_file else [])
        created = (
            Services(Settings()).accounts().create(all_names, role="trainer" if trainer else "participant")
        )
    except ToolkitError as exc:
        fail(exc)
        return
    write_credentials(created, out)
    typer.echo(f"{len(created)} accounts created; credentials written to {out}")


@accounts_app.command("reset")
def accounts_reset(
    username: Annotated[str, typer.Argument(help="The user name whose password is forgotten.")],
    out: Annotated[
        Path | None, typer.Option(help="Also write the new login to a .docx or .csv (a new file).")
    ] = None,
) -> None:
    """Give an account a new password (the old one stops working); it is shown only this once."""
    from toolkit.services import Services

    if out is not None:
        problem = credentials_target(out)
        if problem:
            fail(problem)
            return
    try:
        credential = Services(Settings()).accounts().reset(username)
    except ToolkitError as exc:
        fail(exc)
        return
    if out is not None:
        write_credentials([credential], out)
    typer.echo(f"New password for {credential.username} ({credential.display_name}): {credential.password}")


@accounts_app.command("list")
def accounts_list() -> None:
    """List accounts (without passwords)."""
    from toolkit.services import Services

    for account in Services(Settings()).accounts().list():
        typer.echo(f"{account.username:<20}{account.role:<12}{account.display_name}")


@eval_app.command("retrieval")
def eval_retrieval(
    data: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="SQuAD-style JSON file.")],
    distractors: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="More contexts to index (questions ignored)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line of metrics.")] = False,
) -> None:
    """Recall@1/5/10, MRR@10 and latency of hybrid retrieval, side by side with dense only."""
    from toolkit.embeddings import build_embeddings, embedding_model_name
    from toolkit.eval.retrieval import evaluate_retrieval

    settings = Settings()
    try:
        results = evaluate_retrieval(
            data,
            settings=settings,
            embeddings=build_embeddings(settings),
            embedding_model=embedding_model_name(settings),
            distractors_path=distractors,
            progress=lambda line: typer.echo(line, err=True),
        )
    except (ToolkitError, ValueError, KeyError) as exc:
        fail(exc)
        return
    keys = ["recall@1", "recall@5", "recall@10", "mrr@10", "p50_ms", "p95_ms", "passages_per_s"]
    typer.echo(f"{'metric':<16}{'hybrid':>10}{'dense':>10}")
    for key in keys:
        typer.echo(f"{key:<16}{results['hybrid'][key]:>10.3f}{results['dense'][key]:>10.3f}")
    n = results["hybrid"]
    typer.echo(f"{int(n['n_questions'])} questions over {int(n['n_passages'])} passages")
    if as_json:
        line = {key: round(results["hybrid"][key], 4) for key in keys}
        line["n"] = int(n["n_questions"])
        line["dense_only"] = {key: round(results["dense"][key], 4) for key in keys}  # type: ignore[assignment]
        typer.echo(json.dumps(line))


def _register_tool_commands() -> None:
    """Each tool adds its own command(s) from the module its descriptor names (``toolkit.tools``)."""
    from toolkit.tools import TOOLS

    for tool in TOOLS:
        tool.register_commands(app)


_register_tool_commands()


if __name__ == "__main__":  # pragma: no cover
    app()
