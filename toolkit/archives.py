"""ZIP files read within limits: a ZIP of student work, and the ZIP inside every .docx.

A small upload can hold a huge entry (a "ZIP bomb": 400 KB that unpacks to 400 MB), so nothing is
unpacked before the archive's table is checked: the number of entries and every entry's declared
size. Entries are then read in pieces and the actual size is counted too, so an entry that lies
about its size is stopped at the limit instead of filling the server's memory.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import ToolkitError

MB = 1024 * 1024
CHUNK_BYTES = 1 * MB


@dataclass(frozen=True)
class ZipLimits:
    """How much one archive may hold."""

    max_entries: int
    max_entry_bytes: int
    max_total_bytes: int


WORK_ZIP_LIMITS = ZipLimits(max_entries=1000, max_entry_bytes=20 * MB, max_total_bytes=200 * MB)
"""A ZIP of student work: a class or a school year of files, each at most 20 MB unpacked."""
DOCX_LIMITS = ZipLimits(max_entries=2000, max_entry_bytes=40 * MB, max_total_bytes=150 * MB)
"""The parts of one Word document (text, styles, pictures)."""


class ArchiveError(ToolkitError):
    """An archive that is damaged or larger than the limits, with the reason in one sentence."""


def _megabytes(size: int) -> str:
    return f"{size / MB:.0f} MB"


def check_archive(
    archive: zipfile.ZipFile, name: str, limits: ZipLimits, count_only: set[str] | None = None
) -> None:
    """Refuse ``archive`` when its table declares too many entries or too many bytes.

    ``count_only``: when given, only entries whose lower-case suffix is in it count towards the
    sizes (the others are never read); every entry counts towards the number of entries.
    """
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise ArchiveError(
            f"{name} holds {len(entries)} files, more than the {limits.max_entries} allowed; "
            "split it into smaller archives."
        )
    total = 0
    for info in entries:
        if info.is_dir() or (count_only is not None and Path(info.filename).suffix.lower() not in count_only):
            continue
        if info.file_size > limits.max_entry_bytes:
            raise ArchiveError(
                f"{name}: {Path(info.filename).name} unpacks to {_megabytes(info.file_size)}, more than the "
                f"{_megabytes(limits.max_entry_bytes)} one file may have; remove it or send it separately."
            )
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveError(
                f"{name} unpacks to more than {_megabytes(limits.max_total_bytes)}; split it into smaller "
                "archives."
            )


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limit: int) -> bytes:
    """The bytes of one entry, read in pieces and stopped as soon as more than ``limit`` arrive."""
    pieces: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as handle:
            while True:
                piece = handle.read(CHUNK_BYTES)
                if not piece:
                    break
                size += len(piece)
                if size > limit:
                    raise ArchiveError(
                        f"{name}: {Path(info.filename).name} unpacks to more than {_megabytes(limit)}, more "
                        "than one file may have; remove it or send it separately."
                    )
                pieces.append(piece)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise ArchiveError(f"{name}: {Path(info.filename).name} is damaged and cannot be unpacked.") from exc
    return b"".join(pieces)


def check_zip_file(path: Path, limits: ZipLimits, kind: str = "file") -> None:
    """Refuse a ZIP-based file (``.docx``) whose table declares more than ``limits`` allow."""
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, path.name, limits)
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"{path.name} is not a valid {kind} (it is damaged or of another type).") from exc


__all__ = [
    "DOCX_LIMITS",
    "WORK_ZIP_LIMITS",
    "ArchiveError",
    "ZipLimits",
    "check_archive",
    "check_zip_file",
    "read_entry",
]
