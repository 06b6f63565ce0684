"""Import speed, start-up included: ``python -m tests.speed_import``.

Builds a .docx of 1,000 rows (10 sections of 99 activities) and a 30-page PDF, and times
``karta import`` (stored in a fresh SQLite database) and ``karta import --dry-run`` as new
processes, each three times; prints the medians and what one read takes in process.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEADLINES = ["Ежегодно", "Ежеквартально", "Декабрь 2022", "Постоянно",
             "2 раза в год (декабрь, май)", "до 25 числа каждого месяца"]


def thousand_rows(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("Дорожная карта по развитию МСОКО на 2021-2023 годы")
    table = document.add_table(rows=0, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.add_row().cells, ["№ п/п", "Наименование мероприятия",
                                                  "Срок реализации", "Ответственные "
                                                  "исполнители", "Планируемые результаты"]):
        cell.text = text
    serial = 0
    for section in range(1, 11):
        cells = table.add_row().cells
        cells[0].merge(cells[-1]).text = f"{section}. Раздел {section} дорожной карты"
        for number in range(1, 100):
            serial += 1
            values = [f"{section}.{number}", f"Проведение мероприятия {serial} по повышению "
                      "качества образования в образовательных организациях",
                      DEADLINES[serial % len(DEADLINES)], "Управление образования МКУ «ЦБУМР» ОО",
                      "Аналитическая справка, адресные рекомендации"]
            for cell, text in zip(table.add_row().cells, values):
                cell.text = text
    document.save(str(path))
    return path


def thirty_pages(path: Path) -> Path:
    from tests.test_import_pdf import _roadmap

    return _roadmap(path, 350)


def _karta(folder: Path, *args: str) -> float:
    karta = Path(sys.executable).with_name("karta")
    base = [str(karta), "--db", f"sqlite:///{folder / 'karta.db'}", "--files",
            str(folder / "files")]
    started = time.monotonic()
    subprocess.run([*base, *args], check=True, capture_output=True,
                   env=dict(os.environ, KARTA_USER="admin"))
    return time.monotonic() - started


def timed(path: Path, dry_run: bool) -> float:
    times = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as folder:
            _karta(Path(folder), "init", "--org", "МКУ «Управление образования»", "--place",
                   "г. Заозерск")
            extra = ["--dry-run"] if dry_run else []
            times.append(_karta(Path(folder), "--user", "admin", "import", str(path), *extra))
    return statistics.median(times)


def main() -> None:
    from workflow.importing import read_roadmap

    with tempfile.TemporaryDirectory() as folder:
        docx_path = thousand_rows(Path(folder) / "thousand.docx")
        pdf_path = thirty_pages(Path(folder) / "thirty.pdf")
        for path in (docx_path, pdf_path):
            started = time.monotonic()
            draft = read_roadmap(path)
            read = time.monotonic() - started
            print(f"{path.name}: {draft.accounting()['total']} lines, "
                  f"{len(draft.activities)} activities; read_roadmap {read:.2f} s; "
                  f"karta import --dry-run {timed(path, True):.2f} s; "
                  f"karta import {timed(path, False):.2f} s (medians of 3, new processes)")


if __name__ == "__main__":
    main()
