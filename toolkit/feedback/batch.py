"""Reading student work (one file, a CSV of answers, a ZIP of files) and running a resumable batch.

Problems are reported as notes rather than crashes: another encoding is named, missing columns are
named, duplicate student ids are made unique (``id (2)``), unreadable files in a ZIP are listed.
Work is bounded: a ZIP is checked (entries, declared and actual sizes) before anything is unpacked,
a batch holds at most ``MAX_WORKS`` works and one work at most ``MAX_WORK_CHARS`` characters.
A batch writes each finished student to ``progress.jsonl`` in the output folder; running it again
keeps those results and scores only the rest.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.archives import WORK_ZIP_LIMITS, ArchiveError, ZipLimits, check_archive, read_entry
from toolkit.errors import ToolkitError
from toolkit.feedback.models import StudentFeedback, WorkItem
from toolkit.feedback.tables import read_table

ID_ALIASES = ["student_id", "id", "nis", "nisn", "no", "nomor", "id_siswa", "nama", "name"]
ANSWER_ALIASES = ["answer", "text", "teks", "work", "response", "jawaban_siswa", "essay", "full_text"]
WORK_SUFFIXES = {".txt", ".md", ".pdf", ".docx"}
PROGRESS_FILE = "progress.jsonl"
MAX_WORKS = 300
"""Works in one batch (a teacher's classes for one task); more is split into several batches."""
MAX_WORK_CHARS = 100_000
"""Characters of one student's work (a long essay is 10,000)."""


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
    return checked_batch(WorkBatch(items=items, notes=table.notes + notes), path.name)


def checked_batch(batch: WorkBatch, name: str) -> WorkBatch:
    """``batch`` within the limits: at most ``MAX_WORKS`` works, none longer than ``MAX_WORK_CHARS``."""
    if len(batch.items) > MAX_WORKS:
        raise ToolkitError(
            f"{name} holds {len(batch.items)} works; give feedback on at most {MAX_WORKS} at a time "
            "(split the file)."
        )
    for item in batch.items:
        check_work_length(item, name)
    return batch


def check_work_length(item: WorkItem, name: str) -> None:
    """Refuse a work longer than ``MAX_WORK_CHARS`` (one sentence naming the student)."""
    if len(item.text) > MAX_WORK_CHARS:
        raise ToolkitError(
            f"{name}: the work of {item.student_id[:60]} has {len(item.text):,} characters, more than the "
            f"{MAX_WORK_CHARS:,} one work may have; shorten it or leave it out."
        )


def read_work_file(path: Path) -> WorkItem:
    """One .txt/.md/.pdf/.docx file (the file name is the student id)."""
    from toolkit.index.documents import load_document

    document = load_document(path, max_chars=MAX_WORK_CHARS)
    text = "\n\n".join(section.text for section in document.sections)
    item = WorkItem(student_id=path.stem, text=text)
    check_work_length(item, path.name)
    return item


def read_work_zip(path: Path, limits: ZipLimits = WORK_ZIP_LIMITS) -> WorkBatch:
    """Every readable work file in a ZIP; unreadable ones are listed in the notes.

    The archive's table is checked first (``toolkit.archives``): too many entries, or a work file
    that declares more than the limit, refuse the whole ZIP before anything is unpacked; an entry
    whose actual size passes the limit is stopped while it is read.
    """
    items: list[WorkItem] = []
    notes: list[str] = []
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ToolkitError(f"{path.name} is not a valid ZIP file.") from exc
    with archive, tempfile.TemporaryDirectory() as folder:
        check_archive(archive, path.name, limits, count_only=WORK_SUFFIXES)
        works = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not Path(info.filename).name.startswith(".")
            and Path(info.filename).suffix.lower() in WORK_SUFFIXES
        ]
        if len(works) > MAX_WORKS:
            raise ToolkitError(
                f"{path.name} holds {len(works)} work files; give feedback on at most {MAX_WORKS} at a "
                "time (split the ZIP)."
            )
        unpacked = 0
        for info in works:
            name = Path(info.filename)
            data = read_entry(archive, info, path.name, limits.max_entry_bytes)
            unpacked += len(data)
            if unpacked > limits.max_total_bytes:
                raise ArchiveError(
                    f"{path.name} unpacks to more than {limits.max_total_bytes // (1024 * 1024)} MB; split it "
                    "into smaller archives."
                )
            target = Path(folder) / name.name
            target.write_bytes(data)
            del data
            try:
                items.append(read_work_file(target))
            except ToolkitError as exc:
                notes.append(f"{name.name} skipped: {exc}")
            finally:
                target.unlink(missing_ok=True)
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
