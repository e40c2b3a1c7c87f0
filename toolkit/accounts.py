"""Participant accounts for workshop (shared server) mode.

The trainer creates accounts from a list or a CSV of names and prints the credentials; passwords
are stored only as salted scrypt hashes in the library database. A forgotten password is replaced
with ``reset``. Logins are throttled per user name (after ``MAX_FAILURES`` wrong passwords the
name waits, longer after each further failure), and an unknown user name costs the same hashing
time as a wrong password, so the answer time does not tell which user names exist. Local
single-user mode needs no accounts at all.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Engine, String, Table, select, update

from toolkit.errors import ToolkitError
from toolkit.library import metadata
from toolkit.text import safe_row

Role = Literal["trainer", "participant"]
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
"""Letters and digits that cannot be misread on a printed sheet (no l/1, o/0, i)."""
MAX_NAMES = 500
"""At most this many accounts in one ``create`` (a room is 32; a district training a few hundred)."""
MAX_FAILURES = 5
"""Wrong passwords for one user name before it has to wait."""
LOCK_SECONDS = 60.0
"""The first wait; it doubles with every further failure, up to ``MAX_LOCK_SECONDS``."""
MAX_LOCK_SECONDS = 15 * 60.0

users = Table(
    "users",
    metadata,
    Column("username", String(60), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(300), nullable=False),
    Column("role", String(20), nullable=False, default="participant"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


class Credential(BaseModel):
    """A new account's login, to print and hand out once."""

    display_name: str
    username: str
    password: str
    role: Role


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$<salt hex>$<hash hex>``."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a stored hash (constant-time comparison)."""
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hash_password(password, bytes.fromhex(salt_hex)).split("$")[2]
    return hmac.compare_digest(candidate, digest_hex)


_DUMMY_HASH: list[str] = []


