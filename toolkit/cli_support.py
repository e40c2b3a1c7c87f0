"""What every ``kelas`` command shares: one sentence in red and a non-zero exit, never a traceback;
and the check of an ``--out`` path before any work is done."""

from __future__ import annotations

import os
from pathlib import Path

import typer


def fail(error: Exception | str) -> None:
    """Print one clear sentence and exit with status 1."""
    typer.secho(str(error), fg=typer.colors.RED, err=True)
    raise typer.Exit(code=1)


def out_file_problem(out: Path, suffixes: tuple[str, ...], *, overwrite: bool = True) -> str | None:
    """Why ``--out`` cannot be written as a file with one of ``suffixes`` (checked before any work), or None.

    A missing folder is created by the writer; a folder in the way, a file that must not be
    overwritten or a folder that cannot be written to is named in one sentence.
    """
    if out.suffix.lower() not in suffixes:
        return f"--out must end in {', '.join(suffixes[:-1])} or {suffixes[-1]} (got '{out.name}')."
    if out.is_dir():
        return f"--out {out} is a folder; give a file name ending in {out.suffix}."
    if out.exists() and not overwrite:
        return (
            f"{out} already exists and holds passwords that cannot be shown again; choose another --out name."
        )
    return _writable(out.parent)


def out_folder_problem(out: Path) -> str | None:
    """Why ``--out`` cannot be used as an output folder (it is created when missing), or None."""
    if out.exists() and not out.is_dir():
        return f"--out {out} is a file; give a folder (it is created when missing)."
    return _writable(out)


def _writable(folder: Path) -> str | None:
    """None when ``folder`` (or the nearest folder above it that exists) can be written to."""
    existing = folder if str(folder) else Path(".")
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, so {folder} cannot be created; choose another --out."
    if not os.access(existing, os.W_OK):
        return f"The folder {existing} cannot be written to; choose another --out."
    return None
