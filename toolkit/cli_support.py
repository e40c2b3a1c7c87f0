"""What every ``kelas`` command shares: one sentence in red and a non-zero exit, never a traceback."""

from __future__ import annotations

import typer


def fail(error: Exception | str) -> None:
    """Print one clear sentence and exit with status 1."""
    typer.secho(str(error), fg=typer.colors.RED, err=True)
    raise typer.Exit(code=1)
