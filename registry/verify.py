"""``karta audit verify``: the log proves the present state, or says where it does not.

1. The chain: every event's hash over its content and its predecessor's hash, numbers
   without gaps.
2. The end of the log: every state-bearing row names the last event that changed it
   (``last_event``); a row naming an event beyond the log's end proves the log was cut.
   Checkpoints kept outside the database (``audit checkpoint``) prove the log had at least
   that many events with that head — a rewritten or shortened chain fails against them.
3. Replay: the log's vouched digests give the state every row must have; each row edited,
   added or deleted behind karta's back is named, occurrences with their states.
4. Templates: the stored bytes of every version against its SHA-256.
5. Protections: the triggers that keep the log append-only are all there; on PostgreSQL,
   whether the application's role could still TRUNCATE or ALTER the log.
6. Files: every document and every file the log names, in the store, with its SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from registry.database import POSTGRES_TRIGGER_NAMES, TRIGGERS, Database, utcnow
from registry.files import normalise_address
from registry.history import GENESIS, HASHED_FIELDS, event_hash
from registry.people import acting_person, organisation, require_whole_organisation
from registry.seal import append_checkpoint, checkpoints_path, mark_digest, sealed
from registry.state import (
    LABELS,
    TRACKED,
    Vouched,
    all_rows,
    difference,
    digest,
    table_of,
    vouched_digest,
)
from registry.tables import HistoryEvent, WebSession
from workflow.errors import KartaError, said
from workflow.machine import state_label

_EVENTS = HistoryEvent.__table__  # type: ignore[attr-defined]


@dataclass
class Verification:
    """What ``karta audit verify`` found: counts, problems (integrity broken) and warnings
    (nothing lost, but something to set right)."""

    events: int = 0
    documents: int = 0
    files: int = 0
    rows: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "events": self.events, "documents": self.documents,
                "files": self.files, "rows": self.rows, "checkpoints": self.checkpoints,
                "problems": self.problems, "warnings": self.warnings}


@dataclass
class _Replay:
    """What the log says, read in one pass."""

    last_seq: int = 0
    hashes: dict[int, str] = field(default_factory=dict)  # seq → hash, at checkpoints only
    # row → (its digest, the event that vouched for it), None when the log deleted it: the
    # digest as 32 bytes and the event's seq, not the whole record (an import of 100,000
    # rows vouches for half a million of them); the record is read again for a difference
    vouched: dict[str, tuple[bytes, int] | None] = field(default_factory=dict)
    states: dict[int, tuple[str, int]] = field(default_factory=dict)  # occurrence → state
    files: dict[str, str] = field(default_factory=dict)  # address → SHA-256


Progress = Callable[[str, float], None]


def _silent(stage: str, share: float) -> None:
    """No progress shown (the command line)."""


def verify(db: Database, login: str | None, checkpoints: list[Path] | None = None,
           progress: Progress = _silent) -> Verification:
    """Everything in the module's docstring; the chain check stops at the first break (a
    chain after a break proves nothing more), the others name every difference.
    ``progress(stage, share)`` is told how far it is (the web shows it)."""
    with db.reading() as session:
        require_whole_organisation(acting_person(session, login), "проверка журнала")
    result = Verification()
    marks = _read_checkpoints(db, checkpoints or [])
    result.checkpoints = len(marks)
    with db.engine.connect() as connection:
        total = int(connection.execute(text("SELECT count(*) FROM historyevent")).scalar() or 0)
        progress("цепочка событий", 0.0)
        replay = _replay_log(connection, result, {mark["seq"] for mark in marks},
                             lambda done: progress("цепочка событий",
                                                   0.6 * done / max(total, 1)), db.log_key)
        _check_sessions(connection, result, db.log_key)
        _check_checkpoints(replay, marks, result)
        progress("сверка записей с журналом", 0.6)
        _compare_rows(connection, replay, result)
        _check_triggers(db, connection, result)
        progress("файлы", 0.8)
        table = table_of("document")
        documents = list(connection.execute(select(
            table.c.id, table.c.title, table.c.number_text, table.c.file_path,
            table.c.file_sha256).order_by(table.c.id)))
    result.documents = len(documents)
    # an order made outside karta may be entered without its file
    with_files = [row for row in documents if row[3]]
    for (document_id, title, number, path, _), problem in zip(
            with_files, db.store.check_many([(row[3], row[4]) for row in with_files]),
            strict=True):
        if problem:
            name = f"документ {document_id} («{title[:60]}»" + (f", № {number})" if number
                                                              else ")")
            result.problems.append(f"{name}: {problem}")
        replay.files.pop(normalise_address(path), None)
    others = sorted(replay.files.items())
    result.files += len(others)
    for (path, _), problem in zip(others, db.store.check_many(others), strict=True):
        if problem:
            result.problems.append(f"файл {Path(path).name}: {problem}")
    result.files += result.documents
    leftovers = db.store.leftovers()
    if leftovers:
        result.warnings.append(f"в хранилище остались временные файлы прерванных записей: "
                               f"{len(leftovers)}" + said(" (karta store check --clean)"))
    return result


def _replay_log(connection: Any, result: Verification, wanted: set[int],
                tell: Callable[[int], None], log_key: bytes | None = None) -> _Replay:
    replay = _Replay()
    unsealed_before = 0  # events written before the key existed (older versions of karta)
    seen_seal = False
    rows = connection.execution_options(yield_per=5000).execute(
        select(_EVENTS).order_by(_EVENTS.c.seq))
    previous_seq, previous_hash = 0, GENESIS
    for row in rows:
        values = row._mapping
        result.events += 1
        if result.events % 5000 == 0:
            tell(result.events)
        if not result.problems:
            problem = _check_event(values, previous_seq, previous_hash)
            if problem:
                result.problems.append(problem)
        seq = values["seq"]
        if log_key is not None and len(result.problems) < 100:
            if values["seal"]:
                seen_seal = True
                if not sealed(log_key, values["hash"], values["seal"]):
                    result.problems.append(f"событие № {seq} ({values['event']}, "
                                           f"{values['login']}): печать не совпадает с ключом "
                                           "журнала (событие записано не karta)")
            elif seen_seal:
                result.problems.append(f"событие № {seq} ({values['event']}, "
                                       f"{values['login']}): нет печати ключа журнала "
                                       "(событие вставлено в обход karta)")
            else:
                unsealed_before += 1
        previous_seq, previous_hash = seq, values["hash"]
        if seq in wanted:
            replay.hashes[seq] = values["hash"]
        details = values["details"]
        if details and ('"state"' in details or '"organisation"' in details):
            parsed = json.loads(details)
            for key, value in (parsed.get("state") or {}).items():
                sha = vouched_digest(value) if value is not None else None
                replay.vouched[key] = None if value is None else \
                    (bytes.fromhex(sha) if sha else b"", seq)
            if parsed.get("organisation") != values["organisation_id"] and \
                    "organisation" in parsed:
                result.problems.append(f"событие № {seq}: организация в базе не совпадает с "
                                       "записанной в событии")
        if values["occurrence_id"] is not None and values["to_state"] and \
                values["from_state"] and not str(values["object_ref"]).startswith("документ"):
            _, transitions = replay.states.get(values["occurrence_id"], ("", 0))
            replay.states[values["occurrence_id"]] = (values["to_state"], transitions + 1)
        if values["files"] not in ("", "[]"):
            for stored in json.loads(values["files"]):
                replay.files[normalise_address(stored["path"])] = stored["sha256"]
    replay.last_seq = previous_seq
    if log_key is None:
        result.warnings.append("журнал не заверен ключом вне базы данных"
                               + said(" (karta audit key)") + ": "
                               "переписанную владельцем базы цепочку можно обнаружить только по "
                               "внешним контрольным точкам")
    elif unsealed_before:
        result.warnings.append(f"первые {unsealed_before} событий записаны до появления ключа "
                               "журнала и не заверены им")
    return replay


def _check_sessions(connection: Any, result: Verification, key: bytes | None) -> None:
    """Every browser session was opened by a (sealed) «login» event of its person."""
    from registry.accounts import session_problem

    table = WebSession.__table__  # type: ignore[attr-defined]
    for row in connection.execute(select(table)).mappings():
        problem = session_problem(connection, row, key)
        if problem:
            result.problems.append(f"сеанс веб-интерфейса {row['id'][:12]}…: {problem}")


def _check_event(values: Any, previous_seq: int, previous_hash: str) -> str | None:
    seq = values["seq"]
    what = f"событие № {seq} ({values['event']}, {values['object_ref']}, {values['login']})"
    if seq != previous_seq + 1:
        if seq > previous_seq + 1:
            return (f"после события № {previous_seq} пропущены события № {previous_seq + 1}"
                    f"–{seq - 1}: записи удалены")
        return f"{what}: нарушен порядок номеров"
    if values["prev_hash"] != previous_hash:
        return f"{what}: не совпадает ссылка на предыдущее событие (записи удалены или " \
               "переставлены)"
    if event_hash({name: values[name] for name in HASHED_FIELDS}) != values["hash"]:
        return f"{what}: содержимое изменено (хеш не совпадает)"
    return None


def _name(kind: str, row: Any) -> str:
    label = LABELS[kind]
    if kind == "document":
        return f"{label} {row['id']} («{str(row['title'])[:50]}»)"
    if kind == "person":
        return f"{label} {row['login']}"
    if kind == "template":
        return f"{label} {row['name']} v{row['version']}"
    return f"{label} {row['id']}"


def _compare_rows(connection: Any, replay: _Replay, result: Verification) -> None:
    """Every tracked row against the log: present, unchanged, not newer than the log."""
    seen: set[str] = set()
    for kind in TRACKED:
        for row in all_rows(connection, kind):
            result.rows += 1
            key = f"{kind}:{row['id']}"
            seen.add(key)
            name = _name(kind, row)
            if row["last_event"] > replay.last_seq:
                result.problems.append(
                    f"{name} изменена событием № {row['last_event']}, которого нет в журнале "
                    f"(журнал кончается событием № {replay.last_seq}): журнал обрезан")
                continue
            if kind == "template" and hashlib.sha256(row["content"]).hexdigest() != \
                    row["sha256"]:
                result.problems.append(f"{name}: содержимое шаблона изменено в обход karta "
                                       "(SHA-256 не совпадает)")
            if key not in replay.vouched:
                result.problems.append(f"{name}: записи нет в журнале (добавлена в обход "
                                       "karta)")
            elif (vouched := replay.vouched[key]) is None:
                result.problems.append(f"{name}: по журналу удалена, но есть в базе")
            elif vouched[0] != bytes.fromhex(digest(kind, row)):
                result.problems.append(f"{name}: изменена в обход журнала"
                                       + (difference(kind, row, _vouched_by(connection,
                                                                            vouched[1], key))
                                          or _occurrence_detail(kind, row, replay)))
    for key, value in replay.vouched.items():
        if value is not None and key not in seen:
            kind, _, row_id = key.partition(":")
            result.problems.append(f"{LABELS.get(kind, kind)} {row_id}: есть в журнале, но "
                                   "удалена из базы в обход karta")


def _vouched_by(connection: Any, seq: int, key: str) -> Vouched:
    """What event ``seq`` recorded of a row (read again only for a row that differs)."""
    details = connection.execute(select(_EVENTS.c.details).where(_EVENTS.c.seq == seq)
                                 ).scalar()
    return (json.loads(details or "{}").get("state") or {}).get(key)


def _occurrence_detail(kind: str, row: Any, replay: _Replay) -> str:
    if kind != "occurrence":
        return ""
    state, transitions = replay.states.get(row["id"], ("planned", 0))
    if (row["state"], row["version"]) == (state, transitions + 1):
        return ""
    return (f" (в базе «{state_label(row['state'])}», версия {row['version']}; по журналу "
            f"«{state_label(state)}», версия {transitions + 1})")


def _check_triggers(db: Database, connection: Any, result: Verification) -> None:
    if db.is_sqlite:
        present = set(connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
        for name, guards in TRIGGERS.items():
            if name not in present:
                result.problems.append(f"нет защиты «{guards}» (триггер {name} удалён): записи "
                                       "можно менять в обход karta")
        return
    present = set(connection.execute(text(
        # the tables karta uses (its search path), not a same-named one in another schema
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D' AND "
        "tgrelid IN (to_regclass('historyevent'), to_regclass('document'), "
        "to_regclass('templateversion'))")).scalars())
    for name, guards in POSTGRES_TRIGGER_NAMES.items():
        if name not in present:
            result.problems.append(f"нет защиты «{guards}» (триггер {name} удалён или "
                                   "отключён): записи можно менять в обход karta")
    owner, truncate = connection.execute(text(
        "SELECT pg_get_userbyid(c.relowner) = current_user OR "
        "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user), "
        "has_table_privilege(current_user, c.oid, 'TRUNCATE') "
        "FROM pg_class c WHERE c.oid = to_regclass('historyevent')")).one()
    if owner or truncate:
        result.warnings.append(
            "karta подключена к PostgreSQL ролью, которая может очистить или изменить таблицу "
            "журнала (владелец, суперпользователь или право TRUNCATE); для работы используйте "
            "роль без этих прав (README, раздел «PostgreSQL в учреждении»)")


# ----------------------------------------------------------------------------- checkpoints

def default_checkpoints(db: Database) -> Path:
    """Where checkpoints are kept unless told (``registry.seal.checkpoints_path``)."""
    return checkpoints_path(db.folder)


def take_checkpoint(db: Database, login: str | None, out: Path | None = None
                    ) -> dict[str, Any]:
    """The log's head (seq and hash), signed off by the person taking it, appended to a
    file outside the database that an auditor keeps."""
    with db.reading() as session:
        person = acting_person(session, login)
        org = organisation(session)
        head = session.connection().execute(select(_EVENTS.c.seq, _EVENTS.c.hash).order_by(
            _EVENTS.c.seq.desc()).limit(1)).first()
    if head is None:
        raise KartaError("журнал пуст: контрольная точка не нужна")
    mark: dict[str, Any] = {"organisation": org.full_name, "seq": head.seq, "hash": head.hash,
                            "at": utcnow().isoformat(timespec="seconds"), "by": person.login}
    target = out or default_checkpoints(db)
    try:
        append_checkpoint(target, mark, db.log_key)
    except OSError as error:
        raise KartaError(f"не удалось записать контрольную точку в {target}: "
                         f"{error.strerror or error}") from None
    return {**mark, "file": str(target)}


def _read_checkpoints(db: Database, given: list[Path]) -> list[dict[str, Any]]:
    key = db.log_key
    root = db.log_root()
    files = list(given)
    default = default_checkpoints(db)
    if default.is_file() and default not in files:
        files.append(default)
    marks = []
    for path in files:
        if not path.is_file():
            raise KartaError(f"файл контрольных точек «{path}» не найден")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                mark = json.loads(line)
                valid = mark.get("digest") == mark_digest(mark)
            except (ValueError, KeyError, TypeError, AttributeError):
                valid = False
            if not valid:
                raise KartaError(f"{path.name}, строка {number}: контрольная точка повреждена")
            if key is not None and "seal" in mark and not sealed(key, mark["digest"],
                                                                 mark["seal"]):
                raise KartaError(f"{path.name}, строка {number}: печать контрольной точки "
                                 "не совпадает с ключом журнала (точка подделана)")
            if mark.get("log") not in (None, root):
                continue  # another database's log, kept in the same file
            marks.append({**mark, "file": path.name})
    return marks


def _check_checkpoints(replay: _Replay, marks: list[dict[str, Any]],
                       result: Verification) -> None:
    for mark in marks:
        seq = int(mark["seq"])
        where = f"контрольная точка № {seq} от {str(mark['at'])[:10]} ({mark['file']})"
        if seq > replay.last_seq:
            result.problems.append(f"{where}: журнал короче — события № {replay.last_seq + 1}"
                                   f"–{seq} удалены")
        elif replay.hashes.get(seq) != mark["hash"]:
            result.problems.append(f"{where}: событие № {seq} не совпадает с зафиксированным "
                                   "(журнал переписан)")


# ----------------------------------------------------------------------------- the store

def referenced_files(connection: Any) -> set[str]:
    """Every stored file the database refers to: documents and files named by the log."""
    found = {normalise_address(path) for path in connection.execute(
        text("SELECT file_path FROM document")).scalars()}
    for files in connection.execute(text(
            "SELECT files FROM historyevent WHERE files <> '[]'")).scalars():
        found.update(normalise_address(f["path"]) for f in json.loads(files))
    for addresses in connection.execute(text("SELECT addresses FROM rendition")).scalars():
        found.update(normalise_address(address) for address in json.loads(addresses))
    return found


def check_store(db: Database, login: str | None, clean: bool = False) -> dict[str, Any]:
    """Files referenced but missing, files stored but referenced by nothing (a failed
    transaction leaves its rendered file behind), temporary leftovers of killed writers
    (removed with ``clean``)."""
    with db.reading() as session:
        acting_person(session, login)
        wanted = referenced_files(session.connection())
    stored = set(db.store.addresses())
    leftovers = db.store.leftovers()
    removed = db.store.remove_leftovers() if clean else 0
    return {"where": db.store.where, "stored": len(stored), "referenced": len(wanted),
            "missing": sorted(wanted - stored), "orphans": sorted(stored - wanted),
            "leftovers": leftovers, "removed": removed}
