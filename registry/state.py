"""What the log vouches for: the state of every state-bearing row.

Each event names the rows it changed and records a digest of each row as it left the
transaction (``details["state"]``: ``{"occurrence:17": "<sha256>", "document:5": …}``; None for a
deleted row), and each such row gets the event's ``seq`` in ``last_event``. Replaying the log
therefore gives the state every row must have now; ``audit verify`` compares it with the
tables and names each difference — a row edited behind karta's back, a row added or deleted
without an event, a row changed by an event that is no longer in the log.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from json.encoder import encode_basestring  # what JSONEncoder(ensure_ascii=False) uses
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.engine import Connection

from registry.tables import (
    Acquaintance,
    Activity,
    ActivityUnit,
    ApiToken,
    Assignment,
    Comment,
    Document,
    DraftRevision,
    Indicator,
    IndicatorValue,
    Occurrence,
    Organisation,
    Person,
    Roadmap,
    Section,
    Substitution,
    TemplateRule,
    TemplateVersion,
    Unit,
    UnitAlias,
    Visa,
)

TRACKED: dict[str, Any] = {
    "organisation": Organisation, "person": Person, "unit": Unit, "unit_alias": UnitAlias,
    "roadmap": Roadmap, "section": Section, "activity": Activity,
    "activity_unit": ActivityUnit, "occurrence": Occurrence, "document": Document,
    "template": TemplateVersion, "rule": TemplateRule, "token": ApiToken,
    "revision": DraftRevision, "visa": Visa, "assignment": Assignment,
    "substitution": Substitution, "indicator": Indicator, "indicator_value": IndicatorValue,
    "acquaintance": Acquaintance, "comment": Comment,
}
# columns that are not decisions: the bytes of a template (its SHA-256 is vouched and checked
# against them), and the counters of failed log-ins
UNVOUCHED = {"template": {"content"}, "person": {"failed_logins", "locked_until"}}
LABELS = {
    "organisation": "профиль организации", "person": "пользователь", "unit": "подразделение",
    "unit_alias": "сопоставление исполнителя", "roadmap": "дорожная карта",
    "section": "раздел", "activity": "мероприятие", "activity_unit": "исполнитель мероприятия",
    "occurrence": "исполнение", "document": "документ", "template": "шаблон",
    "rule": "правило", "token": "токен доступа", "revision": "правка проекта",
    "visa": "виза", "assignment": "задание исполнителю", "substitution": "замещение",
    "indicator": "показатель", "indicator_value": "значение показателя",
    "acquaintance": "ознакомление с приказом", "comment": "комментарий",
}
# columns recorded in full beside the digest, so that verify can say what changed
SHOWN = {
    "document": {"status": "состояние", "number_text": "номер", "doc_date": "дата",
                 "template_sha256": "SHA-256 шаблона", "context": "данные документа",
                 "file_sha256": "SHA-256 файла"},
    "occurrence": {"state": "состояние", "version": "версия", "due": "срок"},
    "person": {"roles": "роли", "full_name": "ФИО", "unit_id": "подразделение",
               "password_hash": "пароль"},
    "template": {"sha256": "SHA-256", "active": "активна"},
    "roadmap": {"title": "название", "first_year": "начало периода",
                "last_year": "конец периода", "approved_document_id": "приказ об утверждении"},
    "activity": {"title": "наименование", "deadline_text": "сроки",
                 "executors_text": "ответственные"},
    "organisation": {"full_name": "наименование", "head_name": "руководитель"},
    "revision": {"document_id": "документ", "number": "номер правки",
                 "file_sha256": "SHA-256 файла"},
    "visa": {"document_id": "документ", "person_name": "кому", "status": "состояние",
             "remarks": "замечания"},
    "assignment": {"executor": "исполнитель", "state": "состояние", "due": "срок"},
    "indicator": {"name": "наименование", "targets": "целевые значения", "active": "действует"},
    "indicator_value": {"state": "состояние", "value": "значение", "numerator": "числитель",
                        "denominator": "знаменатель"},
}
_HASHED = {"context", "password_hash"}  # long or secret: shown by their SHA-256
_CHUNK = 500

Vouched = str | dict[str, Any] | None

Touch = tuple[str, int]


def table_of(kind: str) -> Table:
    return TRACKED[kind].__table__  # type: ignore[no-any-return]


_AS_IS = frozenset((str, int, bool, float, type(None)))


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:  # most columns: asked hundreds of thousands of times
        return value
    if isinstance(value, datetime):
        from registry.history import canonical_time

        return canonical_time(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical(kind: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """The vouched columns of a row, as plain JSON values."""
    skip = UNVOUCHED.get(kind, ())
    return {name: value if type(value) in _AS_IS else _plain(value)
            for name, value in row.items() if name not in skip}


# json.dumps(…, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str), the
# encoder made once: the same text, without building an encoder for each of a large
# import's hundreds of thousands of rows
_CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                                   default=str)


def digest(kind: str, row: Mapping[str, Any]) -> str:
    text = _CANONICAL_JSON.encode(canonical(kind, row))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def summary(kind: str, row: Mapping[str, Any]) -> Vouched:
    """What the log records of a row: its digest, with its shown columns for some kinds."""
    sha = digest(kind, row)
    return _with_shown(kind, row, sha) if kind in SHOWN else sha


def _with_shown(kind: str, row: Mapping[str, Any], sha: str) -> dict[str, Any]:
    fields = {}
    for name in SHOWN[kind]:
        value = _plain(row[name])
        if name in _HASHED and value is not None:
            value = hashlib.sha256(str(value).encode("utf-8")).hexdigest()[:16]
        fields[name] = value
    return {"sha": sha, "f": fields}


def vouched_digest(value: Vouched) -> str | None:
    return value.get("sha") if isinstance(value, dict) else value


def difference(kind: str, row: Mapping[str, Any], value: Vouched) -> str:
    """Which shown column of a row differs from what the log recorded, in Russian."""
    if not isinstance(value, dict):
        return ""
    now = summary(kind, row)
    assert isinstance(now, dict)
    for name, label in SHOWN.get(kind, {}).items():
        before, after = value["f"].get(name), now["f"].get(name)
        if before != after:
            return f" ({label}: в базе «{str(after)[:40]}», по журналу «{str(before)[:40]}»)"
    return ""


def vouch(connection: Connection, touches: Iterable[Touch], seq: int,
          stamp: bool = True) -> dict[str, Vouched]:
    """Stamp the touched rows with the event's ``seq`` and return what the log records of
    each (None for a row that no longer exists), in the caller's transaction; with
    ``stamp=False`` the rows were written with that ``last_event`` already."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, row_id in touches:
        if kind not in TRACKED:
            raise ValueError(f"unknown state kind {kind}")
        by_kind[kind].add(int(row_id))
    state: dict[str, Vouched] = {}
    for kind, ids in sorted(by_kind.items()):
        table = table_of(kind)
        for chunk in _chunks(sorted(ids)):
            # stamped and read back in one statement (the row as the update left it)
            result = connection.execute(
                update(table).where(table.c.id.in_(chunk)).values(last_event=seq)
                .returning(*table.c) if stamp else
                select(table).where(table.c.id.in_(chunk)))
            names = list(result.keys())
            at = names.index("id")
            found = {row[at]: summary(kind, dict(zip(names, row, strict=True)))
                     for row in result}
            for row_id in chunk:
                state[f"{kind}:{row_id}"] = found.get(row_id)
    return state


