"""A transition that produces one order, end to end, against plain docxtpl in the same run.

- baseline: ``DocxTemplate(path).render(ctx); save(file)`` with the same template
  (order_start.docx), the same context and the same Jinja environment (filters, escaping);
- karta: ``apply_event(..., "start", order=True)`` on SQLite: user check, resolve,
  compare-and-set, history, rules, context, render, file written to the store (temporary name,
  fsync, rename), document row, commit.

The issue's target: karta at least 4x faster per document than the baseline.
Run: ``.venv/bin/python bench/bench_documents.py``.
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


def main(count: int = 60) -> None:
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    from documents.render import FILTERS
    from registry.database import Database
    from registry.documents import get_document
    from registry.occurrences import apply_event
    from registry.people import Profile, initialise
    from registry.roadmaps import import_roadmap, list_activities
    from registry.templates import SHIPPED

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_core import _roadmap_100

    print(f"machine: {platform.machine()} {os.cpu_count()} CPU, Python "
          f"{platform.python_version()}, {platform.system()}")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        roadmap = folder / "roadmap100.txt"
        _roadmap_100(roadmap)
        db = Database(f"sqlite:///{folder / 'docs.db'}", folder / "files")
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

    karta_ms = statistics.median(karta_times) * 1000
    plain_ms = statistics.median(plain_times) * 1000
    print(f"plain docxtpl render+save, order_start: {plain_ms:.1f} ms per document (median of "
          f"{count})")
    print(f"karta transition with one order (DB, journal, file, commit): {karta_ms:.1f} ms per "
          f"document (median of {count})")
    print(f"ratio: karta is {plain_ms / karta_ms:.1f}x faster per document; target >= 4x")


if __name__ == "__main__":
    main()
