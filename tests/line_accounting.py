"""Checking that an import accounted for every line of its source.

``source_units`` counts the units of a file independently of the importer (the lines of a
dump, the body paragraphs and table rows of a .docx, the rows of every sheet of a .xlsx);
``assert_accounted`` checks that the draft's line roles sum to that count and that no line
was left without a role.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from workflow.importing.ledger import UNACCOUNTED
from workflow.roadmap import LINE_ROLES, RoadmapDraft

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def source_units(path: Path) -> int | None:
    """How many lines (dumps), paragraphs and rows (.docx) or rows (.xlsx) a file has;
    None for a format counted only by its reader (.pdf, converted files)."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md", ".tsv", ".csv"):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1251")
        if suffix == ".csv":
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            return len(text.split("\n")) - (1 if text.endswith("\n") else 0)
        return len(text.splitlines())
    if suffix == ".docx":
        from xml.etree import ElementTree

        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("word/document.xml"))
        body = root.find(f"{_W}body")
        assert body is not None
        units = 0
        for block in body:
            if block.tag == f"{_W}p":
                units += 1
            elif block.tag == f"{_W}tbl":
                units += sum(1 for _ in block.iter(f"{_W}tr"))
        return units
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        try:
            total = 0
            for sheet in book.worksheets:
                sheet.reset_dimensions()  # type: ignore[union-attr]
                total += sum(1 for _ in sheet.iter_rows())  # type: ignore[union-attr]
            return total
        finally:
            book.close()
    return None


def assert_accounted(draft: RoadmapDraft, path: Path | None = None) -> dict[str, object]:
    """Every line has one role, the roles sum to the total, and the total is the file's
    own count of units; returns the accounting."""
    accounting = draft.accounting()
    total = accounting["total"]
    assert isinstance(total, int)
    assert sum(int(accounting[role]) for role in LINE_ROLES) == total  # type: ignore[call-overload]
    assert [line.line for line in draft.lines] == list(range(1, total + 1))
    lost = [line.line for line in draft.lines if line.reason == UNACCOUNTED]
    assert not lost, f"lines with no role: {lost}"
    if path is not None:
        expected = source_units(path)
        if expected is not None:
            assert total == expected, (total, expected)
    return accounting
