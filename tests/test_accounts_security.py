"""Accounts on a shared server: throttled logins, no user-name oracle, resets, safe credential files."""

from __future__ import annotations

import csv
import io
import statistics
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.accounts import Accounts, LoginThrottle, credentials_csv, names_from_csv
from toolkit.cli import app
from toolkit.errors import ToolkitError
from toolkit.services import Services
from toolkit.settings import Settings

runner = CliRunner()


@pytest.fixture
def kelas_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KELAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def stored_accounts(folder: Path) -> list[str]:
    services = Services(Settings(_env_file=None, data_dir=folder / "data"))  # type: ignore[call-arg]
    return [account.username for account in services.accounts().list()]


def test_wrong_passwords_make_the_name_wait_even_for_the_right_password(settings: Settings) -> None:
    now = [1000.0]
    accounts = Accounts(
        Services(settings).library().engine,
        LoginThrottle(max_failures=3, lock_seconds=60, clock=lambda: now[0]),
    )
    [ani] = accounts.create(["Ani"])
    for _ in range(3):
        assert not accounts.verify("ani", "tebakan")
    assert accounts.throttle.wait_seconds("ani") == 60
    now[0] += 30
    assert not accounts.verify("ani", ani.password)  # locked: the right password waits too
    assert accounts.throttle.wait_seconds("ani") == 120  # and the try counted: the wait doubled
    now[0] += 121
    assert accounts.verify("ANI ", ani.password)  # the wait is over; a right login clears the count
    assert accounts.throttle.wait_seconds("ani") == 0
    assert not accounts.verify("ani", "x") and accounts.verify("ani", ani.password)


def test_the_throttle_is_per_user_name_and_unknown_names_count_too(settings: Settings) -> None:
    accounts = Accounts(Services(settings).library().engine, LoginThrottle(max_failures=2))
    [ani, budi] = accounts.create(["Ani", "Budi"])
    for _ in range(2):
        accounts.verify("ani", "x")
        accounts.verify("hantu", "x")
    assert not accounts.verify("ani", ani.password)
    assert accounts.verify("budi", budi.password)  # another participant is not affected
    assert accounts.throttle.wait_seconds("hantu") > 0


def test_services_keep_one_accounts_object_so_the_throttle_holds(settings: Settings) -> None:
    services = Services(settings)
    assert services.accounts() is services.accounts()


def test_an_unknown_user_name_takes_as_long_as_a_wrong_password(settings: Settings) -> None:
    accounts = Accounts(Services(settings).library().engine, LoginThrottle(max_failures=100))
    accounts.create(["Ani"])

    def seconds(name: str) -> float:
        started = time.perf_counter()
        accounts.verify(name, "salah")
        return time.perf_counter() - started

    known = statistics.median(seconds("ani") for _ in range(5))
    unknown = statistics.median(seconds(f"tidakada{n}") for n in range(5))
    assert unknown > 0.5 * known, (unknown, known)  # before: 2 ms against 46 ms


def test_reset_gives_a_new_password_and_the_old_one_stops_working(settings: Settings) -> None:
    accounts = Services(settings).accounts()
    [ani] = accounts.create(["Ani Suryani"])
    new = accounts.reset("Ani")
    assert new.username == "ani" and new.password != ani.password and new.display_name == "Ani Suryani"
    assert accounts.verify("ani", new.password) and not accounts.verify("ani", ani.password)
    with pytest.raises(ToolkitError, match="no account 'nobody'"):
        accounts.reset("nobody")


def test_kelas_accounts_reset_prints_the_new_password_once(kelas_data: Path) -> None:
    created = runner.invoke(app, ["accounts", "create", "Ani", "--out", "akun.csv"])
    assert created.exit_code == 0, created.output
    reset = runner.invoke(app, ["accounts", "reset", "ani"])
    assert reset.exit_code == 0 and "New password for ani" in reset.output
    password = reset.output.strip().rsplit(" ", 1)[1]
    services = Services(Settings(_env_file=None, data_dir=kelas_data / "data"))  # type: ignore[call-arg]
    assert services.accounts().verify("ani", password)
    missing = runner.invoke(app, ["accounts", "reset", "nobody"])
    assert missing.exit_code == 1 and "no account 'nobody'" in missing.output
    assert "Traceback" not in missing.output


def test_credentials_csv_is_quoted_and_never_a_formula(kelas_data: Path) -> None:
    names = ["Citra, S.Pd", '=HYPERLINK("http://x","klik")', "+62 Dewi", "@Eko", "-Fajar"]
    result = runner.invoke(app, ["accounts", "create", "--out", "akun.csv", "--", *names])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO((kelas_data / "akun.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["nama", "username", "password", "role"]
    assert all(len(row) == 4 for row in rows)  # a comma in a name no longer shifts the columns
    assert [row[0] for row in rows[1:]] == ["Citra, S.Pd", *("'" + name for name in names[1:])]
    assert credentials_csv([])[:3] == b"\xef\xbb\xbf"


def test_out_in_a_missing_folder_is_refused_before_any_account_is_made(kelas_data: Path) -> None:
    result = runner.invoke(app, ["accounts", "create", "Ani", "--out", "missing/dir/x.docx"])
    assert result.exit_code == 1 and "does not exist" in result.output
    assert "Traceback" not in result.output and stored_accounts(kelas_data) == []
    (kelas_data / "lama.docx").write_bytes(b"earlier passwords")
    again = runner.invoke(app, ["accounts", "create", "Ani", "--out", "lama.docx"])
    assert again.exit_code == 1 and "already exists" in again.output
    assert (kelas_data / "lama.docx").read_bytes() == b"earlier passwords"
    wrong = runner.invoke(app, ["accounts", "create", "Ani", "--out", "akun.pdf"])
    assert wrong.exit_code == 1 and ".docx or .csv" in wrong.output and stored_accounts(kelas_data) == []


def test_a_name_list_that_is_not_csv_text_is_one_sentence(kelas_data: Path) -> None:
    garbage = kelas_data / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 12)
    result = runner.invoke(app, ["accounts", "create", "--csv", str(garbage), "--out", "a.docx"])
    assert result.exit_code == 1 and "not a CSV text file" in result.output
    assert "Traceback" not in result.output and stored_accounts(kelas_data) == []
    assert names_from_csv(b"nama\rAni\rBudi\r") == ["Ani", "Budi"]  # old Mac line ends are fine
    with pytest.raises(ToolkitError, match="not a readable CSV"):
        names_from_csv(b"nama\n" + b"a" * 200_000)
    with pytest.raises(ToolkitError, match="at most 500"):
        Services(Settings(_env_file=None, data_dir=kelas_data / "data")).accounts().create(  # type: ignore[call-arg]
            [f"Guru {n}" for n in range(501)]
        )
