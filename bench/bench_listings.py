"""Listings at region size (bench/region.py: 150 roadmaps, ~25,000 occurrences): each
command a clerk runs every day, as a new process with its output piped, against
``karta roadmaps`` on the same database in the same run (target: each ≤ 1.5× of it), and the
yearly documents of one roadmap (target < 1 s), with peak memory (target < 400 MB).

Run: ``.venv/bin/python bench/bench_listings.py``.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
KARTA = str(Path(sys.executable).with_name("karta"))

LISTINGS = [
    ("activities --overdue", ["activities", "--overdue"]),
    ("activities", ["activities"]),
    ("agenda --days 30", ["agenda", "--days", "30"]),
    ("history R1", ["history", "R1"]),
    ("audit log", ["audit", "log"]),
    ("documents", ["documents"]),
]
DOCUMENTS = [
    ("annual-report (one roadmap)", ["annual-report", "--roadmap", "2", "--year", "2022"]),
    ("plan (one roadmap)", ["plan", "--roadmap", "2", "--year", "2022"]),
]


def timed(args: list[str], env: dict[str, str], repeat: int = 5) -> tuple[float, float]:
    """Median seconds and the peak memory (MB) of the runs."""
    times = []
    peak = 0.0
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run([KARTA, *args], check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                   before / 1024)
    return statistics.median(times), peak


def main() -> None:
    from region import build

    # as installed: karta's modules byte-compiled (a shell with PYTHONDONTWRITEBYTECODE set
    # would otherwise compile ~100 of them from source on every command, ~0.15 s)
    subprocess.run([sys.executable, "-m", "compileall", "-q", *(str(ROOT / name) for name in (
        "cli.py", "commands", "registry", "documents", "workflow", "web"))], check=True)
    print(f"machine: {platform.machine()} {os.cpu_count()} CPU, Python "
          f"{platform.python_version()}")
    folder = build(quiet=True)
    env = {**os.environ, "KARTA_DB": str(folder / "karta.db"),
           "KARTA_FILES": str(folder / "karta-files"), "KARTA_USER": "clerk"}
    baseline, _ = timed(["roadmaps"], env)
    print(f"baseline: karta roadmaps {baseline * 1000:.0f} ms")
    for label, args in LISTINGS:
        seconds, peak = timed(args, env)
        print(f"{label}: {seconds * 1000:.0f} ms = {seconds / baseline:.2f}× roadmaps "
              f"(target ≤ 1.5×), peak {peak:.0f} MB")
    for label, args in DOCUMENTS:
        seconds, peak = timed(args, env, repeat=3)
        print(f"{label}: {seconds * 1000:.0f} ms (target < 1000 ms), peak {peak:.0f} MB")
    # the consolidated view of the region (every organisation, every section, one year),
    # with its .xlsx, as the administrator, who holds the regional auditor's role
    workbook = folder / "сводка.xlsx"
    seconds, peak = timed(["region", "--year", "2022", "--xlsx", str(workbook), "--force"],
                          {**env, "KARTA_USER": "admin"}, repeat=3)
    workbook.unlink(missing_ok=True)
    print(f"region report with .xlsx (all organisations): {seconds * 1000:.0f} ms "
          f"(target < 5000 ms), peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
