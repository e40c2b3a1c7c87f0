"""The materials library: save, reopen, rename, duplicate, delete with undo, concurrent saves.

Tests taking ``library`` or ``db_settings`` run twice: on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from servers import Postgres

from toolkit.errors import ToolkitError
from toolkit.library import Library, database_url
from toolkit.settings import Settings


@pytest.fixture
def library(db_settings: Settings) -> Library:
    return Library.from_settings(db_settings)


def test_default_database_is_sqlite_in_the_data_folder(settings: Settings) -> None:
    assert database_url(settings).endswith("library.db")


def test_save_and_reopen_with_everything_that_produced_it(library: Library, db_settings: Settings) -> None:
    saved = library.save(
        "quiz",
        "Kuis fotosintesis",
        {"items": [{"stem": "Apa hasil fotosintesis?"}]},
        inputs={"topic": "fotosintesis"},
        info={"model": "gemma3-270m", "prompt_version": "1"},
        subject="ipa",
    )
    again = Library.from_settings(db_settings).get(saved.id)  # a fresh connection, as after a restart
    assert again.content["items"][0]["stem"] == "Apa hasil fotosintesis?"
    assert again.inputs == {"topic": "fotosintesis"}
    assert again.info["model"] == "gemma3-270m"
    assert again.created_at == saved.created_at and again.subject == "ipa"


def test_list_filters_and_newest_first(library: Library) -> None:
    first = library.save("quiz", "Kuis A", {}, subject="ipa")
    second = library.save("lesson-plan", "Modul B", {}, subject="matematika")
    assert [m.id for m in library.list()] == [second.id, first.id]
    assert [m.id for m in library.list(kind="quiz")] == [first.id]
    assert [m.id for m in library.list(subject="matematika")] == [second.id]
    assert [m.id for m in library.list(text="modul")] == [second.id]


def test_rename_duplicate_delete_and_undo(library: Library) -> None:
    original = library.save("rubric", "Rubrik", {"criteria": ["isi"]})
    assert library.rename(original.id, "Rubrik menulis").title == "Rubrik menulis"
    copy = library.duplicate(original.id)
    assert copy.id != original.id and copy.content == original.content
    library.delete(original.id)
    assert original.id not in {m.id for m in library.list()}
    assert library.restore(original.id).deleted is False
    assert original.id in {m.id for m in library.list()}
    with pytest.raises(ToolkitError, match="No saved material"):
        library.get("does-not-exist")


def test_two_teachers_saving_at_the_same_moment_both_keep_their_work(db_settings: Settings) -> None:
    errors: list[Exception] = []

    def save_many(owner: str) -> None:
        own = Library.from_settings(db_settings)
        try:
            for number in range(25):
                own.save("quiz", f"{owner} {number}", {"n": number}, owner=owner)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save_many, args=(name,)) for name in ("ani", "budi")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    library = Library.from_settings(db_settings)
    assert len(library.list(owner="ani")) == 25 and len(library.list(owner="budi")) == 25


def open_at_once(url: str, processes: int) -> list[Exception]:
    """``processes`` threads open a new library at ``url`` at the same moment and save one record."""
    gate = threading.Barrier(processes)
    errors: list[Exception] = []

    def open_library() -> None:
        gate.wait()
        try:
            Library(url).save("quiz", "ok", {})
        except Exception as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=open_library) for _ in range(processes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_processes_opening_a_new_postgresql_database_at_once_all_start(postgres: Postgres) -> None:
    """App processes started together on an empty database race to create the tables."""
    for round_number in range(4):
        url = postgres.create_database(f"race_{round_number}_{uuid.uuid4().hex[:12]}")
        errors = open_at_once(url, 4)
        assert not errors, errors[0]
        assert len(Library(url).list()) == 4


def test_unusable_database_url_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ToolkitError, match="library could not be opened"):
        Library("sqlite:////nonexistent-folder/x/y/library.db")


def test_export_and_import_the_whole_library(library: Library, tmp_path: Path) -> None:
    library.save("quiz", "Kuis A", {"items": [1, 2]}, owner="ani", subject="ipa")
    library.save("rubric", "Rubrik B", {"criteria": ["isi"]}, owner="ani")
    library.save("quiz", "Milik Budi", {}, owner="budi")
    exported = library.export_all(owner="ani")
    other = Library(f"sqlite:///{tmp_path / 'other.db'}")
    assert other.import_all(exported, owner="citra") == 2
    titles = sorted(m.title for m in other.list(owner="citra"))
    assert titles == ["Kuis A", "Rubrik B"]
    with pytest.raises(ToolkitError, match="not an exported library"):
        other.import_all(b"{not json")