def dummy_hash() -> str:
    """A stored hash of no account: checking a password against it takes as long as a real check."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(secrets.token_hex(8)))
    return _DUMMY_HASH[0]


class LoginThrottle:
    """Failed logins per user name; a name with ``MAX_FAILURES`` recent failures waits before trying.

    The wait starts at ``LOCK_SECONDS`` and doubles with each further failure (at most
    ``MAX_LOCK_SECONDS``); a right password clears the name. Unknown names are counted the same
    way, and at most ``max_names`` names are remembered (the oldest are forgotten first).
    """

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        lock_seconds: float = LOCK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_names: int = 10_000,
    ) -> None:
        self.max_failures = max_failures
        self.lock_seconds = lock_seconds
        self.clock = clock
        self.max_names = max_names
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait_seconds(self, username: str) -> float:
        """Seconds ``username`` must still wait before a login is tried (0 when it may try now)."""
        with self._lock:
            count, last = self._failures.get(username, (0, 0.0))
        if count < self.max_failures:
            return 0.0
        lock = min(self.lock_seconds * 2.0 ** (count - self.max_failures), MAX_LOCK_SECONDS)
        return max(0.0, float(last + lock - self.clock()))

    def failed(self, username: str) -> None:
        """Count one wrong password for ``username``."""
        with self._lock:
            count, _ = self._failures.pop(username, (0, 0.0))
            self._failures[username] = (count + 1, self.clock())
            while len(self._failures) > self.max_names:
                self._failures.popitem(last=False)

    def clear(self, username: str) -> None:
        """Forget the failures of ``username`` (a right password, or a password reset)."""
        with self._lock:
            self._failures.pop(username, None)


def new_password(length: int = 8) -> str:
    """A random password that is easy to read aloud and to type."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def username_for(name: str, taken: set[str]) -> str:
    """A short lower-case login from a person's name, unique among ``taken``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    parts = re.findall(r"[a-z0-9]+", ascii_name.lower())
    base = (parts[0] if parts else "guru")[:16]
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}{number}", number + 1
    return candidate


def names_from_csv(data: bytes) -> list[str]:
    """Names from a CSV with a ``nama``/``name`` column, or from its first column."""
    from toolkit.feedback.tables import decode_bytes

    not_text = ToolkitError("The list of participants is not a CSV text file; save it as CSV (UTF-8) first.")
    if data.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # PDF, Office (zip), old Office
        raise not_text
    text, _ = decode_bytes(data, "The list of participants")
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:65536]):
        raise not_text
    try:
        lines = io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n"))
        rows = [row for row in csv.reader(lines) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise ToolkitError(
            f"The list of participants is not a readable CSV file ({exc}); save it as CSV (UTF-8) first."
        ) from exc
    if not rows:
        raise ToolkitError("The list of participants is empty.")
    header = [cell.strip().lower() for cell in rows[0]]
    for column in ("nama", "name", "nama lengkap", "full name"):
        if column in header:
            index = header.index(column)
            return [row[index].strip() for row in rows[1:] if len(row) > index and row[index].strip()]
    return [row[0].strip() for row in rows if row and row[0].strip()]


class Accounts:
    """Create, list, verify and reset accounts stored in the library database."""

    def __init__(self, engine: Engine, throttle: LoginThrottle | None = None) -> None:
        self.engine = engine
        self.throttle = throttle or LoginThrottle()
        metadata.create_all(engine, tables=[users])

    def create(self, names: list[str], role: Role = "participant") -> list[Credential]:
        """One account per name; returns the new credentials (passwords are not kept)."""
        cleaned = [n.strip() for n in names if n.strip()]
        if not cleaned:
            raise ToolkitError("Give at least one name to create an account.")
        if len(cleaned) > MAX_NAMES:
            raise ToolkitError(
                f"The list has {len(cleaned)} names; create at most {MAX_NAMES} accounts at a time."
            )
        taken = {a.username for a in self.list()}
        created: list[Credential] = []
        with self.engine.begin() as connection:
            for name in cleaned:
                username = username_for(name, taken)
                taken.add(username)
                password = new_password()
                connection.execute(
                    users.insert().values(
                        username=username,
                        display_name=name[:200],
                        password_hash=hash_password(password),
                        role=role,
                        created_at=datetime.now(UTC),
                    )
                )
                created.append(Credential(display_name=name, username=username, password=password, role=role))
        return created

    def list(self) -> list[Credential]:
        """Existing accounts (without passwords)."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(users).order_by(users.c.username)).all()
        return [
            Credential(display_name=r.display_name, username=r.username, password="", role=r.role)
            for r in rows
        ]

    def verify(self, username: str, password: str) -> bool:
        """Whether the login is right (the Gradio ``auth`` callback).

        A user name that has to wait (``LoginThrottle``) is refused without looking at the
        password (and the try counts as a failure); an unknown user name is checked against a dummy hash, so it takes as long as a
        wrong password.
        """
        name = str(username or "").strip().lower()[:60]
        password = str(password or "")[:200]
        if self.throttle.wait_seconds(name) > 0:
            check_password(password, dummy_hash())
            self.throttle.failed(name)  # a guess while waiting counts, and the wait starts again
            return False
        with self.engine.connect() as connection:
            row = connection.execute(select(users.c.password_hash).where(users.c.username == name)).first()
        right = check_password(password, row.password_hash if row is not None else dummy_hash())
        if right and row is not None:
            self.throttle.clear(name)
            return True
        self.throttle.failed(name)
        return False

    def reset(self, username: str) -> Credential:
        """A new password for ``username`` (the old one stops working); returns it to print once."""
        name = username.strip().lower()
        password = new_password()
        with self.engine.begin() as connection:
            result = connection.execute(
                update(users).where(users.c.username == name).values(password_hash=hash_password(password))
            )
            if not result.rowcount:
                raise ToolkitError(
                    f"There is no account '{username}'; 'kelas accounts list' shows the user names."
                )
            row = connection.execute(select(users).where(users.c.username == name)).one()
        self.throttle.clear(name)
        return Credential(display_name=row.display_name, username=name, password=password, role=row.role)

    def role(self, username: str) -> Role | None:
        """The account's role, or None when there is no such account."""
        with self.engine.connect() as connection:
            row = connection.execute(select(users.c.role).where(users.c.username == username)).first()
        return None if row is None else row.role


def credentials_csv(credentials: list[Credential]) -> bytes:
    """The credentials as CSV (UTF-8 with BOM): quoted where needed, no cell a live formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["nama", "username", "password", "role"])
    for credential in credentials:
        writer.writerow(
            safe_row([credential.display_name, credential.username, credential.password, credential.role])
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def credentials_docx(credentials: list[Credential], workshop_title: str) -> bytes:
    """A printable Word sheet: one row per participant with login and password."""
    import docx

    document = docx.Document()
    document.add_heading(workshop_title, level=1)
    document.add_paragraph(
        "Akun peserta / participant accounts. Simpan kertas ini; kata sandi tidak bisa dilihat lagi."
    )
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("Nama", "Username", "Kata sandi / password", "Peran / role"), strict=True
    ):
        cell.text = text
    for credential in credentials:
        row = table.add_row().cells
        row[0].text, row[1].text, row[2].text, row[3].text = (
            credential.display_name,
            credential.username,
            credential.password,
            credential.role,
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
