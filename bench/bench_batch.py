"""Documents for a whole plan: ``karta start R1 --due 2022 --order`` starts every planned
occurrence of a 100-activity roadmap due in 2022 (each its own logged transition with its
draft order «О проведении …»), with one process, then with one per core — side by side in
the same run, each on a fresh copy of the same database (SQLite), alternating.

Baseline: one process, one transition after another (what a loop of ``karta start`` does,
without the process start-ups). The figure: how much faster the pool is.
Run: ``.venv/bin/python bench/bench_batch.py [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _base(folder: Path) -> Path:
    """An initialised database with the 100-activity roadmap imported (no starts yet)."""
    from bench_core import _roadmap_100

    from registry.database import Database
    from registry.people import Profile, initialise
    from registry.roadmaps import import_roadmap

    roadmap = folder / "roadmap100.txt"
    _roadmap_100(roadmap)
    base = folder / "base"
    base.mkdir()
    db = Database(f"sqlite:///{base / 'karta.db'}", base / "files")
    initialise(db, Profile(full_name="МКУ «Управление образования»", short_name="МКУ «УО»",
                           place="г. Заозерск", head_name="С.Л. Андреева",
                           head_position="Начальник МКУ «УО»"),
               admin_name="Сидоров Алексей Иванович")
    import_roadmap(db, roadmap, "admin")
    db.dispose()
    return base


def _run(base: Path, target: Path, workers: int) -> tuple[float, int]:
    from datetime import date

    from registry.batch import start_due
    from registry.database import Database

    shutil.copytree(base, target)
    db = Database(f"sqlite:///{target / 'karta.db'}", target / "files")
    try:
        batch = start_due(db, "admin", "R1", date(2022, 1, 1), date(2022, 12, 31), order=True,
                          workers=workers)
        assert not batch.failed, batch.failed[:3]
        assert all(row["documents"] for row in batch.started)
        return batch.seconds, len(batch.started)
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    from registry.batch import cores

    print(f"machine: {platform.machine()} {os.cpu_count()} CPU ({cores()} usable), Python "
          f"{platform.python_version()}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        base = _base(folder)
        timings: dict[int, list[float]] = {1: [], cores(): []}
        count = 0
        for attempt in range(arguments.rounds):
            for workers in timings:
                seconds, count = _run(base, folder / f"run-{attempt}-{workers}", workers)
                timings[workers].append(seconds)
        one = statistics.median(timings[1])
        many = statistics.median(timings[cores()])
        print(f"starts with a draft order each: {count}")
        print(f"one process (baseline): {one:.2f} s = {one / count * 1000:.1f} ms per start")
        print(f"{cores()} processes: {many:.2f} s = {many / count * 1000:.1f} ms per start, "
              f"{one / many:.2f}× the baseline")


if __name__ == "__main__":
    main()
