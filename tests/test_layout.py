"""How the documents are laid out: landscape roadmap tables, rows kept whole, headings kept
with the next row, column widths from the content, no-break spaces, the executor mark."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from documents.layout import CELL_PADDING, FIT_MARK, _Cell, fit_columns, text_width, widths_for
from registry.database import Database
from registry.orders import approve_roadmap, make_plan, sign
from registry.people import Profile, initialise
from registry.roadmaps import import_roadmap
from tests.conftest import SLAVGOROD, YENISEISK, ZAOZERSK
from tests.docx_structure import structure, text_of
from workflow.importing import Period

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def body(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")


def tables(xml: str) -> list[str]:
    return re.findall(r"<w:tbl>.*?</w:tbl>", xml, re.S)


def cell_texts(row: str) -> list[str]:
    """Each cell's text, its line breaks and paragraphs as spaces."""
    return [" ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>",
                                re.sub(r"<w:br/>|</w:p>", "<w:t> </w:t>", cell)))
            for cell in re.findall(r"<w:tc>.*?</w:tc>", row, re.S)]


@pytest.fixture
def approval(db: Database) -> bytes:
    rid = import_roadmap(db, YENISEISK, "clerk").roadmap
    draft = approve_roadmap(db, "clerk", f"R{rid}")
    return db.store.read(sign(db, "head", draft.id or 0, date(2020, 11, 30)).file_path)


def test_the_roadmap_appendix_is_on_landscape_pages_after_a_section_break(
        approval: bytes) -> None:
    xml = body(approval)
    sections = re.findall(r"<w:sectPr.*?</w:sectPr>", xml, re.S)
    assert len(sections) == 2
    assert 'w:orient="landscape"' not in sections[0] and '<w:titlePg/>' in sections[0]
    assert 'w:orient="landscape"' in sections[1] and 'w:w="16838"' in sections[1]
    assert "<w:titlePg/>" not in sections[1]  # the appendix's first page is numbered
    # the order's text ends before the break, the appendix starts after it
    before, after = xml.split(sections[0])
    assert "ПРИКАЗЫВАЮ:" in before and "Приложение №" in after


def test_rows_are_kept_whole_and_headings_with_the_next_row(approval: bytes) -> None:
    [appendix] = [t for t in tables(body(approval)) if FIT_MARK in t]
    rows = re.findall(r"<w:tr[ >].*?</w:tr>", appendix, re.S)
    assert "<w:tblHeader" in rows[0]  # the header repeats on every page
    headings = [r for r in rows if "<w:gridSpan" in r]
    assert len(headings) == 6 and all("<w:keepNext/>" in r for r in headings)
    assert all("<w:cantSplit/>" in r for r in rows)


def test_columns_are_as_wide_as_their_longest_word(approval: bytes) -> None:
    """No word is broken across lines: every word fits its column (a hyphenated word may
    break at its hyphen)."""
    [appendix] = [t for t in tables(body(approval)) if FIT_MARK in t]
    widths = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', appendix)]
    assert sum(widths) == round((297 - 20 - 15) / 25.4 * 1440)
    assert widths[1] > widths[2]  # the titles get more room than the deadlines
    for row in re.findall(r"<w:tr[ >].*?</w:tr>", appendix, re.S):
        if "<w:gridSpan" in row:
            continue
        size = 11 if "<w:tblHeader" in row else 12
        for text, width in zip(cell_texts(row), widths):
            for word in re.split(r"[ \t\r\n]+|(?<=-)", text):  # no-break spaces join
                assert text_width(word, size, bold=size == 11) <= width - CELL_PADDING + 1, \
                    (word, width)


