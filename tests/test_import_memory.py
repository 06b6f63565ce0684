"""Peak memory of importing the biggest hostile files, each in its own process.

The files are the findings of the hostile review (a merge over 400 million columns, a cell
at XFD1048576, a 1 GB zip bomb) and files that reach the limits without breaching the ones
checked first: a 150 MB text node, millions of paragraphs, a million shared strings, a
19 MB dump, a 20 000-row Word table. Whatever the outcome, a draft or a clear error, no
import may need more than 500 MB.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import hostile_files as h
from tests.conftest import ROOT

PEAK_LIMIT_MB = 500

# Imports one file in a fresh interpreter; prints the outcome and the peak (VmHWM).
_CHILD = """
import json, re, sys, time
from pathlib import Path
from workflow.errors import KartaError
from workflow.importing import Period, read_roadmap

started = time.monotonic()
try:
    draft = read_roadmap(Path(sys.argv[1]), Period(2021, 2023))
    outcome = f"{len(draft.activities)} activities"
except KartaError as error:
    outcome = str(error)
status = Path("/proc/self/status").read_text()
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024
print(json.dumps({"outcome": outcome, "peak_mb": peak,
                  "seconds": round(time.monotonic() - started, 1)}))
"""

# Runs the children one by one from a small process, so that the kernel's count of its
# largest child (RUSAGE_CHILDREN) is not inflated by the memory of the test that built them.
_RUNNER = """
import json, resource, subprocess, sys
reports = {}
for path in sys.argv[2:]:
    done = subprocess.run([sys.executable, "-c", sys.argv[1], path], capture_output=True,
                          text=True, timeout=300, check=False)
    reports[path] = (json.loads(done.stdout) if done.returncode == 0
                     else {"outcome": done.stderr, "peak_mb": -1})
largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps({"reports": reports, "largest_child_mb": largest}))
"""


def _gridspan() -> bytes:
    bad = h.cell("1.", '<w:gridSpan w:val="400000000"/>')
    return h.docx(h.paragraph(h.TITLE) + "<w:tbl>" + h.row(h.HEADER) + f"<w:tr>{bad}</w:tr>"
                  + "</w:tbl>")


CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    "gridspan_4e8.docx": (_gridspan, "w:gridSpan=400000000"),
    "xfd1048576.xlsx": (lambda: h.xlsx(cells={"XFD1048576": "x"}), "больше 100 000 строк"),
    "bomb_1gb.docx": (lambda: h.zip_bomb_docx(1024), "больше 200 МБ"),
    "text_node_150mb.docx": (lambda: h.text_node_docx(150), "больше 16 МБ XML"),
    "paragraphs_2m.docx": (lambda: h.paragraphs_docx(2_000_000), "больше 100 000 строк"),
    "shared_strings_1m.xlsx": (lambda: h.shared_strings_xlsx(999_000, 19), "3 activities"),
    "dump_19mb.txt": (lambda: h.big_dump(19_000, 440), "19000 activities"),
    "table_20k.docx": (lambda: h.big_table_docx(20_000), "20000 activities"),
}


@pytest.fixture(scope="module")
def peaks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("hostile")
    paths = []
    for name, (build, _) in CASES.items():
        paths.append(folder / name)
        paths[-1].write_bytes(build())
    done = subprocess.run([sys.executable, "-c", _RUNNER, _CHILD, *map(str, paths)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    for path in paths:
        path.unlink()
    return result


@pytest.mark.parametrize("name", list(CASES))
def test_peak_memory_of_the_biggest_hostile_files_is_under_500_mb(
        peaks: dict[str, object], name: str) -> None:
    reports = peaks["reports"]
    assert isinstance(reports, dict)
    [report] = [report for path, report in reports.items() if path.endswith(name)]
    assert CASES[name][1] in str(report["outcome"]), report
    assert 0 < int(report["peak_mb"]) < PEAK_LIMIT_MB, report


def test_no_child_process_went_over_500_mb(peaks: dict[str, object]) -> None:
    """The same bound as the kernel counted it (RUSAGE_CHILDREN: the largest child)."""
    largest = peaks["largest_child_mb"]
    assert isinstance(largest, int) and 0 < largest < PEAK_LIMIT_MB, peaks


# A CSV at the limits: MAX_ROWS rows, just under MAX_CSV_BYTES, every title different.
# Previewed (``import --dry-run``) and imported into a new SQLite database in one fresh
# interpreter; the peak of both is reported.
_AT_THE_LIMIT = """
import json, re, sys, tempfile, time
from pathlib import Path
from registry.database import Database
from registry.people import Profile, initialise
from registry.roadmaps import import_roadmap, preview_import

