"""The history of decisions: writing an event in the caller's transaction, reading it back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, insert
from sqlmodel import Session, col, func, or_, select

from registry.database import LOG_LOCK_SQL, utcnow
from registry.files import StoredFile
from registry.seal import seal
from registry.state import Touch, Vouched, vouch
from registry.tables import HistoryEvent, Organisation, Person

# where the acting person is: set by a front end for its request («веб, 10.0.0.5»), and
# recorded with every event written while handling it
CLIENT: ContextVar[str] = ContextVar("karta_client", default="")


@dataclass
class LoggedEvent:
    """An event as just written by ``record`` (the columns of ``HistoryEvent``)."""

    id: int
    seq: int
    at: datetime
    login: str
    roadmap_id: int | None
    activity_id: int | None
    occurrence_id: int | None
    object_ref: str
    event: str
    from_state: str
    to_state: str
    comment: str
    files: str
    details: str
    prev_hash: str
    hash: str
    organisation_id: int | None = None
    seal: str = ""


def record(session: Session, *, login: str, object_ref: str, event: str,
           roadmap_id: int | None = None, activity_id: int | None = None,
           occurrence_id: int | None = None, from_state: str = "", to_state: str = "",
           comment: str = "", files: list[StoredFile] | None = None,
           details: dict[str, object] | None = None,
           touches: Iterable[Touch] = (), seq: int | None = None,
           stamp: bool = True, vouched: Mapping[str, Vouched] | None = None) -> LoggedEvent:
    """Append an event to the hash-chained log; it lands with the caller's transaction.

    ``touches`` names the state-bearing rows the event changed (call ``record`` after the
    last change to them): each gets the event's ``seq`` as ``last_event`` and the event
    records their digests, so ``audit verify`` can replay the log against the tables.
    The writer holds the log lock (BEGIN IMMEDIATE on SQLite, an advisory lock on
    PostgreSQL, see ``Database.transaction``), so the last event cannot change under us.

    A writer that stamped its rows itself (``stamp=False``: inserted with ``last_event``
    already set) names the ``seq`` it planned with ``next_seq``; a different one is a bug.
    ``vouched`` is what ``registry.state.vouch_written`` made of rows written whole with
    that ``last_event``: recorded beside the touched rows' own.
    """
    last = _log_head(session)
    planned, seq = seq, (last.seq + 1) if last else 1
    if planned is not None and planned != seq:
        raise RuntimeError(f"event {seq} written where {planned} was planned")
    connection = session.connection()
    details = dict(details or {})
    if CLIENT.get():
        details["client"] = CLIENT.get()
    if session.info.get("acting_for"):  # «Петрова за Андрееву»: a deputy's decision
        details["acting_for"] = [who["login"] for who in session.info["acting_for"]]
    organisation = session.info.get("organisation_id")
    if organisation is None and login:
        # nobody acts yet (a log-in, a refusal): the event is the login's organisation's,
        # so that its auditors see the attempts on their people (unknown logins: nobody's)
        organisation = connection.execute(_ORGANISATION_OF, {"login": login}).scalar()
        if organisation is None:  # an unknown login or token: the database's first
            # organisation (the department, or the region's ministry) keeps the attempt
            organisation = connection.execute(_FIRST_ORGANISATION).scalar()
    if organisation is not None:
        # whose decision it is, under the hash (the column beside is for reading by it)
        details["organisation"] = organisation
    touched = list(touches)
    if touched or vouched:
        details["state"] = {**(vouched or {}), **vouch(connection, touched, seq, stamp)}
    values: dict[str, Any] = {
        "seq": seq, "at": utcnow(), "login": login,
        "organisation_id": organisation,
        "roadmap_id": roadmap_id, "activity_id": activity_id, "occurrence_id": occurrence_id,
        "object_ref": object_ref, "event": event, "from_state": from_state,
        "to_state": to_state, "comment": comment or "",
        "files": json.dumps([f.as_dict() for f in files or []], ensure_ascii=False),
        "details": json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
        "prev_hash": last.hash if last else GENESIS,
    }
    values["hash"] = event_hash(values)
    key = session.info.get("log_key")
    values["seal"] = seal(key, values["hash"]) if key else ""
    session.info["log_head"] = (seq, values["hash"])  # sealed in a checkpoint after commit
    # only ``record`` appends: the next event of this transaction follows this one
    session.info["log_tail"] = (session.get_transaction(), seq, values["hash"])
    # a Core insert: the ORM's unit of work costs more than the whole statement here
    new_id = connection.execute(_INSERT_EVENT, values).scalar_one()
    assert new_id is not None
    return LoggedEvent(id=new_id, **values)


def next_seq(session: Session) -> int:
    """The ``seq`` the next event of this transaction will have; from here on the log's
    head is held (PostgreSQL: the advisory lock, until the transaction ends)."""
    last = _log_head(session)
    return (last.seq + 1) if last else 1


def _log_head(session: Session) -> Any:
    session.flush()
    transaction = session.get_transaction()
    held = session.info.get("log_tail")
    if held is not None and transaction is not None and held[0] is transaction:
        # this transaction appended the last event and holds the log's head since
        return LogHead(held[1], held[2])
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # the log's head, until this transaction ends: the last event stays last (taken
        # again by an exclusive transaction, which already holds it: that is free)
        connection.exec_driver_sql(LOG_LOCK_SQL)
    return connection.execute(_LAST_EVENT).first()


@dataclass(frozen=True)
class LogHead:
    """The last event, as this transaction appended it."""

    seq: int
    hash: str


_ORGANISATION_OF = select(col(Person.organisation_id)).where(
    col(Person.login) == bindparam("login"))
_FIRST_ORGANISATION = select(func.min(col(Organisation.id)))
GENESIS = "0" * 64
_INSERT_EVENT = insert(HistoryEvent).returning(col(HistoryEvent.id))
_LAST_EVENT = (select(col(HistoryEvent.seq), col(HistoryEvent.hash))
               .order_by(col(HistoryEvent.seq).desc()).limit(1))
HASHED_FIELDS = ("seq", "at", "login", "roadmap_id", "activity_id", "occurrence_id",
                 "object_ref", "event", "from_state", "to_state", "comment", "files", "details",
                 "prev_hash")


def canonical_time(at: datetime) -> str:
    """A time as hashed: UTC, microseconds, whatever the database gives back."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(values: dict[str, object]) -> str:
    """SHA-256 of an event's canonical content (sorted JSON of its fields)."""
    content = {name: values.get(name) for name in HASHED_FIELDS}
    content["at"] = canonical_time(values["at"])  # type: ignore[arg-type]
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def local_time(at: datetime, zone: str) -> datetime:
    """A stored UTC time in the organisation's time zone."""
    if at.tzinfo is None:  # databases without time zones give UTC back without an offset
        at = at.replace(tzinfo=UTC)
    return at.astimezone(ZoneInfo(zone))


