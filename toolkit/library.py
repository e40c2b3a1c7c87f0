"""The materials library: every plan, quiz, rubric and feedback batch is saved here.

SQLite by default (``<data_dir>/library.db``); ``KELAS_DATABASE_URL`` points it at any database
SQLAlchemy supports, such as PostgreSQL for a district server. Each save is one transaction, so a
crash never leaves half a record, and two teachers saving at once both keep their work.
Deleting marks a record deleted (so it can be undone) until it is purged. Importing an exported
library checks every record first and writes them all in one transaction, so a bad record or a
crash keeps nothing half-imported, and importing the same file twice adds nothing the second time.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError

from toolkit.errors import ToolkitError, validation_sentence
from toolkit.settings import Settings

LIBRARY_FORMAT = "kelas-library/1"
MAX_IMPORT_RECORDS = 10_000
IMPORT_NAMESPACE = uuid.UUID("5d0c5a1e-8d3f-4a52-9a57-6b1c2f0e7a11")
"""Namespace of the ids given to imported records whose id is taken by another account."""

metadata = MetaData()

materials = Table(
    "materials",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner", String(120), nullable=False, default="", index=True),
    Column("kind", String(40), nullable=False, index=True),
    Column("title", String(300), nullable=False),
    Column("subject", String(60), nullable=False, default=""),
    Column("language", String(8), nullable=False, default="id"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
    Column("inputs_json", Text, nullable=False, default="{}"),
    Column("content_json", Text, nullable=False),
    Column("info_json", Text, nullable=False, default="{}"),
    Column("deleted", Boolean, nullable=False, default=False, index=True),
)


class Material(BaseModel):
    """One saved piece of work with what produced it."""

    id: str
    kind: str
    title: str
    owner: str = ""
    subject: str = ""
    language: str = "id"
    created_at: datetime
    updated_at: datetime
    inputs: dict[str, Any] = Field(default_factory=dict)
    content: dict[str, Any] = Field(default_factory=dict)
    info: dict[str, Any] = Field(
        default_factory=dict, description="Model, prompt version, sources, check results."
    )
    deleted: bool = False


def _now() -> datetime:
    return datetime.now(UTC)


def _row_to_material(row: Any) -> Material:
    return Material(
        id=row.id,
        kind=row.kind,
        title=row.title,
        owner=row.owner,
        subject=row.subject,
        language=row.language,
        created_at=row.created_at,
        updated_at=row.updated_at,
        inputs=json.loads(row.inputs_json or "{}"),
        content=json.loads(row.content_json or "{}"),
        info=json.loads(row.info_json or "{}"),
        deleted=bool(row.deleted),
    )


def database_url(settings: Settings) -> str:
    """The configured database URL, or SQLite in the data folder."""
    if settings.database_url:
        return settings.database_url
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(settings.data_dir / 'library.db').resolve()}"


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL journaling and a busy timeout so concurrent saves wait, not fail."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class _ImportedMaterial(Material):
    """A record of an exported library, with the sizes the database columns allow."""

    id: str = Field(min_length=1, max_length=36)
    kind: str = Field(min_length=1, max_length=40)
    subject: str = Field(default="", max_length=60)
    language: str = Field(default="id", max_length=8)


def _import_records(data: bytes) -> list[Material]:
    """Every record of an exported library file, all checked; a sentence for the first bad one."""
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ToolkitError(f"This file is not an exported library ({exc.__class__.__name__}).") from exc
    if not isinstance(payload, dict) or payload.get("format") != LIBRARY_FORMAT:
        raise ToolkitError("This file is not an exported library of the AI Classroom Toolkit.")
    records = payload.get("materials", [])
    if not isinstance(records, list):
        raise ToolkitError("This library file has no list of materials; nothing was imported.")
    if len(records) > MAX_IMPORT_RECORDS:
        raise ToolkitError(
            f"This library file holds {len(records):,} materials; import at most {MAX_IMPORT_RECORDS:,} "
            "at a time. Nothing was imported."
        )
    checked: list[Material] = []
    for number, record in enumerate(records, start=1):
        try:
            checked.append(_ImportedMaterial.model_validate(record))
        except ValidationError as exc:
            raise ToolkitError(
                f"Material {number} of the file cannot be read ({validation_sentence(exc)}) "
                "Nothing was imported."
            ) from exc
    return checked


class Library:
    """Save, list, reopen, rename, duplicate and delete materials."""

    def __init__(self, url: str) -> None:
        try:
            self.engine = make_engine(url)
            self._create_tables()
        except Exception as exc:
            raise ToolkitError(
                f"The materials library could not be opened ({type(exc).__name__}); check "
                "KELAS_DATABASE_URL or the data folder's permissions."
            ) from exc

    def _create_tables(self, attempts: int = 5) -> None:
        """Create missing tables; two processes opening a new database at once may race, so retry.

        The loser of the race sees a lock (SQLite) or a duplicate table or type (PostgreSQL); on the
        next try the tables exist and nothing is created.
        """
        for attempt in range(attempts):
            try:
                metadata.create_all(self.engine)
                return
            except DBAPIError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.1 * (attempt + 1))

    @classmethod
    def from_settings(cls, settings: Settings) -> Library:
        """The library the settings point at."""
        return cls(database_url(settings))

    def save(
        self,
        kind: str,
        title: str,
        content: dict[str, Any],
        *,
        inputs: dict[str, Any] | None = None,
        info: dict[str, Any] | None = None,
        owner: str = "",
        subject: str = "",
        language: str = "id",
        material_id: str | None = None,
    ) -> Material:
        """Insert a new material, or replace the content of ``material_id``; one transaction."""
        now = _now()
        values = {
            "kind": kind,
            "title": title.strip()[:300] or kind,
            "owner": owner,
            "subject": subject,
            "language": language,
            "updated_at": now,
            "inputs_json": json.dumps(inputs or {}, ensure_ascii=False, default=str),
            "content_json": json.dumps(content, ensure_ascii=False, default=str),
            "info_json": json.dumps(info or {}, ensure_ascii=False, default=str),
        }
        with self.engine.begin() as connection:
            if material_id is not None:
                kept = {k: v for k, v in values.items() if k != "owner"}  # an update never changes the owner
                result = connection.execute(
                    update(materials).where(materials.c.id == material_id).values(**kept)
                )
                if result.rowcount:
                    return self.get(material_id)
            new_id = material_id or str(uuid.uuid4())
            connection.execute(materials.insert().values(id=new_id, created_at=now, deleted=False, **values))
        return self.get(new_id)

    def get(self, material_id: str) -> Material:
        """One material (also a deleted one, so that it can be restored)."""
        with self.engine.connect() as connection:
            row = connection.execute(select(materials).where(materials.c.id == material_id)).first()
        if row is None:
            raise ToolkitError(f"No saved material has the id {material_id}.")
        return _row_to_material(row)

    def list(
        self,
        *,
        kind: str | None = None,
        owner: str | None = None,
        subject: str | None = None,
        text: str | None = None,
        include_deleted: bool = False,
        limit: int = 200,
    ) -> list[Material]:
        """Materials, newest first, filtered by kind, owner, subject and a text in the title."""
        query = select(materials).order_by(materials.c.updated_at.desc()).limit(limit)
        if kind:
            query = query.where(materials.c.kind == kind)
        if owner is not None:
            query = query.where(materials.c.owner == owner)
        if subject:
            query = query.where(materials.c.subject == subject)
        if text:
            query = query.where(materials.c.title.ilike(f"%{text}%"))
        if not include_deleted:
            query = query.where(materials.c.deleted.is_(False))
        with self.engine.connect() as connection:
            return [_row_to_material(row) for row in connection.execute(query)]

    def rename(self, material_id: str, title: str) -> Material:
        """Give a material a new title."""
        self._set(material_id, title=title.strip()[:300])
        return self.get(material_id)

    def duplicate(self, material_id: str, title: str | None = None) -> Material:
        """A copy with a new id."""
        original = self.get(material_id)
        return self.save(
            original.kind,
            title or f"{original.title} (salinan)",
            original.content,
            inputs=original.inputs,
            info=original.info,
            owner=original.owner,
            subject=original.subject,
            language=original.language,
        )

    def delete(self, material_id: str) -> None:
        """Mark deleted (``restore`` undoes it)."""
        self._set(material_id, deleted=True)

    def restore(self, material_id: str) -> Material:
        """Undo a delete."""
        self._set(material_id, deleted=False)
        return self.get(material_id)

    def export_all(self, owner: str | None = None) -> bytes:
        """Every (not deleted) material of ``owner`` as one JSON document (UTF-8 bytes)."""
        records = [m.model_dump(mode="json") for m in self.list(owner=owner, limit=100_000)]
        payload = {"format": LIBRARY_FORMAT, "materials": records}
        return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")

    def import_all(self, data: bytes, owner: str = "") -> int:
        """Add the materials of an exported library file for ``owner``; returns how many were added."""
        return self.import_file(data, owner)[0]

    def import_file(self, data: bytes, owner: str = "") -> tuple[int, int]:
        """(added, already there) after importing an exported library file for ``owner``.

        Every record is checked before anything is written; then all are written in one
        transaction. A record keeps its id when that id is free; when another account holds it,
        the record gets an id derived from (owner, id). A record already in ``owner``'s library
        under either id is not added again, so importing a file twice changes nothing.
        """
        records = _import_records(data)
        now = _now()
        added = 0
        with self.engine.begin() as connection:
            for material in records:
                new_id = material.id
                holder = connection.execute(select(materials.c.owner).where(materials.c.id == new_id)).first()
                if holder is not None and holder.owner != owner:
                    new_id = str(uuid.uuid5(IMPORT_NAMESPACE, f"{owner}\x00{material.id}"))
                    holder = connection.execute(
                        select(materials.c.owner).where(materials.c.id == new_id)
                    ).first()
                if holder is not None:
                    continue
                connection.execute(
                    materials.insert().values(
                        id=new_id,
                        owner=owner,
                        kind=material.kind,
                        title=material.title.strip()[:300] or material.kind,
                        subject=material.subject,
                        language=material.language,
                        created_at=material.created_at,
                        updated_at=now,
                        inputs_json=json.dumps(material.inputs, ensure_ascii=False, default=str),
                        content_json=json.dumps(material.content, ensure_ascii=False, default=str),
                        info_json=json.dumps(material.info, ensure_ascii=False, default=str),
                        deleted=False,
                    )
                )
                added += 1
        return added, len(records) - added

    def _set(self, material_id: str, **values: Any) -> None:
        with self.engine.begin() as connection:
            result = connection.execute(
                update(materials).where(materials.c.id == material_id).values(updated_at=_now(), **values)
            )
        if not result.rowcount:
            raise ToolkitError(f"No saved material has the id {material_id}.")
