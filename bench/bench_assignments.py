"""Assignments at the size of a region (issue 20): ORGS organisations × 30 schools × 100
activities × 3 years ≈ 360,000 assignments in one SQLite database, then the pages a school,
a clerk and a head open every day, each timed as the service computes it (server time,
without HTML), against a baseline in the same run: counting the organisation's assignments
with one raw SQL statement.

    .venv/bin/python bench/bench_assignments.py [ORGS]

The database is built with the real schema and karta's services for the structure
(organisations, people, units, a real roadmap imported and started through karta once per
organisation), and bulk rows for the volume (occurrences and assignments copied from the
started ones, as many as a region has), so building stays within minutes.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCHOOLS = 30
ACTIVITIES = 100
YEARS = (2025, 2026, 2027)
RUNS = 7


def build(folder: Path, orgs: int) -> None:
    organisations(folder, orgs)
    _bulk(folder / "karta.db", orgs)


def organisations(folder: Path, orgs: int) -> None:
    """The ministry and ``orgs`` departments through karta's services: an admin, a clerk
    and a head each, and SCHOOLS schools with a person each (their units)."""
    from registry.database import Database
    from registry.people import Profile, add_organisation, add_person, initialise

    db = Database(f"sqlite:///{folder / 'karta.db'}", folder / "files")
    initialise(db, Profile(full_name="Министерство образования края", short_name="Министерство",
                           head_name="И.И. Иванов", head_position="Министр"),
               admin_login="minister", admin_name="Иванов Иван Иванович", code="region",
               kind="region")
    for number in range(orgs):
        code = f"d{number:02d}"
        add_organisation(db, "minister", code, Profile(
            full_name=f"Управление образования района {number}", short_name=f"УО {number}",
            head_name="С.Л. Андреева", head_position="Начальник"), f"{code}-admin",
            "Андреева Светлана Леонидовна")
        add_person(db, f"{code}-admin", f"{code}-clerk", "Белокреницкая Елена Викторовна", "f",
                   "специалист", ["clerk"])
        add_person(db, f"{code}-admin", f"{code}-head", "Андреева Светлана Леонидовна", "f",
                   "начальник", ["head"])
        for school in range(1, SCHOOLS + 1):
            add_person(db, f"{code}-admin", f"{code}-s{school}", "Петров Пётр Петрович", "m",
                       "завуч", ["executor"], unit=f"МБОУ СОШ № {school}")
    db.dispose()


def _bulk(path: Path, orgs: int) -> None:
    """Roadmaps, activities, occurrences and assignments for every organisation, as rows."""
    randomness = random.Random(2026)
    connection = sqlite3.connect(path)
    cursor = connection.cursor()
    now = "2026-12-07 10:00:00"
    for organisation in range(2, orgs + 2):  # 1 is the ministry
        cursor.execute(
            "INSERT INTO roadmap (organisation_id, title, first_year, last_year, source_name, "
            "source_sha256, imported_at, imported_by, school_years, basis, last_event) "
            "VALUES (?, 'Дорожная карта', 2025, 2027, 'карта.docx', ?, ?, 'bench', 0, '', 0)",
            (organisation, f"{organisation:064d}", now))
        roadmap = cursor.lastrowid
        units = [row[0] for row in cursor.execute(
            "SELECT id FROM unit WHERE organisation_id = ?", (organisation,))]
        for position in range(ACTIVITIES):
            cursor.execute(
                "INSERT INTO activity (roadmap_id, code, title, deadline_text, deadline_kind, "
                "deadline_flagged, executors, executors_text, planned_result, position, "
                "last_event) VALUES (?, ?, ?, 'Ежегодно', 'yearly', 0, '[\"ОО\"]', 'ОО', '', "
                "?, 0)", (roadmap, str(position + 1), f"Мероприятие {position + 1}", position))
            activity = cursor.lastrowid
            cursor.execute("INSERT INTO activityunit (activity_id, name, unit_id, unit_group, "
                           "last_event) VALUES (?, 'ОО', NULL, 'general', 0)", (activity,))
            for year in YEARS:
                due = date(year, randomness.randint(1, 12), 28)
                state = "in_progress" if year >= 2026 else "analysed"
                cursor.execute(
                    "INSERT INTO occurrence (activity_id, period, period_start, due, "
                    "due_nominal, state, version, last_event) VALUES (?, ?, ?, ?, ?, ?, 1, 0)",
                    (activity, str(year), f"{year}-01-01", due.isoformat(), due.isoformat(),
                     state))
                occurrence = cursor.lastrowid
                school_due = (due - timedelta(days=7)).isoformat()
                rows = []
                for unit in units:
                    owing = state == "in_progress" and randomness.random() < 0.6
                    reported = None if owing else f"{year}-0{randomness.randint(1, 9)}-15 10:00:00"
                    rows.append((organisation, occurrence, unit, "МБОУ СОШ", f"unit:{unit}",
                                 "assigned" if owing else "accepted", school_due, reported))
                cursor.executemany(
                    "INSERT INTO assignment (organisation_id, occurrence_id, unit_id, executor, "
                    "executor_key, state, due, reported_at, report, returns, extension, "
                    "version, last_event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', 0, '', 1, 0)",
                    rows)
        connection.commit()
    connection.close()


def timed(work: object, runs: int = RUNS) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    orgs = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    folder = Path(tempfile.mkdtemp(prefix="karta-bench-assignments-"))
    started = time.perf_counter()
    build(folder, orgs)
    built = time.perf_counter() - started
    from registry.assignments import discipline, list_assignments
    from registry.database import Database
    from registry.overview import my_tasks

    db = Database(f"sqlite:///{folder / 'karta.db'}", folder / "files")
    raw = sqlite3.connect(folder / "karta.db")
    total = raw.execute("SELECT count(*) FROM assignment").fetchone()[0]
    middle = f"d{orgs // 2:02d}"
    ref_occurrence = raw.execute(
        "SELECT a.roadmap_id, a.code, o.period FROM occurrence o JOIN activity a ON "
        "a.id = o.activity_id JOIN roadmap r ON r.id = a.roadmap_id WHERE "
        "r.organisation_id = ? AND o.state = 'in_progress' LIMIT 1",
        (orgs // 2 + 2,)).fetchone()
    ref = f"{ref_occurrence[0]}:{ref_occurrence[1]}@{ref_occurrence[2]}"
    baseline = timed(lambda: raw.execute(
        "SELECT count(*) FROM assignment WHERE organisation_id = ?", (orgs // 2 + 2,)
    ).fetchone())
    today = date(2026, 12, 7)
    cases = {
        "«Мои задачи» школы": lambda: my_tasks(db, f"{middle}-s7", today),
        "«Мои задачи» специалиста": lambda: my_tasks(db, f"{middle}-clerk", today),
        "кто не отчитался (исполнение, 30 школ)": lambda: list_assignments(
            db, f"{middle}-clerk", ref),
        "исполнительская дисциплина за год": lambda: discipline(db, f"{middle}-clerk", 2026),
    }
    print(f"assignments: {total:,} in {orgs} organisations, built in {built:.0f} s "
          f"({folder})")
    print(f"baseline (raw count of one organisation's assignments): {baseline * 1000:.2f} ms")
    for name, work in cases.items():
        work()  # warm: the first call compiles queries and templates
        seconds = timed(work)
        print(f"{name}: {seconds * 1000:.0f} ms ({seconds / baseline:.0f}× baseline)")
    # the daily reminder run over the whole region (every organisation's open assignments)
    from registry.reminders import remind

    open_count = raw.execute("SELECT count(*) FROM assignment a JOIN occurrence o ON "
                             "o.id = a.occurrence_id WHERE a.state = 'assigned' AND "
                             "o.state = 'in_progress'").fetchone()[0]
    busiest = raw.execute("SELECT due, count(*) FROM assignment WHERE state = 'assigned' "
                          "GROUP BY due ORDER BY count(*) DESC LIMIT 1").fetchone()
    day = date.fromisoformat(busiest[0])
    from workflow.workdays import working_days_between

    # the day the «five working days left» reminders go out (a due date on a Sunday
    # counts to the Friday before it)
    run_day = day
    while working_days_between(run_day, day) < 5:
        run_day -= timedelta(days=1)
    started = time.perf_counter()
    first = remind(db, run_day)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = remind(db, run_day)
    repeat = time.perf_counter() - started
    print(f"reminders over {open_count:,} open assignments: {first.near:,} written in "
          f"{seconds:.1f} s; the same run again writes {again.near} in {repeat:.1f} s")
    db.dispose()


if __name__ == "__main__":
    main()
