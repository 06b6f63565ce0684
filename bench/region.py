"""A region-sized database, built reproducibly: the three seed roadmaps imported again and
again (150 roadmaps, ~7,000 activities, ~25,000 occurrences), a fifth of the occurrences
started, some reported (each report rendered and registered) and analysed.

``build(path)`` makes it once per code version (cached beside the system's temporary files);
the benchmarks read it. Run alone to build: ``.venv/bin/python bench/region.py``.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROADMAPS = 150
SEEDS = (("zaozersk_order_and_roadmap.txt", None), ("yeniseisk_roadmap.txt", None),
         ("slavgorod_roadmap.txt", (2021, 2023)))


def _version() -> str:
    """A digest of the code that shapes the data: a new schema or importer rebuilds."""
    digest = hashlib.sha256()
    for folder in ("registry", "workflow"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def build(target: Path | None = None, quiet: bool = False) -> Path:
    """The database's folder (``karta.db`` and ``karta-files``), built when missing."""
    folder = target or Path(tempfile.gettempdir()) / f"karta-region-{_version()}"
    if (folder / "ready").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    from registry.database import Database
    from registry.occurrences import apply_event
    from registry.people import Profile, add_person, initialise
    from registry.roadmaps import import_roadmap, list_activities
    from workflow.importing import Period

    started = time.perf_counter()
    db = Database(f"sqlite:///{folder / 'karta.db'}", folder / "karta-files")
    initialise(db, Profile(full_name="Министерство образования края (сводная база)",
                           short_name="Министерство", head_name="И.И. Иванов",
                           head_position="Министр"))
    add_person(db, "admin", "clerk", "Белокреницкая Елена Викторовна", "f", "специалист",
               ["clerk"])
    add_person(db, "admin", "head", "Андреева Светлана Леонидовна", "f", "начальник", ["head"])
    randomness = random.Random(2026)
    for number in range(ROADMAPS):
        name, years = SEEDS[number % len(SEEDS)]
        period = Period(*years) if years else None
        copy = folder / f"roadmap-{number}.txt"
        shutil.copy(ROOT / "tests" / "data" / name, copy)
        rid = import_roadmap(db, copy, "clerk", period, again=True).roadmap
        copy.unlink()
        refs = [str(o["ref"]) for a in list_activities(db, "clerk", rid)
                for o in a["occurrences"]]
        for ref in randomness.sample(refs, len(refs) // 5):
            apply_event(db, ref, "start", "clerk")
            if randomness.random() < 0.3:
                apply_event(db, ref, "report", "clerk", comment="Мероприятие проведено.")
                if randomness.random() < 0.5:
                    apply_event(db, ref, "analyse", "head", comment="Цели достигнуты.")
        if not quiet:
            print(f"  карта {number + 1}/{ROADMAPS}: {time.perf_counter() - started:.0f} с",
                  flush=True)
    db.dispose()
    (folder / "ready").write_text("ok", encoding="utf-8")
    return folder


if __name__ == "__main__":
    where = build()
    print(f"region database: {where}")
