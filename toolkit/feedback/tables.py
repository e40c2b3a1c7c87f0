"""Reading teachers' and data-set CSV files with clear sentences for the usual problems.

A file in another encoding is read anyway when possible and the encoding is reported; missing
columns are named; a header that only differs in case or spacing is accepted. A file larger than
``MAX_TABLE_BYTES``, or a cell longer than the CSV reader allows (128 KB), is one sentence too.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import ToolkitError

ENCODINGS = ("utf-8-sig", "utf-16", "cp1252", "latin-1")
MAX_TABLE_BYTES = 20 * 1024 * 1024


class TableError(ToolkitError):
    """A CSV file that cannot be used, with the reason in one sentence."""


@dataclass
class Table:
    """Rows of a CSV file as dictionaries keyed by the canonical column names."""

    rows: list[dict[str, str]]
    encoding: str
    notes: list[str] = field(default_factory=list)


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Text and encoding name; UTF-8 first, then UTF-16 (with BOM), Windows-1252, Latin-1."""
    for encoding in ENCODINGS:
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TableError(f"{name}: the file is not text in a known encoding (tried {', '.join(ENCODINGS)}).")


def _canonical(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def read_table(path: Path | str, required: list[str], aliases: dict[str, list[str]] | None = None) -> Table:
    """Read ``path`` and return its rows with the ``required`` columns (names as given there).

    ``aliases`` maps a required column to other accepted header names (e.g. ``nama``/``name``).
    """
    path = Path(path)
    if not path.is_file():
        raise TableError(f"{path.name}: file not found.")
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise TableError(
            f"{path.name} is {path.stat().st_size / 1e6:.0f} MB, more than the "
            f"{MAX_TABLE_BYTES // (1024 * 1024)} MB a table may have; split it into smaller files."
        )
    text, encoding = decode_bytes(path.read_bytes(), path.name)
    notes = [] if encoding == "utf-8-sig" else [f"{path.name} was read as {encoding}, not UTF-8."]
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        return _rows(reader, path.name, required, aliases, encoding, notes)
    except csv.Error as exc:
        raise TableError(csv_problem(path.name, exc)) from exc


def csv_problem(name: str, error: csv.Error) -> str:
    """One sentence for a CSV the reader refuses (a cell over 128 KB, a broken quote)."""
    if "field larger than field limit" in str(error):
        return (
            f"{name} has a cell longer than {csv.field_size_limit() // 1024} KB; a table cell holds one "
            "answer or one rubric text, so shorten it or send long work as a file."
        )
    return f"{name} is not a readable CSV file ({error}); save it again as CSV (UTF-8)."


def _rows(
    reader: csv.DictReader[str],
    name: str,
    required: list[str],
    aliases: dict[str, list[str]] | None,
    encoding: str,
    notes: list[str],
) -> Table:
    header = reader.fieldnames or []
    if not header:
        raise TableError(f"{name}: the file is empty (no header row).")
    by_canonical = {_canonical(column): column for column in header}
    mapping: dict[str, str] = {}
    missing: list[str] = []
    for column in required:
        options = [column, *((aliases or {}).get(column, []))]
        found = next((by_canonical[_canonical(o)] for o in options if _canonical(o) in by_canonical), None)
        if found is None:
            missing.append(column)
        else:
            mapping[column] = found
    if missing:
        raise TableError(f"{name}: missing column(s) {', '.join(missing)}; the file has {', '.join(header)}.")
    rows = [{column: (raw.get(source) or "").strip() for column, source in mapping.items()} for raw in reader]
    return Table(rows=rows, encoding=encoding, notes=notes)
