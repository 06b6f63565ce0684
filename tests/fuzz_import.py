"""Fuzz the roadmap importer: mutate good roadmaps and read each result.

    python -m tests.fuzz_import --iterations 5000 --seed 1

Bases are the seed dumps in tests/data and .docx, .xlsx, .csv and .md roadmaps made here.
Mutations: byte flips, truncation, inserted NUL, CR and random Unicode, a ZIP part replaced,
removed or mutated (huge attribute values, deep nesting, a DTD, repeated slices), a file
given another type's suffix. Every outcome must be a draft or a ``KartaError`` whose message
is one line; anything else is a failure, printed with its traceback and kept with
``--keep DIR``. The exit code is the number of failures (at most 1).
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests import hostile_files as h
from tests.conftest import SEEDS
from workflow.errors import KartaError, RoadmapLimitExceeded
from workflow.importing import Period, read_roadmap

PERIOD = Period(2021, 2023)
MAX_MUTANT_BYTES = 4 * 1024 * 1024  # keeps one iteration short; the limits are tested apart


@dataclass
class Tally:
    """What a fuzz run saw."""

    runs: int = 0
    results: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    slowest: float = 0.0
    slowest_case: str = ""
    seconds: float = 0.0
    peak_step: float = 0.0  # the most the process's peak memory grew in one case, MB
    peak_step_case: str = ""

    @property
    def clear_errors(self) -> int:
        return sum(self.errors.values())

    def report(self) -> str:
        """The figures of the run, one per line."""
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        lines = [f"runs: {self.runs}", f"results: {self.results}",
                 f"clear errors: {self.clear_errors}",
                 *(f"  {kind}: {number}" for kind, number in self.errors.most_common()),
                 f"tracebacks: {len(self.failures)}", f"peak memory: {peak:.0f} MB",
                 f"time: {self.seconds:.1f} s",
                 f"slowest file: {self.slowest:.2f} s ({self.slowest_case})",
                 f"largest rise of peak memory: {self.peak_step:.0f} MB "
                 f"({self.peak_step_case or 'none'})"]
        return "\n".join(lines)


# -- bases -------------------------------------------------------------------------------------


def bases() -> list[tuple[str, bytes]]:
    """(suffix, bytes) of good roadmaps in every format."""
    seeds = [(".txt", path.read_bytes()) for path in sorted(SEEDS.glob("*.txt"))]
    rows = h.activity_rows(12)
    csv_text = "\n".join(";".join(values) for values in [[h.TITLE, "", "", ""], *rows])
    markdown = "\n".join([f"# {h.TITLE}", "", "| " + " | ".join(rows[0]) + " |",
                          "|---|---|---|---|",
                          *("| " + " | ".join(values) + " |" for values in rows[1:])])
    merged = (h.paragraph(h.TITLE) + "<w:tbl>" + h.row(h.HEADER)
              + "<w:tr>" + h.cell("1.") + h.cell("Первое") + h.cell("Ежегодно",
                                                                      '<w:vMerge w:val="restart"/>')
              + h.cell("УО") + "</w:tr><w:tr>" + h.cell("2.") + h.cell("Второе")
              + h.cell("", "<w:vMerge/>") + h.cell("ОО") + "</w:tr>"
              + h.row(["Раздел 2", ""], '<w:gridBefore w:val="1"/>')
              + "<w:tr>" + h.cell("3.") + h.cell("Третье", '<w:gridSpan w:val="2"/>')
              + h.cell("УО") + "</w:tr></w:tbl>")
    return seeds + [
        (".csv", csv_text.encode("utf-8")), (".csv", csv_text.encode("cp1251")),
        (".md", markdown.encode("utf-8")),
        (".docx", h.docx(h.roadmap_body(12))), (".docx", h.docx(merged)),
        (".xlsx", h.xlsx(h.activity_rows(12), merges=["C3:C5", "A8:D8"])),
    ]


# -- mutations ---------------------------------------------------------------------------------

Mutation = Callable[[random.Random, bytes], bytes]


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        if buffer:
            buffer[rng.randrange(len(buffer))] = rng.randrange(256)
    return bytes(buffer)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[:rng.randrange(len(data) + 1)]


def _insert(rng: random.Random, data: bytes, piece: bytes, times: int) -> bytes:
    for _ in range(times):
        at = rng.randrange(len(data) + 1)
        data = data[:at] + piece + data[at:]
    return data


def insert_nul(rng: random.Random, data: bytes) -> bytes:
    return _insert(rng, data, b"\x00", rng.randint(1, 20))


def insert_cr(rng: random.Random, data: bytes) -> bytes:
    if rng.random() < 0.5:
        return data.replace(b"\n", b"\r")
    return _insert(rng, data, b"\r", rng.randint(1, 20))


def insert_unicode(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.randint(1, 20)):
        point = rng.choice([rng.randrange(0x20, 0x80), rng.randrange(0x80, 0xD800),
                            rng.randrange(0xE000, 0x110000), 0x2028, 0x85, 0xFEFF, 0x1C])
        data = _insert(rng, data, chr(point).encode("utf-8"), 1)
    return data


def repeat_slice(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    start = rng.randrange(len(data))
    piece = data[start:start + rng.randint(1, 200)]
    times = rng.randint(2, max(2, min(20_000, MAX_MUTANT_BYTES // (4 * len(piece)))))
    return _insert(rng, data, piece * times, 1)


_VALUES = ["400000000", "-1", "0", "abc", "", "1e9", "9" * 60, "64", "65", "XFD1048576",
           "A1:XFD1048576", "A0", "ZZZZ1", "１", " 2 ", "2.5", "\u0663"]
_ATTRIBUTE = re.compile(rb'((?:w:val|r|ref|Target|count)=")([^"]*)(")')


def huge_attribute(rng: random.Random, data: bytes) -> bytes:
    value = rng.choice(_VALUES).encode("utf-8")
    matches = list(_ATTRIBUTE.finditer(data))
    if matches and rng.random() < 0.6:
        match = rng.choice(matches)
        return data[:match.start(2)] + value + data[match.end(2):]
    inserts = [(rb"<w:tc>", b'<w:tc><w:tcPr><w:gridSpan w:val="' + value + b'"/></w:tcPr>'),
               (rb"<w:tr>", b'<w:tr><w:trPr><w:gridBefore w:val="' + value + b'"/></w:trPr>'),
               (rb"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="' + value
                + b'"/></mergeCells>'),
               (rb"<row ", b'<row r="' + value + b'" '), (rb"<c ", b'<c r="' + value + b'" ')]
    pattern, replacement = rng.choice(inserts)
    found = [match.start() for match in re.finditer(pattern, data)]
    if not found:
        return data
    at = rng.choice(found)
    return data[:at] + replacement + data[at + len(pattern):]


def deep_nesting(rng: random.Random, data: bytes) -> bytes:
    depth = rng.choice([50, 99, 101, 300, 3000])
    tag = rng.choice([b"w:sdt", b"w:p", b"x", b"w:tbl"])
    nested = (b"<" + tag + b">") * depth + (b"</" + tag + b">") * depth
    ends = [match.end() for match in re.finditer(rb">", data)]
    at = rng.choice(ends) if ends else 0
    return data[:at] + nested + data[at:]


def doctype(rng: random.Random, data: bytes) -> bytes:
    dtd = rng.choice([h.BILLION_LAUGHS.split("]>")[0] + "]>",
                      '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
                      "<!DOCTYPE html>"]).encode()
    body = re.sub(rb"^<\?xml[^>]*\?>", b"", data.lstrip())
    entity = rng.choice([b"&lol9;", b"&x;", b""])
    body = body.replace(b"<w:t>", b"<w:t>" + entity, 1).replace(b"<t>", b"<t>" + entity, 1)
    return b'<?xml version="1.0"?>' + dtd + body


_TEXT_START = re.compile(rb"<(?:w:t|t|v)(?: [^>]*)?>")


def text_unicode(rng: random.Random, data: bytes) -> bytes:
    """Random characters inside a text node, escaped: the XML stays well formed."""
    starts = [match.end() for match in _TEXT_START.finditer(data)]
    if not starts:
        return insert_unicode(rng, data)
    for _ in range(rng.randint(1, 10)):
        at = rng.choice(starts)
        text = "".join(chr(rng.choice([rng.randrange(0x20, 0xD800), rng.randrange(0xE000, 0xFFFE),
                                       rng.randrange(0x10000, 0x110000), 0x9, 0xA, 0xD]))
                       for _ in range(rng.randint(1, 300)))
        piece = text.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8")
        data = data[:at] + piece + data[at:]
        starts = [start + len(piece) if start > at else start for start in starts]
    return data


_ELEMENT = re.compile(rb"<(w:tr|w:p|row|si)[ >].*?</\1>", re.S)


def repeat_element(rng: random.Random, data: bytes) -> bytes:
    """One table row, paragraph or shared string repeated up to thousands of times."""
    matches = list(_ELEMENT.finditer(data))
    if not matches:
        return repeat_slice(rng, data)
    match = rng.choice(matches)
    piece = match.group(0)
    most = max(2, MAX_MUTANT_BYTES // (2 * len(piece)))  # the mutant stays small
    times = min(most, rng.choice([2, 10, 100, 1000, most]))
    return data[:match.end()] + piece * times + data[match.end():]


TEXT_MUTATIONS: list[Mutation] = [flip_bytes, truncate, insert_nul, insert_cr, insert_unicode,
                                  repeat_slice]
XML_MUTATIONS: list[Mutation] = [*TEXT_MUTATIONS, huge_attribute, huge_attribute,
                                 huge_attribute, deep_nesting, doctype, text_unicode,
                                 text_unicode, repeat_element, repeat_element]
# The parts that hold a roadmap's content get most mutations.
CONTENT_PARTS = ("word/document.xml", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml")


def mutate_package(rng: random.Random, data: bytes) -> bytes:
    """Replace, remove or mutate one part of a ZIP, and write it again."""
    try:
        parts = h.parts_of(data)
    except Exception:  # an earlier mutation broke the ZIP: mutate its bytes instead
        return flip_bytes(rng, data)
    if not parts:
        return data
    content = [name for name in CONTENT_PARTS if name in parts]
    name = rng.choice(content) if content and rng.random() < 0.7 else rng.choice(sorted(parts))
    choice = rng.random()
    if choice < 0.1:
        del parts[name]
    elif choice < 0.2:
        parts[name] = parts[rng.choice(sorted(parts))]
    else:
        for _ in range(rng.randint(1, 3)):
            parts[name] = rng.choice(XML_MUTATIONS)(rng, parts[name])
    compression = rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
    return h.zip_of(parts, compression)


def mutate(rng: random.Random, suffix: str, data: bytes) -> tuple[str, bytes]:
    """One mutant of a base file, and the suffix it is given."""
    packaged = suffix in (".docx", ".xlsx")
    for _ in range(rng.randint(1, 3)):
        if packaged and rng.random() < 0.8:
            data = mutate_package(rng, data)
        else:
            data = rng.choice(TEXT_MUTATIONS)(rng, data)
        if len(data) > MAX_MUTANT_BYTES:
            data = data[:MAX_MUTANT_BYTES]
    if rng.random() < 0.05:
        suffix = rng.choice([".docx", ".xlsx", ".csv", ".txt", ".md", ".tsv"])
    return suffix, data


# -- the run -----------------------------------------------------------------------------------


def run(iterations: int, seed: int, keep: Path | None = None,
        out: Callable[[str], None] = print) -> Tally:
    """Read ``iterations`` mutants made from ``seed``; return what was seen."""
    rng = random.Random(seed)
    sources = bases()
    # packages have the most ways to go wrong: they get three times the share of a dump
    weights = [3 if suffix in (".docx", ".xlsx") else 1 for suffix, _ in sources]
    tally = Tally()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="karta-fuzz-") as folder:
        for number in range(iterations):
            suffix, data = mutate(rng, *rng.choices(sources, weights)[0])
            path = Path(folder) / f"case{number}{suffix}"
            path.write_bytes(data)
            case_started = time.monotonic()
            peak_before = _peak_mb()
            outcome = _read(path)
            elapsed = time.monotonic() - case_started
            if elapsed > tally.slowest:
                tally.slowest, tally.slowest_case = elapsed, f"{path.name}, {len(data)} bytes"
            step = _peak_mb() - peak_before
            if step > tally.peak_step:
                tally.peak_step, tally.peak_step_case = step, f"{path.name}, {len(data)} bytes"
                if keep is not None and step > 100:
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / path.name).write_bytes(data)
            tally.runs += 1
            if outcome is None:
                tally.results += 1
            elif isinstance(outcome, str):
                tally.errors[outcome] += 1
            else:
                tally.failures.append(path.name)
                out(f"FAILURE {path.name} (seed {seed}, case {number}):\n{outcome[0]}")
                if keep is not None:
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / path.name).write_bytes(data)
            path.unlink()
    tally.seconds = time.monotonic() - started
    return tally


# Clear errors grouped by what they say (the rest by their first words).
_KINDS = [
    ("broken package or XML", r"повреждён|не является|не удалось открыть|не удалось прочитать "
                              r"книгу|защищён паролем|старом формате"),
    ("DTD refused", r"DTD"),
    ("bad merge value", r"недопустимое значение w:grid"),
    ("no roadmap table", r"не найдена таблица|нет ни одного мероприятия"),
    ("duplicate activity code", r"повторяется"),
    ("activity without a title", r"нет наименования"),
    ("bad encoding", r"кодировке"),
    ("empty file", r"файл пуст"),
    ("unparsable CSV", r"строка CSV"),
]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read(path: Path) -> str | tuple[str] | None:
    """None for a draft, the kind of a clear error, or (traceback,) for anything else."""
    try:
        read_roadmap(path, PERIOD)
    except KartaError as error:
        message = str(error)
        if "\n" in message or not message.startswith(path.name):
            return (f"unclear message: {message!r}",)
        if isinstance(error, RoadmapLimitExceeded):
            return f"limit {error.limit}"
        reason = getattr(error, "reason", message)
        for kind, pattern in _KINDS:
            if re.search(pattern, reason):
                return kind
        return f"{type(error).__name__}: {' '.join(reason.split()[:4])}"
    except Exception:  # the point of the run: any other exception is a finding
        return (traceback.format_exc(),)
    return None


def main(argv: list[str] | None = None) -> int:
    """The command line: run, print the figures, fail on any traceback."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None,
                        help="folder where failing files are kept")
    args = parser.parse_args(argv)
    tally = run(args.iterations, args.seed, args.keep)
    print(tally.report())
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
