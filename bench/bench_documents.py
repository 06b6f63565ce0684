"""A transition that produces one order, end to end, against plain docxtpl in the same run.

- baseline: ``DocxTemplate(path).render(ctx); save(file)`` with the same template
  (order_start.docx), the same context and the same Jinja environment (filters, escaping);
- karta: ``apply_event(..., "start", order=True)``: user check, resolve, compare-and-set,
  history, rules, context, render, file stored (SQLite: a folder, temporary name, fsync,
  rename; PostgreSQL: the ``storedblob`` table, in the transaction), document row, commit —
  on SQLite, and on PostgreSQL when ``KARTA_BENCH_PG_URL`` is set (a schema of its own,
  dropped afterwards).

The two are interleaved (one of each in turn), so a busy neighbour slows both alike; each
database is measured ``--rounds`` times (median of 60 documents each).
The target (issues 3, 26): karta at least 4x faster per document than the baseline, on both.
Run: ``.venv/bin/python bench/bench_documents.py [--rounds 3]``.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def measure(kind: str, count: int = 60) -> tuple[float, float]:
    """Median milliseconds per document: plain docxtpl, karta (on ``kind``)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_core import _roadmap_100
    from bench_writers import _drop, _schema_url

    base = os.environ.get("KARTA_BENCH_PG_URL") or ""
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        roadmap = folder / "roadmap100.txt"
        _roadmap_100(roadmap)
        url, schema = _schema_url(base) if kind == "postgresql" else \
            (f"sqlite:///{folder / 'docs.db'}", "")
        try:
            karta_ms, plain_ms = _interleaved(url, folder, roadmap, count)
        finally:
            if schema:
                _drop(base, schema)
    return plain_ms, karta_ms


def _interleaved(url: str, folder: Path, roadmap: Path, count: int) -> tuple[float, float]:
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    from documents.render import FILTERS
    from registry.database import Database
    from registry.documents import get_document
    from registry.occurrences import apply_event
    from registry.people import Profile, initialise
    from registry.roadmaps import import_roadmap, list_activities
    from registry.templates import SHIPPED

    db = Database(url, folder / "files")
    initialise(db, Profile(full_name="МКУ «Управление образования»", short_name="МКУ «УО»",
                           place="г. Заозерск", head_name="С.Л. Андреева",
                           head_position="Начальник МКУ «УО»"),
                   admin_name="Андреева Светлана Леонидовна")
    rid = import_roadmap(db, roadmap, "admin").roadmap
    refs = [str(o["ref"]) for a in list_activities(db, "admin", rid)
            for o in a["occurrences"]]
    # warm-up: the first document compiles the template and loads the dictionaries
    first = apply_event(db, refs[0], "start", "admin", order=True)
    context = __import__("json").loads(
        get_document(db, "admin", int(str(first.documents[0]["id"]))).context)

    template = SHIPPED / "order_start.docx"
    env = Environment(autoescape=True)  # plain Jinja, karta's filters, no sandbox
    env.filters.update(FILTERS)
    # the two interleaved, one of each in turn: a busy neighbour on the machine slows
    # both alike instead of whichever happened to run at the time
    karta_times, plain_times = [], []
    for index, ref in enumerate(refs[1: count + 1]):
        started = time.perf_counter()
        result = apply_event(db, ref, "start", "admin", order=True)
        karta_times.append(time.perf_counter() - started)
        assert len(result.documents) == 1 and db.store.exists(str(result.documents[0]["file"]))
        started = time.perf_counter()
        document = DocxTemplate(str(template))
        document.render(context, jinja_env=env, autoescape=True)
        document.save(str(folder / f"plain{index}.docx"))
        plain_times.append(time.perf_counter() - started)
    db.dispose()
    return statistics.median(karta_times) * 1000, statistics.median(plain_times) * 1000


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    print(f"machine: {platform.machine()} {os.cpu_count()} CPU, Python "
          f"{platform.python_version()}, {platform.system()}, load average "
          f"{os.getloadavg()[0]:.1f}")
    kinds = ["sqlite"] + (["postgresql"] if os.environ.get("KARTA_BENCH_PG_URL") else [])
    for kind in kinds:
        ratios = []
        for number in range(rounds):
            plain_ms, karta_ms = measure(kind)
            ratios.append(plain_ms / karta_ms)
            print(f"  {kind}, round {number + 1}: plain docxtpl render+save (order_start) "
                  f"{plain_ms:.1f} ms, karta transition with one order {karta_ms:.1f} ms: "
                  f"{plain_ms / karta_ms:.1f}x", flush=True)
        print(f"{kind}: karta is {statistics.median(ratios):.1f}x faster per document (median "
              f"of {rounds} rounds, {min(ratios):.1f}–{max(ratios):.1f}); target >= 4x",
              flush=True)


if __name__ == "__main__":
    main()