def events_for(session: Session, *, roadmap_id: int | None = None,
               activity_id: int | None = None,
               occurrence_ids: list[int] | None = None) -> list[HistoryEvent]:
    """Events about a roadmap (all of it), an activity (and its occurrences) or occurrences."""
    query = select(HistoryEvent)
    if occurrence_ids is not None and activity_id is not None:
        query = query.where(or_(col(HistoryEvent.occurrence_id).in_(occurrence_ids),
                                HistoryEvent.activity_id == activity_id))
    elif occurrence_ids is not None:
        query = query.where(col(HistoryEvent.occurrence_id).in_(occurrence_ids))
    elif roadmap_id is not None:
        query = query.where(HistoryEvent.roadmap_id == roadmap_id)
    return list(session.exec(query.order_by(col(HistoryEvent.at), col(HistoryEvent.id))))


def event_as_dict(entry: HistoryEvent, zone: str,
                  names: dict[str, str] | None = None) -> dict[str, object]:
    """The JSON shape of ``karta history --json`` (with ``names``, the person's name too)."""
    details = json.loads(entry.details or "{}")
    name = (names or {}).get(entry.login, entry.login)
    if details.get("acting_for"):  # «Петрова О.Н. за Андрееву С.Л.»: a deputy's decision
        name += " за " + ", ".join((names or {}).get(who, who) for who in details["acting_for"])
    return {
        "at": local_time(entry.at, zone).isoformat(timespec="seconds"),
        "user": entry.login,
        "name": name,
        "object": entry.object_ref,
        "event": entry.event,
        "from": entry.from_state or None,
        "to": entry.to_state or None,
        "comment": entry.comment or None,
        "files": json.loads(entry.files or "[]"),
        "details": {key: value for key, value in details.items() if key != "state"},
    }


