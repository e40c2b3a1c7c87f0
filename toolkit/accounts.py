"""Participant accounts for workshop (shared server) mode.

The trainer creates accounts from a list or a CSV of names and prints the credentials; passwords
are stored only as salted scrypt hashes in the library database. Local single-user mode needs
no accounts at all.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
import unicodedata
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Engine, String, Table, select

from toolkit.errors import ToolkitError
from toolkit.library import metadata

Role = Literal["trainer", "participant"]
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
"""Letters and digits that cannot be misread on a printed sheet (no l/1, o/0, i)."""

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
    text = data.decode("utf-8-sig", errors="replace")
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise ToolkitError("The list of participants is empty.")
    header = [cell.strip().lower() for cell in rows[0]]
    for column in ("nama", "name", "nama lengkap", "full name"):
        if column in header:
            index = header.index(column)
            return [row[index].strip() for row in rows[1:] if len(row) > index and row[index].strip()]
    return [row[0].strip() for row in rows if row and row[0].strip()]


class Accounts:
    """Create, list and verify accounts stored in the library database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine, tables=[users])

    def create(self, names: list[str], role: Role = "participant") -> list[Credential]:
        """One account per name; returns the new credentials (passwords are not kept)."""
        cleaned = [n.strip() for n in names if n.strip()]
        if not cleaned:
            raise ToolkitError("Give at least one name to create an account.")
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
        """Whether the login is right (the Gradio ``auth`` callback)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(users).where(users.c.username == username.strip().lower())
            ).first()
        return row is not None and check_password(password, row.password_hash)

    def role(self, username: str) -> Role | None:
        """The account's role, or None when there is no such account."""
        with self.engine.connect() as connection:
            row = connection.execute(select(users.c.role).where(users.c.username == username)).first()
        return None if row is None else row.role


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