def vouch_written(kind: str, rows: list[dict[str, Any]]) -> dict[str, Vouched]:
    """What the log records of rows as just written (``last_event`` set to the event's
    ``seq``), without reading them back: the rows, all with the same columns, hold every
    column of their table as ``vouch`` would read it (``written_whole`` says so; else
    vouch for them by reading).

    The digests are those of ``digest``, the canonical JSON written out column by column
    (a large import has hundreds of thousands of rows; sorting and encoding a dict for
    each costs twice as much); a value of any other type takes ``digest`` itself."""
    if not rows:
        return {}
    skip = UNVOUCHED.get(kind, ())
    names = sorted(name for name in rows[0] if name not in skip)
    keys = [f"{encode_basestring(name)}:" for name in names]
    shown = SHOWN.get(kind)
    state: dict[str, Vouched] = {}
    for row in rows:
        parts = []
        for key, name in zip(keys, names, strict=True):
            value = row[name]
            kind_of = type(value)
            if kind_of is str:
                parts.append(key + encode_basestring(value))
            elif kind_of is int:
                parts.append(key + int.__repr__(value))
            elif value is None:
                parts.append(key + "null")
            elif kind_of is bool:
                parts.append(key + ("true" if value else "false"))
            elif kind_of is date:
                parts.append(f'{key}"{value.isoformat()}"')
            else:
                state[f"{kind}:{row['id']}"] = summary(kind, row)
                break
        else:
            text = "{" + ",".join(parts) + "}"
            sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
            state[f"{kind}:{row['id']}"] = _with_shown(kind, row, sha) if shown else sha
    return state


def written_whole(kind: str, row: Mapping[str, Any]) -> bool:
    """Whether a row about to be written names exactly the columns of its table, ``id``
    aside: then what was written is what the database holds."""
    return set(row) | {"id"} == set(table_of(kind).c.keys())


def all_rows(connection: Connection, kind: str) -> Iterator[Mapping[str, Any]]:
    """Every row of a tracked table, streamed."""
    table = table_of(kind)
    result = connection.execution_options(yield_per=5000).execute(
        select(table).order_by(table.c.id))
    for row in result:
        yield dict(row._mapping)


def every_row(connection: Connection) -> list[Touch]:
    """Every tracked row (the baseline an upgrade vouches for)."""
    touches: list[Touch] = []
    for kind in TRACKED:
        table = table_of(kind)
        touches.extend((kind, row_id) for row_id in connection.execute(
            select(table.c.id)).scalars())
    return touches


def matches_log(connection: Connection, kind: str, row_id: int) -> bool:
    """Whether a row is as the last event that changed it left it: what ``audit verify``
    checks for every row, asked for one row before it is relied on (a template version
    before it renders anything)."""
    from registry.tables import HistoryEvent

    table = table_of(kind)
    row = connection.execute(select(table).where(table.c.id == row_id)).mappings().first()
    if row is None:
        return False
    details = connection.execute(select(HistoryEvent.details).where(  # type: ignore[call-overload]
        HistoryEvent.seq == row["last_event"])).scalar()
    if details is None:
        return False
    vouched = json.loads(details).get("state", {}).get(f"{kind}:{row_id}")
    return vouched_digest(vouched) == digest(kind, dict(row))
