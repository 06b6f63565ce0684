"""Storage: whole imports, compare-and-set transitions, history — on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from registry.database import Database
from registry.occurrences import apply_event, history, show
from registry.roadmaps import import_roadmap, list_activities, list_roadmaps
from registry.tables import Activity, Document, HistoryEvent, Occurrence, Roadmap, Section
from tests.conftest import SLAVGOROD, YENISEISK, ZAOZERSK
from workflow.errors import (
    ConcurrentUpdate,
    KartaError,
    MissingRequirement,
    RoadmapFormatError,
    TransitionNotAllowed,
    UnknownReference,
    UnknownUser,
)
from workflow.importing import Period
from workflow.machine import EVENTS


def transitions(db: Database, ref: str) -> list[dict[str, object]]:
    """The state changes in a history (documents registered on the way are events too)."""
    return [e for e in history(db, ref, "admin") if e["event"] in EVENTS]


def _counts(db: Database) -> tuple[int, int, int, int, int]:
    with db.reading() as session:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(table)).one()
            for table in (Roadmap, Section, Activity, Occurrence, HistoryEvent)
        )


def test_import_stores_everything_with_its_history(db: Database) -> None:
    result = import_roadmap(db, YENISEISK, "clerk")
    assert (result.sections, result.activities) == (6, 64)
    assert result.occurrences > 64
    roadmaps, sections, activities, occurrences, events = _counts(db)
    assert (roadmaps, sections, activities, occurrences) == (1, 6, 64, result.occurrences)
    [entry] = history(db, f"R{result.roadmap}", "admin")
    assert entry["event"] == "import" and entry["user"] == "clerk"
    [source] = entry["files"]  # type: ignore[misc]
    assert source["sha256"] == hashlib.sha256(YENISEISK.read_bytes()).hexdigest()
    assert db.store.read(source["path"]) == YENISEISK.read_bytes()


def test_occurrences_per_year_for_recurring_and_one_for_one_off(db: Database) -> None:
    result = import_roadmap(db, SLAVGOROD, "clerk", period=Period(2020, 2022))
    rows = {a["code"]: a for a in list_activities(db, "admin", result.roadmap)}
    assert [o["period"] for o in rows["1.1"]["occurrences"]] == ["2020"]  # «2020 год»
    assert [o["period"] for o in rows["2.1"]["occurrences"]] == ["2020", "2021", "2022"]
    assert [o["due"] for o in rows["2.6"]["occurrences"]] == [  # «Ежегодно, август»
        "2020-08-31", "2021-08-31", "2022-08-31"]
    assert [o["due"] for o in rows["2.9"]["occurrences"]] == [None, None, None]  # «По графику»
    assert rows["2.6"]["occurrences"][0]["ref"] == f"{result.roadmap}:2.6@2020"
    assert all(o["state"] == "planned" for a in rows.values() for o in a["occurrences"])


def test_failed_import_leaves_the_database_unchanged(db: Database, tmp_path: Path) -> None:
    import_roadmap(db, ZAOZERSK, "clerk")
    before = _counts(db)
    broken = tmp_path / "dup.txt"
    broken.write_text("Дорожная карта на 2021 год\n№\tМероприятие\tСроки\n"
                      "1\tПервое\tЕжегодно\n1\tВторое\tЕжегодно\n", encoding="utf-8")
    with pytest.raises(RoadmapFormatError):
        import_roadmap(db, broken, "clerk")
    with pytest.raises(UnknownUser):
        import_roadmap(db, YENISEISK, "stranger")
    assert _counts(db) == before


def test_the_full_cycle_with_history(db: Database, tmp_path: Path) -> None:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    ref = f"{rid}:3@2022"
    report = tmp_path / "отчёт.txt"
    report.write_text("Проведено 4 вебинара", encoding="utf-8")
    apply_event(db, ref, "start", "clerk")
    apply_event(db, ref, "report", "clerk", files=[report])
    apply_event(db, ref, "return", "head", comment="Нет данных по ОО")
    apply_event(db, ref, "report", "clerk", comment="Данные по ОО приложены")
    done = apply_event(db, ref, "analyse", "head", comment="Цели достигнуты")
    assert (done.dest, done.version) == ("analysed", 6)
    entries = transitions(db, ref)
    assert [(e["event"], e["from"], e["to"], e["user"]) for e in entries] == [
        ("start", "planned", "in_progress", "clerk"),
        ("report", "in_progress", "reported", "clerk"),
        ("return", "reported", "in_progress", "head"),
        ("report", "in_progress", "reported", "clerk"),
        ("analyse", "reported", "analysed", "head"),
    ]
    assert entries[2]["comment"] == "Нет данных по ОО"
    assert entries[1]["files"][0]["name"] == "отчёт.txt"  # type: ignore[index]
    assert str(entries[0]["at"]).endswith("+03:00")  # shown in Moscow time
    shown = show(db, ref, "admin")
    assert shown["occurrence"]["state"] == "analysed"  # type: ignore[index]
    assert shown["occurrence"]["allowed"] == []  # type: ignore[index]
    # the activity's history has the import and the five steps of that period
    assert len(transitions(db, f"{rid}:3")) == 5


def test_refused_transition_changes_nothing(db: Database) -> None:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    before = _counts(db)
    with pytest.raises(TransitionNotAllowed):
        apply_event(db, f"{rid}:1@2021", "analyse", "head", comment="выводы")
    with pytest.raises(MissingRequirement):
        apply_event(db, f"{rid}:1@2021", "cancel", "head")
    with pytest.raises(UnknownReference, match="нет исполнения за «2030»"):
        apply_event(db, f"{rid}:1@2030", "start", "clerk")
    with pytest.raises(UnknownReference, match="нет мероприятия с кодом «99»"):
        apply_event(db, f"{rid}:99@2021", "start", "clerk")
    with pytest.raises(UnknownUser):
        apply_event(db, f"{rid}:1@2021", "start", "nobody")
    assert _counts(db) == before


def test_short_refs_resolve_when_unambiguous(db: Database) -> None:
    first = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    assert apply_event(db, "4@2021", "start", "clerk").ref == f"{first}:4@2021"
    with pytest.raises(KartaError, match="уже импортирован как R1"):
        import_roadmap(db, ZAOZERSK, "clerk")
    import_roadmap(db, ZAOZERSK, "clerk", again=True)
    with pytest.raises(UnknownReference, match="неоднозначно"):
        apply_event(db, "5@2021", "start", "clerk")
    assert len(list_roadmaps(db, "admin")) == 2


def test_two_clerks_one_wins_the_other_is_told(db: Database) -> None:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    ref = f"{rid}:2@2021"
    seen = show(db, ref, "clerk")["occurrence"]["version"]  # type: ignore[index]
    apply_event(db, ref, "start", "clerk", expected_version=seen)  # type: ignore[arg-type]
    with pytest.raises(ConcurrentUpdate) as error:
        apply_event(db, ref, "cancel", "head", comment="дубль", expected_version=seen)  # type: ignore[arg-type]
    assert "изменена другим пользователем" in str(error.value)
    assert [e["event"] for e in transitions(db, ref)] == ["start"]


def test_concurrent_transitions_on_one_occurrence(db: Database) -> None:
    """Eight clerks start the same occurrence at once: exactly one succeeds."""
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    ref = f"{rid}:6@2022"
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def clerk() -> None:
        barrier.wait()
        try:
            apply_event(db, ref, "start", "clerk", expected_version=1)
            outcomes.append("ok")
        except (ConcurrentUpdate, TransitionNotAllowed) as error:
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=clerk) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1
    assert len(outcomes) == 8
    assert [e["event"] for e in transitions(db, ref)] == ["start"]


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["start", "report", "return", "analyse", "cancel"]),
                max_size=12))
def test_history_replays_to_the_stored_state(db: Database, events: list[str]) -> None:
    with db.reading() as session:
        rid = session.exec(select(Roadmap.id)).first()
    if rid is None:
        rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    with db.reading() as session:
        target = session.exec(select(Occurrence).where(Occurrence.state == "planned")).first()
        activity = session.get(Activity, target.activity_id)  # type: ignore[union-attr]
    ref = f"{rid}:{activity.code}@{target.period}"  # type: ignore[union-attr]
    for event in events:
        try:
            apply_event(db, ref, event, "admin", comment="основание")
        except TransitionNotAllowed:
            pass
    entries = transitions(db, ref)
    state = "planned"
    for entry in entries:
        assert entry["from"] == state
        state = str(entry["to"])
    stored = show(db, ref, "admin")["occurrence"]
    assert stored["state"] == state  # type: ignore[index]
    assert stored["version"] == len(entries) + 1  # type: ignore[index]


def test_a_document_is_registered_only_once_its_file_is_on_disk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file of a generated document is synced in the background while the transaction
    runs; the transaction commits only after the sync, and a failed sync (a disk error)
    refuses the transition with nothing written."""
    import errno

    import registry.files
    from registry.people import initialise
    from tests.conftest import ADMIN_NAME, PROFILE

    db = Database(f"sqlite:///{tmp_path / 'karta.db'}", tmp_path / "files")
    initialise(db, PROFILE, admin_name=ADMIN_NAME)
    rid = import_roadmap(db, ZAOZERSK, "admin").roadmap
    first, second = [str(o["ref"]) for a in list_activities(db, "admin", rid)
                     for o in a["occurrences"]][:2]  # type: ignore[union-attr]
    synced: list[Path] = []
    real = registry.files._sync_and_rename

    def slow(fd: int, temporary: str, target: Path) -> None:
        import time

        time.sleep(0.3)  # a slow disk: the transaction must wait for it
        real(fd, temporary, target)
        synced.append(target)

    monkeypatch.setattr(registry.files, "_sync_and_rename", slow)
    done = apply_event(db, first, "start", "admin", order=True)
    assert len(synced) == 1 and synced[0].read_bytes()[:2] == b"PK"
    assert db.store.exists(str(done.documents[0]["file"]))

    def broken(fd: int, temporary: str, target: Path) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(registry.files, "_sync_and_rename", broken)
    with pytest.raises(KartaError, match="не удалось записать файл в хранилище"):
        apply_event(db, second, "start", "admin", order=True)
    assert show(db, second, "admin")["occurrence"]["state"] == "planned"  # type: ignore[index]
    with db.reading() as session:
        assert session.exec(select(func.count()).select_from(Document)).one() == 1
    assert not list((tmp_path / "files").glob("*/*/.incoming-*"))
    db.dispose()
