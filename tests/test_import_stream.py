"""Large imports stream: rows written in chunks, vouched for by the log in parts, one
transaction. The chunk and the part are made small here, so that a seed roadmap spans
several of each; what the log proves must be exactly what one event proved."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import registry.imports as imports
from registry.database import Database
from registry.roadmaps import import_roadmap
from registry.state import SHOWN, summary, vouch_written
from registry.verify import verify
from tests.conftest import ZAOZERSK, run_sql

_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
                    st.dates(), st.floats(allow_nan=False), st.datetimes())


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(min_size=1), _VALUES, min_size=1), st.integers(1, 10**9))
def test_rows_vouched_as_written_have_the_digests_verify_computes(
        row: dict[str, Any], row_id: int) -> None:
    """Any column names and values (quotes, control characters, dates, numbers): the
    digest written out column by column is ``summary``'s, byte for byte."""
    row = {**row, "id": row_id}
    shown_values = ["выполняется", 1, date(2022, 5, 31), None, "«Проведение»\n\"ВПР\""]
    for kind in ("activity", "occurrence", "activity_unit"):
        whole = {**{name: shown_values[index % len(shown_values)]
                    for index, name in enumerate(SHOWN.get(kind, {}))}, **row}
        assert vouch_written(kind, [whole]) == {f"{kind}:{row_id}": summary(kind, whole)}


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "ACTIVITY_CHUNK", 3)
    monkeypatch.setattr(imports, "EVENT_ROWS", 25)


def _events(db: Database) -> list[tuple[int, str, str]]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(  # type: ignore[misc]
            "SELECT seq, event, details FROM historyevent ORDER BY seq")]


def _counts(db: Database) -> tuple[int, ...]:
    with db.engine.connect() as connection:
        return tuple(int(connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
                         or 0) for table in ("roadmap", "activity", "occurrence",
                                             "activityunit", "historyevent"))


def test_an_import_in_parts_is_vouched_for_row_by_row(db: Database, small_parts: None) -> None:
    before = len(_events(db))
    result = import_roadmap(db, ZAOZERSK, "clerk")
    events = _events(db)[before:]
    kinds = [event for _, event, _ in events]
    assert kinds[-1] == "import" and set(kinds[:-1]) == {"import_rows"} and len(kinds) > 3
    vouched: dict[str, object] = {}
    for _, _, details in events:
        vouched.update(json.loads(details)["state"])
    # every row the import wrote, once, by exactly one event
    assert sum(len(json.loads(d)["state"]) for _, _, d in events) == len(vouched)
    assert sum(key.startswith("occurrence:") for key in vouched) == result.occurrences
    assert sum(key.startswith("activity:") for key in vouched) == result.activities
    check = verify(db, "admin")
    assert check.ok, check.problems


def test_a_row_of_a_middle_part_edited_or_deleted_behind_karta_is_named(
        db: Database, small_parts: None) -> None:
    import_roadmap(db, ZAOZERSK, "clerk")
    events = _events(db)
    middle = [json.loads(d)["state"] for _, event, d in events if event == "import_rows"][1]
    occurrence = min(int(key.split(":")[1]) for key in middle if key.startswith("occurrence:"))
    link = min(int(key.split(":")[1]) for key in middle if key.startswith("activity_unit:"))
    run_sql(db, f"UPDATE occurrence SET state = 'analysed' WHERE id = {occurrence}",
            f"DELETE FROM activityunit WHERE id = {link}")
    result = verify(db, "admin")
    problems = "\n".join(result.problems)
    assert f"исполнение {occurrence}: изменена в обход журнала" in problems
    assert f"исполнитель мероприятия {link}: есть в журнале, но удалена из базы" in problems


def test_a_part_event_cut_from_the_log_breaks_the_chain(db: Database, small_parts: None) -> None:
    import_roadmap(db, ZAOZERSK, "clerk")
    seq = [seq for seq, event, _ in _events(db) if event == "import_rows"][2]
    if db.is_sqlite:
        run_sql(db, "DROP TRIGGER IF EXISTS historyevent_no_delete",
                f"DELETE FROM historyevent WHERE seq = {seq}")
    else:
        run_sql(db, "ALTER TABLE historyevent DISABLE TRIGGER USER",
                f"DELETE FROM historyevent WHERE seq = {seq}",
                "ALTER TABLE historyevent ENABLE TRIGGER USER")
    problems = "\n".join(verify(db, "admin").problems)
    assert f"пропущены события № {seq}" in problems


def test_a_failure_in_a_late_chunk_leaves_the_database_as_it_was(
        db: Database, small_parts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _counts(db)
    write = imports._Writer.write
    calls = []

    def failing(self: imports._Writer, chunk: list[Any]) -> None:
        calls.append(len(chunk))
        if len(calls) == 5:  # after parts were vouched for by their events
            raise RuntimeError("диск заполнен")
        write(self, chunk)

    monkeypatch.setattr(imports._Writer, "write", failing)
    with pytest.raises(RuntimeError, match="диск заполнен"):
        import_roadmap(db, ZAOZERSK, "clerk")
    assert _counts(db) == before
    assert verify(db, "admin").ok


def test_a_small_import_is_one_event_as_before(db: Database) -> None:
    before = len(_events(db))
    import_roadmap(db, ZAOZERSK, "clerk")
    assert [event for _, event, _ in _events(db)[before:]] == ["import"]


_SST = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main"><si><t>План &amp; «отчёт»</t></si><si><t xml:space="preserve">  пробелы  '
        '</t></si><si><t/></si><si><r><rPr><b/></rPr><t>жирный</t></r><r><t xml:space='
        '"preserve"> и простой</t></r></si><si><t>漢字</t><rPh sb="0" eb="1"><t>かんじ</t>'
        '</rPh><phoneticPr fontId="1"/></si><si><t>x005F_x000D_ строка</t></si><si><t>'
        '<![CDATA[<b>cdata</b>]]></t></si><si/><si><t>a</t><t>b</t></si><si><r><t>1</t></r>'
        '<t>2</t></si><si><r><t>x</t><t>y</t></r><r/></si></sst>').encode()


def test_shared_strings_are_read_as_openpyxl_reads_them() -> None:
    """Rich runs, phonetic runs, entities, CDATA, «x005F_», empty and odd ``si``: the
    same list as openpyxl's own reader, which the sheet's rows index."""
    import io

    from openpyxl.reader.strings import read_string_table

    from workflow.importing.excel import shared_strings

    assert shared_strings(io.BytesIO(_SST)) == list(read_string_table(io.BytesIO(_SST)))


def test_a_row_the_database_refuses_mid_import_rolls_everything_back(
        db: Database, small_parts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row refused by the database itself (here: an id taken twice) in a late chunk,
    through SQLite's executemany or PostgreSQL's COPY: SQLAlchemy's error, nothing kept."""
    from sqlalchemy.exc import IntegrityError

    before = _counts(db)
    reserve = imports._Writer.reserve
    calls: list[str] = []

    def twice(self: imports._Writer, kind: str, count: int) -> list[int]:
        calls.append(kind)
        ids = reserve(self, kind, count)
        return [ids[0]] * count if len(calls) == 10 else ids

    monkeypatch.setattr(imports._Writer, "reserve", twice)
    with pytest.raises(IntegrityError):
        import_roadmap(db, ZAOZERSK, "clerk")
    assert _counts(db) == before
