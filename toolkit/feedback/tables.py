"""Reading teachers' and data-set CSV files with clear sentences for the usual problems.

A file in another encoding is read anyway when possible and the encoding is reported; missing
columns are named; a header that only differs in case or spacing is accepted.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import ToolkitError

ENCODINGS = ("utf-8-sig", "utf-16", "cp1252", "latin-1")


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
    if not path.exists():
        raise TableError(f"{path.name}: file not found.")
    text, encoding = decode_bytes(path.read_bytes(), path.name)
    notes = [] if encoding == "utf-8-sig" else [f"{path.name} was read as {encoding}, not UTF-8."]
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = reader.fieldnames or []
    if not header:
        raise TableError(f"{path.name}: the file is empty (no header row).")
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
        raise TableError(
            f"{path.name}: missing column(s) {', '.join(missing)}; the file has {', '.join(header)}."
        )
    rows = [{column: (raw.get(source) or "").strip() for column, source in mapping.items()} for raw in reader]
    return Table(rows=rows, encoding=encoding, notes=notes)
