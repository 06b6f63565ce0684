"""Writers in parallel on PostgreSQL: 8 processes advancing distinct occurrences (each start
renders and registers a draft order) against one process doing the same work, in one run.

Target (issue 12): 8 writers reach ≥ 1.5× the single writer's throughput, with the
guarantees unchanged — afterwards the log verifies and every journal is without gaps.

Run: ``KARTA_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test
.venv/bin/python bench/bench_writers.py`` (``make bench`` passes the CI server's URL).
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import queue
import sys
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


def _prepare(url: str, folder: Path) -> list[str]:
    from bench_core import _roadmap_100

    from registry.database import Database
    from registry.people import Profile, initialise
    from registry.roadmaps import import_roadmap, list_activities

    db = Database(url)
    initialise(db, Profile(full_name="МКУ «Управление образования»", short_name="МКУ «УО»",
                           head_name="С.Л. Андреева", head_position="Начальник"),
                   admin_name="Андреева Светлана Леонидовна")
    roadmap = folder / "roadmap.txt"
    _roadmap_100(roadmap)
    rid = import_roadmap(db, roadmap, "admin").roadmap
    refs = [str(o["ref"]) for a in list_activities(db, "admin", rid)
            for o in a["occurrences"]]
    db.dispose()
    return refs


def _work(url: str, refs: list[str], start: Any, results: Any) -> None:
    from registry.database import Database
    from registry.occurrences import apply_event

    db = Database(url)
    apply_event(db, refs[0], "start", "admin", order=True)  # warm: compile, dictionaries
    start.wait()  # every writer warm: all begin together
    for ref in refs[1:]:
        apply_event(db, ref, "start", "admin", order=True)
    results.put((len(refs) - 1, time.perf_counter()))
    db.dispose()


def _run(url: str, groups: list[list[str]]) -> float:
    """Transitions per second over all processes, from the moment all of them are warm
    until the last one finishes."""
    results: Any = multiprocessing.Queue()
    start: Any = multiprocessing.Barrier(len(groups) + 1)
    processes = [multiprocessing.Process(target=_work, args=(url, group, start, results))
                 for group in groups]
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
    return sum(count for count, _ in done) / (max(end for _, end in done) - began)


def main() -> None:
    base = os.environ.get("KARTA_BENCH_PG_URL") or os.environ.get("KARTA_TEST_PG_URL")
    if not base:
        print("KARTA_BENCH_PG_URL is not set: PostgreSQL writers not measured")
        return
    import tempfile

    from registry.database import Database
    from registry.verify import verify

    print(f"machine: {platform.machine()} {os.cpu_count()} CPU, Python "
          f"{platform.python_version()}")
    url, schema = _schema_url(base)
    try:
        with tempfile.TemporaryDirectory() as folder:
            refs = _prepare(url, Path(folder))
        need = (1 + WRITERS) * (PER_WRITER + 1)
        assert len(refs) >= need, (len(refs), need)
        single = _run(url, [refs[:PER_WRITER + 1]])
        rest = refs[PER_WRITER + 1:]
        groups = [rest[i * (PER_WRITER + 1):(i + 1) * (PER_WRITER + 1)]
                  for i in range(WRITERS)]
        parallel = _run(url, groups)
        db = Database(url)
        checked = verify(db, "admin")
        with db.engine.connect() as connection:
            numbers = connection.exec_driver_sql(
                "SELECT count(*), count(DISTINCT id) FROM document").one()
        db.dispose()
        print(f"1 writer: {single:.1f} transitions with an order per second")
        print(f"{WRITERS} writers: {parallel:.1f} per second — {parallel / single:.2f}× the "
              "single writer (target ≥ 1.5×)")
        print(f"afterwards: verify {'ok' if checked.ok else checked.problems[:1]}, "
              f"{checked.events} events, {numbers[0]} documents")
    finally:
        _drop(base, schema)


if __name__ == "__main__":
    main()
