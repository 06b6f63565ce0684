"""Indicators at the size of a region (issue 22): ORGS organisations × 30 schools × 20
indicators × 3 years (72,000 school values at 40) in one SQLite database; then the pages
people open — a department's monitoring page, the regional auditor's view across
organisations — and the аналитическая справка drafted from the monitoring, each timed as the
service computes it (server time, without HTML), against baselines in the same run: reading
the organisation's values with one raw SQL statement, and plain docxtpl rendering and saving
the справка's template with the same figures.

    .venv/bin/python bench/bench_indicators.py [ORGS]

The structure goes through karta's services (organisations, people and their schools, every
indicator defined by ``add_indicator``); the values are bulk rows (accepted, 5 % not given),
as a region's three years of monitoring would leave them.
"""

from __future__ import annotations

import io
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_assignments import organisations, timed  # noqa: E402

INDICATORS = 20
PERIODS = ("2024", "2025", "2026")
# (unit, roll-up, a school gives numerator/denominator, threshold): the kinds a roadmap has
KINDS = (("%", "mean", False, ""), ("%", "weighted_mean", True, ""),
         ("чел.", "sum", False, ""), ("%", "share_meeting", False, "80"),
         ("баллы", "mean", False, ""))


def define(folder: Path, orgs: int) -> None:
    """Every department's 20 indicators with targets for the three years, as a clerk adds
    them (the regional roadmap's: the same codes everywhere)."""
    from registry.database import Database
    from registry.indicators import add_indicator

    db = Database(f"sqlite:///{folder / 'karta.db'}", folder / "files")
    for number in range(orgs):
        for position in range(1, INDICATORS + 1):
            unit, rollup, fraction, threshold = KINDS[position % len(KINDS)]
            target = {"%": 85, "чел.": 30, "баллы": 60}[unit]
            add_indicator(db, f"d{number:02d}-clerk", code=f"П{position}",
                          name=f"Показатель качества образования № {position}", unit=unit,
                          rollup=rollup, fraction=fraction, threshold=threshold or None,
                          numerator="обучающиеся, достигшие" if fraction else "",
                          denominator="обучающиеся, участвовавшие" if fraction else "",
                          targets={p: str(target + i) for i, p in enumerate(PERIODS)})
    db.dispose()


def values(path: Path) -> None:
    """Each school's value of each indicator for each year: accepted, 5 % never given."""
    randomness = random.Random(2026)
    connection = sqlite3.connect(path)
    cursor = connection.cursor()
    units: dict[int, list[int]] = {}
    for unit_id, organisation in cursor.execute(
            "SELECT id, organisation_id FROM unit WHERE kind = 'general'"):
        units.setdefault(organisation, []).append(unit_id)
    indicators = list(cursor.execute("SELECT id, organisation_id, unit, fraction FROM "
                                     "indicator"))
    rows = []
    for indicator, organisation, unit, fraction in indicators:
        for period in PERIODS:
            for school in units.get(organisation, []):
                if randomness.random() < 0.05:
                    continue
                numerator = denominator = ""
                if fraction:
                    whole = randomness.randint(20, 120)
                    part = randomness.randint(whole // 2, whole)
                    numerator, denominator = str(part), str(whole)
                    value = str(round(100 * part / whole, 1))
                elif unit == "чел.":
                    value = str(randomness.randint(0, 3))
                else:
                    value = str(randomness.randint(50, 100))
                rows.append((organisation, indicator, period, school, school, "accepted",
                             value, numerator, denominator))
    cursor.executemany(
        "INSERT INTO indicatorvalue (organisation_id, indicator_id, period, unit_id, unit_key, "
        "state, value, numerator, denominator, evidence, comment, submitted_by, submitted_at, "
        "decided_by, version, last_event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', '', "
        "'bench', '2026-12-07 10:00:00', 'bench', 1, 0)", rows)
    connection.commit()
    connection.close()


def plain_docxtpl(context: dict[str, object]) -> None:
    """The baseline for the справка: docxtpl renders its template with the same context and
    the same Jinja filters (no sandbox) and saves it."""
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    from documents.render import FILTERS

    env = Environment(autoescape=True)
    env.filters.update(FILTERS)
    template = DocxTemplate(str(ROOT / "documents" / "templates" / "monitoring_note.docx"))
    template.render(context, jinja_env=env, autoescape=True)
    template.save(io.BytesIO())


def main() -> None:
    orgs = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    folder = Path(tempfile.mkdtemp(prefix="karta-bench-indicators-"))
    started = time.perf_counter()
    organisations(folder, orgs)
    define(folder, orgs)
    values(folder / "karta.db")
    built = time.perf_counter() - started
    from registry.database import Database
    from registry.indicators import make_monitoring_note, monitoring
    from registry.region_indicators import region_indicators

    db = Database(f"sqlite:///{folder / 'karta.db'}", folder / "files")
    raw = sqlite3.connect(folder / "karta.db")
    total = raw.execute("SELECT count(*) FROM indicatorvalue").fetchone()[0]
    middle = orgs // 2
    clerk = f"d{middle:02d}-clerk"
    organisation = middle + 2  # 1 is the ministry
    baseline = timed(lambda: raw.execute(
        "SELECT indicator_id, period, unit_key, state, value, numerator, denominator FROM "
        "indicatorvalue WHERE organisation_id = ?", (organisation,)).fetchall())
    print(f"indicator values: {total:,} in {orgs} organisations "
          f"({INDICATORS} indicators × {len(PERIODS)} years × 30 schools), built in "
          f"{built:.0f} s ({folder})")
    print(f"baseline (raw read of one organisation's values): {baseline * 1000:.2f} ms")
    cases = {
        "monitoring page of a department (3 years)": lambda: monitoring(db, clerk),
        "monitoring of a department for one year": lambda: monitoring(db, clerk,
                                                                      periods=["2026"]),
        "region view across organisations (one year)": lambda: region_indicators(
            db, "minister", "2026"),
    }
    for name, work in cases.items():
        work()  # warm: the first call compiles queries
        seconds = timed(work)
        print(f"{name}: {seconds * 1000:.0f} ms ({seconds / baseline:.0f}× baseline)")
    made = []

    def note() -> None:
        made.append(make_monitoring_note(db, clerk, "2026"))

    note()  # warm: compiles the template, loads the dictionaries
    import json

    from registry.documents import get_document

    first = made[0]
    document_id = int(first["id"] if isinstance(first, dict) else first.id)
    context = json.loads(get_document(db, clerk, document_id).context)
    plain = timed(lambda: plain_docxtpl(context))
    seconds = timed(note)
    print(f"справка о результатах мониторинга (20 indicators, 30 schools, drafted and "
          f"registered): {seconds * 1000:.0f} ms; plain docxtpl render+save of its template: "
          f"{plain * 1000:.0f} ms ({seconds / plain:.1f}× plain)")
    db.dispose()


if __name__ == "__main__":
    main()
