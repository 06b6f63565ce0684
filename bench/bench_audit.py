"""``karta audit verify`` over 100,000 events and 10,000 documents (target: under 10 s with
the replay of the log against the tables, issue 12).

The log is built the way karta writes it (the same canonical hashing and chain), in bulk so
that building does not take minutes. Baseline, in the same run: reading the same event
texts and the same files with raw SQL (files: from the folder on SQLite, from the
``storedblob`` table on PostgreSQL) and hashing them with hashlib alone — the least any
verification must do. Target (issue 26): < 10 s and ≤ 2× the baseline on PostgreSQL.
Run: ``.venv/bin/python bench/bench_audit.py [--rounds 2]``; PostgreSQL too with
``KARTA_BENCH_PG_URL`` (a schema of its own, dropped afterwards).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EVENTS = 100_000
DOCUMENTS = 10_000


def build(folder: Path, url: str) -> tuple[object, list[Path]]:
    from sqlalchemy import insert

    from registry.database import Database
    from registry.history import event_hash
    from registry.people import Profile, initialise
    from registry.state import summary
    from registry.tables import Document, HistoryEvent, StoredBlob
    from registry.templates import SHIPPED

    db = Database(url, folder / "files")
    blobs: list[dict[str, object]] = []
    initialise(db, Profile(full_name="Бенчмарк"))
    with db.reading() as session:
        from sqlmodel import col, select

        last = session.exec(select(HistoryEvent).order_by(col(HistoryEvent.seq).desc())).first()
    assert last is not None
    seq, previous = last.seq, last.hash
    sample = (SHIPPED / "order_start.docx").read_bytes()
    columns = {column.name: column.default.arg if column.default is not None
               and not callable(column.default.arg) else None
               for column in Document.__table__.columns}  # type: ignore[attr-defined]
    store = folder / "files"
    started = datetime(2024, 1, 1, tzinfo=UTC)
    events: list[dict[str, object]] = []
    documents: list[dict[str, object]] = []
    paths: list[Path] = []
    spacing = (EVENTS - seq) // DOCUMENTS  # one document registration every so many events
    for index in range(EVENTS - seq):
        seq += 1
        is_document = index % spacing == 0 and len(documents) < DOCUMENTS
        files = "[]"
        details = "{}"
        object_ref = f"1:{index % 50}@2024"
        if is_document:
            number = len(documents) + 1
            data = sample + f"<!-- {number} -->".encode()
            sha = hashlib.sha256(data).hexdigest()
            address = f"documents/{sha[:2]}/{sha}.docx"
            if db.files_dir:
                path = store / address
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                paths.append(path)
            else:  # PostgreSQL keeps files in the database
                blobs.append({"address": address, "sha256": sha, "size": len(data),
                              "data": data})
                if len(blobs) == 500:
                    with db.engine.begin() as connection:
                        connection.execute(insert(StoredBlob), blobs)
                    blobs.clear()
            object_ref = f"документ {number}"
            files = json.dumps([{"name": f"документ_{number}.docx", "sha256": sha,
                                 "size": len(data), "path": address}], ensure_ascii=False)
            row: dict[str, object] = {
                "id": number, "kind": "report", "title": f"Отчёт {number}",
                "status": "registered", "journal": "reports", "year": 2024, "number": number,
                "number_text": str(number), "doc_date": None, "roadmap_id": None,
                "occurrence_id": None, "history_event_id": None, "template_name": "report",
                "template_version": 1, "template_sha256": "0" * 64, "context": "{}",
                "file_sha256": sha, "file_path": address, "file_size": len(data),
                "draft_sha256": "", "renderer": "", "created_at": started,
                "created_by": "admin", "signed_at": None, "signed_by": "", "last_event": seq}
            row = {**columns, **row}  # every column the table has now, as the database fills it
            documents.append(row)
            # what karta logs for a registration: the row as it left the transaction
            details = json.dumps({"state": {f"document:{number}": summary("document", row)}},
                                 ensure_ascii=False, sort_keys=True)
        values: dict[str, object] = {
            "seq": seq, "at": started + timedelta(seconds=index), "login": "admin",
            "roadmap_id": None, "activity_id": None, "occurrence_id": None,
            "object_ref": object_ref,
            "event": "document_register" if is_document else "start",
            "from_state": "" if is_document else "planned",
            "to_state": "" if is_document else "in_progress",
            "comment": "Проведено совещание руководителей ОО по итогам ВПР",
            "files": files, "details": details, "prev_hash": previous,
        }
        values["hash"] = previous = event_hash(values)
        events.append(values)
    with db.engine.begin() as connection:
        if blobs:
            connection.execute(insert(StoredBlob), blobs)
        for chunk in range(0, len(events), 20_000):
            connection.execute(insert(HistoryEvent), events[chunk: chunk + 20_000])
        connection.execute(insert(Document), documents)
    return db, paths


def measure(kind: str) -> tuple[float, float, object]:
    """Seconds of ``verify`` and of the baseline over one database of ``kind``."""
    from registry.verify import verify

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_writers import _drop, _schema_url

    base = os.environ.get("KARTA_BENCH_PG_URL") or ""
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        url, schema = _schema_url(base) if kind == "postgresql" else \
            (f"sqlite:///{folder / 'audit.db'}", "")
        try:
            db, paths = build(folder, url)
            started = time.perf_counter()
            result = verify(db, "admin")  # type: ignore[arg-type]
            karta_time = time.perf_counter() - started
            assert result.ok, result.problems
            started = time.perf_counter()
            with db.engine.connect() as connection:  # type: ignore[attr-defined]
                texts = [row[0] for row in connection.exec_driver_sql(
                    "SELECT comment || files || details || prev_hash FROM historyevent")]
                for text in texts:
                    hashlib.sha256(text.encode()).hexdigest()
                if not paths:
                    for (data,) in connection.execution_options(yield_per=500) \
                            .exec_driver_sql("SELECT data FROM storedblob"):
                        hashlib.sha256(data).hexdigest()
            for path in paths:
                with path.open("rb") as handle:
                    hashlib.file_digest(handle, "sha256")
            baseline = time.perf_counter() - started
            db.dispose()  # type: ignore[attr-defined]
        finally:
            if schema:
                _drop(base, schema)
    return karta_time, baseline, result


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    options = parser.parse_args()
    print(f"machine: {platform.machine()} {os.cpu_count()} CPU, Python "
          f"{platform.python_version()}, {platform.system()}, load average "
          f"{os.getloadavg()[0]:.1f}")
    kinds = ["sqlite"] + (["postgresql"] if os.environ.get("KARTA_BENCH_PG_URL") else [])
    for kind in [options.only] if options.only else kinds:
        for number in range(options.rounds):
            karta_time, baseline, result = measure(kind)
            print(f"{kind}, round {number + 1}: karta audit verify: {result.events} events, "  # type: ignore[attr-defined]
                  f"{result.documents} documents, {result.rows} rows replayed, "  # type: ignore[attr-defined]
                  f"{result.files} files in {karta_time:.2f} s (target < 10 s); baseline "  # type: ignore[attr-defined]
                  f"(raw SQL read + hashlib over the same texts and files) {baseline:.2f} s; "
                  f"ratio {karta_time / baseline:.1f}x", flush=True)


if __name__ == "__main__":
    main()
