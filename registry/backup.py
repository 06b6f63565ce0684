"""Backups: the whole database and every stored file in one zip, consistent, with the log's
head as a checkpoint; restored into a new empty database of either kind (SQLite or
PostgreSQL), after which ``audit verify`` must pass against that checkpoint.

The archive holds ``manifest.json``, ``tables/<table>.jsonl`` (every row, in an order that
respects foreign keys) and ``files/<address>`` (every stored file). Rows are read in one
snapshot; stored files are content-addressed and never change, so they match it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, LargeBinary, Table, select, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from registry.database import Database, utcnow
from registry.history import record
from registry.people import acting_person, organisation, roles_of
from registry.schema import HEAD
from registry.verify import referenced_files
from workflow.errors import ConfigurationError, KartaError

FORMAT = "karta-backup-1"
# sessions, background jobs and uploads awaiting confirmation are passing; files go to files/
SKIPPED = {"websession", "storedblob", "alembic_version", "job", "upload"}
MAX_ENTRY = 2 * 1024 ** 3  # one table or file in a backup


def _tables() -> list[Table]:
    return [table for table in SQLModel.metadata.sorted_tables if table.name not in SKIPPED]


def _encode(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for name, value in row.items():
        if name not in table.c:
            raise KartaError(f"резервная копия: неизвестный столбец {table.name}.{name}")
        kind = table.c[name].type
        kind = getattr(kind, "impl", kind)  # SQLModel's decorated types
        if value is not None and isinstance(kind, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, Date):
            value = date.fromisoformat(value)
        elif value is not None and isinstance(kind, LargeBinary):
            value = base64.b64decode(value)
        values[name] = value
    return values


def _rows(connection: Connection, table: Table) -> Iterator[bytes]:
    order = list(table.primary_key.columns)
    for row in connection.execution_options(yield_per=2000).execute(
            select(table).order_by(*order)):
        yield (json.dumps({k: _encode(v) for k, v in row._mapping.items()},
                          ensure_ascii=False) + "\n").encode("utf-8")


def make_backup(db: Database, actor: str | None, target: Path,
                force: bool = False) -> dict[str, Any]:
    """Write the backup zip; returns its manifest."""
    from registry.exports import write_new

    with db.reading() as session:
        person = acting_person(session, actor, "backup")
        organisations = session.connection().execute(
            text("SELECT count(*) FROM organisation")).scalar() or 0
        if "region_auditor" not in roles_of(person) and organisations > 1:
            raise KartaError("резервную копию базы нескольких организаций делает администратор "
                             "региона")
        org_name = organisation(session).full_name
    buffer_path = target.with_name(target.name + ".incoming")
    counts: dict[str, int] = {}
    addresses: set[str] = set()
    engine = db.engine if db.is_sqlite else \
        db.engine.execution_options(isolation_level="REPEATABLE READ")
    with engine.connect() as connection:
        transaction = connection.begin()  # one snapshot for every table
        head = connection.execute(text(
            "SELECT seq, hash FROM historyevent ORDER BY seq DESC LIMIT 1")).first()
        try:
            with zipfile.ZipFile(buffer_path, "w", zipfile.ZIP_DEFLATED) as archive:
                for table in _tables():
                    with archive.open(f"tables/{table.name}.jsonl", "w",
                                      force_zip64=True) as handle:
                        count = 0
                        for line in _rows(connection, table):
                            handle.write(line)
                            count += 1
                    counts[table.name] = count
                addresses = referenced_files(connection)
                for address in sorted(addresses):
                    if db.store.exists(address):
                        archive.writestr(f"files/{address}", db.store.read(address))
                manifest = {
                    "format": FORMAT, "schema": HEAD, "organisation": org_name,
                    "made_at": utcnow().isoformat(timespec="seconds"), "by": person.login,
                    "tables": counts, "files": len(addresses),
                    "checkpoint": {"seq": head.seq, "hash": head.hash} if head else None,
                }
                archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False,
                                                             indent=2))
        finally:
            transaction.rollback()
    data = buffer_path.read_bytes()
    buffer_path.unlink()
    write_new(target, data, force)
    manifest["sha256"] = hashlib.sha256(data).hexdigest()
    manifest["file"] = str(target)
    return manifest


def restore_backup(db: Database, actor: str | None, source: Path) -> dict[str, Any]:
    """Restore a backup into a new, empty database: rows with their ids, files into the
    store, then an event saying so; the log's head must equal the backup's checkpoint."""
    if db.is_initialised():
        raise ConfigurationError(f"база {db.safe_url} уже содержит данные: восстановление "
                                 "только в новую пустую базу (--db …)")
    try:
        archive = zipfile.ZipFile(source)
        manifest = json.loads(archive.read("manifest.json"))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        raise KartaError(f"«{source.name}» не резервная копия karta") from None
    if manifest.get("format") != FORMAT:
        raise KartaError(f"«{source.name}»: неизвестный формат резервной копии")
    if manifest.get("schema") != HEAD:
        raise KartaError(f"резервная копия схемы {manifest.get('schema')}, а karta работает с "
                         f"{HEAD}: восстановите её той версией karta, что её сделала, и "
                         "обновите (karta upgrade)")
    for info in archive.infolist():
        if info.file_size > MAX_ENTRY or ".." in info.filename or info.filename.startswith("/"):
            raise KartaError(f"«{source.name}»: недопустимая запись {info.filename[:80]}")
    db.create_schema()
    with db.transaction() as session:
        connection = session.connection()
        for table in _tables():
            name = f"tables/{table.name}.jsonl"
            if name not in archive.namelist():
                continue
            batch: list[dict[str, Any]] = []
            with archive.open(name) as handle:
                for line in io.TextIOWrapper(handle, encoding="utf-8"):
                    batch.append(_decode(table, json.loads(line)))
                    if len(batch) >= 1000:
                        connection.execute(table.insert(), batch)
                        batch = []
            if batch:
                connection.execute(table.insert(), batch)
        if not db.is_sqlite:
            for table in _tables():
                if "id" in table.c and table.c.id.autoincrement:
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
        head = connection.execute(text(
            "SELECT seq, hash FROM historyevent ORDER BY seq DESC LIMIT 1")).first()
        expected = manifest.get("checkpoint")
        if expected and (head is None or (head.seq, head.hash) != (expected["seq"],
                                                                   expected["hash"])):
            raise KartaError("резервная копия повреждена: вершина журнала не совпадает с "
                             "зафиксированной в ней")
        for info in archive.infolist():
            if info.filename.startswith("files/") and not info.is_dir():
                address = info.filename.removeprefix("files/")
                data = archive.read(info)
                if hashlib.sha256(data).hexdigest() != Path(address).name.split(".")[0]:
                    raise KartaError(f"резервная копия повреждена: файл {Path(address).name}")
                kind, _, rest = address.partition("/")
                db.store.put(data, kind, Path(rest).suffix, session=session)
        person = acting_person(session, actor, "restore")
        record(session, login=person.login, object_ref="база данных", event="restore",
               comment=f"восстановлена из резервной копии «{source.name}» от "
                       f"{manifest.get('made_at', '?')[:10]} (событие № "
                       f"{expected['seq'] if expected else 0})",
               details={"manifest": {k: manifest.get(k) for k in
                                     ("made_at", "by", "schema", "checkpoint")}})
    return manifest