EVENT_LABELS = {
    "init": "создание базы", "import": "импорт дорожной карты",
    "import_rows": "импорт дорожной карты, записи", "person_add": "новый пользователь",
    "document_draft": "проект документа", "document_register": "документ зарегистрирован",
    "sign": "подписание", "approve_draft": "проект приказа об утверждении",
    "correct_draft": "проект исправляющего приказа", "denied": "отказ в доступе",
    "grant": "выдана роль", "revoke": "отозвана роль", "set_period": "изменён период",
    "set_deadline": "изменены сроки", "occurrence_add": "добавлено исполнение",
    "annual_report": "информация за год", "profile": "изменён профиль",
    "approved": "дорожная карта утверждена", "plan": "план на год",
    "template_add": "новая версия шаблона", "template_activate": "активная версия шаблона",
    "rule_add": "новое правило", "rule_remove": "правило удалено",
    "login": "вход", "login_failed": "неудачный вход", "logout": "выход",
    "passwd": "задан пароль", "token_create": "выдан токен", "token_revoke": "отозван токен",
    "upgrade": "обновление схемы", "restore": "восстановление из копии",
    "unit_add": "новое подразделение", "unit_map": "сопоставление исполнителя",
    "calendar_token": "ссылка на календарь", "approve": "утверждение дорожной карты",
    "person_edit": "изменены данные пользователя", "journal_set": "продолжение журнала",
    "document_external": "зарегистрирован приказ, изданный вне karta",
    "document_rerender": "проект пересобран по новой версии шаблона",
    "revise": "правка проекта из файла", "visa_route": "проект направлен на визы",
    "visa_given": "виза", "visa_returned": "проект возвращён с замечаниями",
    "basis": "основание приказов",
    "assignment_report": "отчёт исполнителя", "assignment_accept": "отчёт исполнителя принят",
    "assignment_return": "отчёт исполнителя возвращён на доработку",
    "assignment_withdraw": "задание снято с исполнителя",
    "extension_request": "запрошено продление срока", "extension_granted": "срок продлён",
    "extension_refused": "в продлении срока отказано",
    "substitution": "замещение", "reminders": "напоминания о сроках",
    "mail_settings": "почтовый сервер",
    "indicator_add": "новый показатель", "indicator_target": "целевое значение показателя",
    "indicator_submit": "представлены значения показателей",
    "indicator_accept": "значение показателя принято",
    "indicator_return": "значение показателя возвращено на доработку",
    "indicator_correct": "значение показателя исправлено",
    "indicator_exclude": "значение показателя исключено из мониторинга",
    "monitoring_note": "справка о результатах мониторинга показателей",
    "monitoring_order": "проект приказа об итогах мониторинга показателей",
    "acquainted": "ознакомление с приказом", "comment": "комментарий",
}


def event_title(event: str) -> str:
    """An event's name for people («представить отчёт», «подписание»)."""
    from workflow.machine import EVENTS, event_label

    return event_label(event) if event in EVENTS else EVENT_LABELS.get(event, event)
DOCUMENT_STATES = {"draft": "проект", "signed": "подписан", "registered": "зарегистрирован",
                   "imported": "импортирована", "approved": "утверждена"}
VISA_STATES = {"pending": "ожидает визы", "given": "виза получена",
               "returned": "возвращён с замечаниями"}


def state_words(state: str, event: str = "") -> str:
    """Any state people read about — a document's, a visa's, an occurrence's, an
    assignment's — in their words, never the internal key; ``event`` says whose state it
    is where two lifecycles share a name («returned»: a visa, an assignment)."""
    from workflow.assignments import assignment_machine
    from workflow.machine import occurrence_machine, state_label

    if event.startswith(("assignment_", "extension_")):
        spec = assignment_machine().states.get(state)
        if spec:
            return spec.label
    if event.startswith("indicator_"):
        from workflow.indicators import value_machine

        found = value_machine().states.get(state)
        if found:
            return found.label
    if state in DOCUMENT_STATES:
        return DOCUMENT_STATES[state]
    if state in VISA_STATES:
        return VISA_STATES[state]
    if state in occurrence_machine().states:
        return state_label(state)
    spec = assignment_machine().states.get(state)
    return spec.label if spec else state


def describe_event(entry: dict[str, object]) -> str:
    """One line of history for people: time, who, what, from → to, why, which files."""
    from workflow.machine import EVENTS, event_label, state_label

    def label(state: object) -> str:
        return DOCUMENT_STATES.get(str(state)) or state_label(str(state))

    event = str(entry["event"])
    from documents.russian import screen_date

    at = screen_date(str(entry["at"]))
    what = event_label(event) if event in EVENTS else EVENT_LABELS.get(event, event)
    move = ""
    if entry.get("from") or entry.get("to"):
        source = label(entry["from"]) if entry.get("from") else "—"
        move = f" ({source} → {label(entry['to']) if entry.get('to') else '—'})"
    comment = f": {entry['comment']}" if entry.get("comment") else ""
    files = "".join(f" [файл {f['name']}, SHA-256 {str(f['sha256'])[:12]}…]"  # type: ignore[index]
                    for f in entry.get("files") or [])  # type: ignore[attr-defined]
    return f"{at} {entry['user']} — {what}{move}{comment}{files}"
