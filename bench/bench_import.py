"""Import of a 100,000-row roadmap: .csv and .xlsx, dry run and import, time and peak memory.

The roadmap is generated (seeded): a title, a header, sections of 99 activities with
realistic titles, deadline phrases as real roadmaps mix them (mostly yearly; quarterly,
twice a year, a date; about four occurrences an activity over 2021-2023), executors and
planned results — 100,000 rows in all. The .xlsx is written as Excel writes one (shared
strings). Each figure is
measured in a new process (``karta import``, start-up included) and its peak resident memory
is the kernel's count for that child (``RUSAGE_CHILDREN``); the baseline, in the same run, is
a plain read of the same file in a new process (``csv.reader`` over the text; openpyxl's
read-only ``iter_rows``), so the ratio shows what karta adds to reading the rows.

Run: ``.venv/bin/python bench/bench_import.py`` (``--rows N`` for another size,
``--db postgresql+psycopg://…`` to import into a PostgreSQL database, in a schema of its own
made afresh; ``--formats csv`` for one format).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
KARTA = str(Path(sys.executable).with_name("karta"))

HEADER = ["№ п/п", "Наименование мероприятия", "Срок реализации", "Ответственные исполнители",
          "Планируемый результат"]
# mostly yearly, as real roadmaps are: about four occurrences per activity over 2021-2023
DEADLINES = ["Ежегодно", "Ежегодно", "Постоянно", "Ежегодно, сентябрь", "Декабрь 2022",
             "До 01.09.2021", "2 раза в год (декабрь, май)", "Ежеквартально"]
_VERBS = ["Проведение", "Организация", "Мониторинг", "Анализ", "Разработка", "Обеспечение",
          "Подготовка", "Сопровождение"]
_OBJECTS = ["оценочных процедур", "методических семинаров для учителей", "результатов ВПР",
            "адресных рекомендаций", "школьных методических объединений",
            "индивидуальных образовательных маршрутов", "мероприятий по объективности оценки"]
_WHERE = ["в общеобразовательных организациях", "в школах с низкими результатами",
          "на муниципальном уровне", "в образовательных организациях города"]
_EXECUTORS = ["Управление образования", "МКУ «ЦБУМР»", "Руководители ОО",
              "Управление образования, МКУ «ЦБУМР»"]
_RESULTS = ["Аналитическая справка", "Адресные рекомендации", "Приказ, план мероприятий",
            "Повышение качества образования", "Отчёт о проведении"]
TITLE = "Дорожная карта по развитию муниципальной системы оценки качества на 2021-2023 годы"


def roadmap_rows(count: int, seed: int = 20261123) -> list[list[str]]:
    """``count`` rows in all: the title, a blank row, the header, sections and activities."""
    rng = random.Random(seed)
    rows: list[list[str]] = [[TITLE], [], HEADER]
    section = number = 0
    while len(rows) < count:
        if number % 99 == 0:
            section += 1
            number = 0
            rows.append([f"{section}. Раздел {section}: {rng.choice(_OBJECTS)}", "", "", "",
                         ""])
            if len(rows) >= count:
                break
        number += 1
        rows.append([f"{section}.{number}",
                     f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_WHERE)} "
                     f"(этап {section}.{number})", rng.choice(DEADLINES),
                     rng.choice(_EXECUTORS), rng.choice(_RESULTS)])
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    """The rows as Excel saves a book: UTF-8 text in a shared strings table, a sheet that
    declares its dimension (openpyxl would write every cyrillic letter as «&#1044;»)."""
    from xml.sax.saxutils import escape

    from tests.hostile_files import XML_HEAD, parts_of, replace_parts, xlsx

    strings: dict[str, int] = {}
    sheet = [f'{XML_HEAD}<worksheet xmlns="{_MAIN}"><dimension ref="A1:E{len(rows)}"/>'
             "<sheetData>"]
    for number, row in enumerate(rows, 1):
        cells = "".join(
            f'<c r="{"ABCDE"[column]}{number}" t="s"><v>'
            f"{strings.setdefault(text, len(strings))}</v></c>"
            for column, text in enumerate(row) if text)
        sheet.append(f'<row r="{number}">{cells}</row>')
    sheet.append("</sheetData></worksheet>")
    sst = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    base = xlsx(rows=[])
    parts = parts_of(base)
    types = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdStrings" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        b'Target="sharedStrings.xml"/></Relationships>')
    path.write_bytes(replace_parts(base, {
        "xl/worksheets/sheet1.xml": "".join(sheet).encode("utf-8"),
        "xl/sharedStrings.xml": (f'{XML_HEAD}<sst xmlns="{_MAIN}" count="{len(strings)}" '
                                 f'uniqueCount="{len(strings)}">{sst}</sst>').encode(),
        "[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels}))
    return path


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# Reads the file as plainly as Python can, in a new process: the baseline.
_PLAIN_READ = """
import csv, io, sys
path = sys.argv[1]
if path.endswith(".csv"):
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
else:
    from openpyxl import load_workbook
    book = load_workbook(path, read_only=True, data_only=True)
    rows = [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
print(len(rows))
"""

# Runs one command in a new process from a small one, and reports the child's time, CPU
# time and peak resident memory as the kernel counted them.
_MEASURE = """
import json, os, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, env=os.environ)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss / 1024, "code": done.returncode,
                  "error": done.stderr.decode()[-500:]}))
"""


def measure(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall time, CPU time and peak memory of ``command`` run in a new process."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command], check=True,
                          capture_output=True, text=True, env=env)
    result: dict[str, float] = json.loads(done.stdout)
    if result["code"]:
        raise SystemExit(f"{' '.join(command[:4])}…: {result['error']}")
    return result


def _fresh(folder: Path, url: str | None, env: dict[str, str]) -> list[str]:
    """A new database (SQLite in ``folder``, or a new schema in the PostgreSQL one);
    karta's command line against it (``env`` gets the admin's token when one is needed)."""
    if url is None:
        db = folder / "karta.db"
        db.unlink(missing_ok=True)
        base = [KARTA, "--db", f"sqlite:///{db}", "--files", str(folder / "files")]
    else:  # a schema of its own, made afresh
        import sqlalchemy

        engine = sqlalchemy.create_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {_SCHEMA} CASCADE")
            connection.exec_driver_sql(f"CREATE SCHEMA {_SCHEMA}")
        engine.dispose()
        separator = "&" if "?" in url else "?"
        base = [KARTA, "--db", f"{url}{separator}options=-csearch_path%3D{_SCHEMA}"]
    done = subprocess.run([*base, "init", "--org", "МКУ «Управление образования»", "--place",
                           "г. Заозерск", "--head-name", "С.Л. Андреева"],
                          check=True, capture_output=True, text=True, env=env)
    lines = done.stdout.splitlines()
    for number, line in enumerate(lines[:-1]):
        if line.startswith("Персональный токен"):  # a shared database: the admin's token
            env["KARTA_TOKEN"] = lines[number + 1].strip()
    return base


_SCHEMA = "karta_bench_import"


def _line(what: str, karta: dict[str, float], plain: dict[str, float]) -> str:
    return (f"| {what} | {karta['seconds']:.1f} s (CPU {karta['cpu']:.1f} s), "
            f"{karta['peak_mb']:.0f} MB | {plain['seconds']:.1f} s, {plain['peak_mb']:.0f} MB "
            f"| {karta['seconds'] / plain['seconds']:.1f}× |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", default=None,
                        help=f"a PostgreSQL URL (the schema {_SCHEMA} is made afresh in it)")
    parser.add_argument("--formats", default="csv,xlsx")
    args = parser.parse_args()
    env = dict(os.environ, KARTA_USER="admin")
    print(f"{platform.machine()} {platform.processor() or ''} {os.cpu_count()} CPU, "
          f"Python {platform.python_version()}, "
          f"{'PostgreSQL' if args.db else 'SQLite'}; {args.rows:,} rows")
    print("| what | karta: time, peak memory | baseline: plain read of the file | ratio |")
    print("| --- | --- | --- | --- |")
    rows = roadmap_rows(args.rows)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for suffix in args.formats.split(","):
            path = folder / f"roadmap.{suffix}"
            (write_csv if suffix == "csv" else write_xlsx)(path, rows)
            size = path.stat().st_size / 1024 / 1024
            plain = measure([sys.executable, "-c", _PLAIN_READ, str(path)], env)
            base = _fresh(folder, args.db, env)
            dry = measure([*base, "import", str(path), "--dry-run"], env)
            print(_line(f".{suffix} ({size:.1f} MB), `import --dry-run`", dry, plain))
            done = measure([*base, "import", str(path)], env)
            print(_line(f".{suffix} ({size:.1f} MB), `import`", done, plain))


if __name__ == "__main__":
    main()
