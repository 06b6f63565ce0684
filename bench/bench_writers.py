"""Writers in parallel, on PostgreSQL and on SQLite, against one writer doing the same work
in the same run:

- *one journal* (issue 26): 8 processes each registering reports (a report rendered and
  numbered in the organisation's reports journal: every writer wants the journal's next
  number), against one process registering reports;
- *distinct occurrences* (issue 12): 8 processes starting occurrences, each start rendering
  a draft order (no number), against one process doing the same.

A refused write (any error a writer gets, e.g. «журнал регистрации: запись уже изменена…»)
is counted, not retried. Targets: 8 writers ≥ 1.5× one, 0 refused; afterwards the log
verifies and the reports journal is numbered 1…n without a gap or a repeat.

Run: ``.venv/bin/python bench/bench_writers.py [--rounds 3] [--sqlite-only]``, with
``KARTA_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/DB`` for PostgreSQL
(each round works in a schema of its own, dropped afterwards). ``make bench`` passes the CI
server's URL.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import queue
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

WRITERS = 8
PER_WRITER = 30


def _schema_url(base: str) -> tuple[str, str]:
    import psycopg

    schema = f"karta_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}", schema


def _drop(base: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _database(url: str, folder: Path) -> Any:
    from registry.database import Database

    return Database(url, folder / "files")


def _prepare(url: str, folder: Path, scenario: str) -> list[str]:
    """A 100-activity roadmap (~1,000 occurrences); for the journal scenario as many as the
    run needs are started first (a report follows a start)."""
    from bench_core import _roadmap_100

    from registry.occurrences import apply_event
    from registry.people import Profile, add_person, initialise
    from registry.roadmaps import import_roadmap, list_activities

    db = _database(url, folder)
    initialise(db, Profile(full_name="МКУ «Управление образования»", short_name="МКУ «УО»",
                           head_name="С.Л. Андреева", head_position="Начальник"),
                   admin_name="Андреева Светлана Леонидовна")
    add_person(db, "admin", "clerk", "Белокреницкая Елена Викторовна", "f", "специалист",
               ["clerk"])
    roadmap = folder / "roadmap.txt"
    _roadmap_100(roadmap)
    rid = import_roadmap(db, roadmap, "admin").roadmap
    refs = [str(o["ref"]) for a in list_activities(db, "admin", rid)
            for o in a["occurrences"]]
    need = (1 + WRITERS) * (PER_WRITER + 1)
    assert len(refs) >= need, (len(refs), need)
    refs = refs[:need]
    if scenario == "journal":
        for ref in refs:
            apply_event(db, ref, "start", "clerk")
    db.dispose()
    return refs


def _fire(db: Any, ref: str, scenario: str) -> None:
    from registry.occurrences import apply_event

    if scenario == "journal":
        apply_event(db, ref, "report", "clerk", comment=f"Мероприятие проведено ({ref}).")
    else:
        apply_event(db, ref, "start", "clerk", order=True)


def _work(url: str, folder: Path, scenario: str, refs: list[str], start: Any,
          results: Any) -> None:
    from workflow.errors import KartaError

    db = _database(url, folder)
    _fire(db, refs[0], scenario)  # warm: compile, dictionaries
    start.wait()  # every writer warm: all begin together
    refused: list[str] = []
    for ref in refs[1:]:
        try:
            _fire(db, ref, scenario)
        except KartaError as error:
            refused.append(str(error))
    results.put((len(refs) - 1 - len(refused), refused, time.perf_counter()))
    db.dispose()


def _run(url: str, folder: Path, scenario: str, groups: list[list[str]]
         ) -> tuple[float, list[str]]:
    """Writes per second over all processes, from the moment all of them are warm until
    the last one finishes; and what was refused."""
    context = multiprocessing.get_context("fork")
    results: Any = context.Queue()
    start: Any = context.Barrier(len(groups) + 1)
    processes = [context.Process(target=_work, args=(url, folder, scenario, group, start,
                                                     results)) for group in groups]
    for process in processes:
        process.start()
    start.wait(timeout=600)  # a writer that fails before the start breaks the barrier
    began = time.perf_counter()
    done = []
    while len(done) < len(processes):
        try:
            done.append(results.get(timeout=1))
        except queue.Empty:
            if any(process.exitcode not in (None, 0) for process in processes):
                raise SystemExit("a writer failed; its traceback is above") from None
    for process in processes:
        process.join()
    refused = [message for _, messages, _ in done for message in messages]
    return sum(count for count, _, _ in done) / (max(end for _, _, end in done) - began), \
        refused


def _check(url: str, folder: Path) -> str:
    """The log verifies; the reports journal is 1…n, no gap, no repeat."""
    from registry.verify import verify

    db = _database(url, folder)
    checked = verify(db, "admin")
    with db.engine.connect() as connection:
        count, distinct, top = connection.exec_driver_sql(
            "SELECT count(number), count(DISTINCT number), coalesce(max(number), 0) "
            "FROM document WHERE journal = 'reports'").one()
    db.dispose()
    gapless = count == distinct == top
    return (f"verify {'ok' if checked.ok else checked.problems[:1]} ({checked.events} "
            f"events), reports journal 1…{top}: {'no gap' if gapless else 'GAPS/REPEATS'}")


def _round(kind: str, base: str | None, scenario: str) -> tuple[float, float, int, str]:
    """One measurement: one writer, then 8, on fresh databases of the kind; returns the two
    rates, the refused count and the check."""
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        schema = ""
        if kind == "postgresql":
            assert base is not None
            url, schema = _schema_url(base)
        else:
            url = f"sqlite:///{folder / 'writers.db'}"
        try:
            refs = _prepare(url, folder, scenario)
            single, refused_one = _run(url, folder, scenario, [refs[:PER_WRITER + 1]])
            rest = refs[PER_WRITER + 1:]
            groups = [rest[i * (PER_WRITER + 1):(i + 1) * (PER_WRITER + 1)]
                      for i in range(WRITERS)]
            parallel, refused = _run(url, folder, scenario, groups)
            checked = _check(url, folder)
        finally:
            if schema:
                assert base is not None
                _drop(base, schema)
    if refused:
        print(f"    refused, e.g.: {refused[0]}")
    return single, parallel, len(refused) + len(refused_one), checked


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--scenario", choices=("journal", "distinct", "both"), default="both")
    options = parser.parse_args()
    base = None if options.sqlite_only else (
        os.environ.get("KARTA_BENCH_PG_URL") or os.environ.get("KARTA_TEST_PG_URL"))
    print(f"machine: {platform.machine()} {os.cpu_count()} CPU, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    kinds = ["sqlite"] + (["postgresql"] if base else [])
    if not base:
        print("KARTA_BENCH_PG_URL is not set: PostgreSQL writers not measured")
    scenarios = ["journal", "distinct"] if options.scenario == "both" else [options.scenario]
    for scenario in scenarios:
        what = "reports into one journal" if scenario == "journal" else \
            "starts with a draft order, distinct occurrences"
        for kind in kinds:
            ratios, total_refused = [], 0
            for number in range(options.rounds):
                single, parallel, refused, checked = _round(kind, base, scenario)
                ratios.append(parallel / single)
                total_refused += refused
                print(f"  {kind}, {what}, round {number + 1}: 1 writer {single:.1f}/s, "
                      f"{WRITERS} writers {parallel:.1f}/s = {parallel / single:.2f}×, "
                      f"refused {refused}; {checked}", flush=True)
            print(f"{kind}, {what}: {WRITERS} writers / 1 = median "
                  f"{statistics.median(ratios):.2f}× (range {min(ratios):.2f}–"
                  f"{max(ratios):.2f}, {options.rounds} rounds; target ≥ 1.5×), refused "
                  f"{total_refused} (target 0)", flush=True)


if __name__ == "__main__":
    main()