def test_the_plan_is_landscape_and_a_monthly_activity_is_one_row(db: Database) -> None:
    rid = import_roadmap(db, YENISEISK, "clerk").roadmap
    plan = db.store.read(make_plan(db, "clerk", f"R{rid}", 2022).file_path)
    shape = structure(plan)
    assert shape["sections"] == ["landscape"]
    rows = [row for row in max(shape["tables"], key=len) if len(row) == 5][1:]
    codes = [row[0] for row in rows]
    assert len(codes) == len(set(codes))  # each activity once
    monthly = next(row for row in rows if row[0] == "0.8")  # «Ежемесячно»
    assert monthly[2] == "ежемесячно, январь–декабрь 2022 г."
    assert "2022-" not in text_of(plan)  # periods are words, not labels


def test_no_break_spaces_in_numbers_dates_years_and_names(db: Database) -> None:
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    draft = approve_roadmap(db, "clerk", f"R{rid}")
    signed = db.store.read(sign(db, "head", draft.id or 0, date(2020, 11, 30)).file_path)
    text = text_of(signed, exact=True)
    assert "30.11.2020\t№\u00a001-09/1" in text and "от 30.11.2020 №\u00a001-09/1" in text
    # a range of years: an en dash that does not end a line, the word kept with the number
    assert "на 2021–2023\u00a0годы" in text and "2021-2023" not in text
    assert "\u2060" not in text  # no invisible joiner: copying and searching work
    assert "С.Л.\u00a0Андреева" in text and "г.\u00a0Заозерск" in text
    assert "Белокреницкой\u00a0Е.В." in text
    assert "№ " not in text


def test_the_appendix_names_the_order_of_a_body_without_a_short_name(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'k.db'}", tmp_path / "files")
    initialise(db, Profile(full_name="Комитет по образованию Администрации города "
                                     "Славгорода Алтайского края", short_name="",
                           place="г. Славгород", head_position="Председатель Комитета",
                           head_name="И.И. Иванов"), admin_name="Сидоров Алексей Иванович")
    rid = import_roadmap(db, SLAVGOROD, "admin", period=Period(2020, 2022)).roadmap
    draft = approve_roadmap(db, "admin", f"R{rid}")
    paragraphs = structure(db.store.read(draft.file_path))["paragraphs"]
    assert "к приказу Комитета по образованию Администрации города Славгорода Алтайского " \
           "края" in paragraphs
    db.dispose()


def test_the_executor_mark_is_under_the_signature_kept_with_it(approval: bytes) -> None:
    """Not a frame anchored to the bottom of a page (which could land on a page of its
    own): a paragraph in small type right after the signature block, which keeps it."""
    xml = body(approval)
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
    [index] = [i for i, p in enumerate(paragraphs) if "karta-signature" in p]
    mark = paragraphs[index + 1]
    assert "Исп.:" in mark and "framePr" not in xml
    assert '<w:sz w:val="20"/>' in mark  # 10 pt
    # the block keeps the text above: the control point and the empty lines before it
    assert all("<w:keepNext/>" in p for p in paragraphs[index - 3:index])
    assert "<w:keepLines/>" in paragraphs[index - 3] and "Контроль" in paragraphs[index - 3]


_WORDS = st.text(alphabet="абвгдежзиклмнопрстуфхцчшщыэюя", min_size=1, max_size=14)


@given(st.lists(st.lists(st.lists(_WORDS, min_size=1, max_size=12), min_size=3, max_size=3),
                min_size=1, max_size=8))
def test_widths_add_up_and_every_word_fits_when_it_can(rows: list[list[list[str]]]) -> None:
    cells = [[_Cell(f'<w:p><w:r><w:t>{" ".join(words)}</w:t></w:r></w:p>') for words in row]
             for row in rows]
    total = 9000
    widths = widths_for(cells, total, 3)
    assert sum(widths) == total
    least = [max(c[i].word for c in cells) + CELL_PADDING for i in range(3)]
    if sum(least) * 1.03 < total:
        assert all(w >= need for w, need in zip(widths, least))


def test_an_unmarked_table_is_left_alone() -> None:
    xml = '<w:tbl><w:tblGrid><w:gridCol w:w="100"/></w:tblGrid></w:tbl>'
    assert fit_columns(xml) == xml
