"""The file store: imported sources, attachments and generated documents, kept by SHA-256.

A file is addressed by its content: ``documents/ab/ab12….docx``. With SQLite the store is a
folder beside the database; with PostgreSQL the files live in the database itself (table
``storedblob``), so every machine of an office sees the same files — never one machine's
working folder. Records keep the address, never a path on some machine; addresses of older
records (absolute paths) are read by their last three parts.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from registry.tables import StoredBlob
from workflow.errors import KartaError

ATTACHMENT_BYTES = 50 * 1024 * 1024  # one attached or imported file
CHECK_CHUNK = 200  # files a database store reads per query when checking them all
STALE_SECONDS = 3600  # a temporary file older than this was left by a killed process


@dataclass(frozen=True)
class StoredFile:
    """A file in the store, with the name it had when it came in."""

    name: str
    sha256: str
    size: int
    path: str  # the store address, «documents/ab/ab12….docx»

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "sha256": self.sha256, "size": self.size, "path": self.path}


def shown_name(name: str) -> str:
    """A file's name as records keep it: valid UTF-8 (Linux names may hold any bytes), no
    control characters, bounded."""
    text = name.encode("utf-8", "replace").decode("utf-8")
    return "".join(c for c in text if c.isprintable())[:200] or "файл"


def address(kind: str, sha: str, suffix: str) -> str:
    """Where content lives in any store."""
    return f"{kind}/{sha[:2]}/{sha}{suffix.lower()}"


def _suffix(suffix: str) -> str:
    """A file's extension as the store keeps it: short, plain, or none."""
    return suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix) else ""


def normalise_address(recorded: str) -> str:
    """The address of a record, also for records that kept an absolute path."""
    parts = Path(recorded).parts
    return "/".join(parts[-3:])


def sha_of(recorded: str) -> str:
    """The SHA-256 in an address."""
    return Path(recorded).name.split(".")[0]


def read_limited(source: Path, limit: int = ATTACHMENT_BYTES) -> bytes:
    """A user's file, refused when it is not a regular file or larger than the limit."""
    if source.is_symlink() or not source.is_file():
        raise KartaError(f"файл «{source}» не найден или не является обычным файлом")
    size = source.stat().st_size
    if size > limit:
        raise KartaError(f"файл «{source.name}» больше допустимого размера "
                         f"{limit // (1024 * 1024)} МБ")
    with source.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise KartaError(f"файл «{source.name}» больше допустимого размера "
                         f"{limit // (1024 * 1024)} МБ")
    return data


class FileStore:
    """What every store does; see ``FolderStore`` and ``DatabaseStore``."""

    where: str = ""

    def put(self, data: bytes, kind: str, suffix: str, name: str = "",
            session: Session | None = None, force: bool = False,
            sync_later: bool = False) -> StoredFile:
        """Store bytes under their SHA-256; ``force`` rewrites a damaged copy."""
        raise NotImplementedError

    def read(self, recorded: str) -> bytes:
        raise NotImplementedError

    def exists(self, recorded: str) -> bool:
        raise NotImplementedError

    def addresses(self) -> Iterator[str]:
        """Every stored address (for ``karta store check``)."""
        raise NotImplementedError

    def leftovers(self) -> list[str]:
        """Temporary files a killed process left behind."""
        return []

    def remove_leftovers(self) -> int:
        return 0

    def settle(self, quiet: bool = False) -> None:
        """Wait until every file this thread put with ``sync_later`` is on disk under its
        address (a write transaction calls it before it commits, see
        ``Database.transaction``); ``quiet`` only waits (after a rollback)."""

    def put_file(self, source: Path, kind: str = "attachments",
                 session: Session | None = None) -> StoredFile:
        """Store a user's file (size-limited, never followed through a symlink)."""
        data = read_limited(source)
        return self.put(data, kind, source.suffix, source.name, session)

    def check(self, recorded: str, sha: str) -> str | None:
        """None when the file is there with that SHA-256; else what is wrong, in Russian."""
        if not self.exists(recorded):
            return _missing(recorded)
        return _changed(hashlib.sha256(self.read(recorded)).hexdigest(), sha)

    def check_many(self, files: list[tuple[str, str]]) -> Iterator[str | None]:
        """``check`` for each (address, SHA-256), in order (``audit verify``'s files)."""
        for recorded, sha in files:
            yield self.check(recorded, sha)


def _missing(recorded: str) -> str:
    return f"файл отсутствует в хранилище ({normalise_address(recorded)})"


def _changed(digest: str, sha: str) -> str | None:
    return f"файл изменён: SHA-256 {digest[:16]}… вместо {sha[:16]}…" if digest != sha else None


