"""Reading student work (one file, a CSV of answers, a ZIP of files) and running a resumable batch.

Problems are reported as notes rather than crashes: another encoding is named, missing columns are
named, duplicate student ids are made unique (``id (2)``), unreadable files in a ZIP are listed.
A batch writes each finished student to ``progress.jsonl`` in the output folder; running it again
keeps those results and scores only the rest.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.feedback.models import StudentFeedback, WorkItem
from toolkit.feedback.tables import read_table

ID_ALIASES = ["student_id", "id", "nis", "nisn", "no", "nomor", "id_siswa", "nama", "name"]
ANSWER_ALIASES = ["answer", "text", "teks", "work", "response", "jawaban_siswa", "essay", "full_text"]
WORK_SUFFIXES = {".txt", ".md", ".pdf", ".docx"}
PROGRESS_FILE = "progress.jsonl"


@dataclass
class WorkBatch:
    """The works read from an input, with notes for the teacher."""

    items: list[WorkItem]
    notes: list[str] = field(default_factory=list)


def unique_ids(items: list[WorkItem]) -> tuple[list[WorkItem], list[str]]:
    """Rename repeated student ids to ``id (2)``, ``id (3)`` and say so."""
    seen: dict[str, int] = {}
    notes = []
    for item in items:
        count = seen.get(item.student_id, 0) + 1
        seen[item.student_id] = count
        if count > 1:
            new_id = f"{item.student_id} ({count})"
            notes.append(f"Duplicate student id '{item.student_id}': the repeat is shown as '{new_id}'.")
            item.student_id = new_id
    return items, notes


def read_work_csv(path: Path) -> WorkBatch:
    """A CSV with a student id column and an answer column (``jawaban``/``answer``...)."""
    table = read_table(
        path, ["student_id", "jawaban"], aliases={"student_id": ID_ALIASES, "jawaban": ANSWER_ALIASES}
    )
    names: dict[int, str] = {}
    try:
        name_table = read_table(path, ["nama"], aliases={"nama": ["name", "nama_siswa"]})
        names = {row: entry["nama"] for row, entry in enumerate(name_table.rows)}
    except ToolkitError:
        names = {}
    items = [
        WorkItem(
            student_id=row["student_id"] or f"baris-{number + 2}",
            text=row["jawaban"],
            name=names.get(number, ""),
        )
        for number, row in enumerate(table.rows)
    ]
    items, notes = unique_ids(items)
    return WorkBatch(items=items, notes=table.notes + notes)


def read_work_file(path: Path) -> WorkItem:
    """One .txt/.md/.pdf/.docx file (the file name is the student id)."""
    from toolkit.index.documents import load_document

    document = load_document(path)
    text = "\n\n".join(section.text for section in document.sections)
    return WorkItem(student_id=path.stem, text=text)


def read_work_zip(path: Path) -> WorkBatch:
    """Every readable work file in a ZIP; unreadable ones are listed in the notes."""
    items: list[WorkItem] = []
    notes: list[str] = []
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ToolkitError(f"{path.name} is not a valid ZIP file.") from exc
    with archive, tempfile.TemporaryDirectory() as folder:
        for info in archive.infolist():
            name = Path(info.filename)
            if info.is_dir() or name.name.startswith(".") or name.suffix.lower() not in WORK_SUFFIXES:
                continue
            target = Path(folder) / name.name
            target.write_bytes(archive.read(info))
            try:
                items.append(read_work_file(target))
            except ToolkitError as exc:
                notes.append(f"{name.name} skipped: {exc}")
    items, duplicates = unique_ids(items)
    if not items:
        raise ToolkitError(f"{path.name} contains no readable .txt, .md, .pdf or .docx work.")
    return WorkBatch(items=items, notes=notes + duplicates)


def read_work(path: Path) -> WorkBatch:
    """Dispatch on the file type: CSV batch, ZIP batch or a single work file."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise ToolkitError(f"{path.name}: file not found.")
    if suffix == ".csv":
        return read_work_csv(path)
    if suffix == ".zip":
        return read_work_zip(path)
    return WorkBatch(items=[read_work_file(path)])


def load_progress(out_dir: Path) -> dict[str, StudentFeedback]:
    """Results finished in an earlier run (a damaged last line is ignored)."""
    path = out_dir / PROGRESS_FILE
    finished: dict[str, StudentFeedback] = {}
    if not path.exists():
        return finished
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            result = StudentFeedback.model_validate_json(line)
        except ValueError:
            continue
        finished[result.student_id] = result
    return finished


def append_progress(out_dir: Path, result: StudentFeedback) -> None:
    """Save one finished student immediately."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / PROGRESS_FILE).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(result.model_dump(), ensure_ascii=False) + "\n")
