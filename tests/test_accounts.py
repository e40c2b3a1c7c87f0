"""Workshop accounts: hashed passwords, names from CSV, printable credentials, per-teacher libraries.

Tests taking ``services`` run twice: accounts and library on SQLite, then on a real PostgreSQL server."""

from __future__ import annotations

import io

import docx
import pytest

from toolkit.accounts import Accounts, check_password, hash_password, names_from_csv
from toolkit.errors import ToolkitError
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.ui.library_tab import list_materials, open_material


class FakeRequest:
    def __init__(self, username: str) -> None:
        self.username = username


@pytest.fixture
def services(db_settings: Settings) -> Services:
    return Services(db_settings.model_copy(update={"workshop": True}))


def test_passwords_are_stored_hashed_and_verified(services: Services) -> None:
    accounts = services.accounts()
    [ani] = accounts.create(["Ani Suryani"])
    assert ani.username == "ani" and len(ani.password) == 8
    with services.library().engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT password_hash FROM users").scalar_one()
    assert ani.password not in stored and stored.startswith("scrypt$")
    assert accounts.verify("ani", ani.password)
    assert accounts.verify(" ANI ", ani.password)
    assert not accounts.verify("ani", "wrong")
    assert not accounts.verify("nobody", ani.password)


def test_hash_check_round_trip() -> None:
    stored = hash_password("rahasia")
    assert check_password("rahasia", stored) and not check_password("Rahasia", stored)
    assert not check_password("x", "garbage")


def test_names_from_csv_and_unique_usernames(services: Services) -> None:
    names = names_from_csv(b"nama,sekolah\nAni,SMPN 1 Lahat\nAni,SMPN 2 Lahat\nBudi Santoso,SMPN 3\n")
    created = Accounts(services.library().engine).create(names)
    assert [c.username for c in created] == ["ani", "ani2", "budi"]
    with pytest.raises(ToolkitError):
        names_from_csv(b"\n\n")


def test_printable_credentials_sheet(services: Services) -> None:
    from toolkit.accounts import credentials_docx

    created = services.accounts().create(["Citra"])
    document = docx.Document(io.BytesIO(credentials_docx(created, "AI in the Classroom")))
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert "citra" in cells and created[0].password in cells


def test_each_teacher_sees_only_their_own_library_and_trainer_sees_all(services: Services) -> None:
    accounts = services.accounts()
    accounts.create(["Ani", "Budi"])
    accounts.create(["Pelatih"], role="trainer")
    library = services.library()
    mine = library.save("quiz", "Kuis Ani", {"n": 1}, owner="ani")
    library.save("quiz", "Kuis Budi", {"n": 2}, owner="budi")
    picker, _ = list_materials(services, "", "", "", "id", FakeRequest("ani"))  # type: ignore[arg-type]
    assert (
        next(label for label, _ in picker["choices"]).startswith("Kuis Ani") and len(picker["choices"]) == 1
    )
    content, status = open_material(services, mine.id, "en", FakeRequest("budi"))  # type: ignore[arg-type]
    assert content == "" and "another account" in status
    trainer_view, _ = list_materials(services, "", "", "", "id", FakeRequest("pelatih"))  # type: ignore[arg-type]
    assert len(trainer_view["choices"]) == 2
