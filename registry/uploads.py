"""Files uploaded in the browser and waiting for their owner's confirmation (an import's
preview, then its job): kept in the file store by SHA-256 at once, and found by a random key
in table ``upload``, so the preview and the confirmation may reach different server
processes. Only the person who uploaded a file finds it; after an hour it is forgotten."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, select

from registry.database import Database, utcnow
from registry.people import acting_person
from registry.tables import Upload
from workflow.errors import KartaError

KEEP = timedelta(hours=1)
_UPLOADS = Upload.__table__  # type: ignore[attr-defined]


def keep_upload(db: Database, login: str, name: str, suffix: str, data: bytes) -> str:
    """Store an uploaded roadmap for its owner, when they may import (refused and logged
    before anything is stored otherwise); the key to confirm it with."""
    with db.reading() as session:
        person = acting_person(session, login, "import")
    stored = db.store.put(data, "sources", suffix, name)
    key = secrets.token_urlsafe(18)
    with db.engine.begin() as connection:
        connection.execute(delete(_UPLOADS).where(_UPLOADS.c.created_at < utcnow() - KEEP))
        connection.execute(_UPLOADS.insert().values(
            id=key, login=login, organisation_id=person.organisation_id,
            address=stored.path, name=name[:200], created_at=utcnow()))
    return key


def find_upload(db: Database, key: str, login: str) -> tuple[str, str]:
    """(store address, shown name) of one's own upload, or a Russian refusal."""
    with db.engine.connect() as connection:
        row = connection.execute(select(_UPLOADS).where(_UPLOADS.c.id == key[:100])).first()
    if row is None or row.login != login or row.created_at < utcnow() - KEEP:
        raise KartaError("загруженный файл не найден (прошло больше часа?): загрузите его снова")
    return row.address, row.name


def forget_upload(db: Database, key: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(delete(_UPLOADS).where(_UPLOADS.c.id == key[:100]))


@contextmanager
def upload_file(db: Database, address: str) -> Iterator[Path]:
    """A stored upload as a file of its own type, for the readers (removed after)."""
    data = db.store.read(address)
    with tempfile.TemporaryDirectory(prefix="karta-upload-") as folder:
        path = Path(folder) / f"upload{Path(address).suffix}"  # never the browser's name
        path.write_bytes(data)
        yield path