class FolderStore(FileStore):
    """Files under a folder: written under a temporary name, synced, then renamed."""

    def __init__(self, root: Path) -> None:
        self._local = threading.local()  # files put by this thread, syncing
        self.root = root.resolve()
        self.where = str(self.root)

    def _path(self, recorded: str) -> Path:
        relative = normalise_address(recorded)
        path = (self.root / relative).resolve()
        if self.root not in path.parents:
            raise KartaError(f"неверный адрес файла в хранилище «{recorded}»")
        return path

    def put(self, data: bytes, kind: str, suffix: str, name: str = "",
            session: Session | None = None, force: bool = False,
            sync_later: bool = False) -> StoredFile:
        """``sync_later``: write now, and sync and rename in the background while the caller
        goes on to its transaction, which waits for it before committing (``settle``): a
        record is never committed before its file is durable, and the disk's sync latency
        overlaps the database work instead of adding to it."""
        sha = hashlib.sha256(data).hexdigest()
        where = address(kind, sha, _suffix(suffix))
        target = self.root / where
        if force or not target.exists():
            temporary = ""
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    if not sync_later:
                        handle.flush()
                        _sync_and_rename(handle.fileno(), temporary, target)
            except OSError as error:
                if temporary:
                    Path(temporary).unlink(missing_ok=True)
                raise self._failed(error) from None
            if sync_later:
                self._pending().append(_SYNCING.submit(_sync_path, temporary, target))
        return StoredFile(shown_name(name or Path(where).name), sha, len(data), where)

    def _pending(self) -> list[Future[None]]:
        if not hasattr(self._local, "pending"):
            self._local.pending = []
        pending: list[Future[None]] = self._local.pending
        return pending

    def settle(self, quiet: bool = False) -> None:
        pending = self._pending()
        errors = [future.exception() for future in pending]
        pending.clear()
        for error in errors:
            if quiet or error is None:
                continue
            if isinstance(error, OSError):
                raise self._failed(error) from None
            raise error

    def _failed(self, error: OSError) -> KartaError:
        return KartaError(f"не удалось записать файл в хранилище {self.root}: "
                          f"{error.strerror or error}")

    def read(self, recorded: str) -> bytes:
        return self._path(recorded).read_bytes()

    def exists(self, recorded: str) -> bool:
        path = self._path(recorded)
        return path.is_file() and not path.is_symlink()

    def local_path(self, recorded: str) -> Path:
        return self._path(recorded)

    def addresses(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("*/*/*")):
            if path.is_file() and not path.name.startswith(".incoming-"):
                yield "/".join(path.relative_to(self.root).parts)

    def leftovers(self) -> list[str]:
        if not self.root.is_dir():
            return []
        now = time.time()
        return sorted(str(path.relative_to(self.root)) for path in
                      self.root.glob("*/*/.incoming-*")
                      if now - path.stat().st_mtime > STALE_SECONDS)

    def remove_leftovers(self) -> int:
        found = self.leftovers()
        for relative in found:
            (self.root / relative).unlink(missing_ok=True)
        return len(found)


_SYNCING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="karta-fsync")


def _new_pool_after_fork() -> None:
    """A forked child (batch rendering) has none of its parent's threads: a pool of its own."""
    global _SYNCING
    _SYNCING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="karta-fsync")


os.register_at_fork(after_in_child=_new_pool_after_fork)


def _sync_and_rename(fd: int, temporary: str, target: Path) -> None:
    os.fsync(fd)
    os.replace(temporary, target)


def _sync_path(temporary: str, target: Path) -> None:
    try:
        fd = os.open(temporary, os.O_RDONLY)
        try:
            _sync_and_rename(fd, temporary, target)
        finally:
            os.close(fd)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise


_BLOBS = StoredBlob.__table__  # type: ignore[attr-defined]


class DatabaseStore(FileStore):
    """Files in the database (PostgreSQL deployments): one row per content."""

    def __init__(self, engine: Engine, label: str) -> None:
        self.engine = engine
        self.where = f"таблица storedblob базы {label}"

    def put(self, data: bytes, kind: str, suffix: str, name: str = "",
            session: Session | None = None, force: bool = False,
            sync_later: bool = False) -> StoredFile:
        from registry.database import upsert_insert

        sha = hashlib.sha256(data).hexdigest()
        where = address(kind, sha, _suffix(suffix))
        insert = upsert_insert(self.engine.dialect.name)
        values = {"address": where, "sha256": sha, "size": len(data), "data": data}
        statement = insert(_BLOBS).values(**values)
        statement = statement.on_conflict_do_update(index_elements=["address"], set_=values) \
            if force else statement.on_conflict_do_nothing()
        if session is not None:  # lands with the caller's transaction
            session.connection().execute(statement)
        else:
            with self.engine.begin() as connection:
                connection.execute(statement)
        return StoredFile(shown_name(name or Path(where).name), sha, len(data), where)

    def read(self, recorded: str) -> bytes:
        with self.engine.connect() as connection:
            data = connection.execute(select(_BLOBS.c.data).where(
                _BLOBS.c.address == normalise_address(recorded))).scalar()
        if data is None:
            raise KartaError(f"файл отсутствует в хранилище ({normalise_address(recorded)})")
        return bytes(data)

    def exists(self, recorded: str) -> bool:
        with self.engine.connect() as connection:
            return connection.execute(select(_BLOBS.c.address).where(
                _BLOBS.c.address == normalise_address(recorded))).first() is not None

    def addresses(self) -> Iterator[str]:
        with self.engine.connect() as connection:
            yield from connection.execute(select(_BLOBS.c.address).order_by(_BLOBS.c.address)
                                          ).scalars()

    def check_many(self, files: list[tuple[str, str]]) -> Iterator[str | None]:
        """Every file checked over one connection, a few hundred per query (a connection
        from the pool for each file cost more than hashing it)."""
        with self.engine.connect() as connection:
            for start in range(0, len(files), CHECK_CHUNK):
                chunk = files[start:start + CHECK_CHUNK]
                wanted = sorted({normalise_address(recorded) for recorded, _ in chunk})
                digests = {address: hashlib.sha256(data).hexdigest()
                           for address, data in connection.execute(
                               select(_BLOBS.c.address, _BLOBS.c.data)
                               .where(_BLOBS.c.address.in_(wanted)))}
                for recorded, sha in chunk:
                    found = digests.get(normalise_address(recorded))
                    yield _missing(recorded) if found is None else _changed(found, sha)
