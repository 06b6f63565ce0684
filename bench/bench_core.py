"""Core speed: start-up, import of a 100-row roadmap, 1,000 transitions on SQLite.

Each figure is printed with a baseline measured in the same run on the same machine:
- ``karta --help`` against a bare ``python -c pass`` start;
- ``karta import`` (a new process, start-up included) against the same bare start;
- 1,000 transitions in process against 1,000 hand-written sqlite3 UPDATE+INSERT commits
  (the least any transition must do), so the ratio shows karta's own overhead.

Run: ``make bench`` (or ``.venv/bin/python bench/bench_core.py``).
"""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
KARTA = str(Path(sys.executable).with_name("karta"))


def _median_run(command: list[str], repeat: int = 7, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _roadmap_100(path: Path) -> None:
    seed = (ROOT / "workflow" / "samples" / "zaozersk_order_and_roadmap.txt").read_text(
        encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in seed[41:67] if line[:1].isdigit()]
    lines = ["Дорожная карта на 2021-2023 годы", "",
             "№\tМероприятие\tСроки\tОтветственный\tПланируемый результат"]
    deadlines = ["Ежегодно", "Ежеквартально", "До 01.08.2021", "2 раза в год (декабрь, май)",
                 "Постоянно"]
    for section in range(1, 6):
        lines.append(f"{section}. Раздел {section}\t\t\t\t")
        for number in range(1, 21):
            row = rows[(section * 20 + number) % len(rows)]
            lines.append(f"{section}.{number}\t{row[1]}\t{deadlines[number % 5]}\t{row[3]}\t"
                         f"{row[4]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def bench_startup() -> tuple[float, float]:
    bare = _median_run([sys.executable, "-c", "pass"])
    help_time = _median_run([KARTA, "--help"])
    return bare, help_time


def bench_import(folder: Path) -> tuple[float, float, float]:
    roadmap = folder / "roadmap100.txt"
    _roadmap_100(roadmap)
    env = dict(os.environ, KARTA_USER="admin")
    times = []
    for attempt in range(5):
        db = folder / f"import{attempt}.db"
        subprocess.run([KARTA, "--db", str(db), "init", "--org", "Бенчмарк"], check=True,
                       capture_output=True, env=env)
        started = time.perf_counter()
        subprocess.run([KARTA, "--db", str(db), "import", str(roadmap)], check=True,
                       capture_output=True, env=env)
        times.append(time.perf_counter() - started)
    bare = _median_run([sys.executable, "-c", "pass"])
    return bare, statistics.median(times), float(len(roadmap.read_text().splitlines()) - 3)


def bench_transitions(folder: Path, count: int = 1000) -> tuple[float, float, float]:
    from registry.database import Database
    from registry.occurrences import apply_event
    from registry.people import Profile, initialise
    from registry.roadmaps import import_roadmap, list_activities

    roadmap = folder / "roadmap100.txt"
    db = Database(f"sqlite:///{folder / 'transitions.db'}", folder / "files")
    initialise(db, Profile(full_name="Бенчмарк"), admin_name="Андреева Светлана Леонидовна")
    rid = import_roadmap(db, roadmap, "admin").roadmap
    refs = [str(o["ref"]) for a in list_activities(db, "admin", rid)
            for o in a["occurrences"]][: count // 2]  # type: ignore[union-attr]
    # start then cancel: 1,000 state changes with their history, no documents
    started = time.perf_counter()
    for ref in refs:
        apply_event(db, ref, "start", "admin")
        apply_event(db, ref, "cancel", "admin", comment="отменено")
    karta_time = time.perf_counter() - started
    # start then report: every report also renders and registers the executor's report
    second = import_roadmap(db, roadmap, "admin", again=True).roadmap
    more = [str(o["ref"]) for a in list_activities(db, "admin", second)
            for o in a["occurrences"]][: count // 2]
    started = time.perf_counter()
    for ref in more:
        apply_event(db, ref, "start", "admin")
        apply_event(db, ref, "report", "admin", comment="выполнено")
    with_documents = time.perf_counter() - started
    db.dispose()

    raw = sqlite3.connect(folder / "raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute("CREATE TABLE occ (id INTEGER PRIMARY KEY, state TEXT, version INT)")
    raw.execute("CREATE TABLE hist (id INTEGER PRIMARY KEY, occ INT, ev TEXT, at TEXT)")
    raw.executemany("INSERT INTO occ VALUES (?, 'planned', 1)", [(i,) for i in range(count)])
    started = time.perf_counter()
    for i in range(count):
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("UPDATE occ SET state='x', version=version+1 WHERE id=? AND version=1", (i,))
        raw.execute("INSERT INTO hist (occ, ev, at) VALUES (?, 'start', datetime('now'))", (i,))
        raw.execute("COMMIT")
    raw_time = time.perf_counter() - started
    raw.close()
    assert len(refs) * 2 == count and len(more) * 2 == count
    return raw_time, karta_time, with_documents


def main() -> None:
    print(f"machine: {platform.machine()} {platform.processor() or ''} "
          f"{os.cpu_count()} CPU, Python {platform.python_version()}, {platform.system()}")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        bare, help_time = bench_startup()
        print(f"karta --help: {help_time * 1000:.0f} ms (bare python start {bare * 1000:.0f} ms,"
              f" ratio {help_time / bare:.1f}x); target < 300 ms")
        bare, import_time, rows = bench_import(folder)
        print(f"karta import, {rows:.0f}-row roadmap, new process: {import_time * 1000:.0f} ms "
              f"(bare python start {bare * 1000:.0f} ms, ratio {import_time / bare:.1f}x); "
              f"target < 1000 ms")
        raw_time, karta_time, with_documents = bench_transitions(folder)
        print(f"1,000 transitions on SQLite in process (start, cancel): {karta_time * 1000:.0f} "
              f"ms ({karta_time:.3f} ms each; plain sqlite3 UPDATE+INSERT commits "
              f"{raw_time * 1000:.0f} ms, ratio {karta_time / raw_time:.1f}x); target < 2000 ms")
        print(f"1,000 transitions (start, report) where each report renders and registers "
              f"an отчёт: {with_documents * 1000:.0f} ms")


if __name__ == "__main__":
    main()