path = Path(sys.argv[1])
folder = Path(tempfile.mkdtemp())
db = Database(f"sqlite:///{folder / 'karta.db'}", folder / "files")
initialise(db, Profile(full_name="Управление образования", short_name="УО", parent_body="",
                       place="г. N", head_position="Начальник", head_name="И.И. Иванов"),
           admin_name="Иванов Иван Иванович")
started = time.monotonic()
preview = preview_import(db, path, "admin")
lines = preview["lines"]["total"]
del preview  # as the web does: the preview is shown, then the import confirmed
previewed = time.monotonic() - started
result = import_roadmap(db, path, "admin")
status = Path("/proc/self/status").read_text()
print(json.dumps({
    "lines": lines, "activities": result.activities,
    "occurrences": result.occurrences, "previewed": round(previewed, 1),
    "seconds": round(time.monotonic() - started, 1),
    "peak_mb": int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024}))
"""


def _csv_at_the_limit(path: Path) -> Path:
    from workflow.importing import limits

    rng = random.Random(20261123)
    words = ["проведение", "мониторинга", "оценочных", "процедур", "общеобразовательных",
             "организациях", "методических", "объединений", "адресных", "рекомендаций",
             "результатов", "муниципального", "уровня", "качества", "образования"]
    deadlines = ["Ежегодно", "Ежегодно", "Постоянно", "Декабрь 2022", "Ежеквартально",
                 "2 раза в год (декабрь, май)"] * 6 + ["до 25 числа каждого месяца"]
    rows = ["Дорожная карта на 2021-2023 годы", "",
            "№ п/п;Наименование мероприятия;Сроки;Ответственные;Планируемый результат"]
    section = number = 0
    while len(rows) < limits.MAX_ROWS:
        if number in (0, 99):
            section, number = section + 1, 0
            rows.append(f"{section}. Раздел {section};;;;")
            if len(rows) == limits.MAX_ROWS:
                break
        number += 1
        title = " ".join(rng.choice(words) for _ in range(6)).capitalize()
        rows.append(f"{section}.{number};{title} ({section}.{number});{rng.choice(deadlines)};"
                    f"Управление образования, МКУ «ЦБУМР» {number % 7};"
                    f"Аналитическая справка № {rng.randrange(10**6)}")
    # titles lengthened evenly, as much as the limit allows
    pad = 40
    while True:
        text = "\n".join(re.sub(r"^(\d+\.\d+;)", r"\1" + "а" * pad + " ", row)
                         for row in rows) + "\n"
        if len(text.encode()) <= limits.MAX_CSV_BYTES:
            break
        pad -= 1
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_at_the_limits_is_previewed_and_imported_under_500_mb(tmp_path: Path) -> None:
    """MAX_ROWS rows in a file of nearly MAX_CSV_BYTES: the dry run and the import (rows
    written in chunks, vouched for in parts) together stay under the bound."""
    from workflow.importing import limits

    path = _csv_at_the_limit(tmp_path / "limit.csv")
    assert 0.97 * limits.MAX_CSV_BYTES < path.stat().st_size <= limits.MAX_CSV_BYTES
    done = subprocess.run([sys.executable, "-c", _RUNNER, _AT_THE_LIMIT, str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    [child] = report["reports"].values()
    assert child["lines"] == limits.MAX_ROWS, child
    assert child["activities"] > 98_000 and child["occurrences"] > 400_000, child
    assert 0 < child["peak_mb"] < PEAK_LIMIT_MB, child
    assert 0 < report["largest_child_mb"] < PEAK_LIMIT_MB, report
