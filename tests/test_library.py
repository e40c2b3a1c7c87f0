"""The materials library: save, reopen, rename, duplicate, delete with undo, concurrent saves."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from toolkit.errors import ToolkitError
from toolkit.library import Library, database_url
from toolkit.settings import Settings


@pytest.fixture
def library(settings: Settings) -> Library:
    return Library.from_settings(settings)


def test_save_and_reopen_with_everything_that_produced_it(library: Library, settings: Settings) -> None:
    saved = library.save(
        "quiz",
        "Kuis fotosintesis",
        {"items": [{"stem": "Apa hasil fotosintesis?"}]},
        inputs={"topic": "fotosintesis"},
        info={"model": "gemma3-270m", "prompt_version": "1"},
        subject="ipa",
    )
    again = Library.from_settings(settings).get(saved.id)  # a fresh connection, as after a restart
    assert again.content["items"][0]["stem"] == "Apa hasil fotosintesis?"
    assert again.inputs == {"topic": "fotosintesis"}
    assert again.info["model"] == "gemma3-270m"
    assert database_url(settings).endswith("library.db")


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


def test_two_teachers_saving_at_the_same_moment_both_keep_their_work(settings: Settings) -> None:
    errors: list[Exception] = []

    def save_many(owner: str) -> None:
        own = Library.from_settings(settings)
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
    library = Library.from_settings(settings)
    assert len(library.list(owner="ani")) == 25 and len(library.list(owner="budi")) == 25


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
