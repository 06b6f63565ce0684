"""PDF with a text layer, read with pdfplumber: these tests write their PDFs with
matplotlib (tests/pdf_writer.py), so they run without LibreOffice."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.line_accounting import assert_accounted
from tests.pdf_writer import PdfTable
from workflow.errors import KartaError, RoadmapFormatError, RoadmapLimitExceeded
from workflow.importing import limits, read_roadmap

WIDTHS = [1.2, 6.0, 3.2, 3.6, 4.2]
HEADER = ["№ п/п", "Мероприятие", "Сроки", "Ответственные", "Планируемый результат"]


def _roadmap(path: Path, rows: int, ruled: bool = True, title: str =
             "Дорожная карта по развитию МСОКО на 2021-2023 годы") -> Path:
    table = PdfTable(WIDTHS, running="Дорожная карта по развитию МСОКО", ruled=ruled)
    table.text(title)
    table.row(HEADER)
    table.row(["1. Нормативно-правовое обеспечение развития муниципальной системы", "", "",
               "", ""], merged=True)
    for number in range(1, rows + 1):
        table.row([f"1.{number}", f"Проведение мониторинга результатов оценочных процедур "
                                  f"номер {number} в образовательных организациях района",
                   "Ежегодно, август", "Управление образования, ОО",
                   "Аналитическая справка по итогам мониторинга"])
    table.save(path)
    return path


def test_a_ruled_table_over_pages(tmp_path: Path) -> None:
    draft = read_roadmap(_roadmap(tmp_path / "roadmap.pdf", 40))
    assert (draft.first_year, draft.last_year) == (2021, 2023)
    assert draft.title == "Дорожная карта по развитию МСОКО на 2021-2023 годы"
    assert [s.title for s in draft.sections] == [
        "Нормативно-правовое обеспечение развития муниципальной системы"]
    assert [a.code for a in draft.activities] == [f"1.{n}" for n in range(1, 41)]
    for number, activity in enumerate(draft.activities, 1):
        assert activity.title == (f"Проведение мониторинга результатов оценочных процедур "
                                  f"номер {number} в образовательных организациях района")
        assert activity.executors == ["Управление образования", "ОО"]
        assert activity.planned_result == "Аналитическая справка по итогам мониторинга"
    accounting = assert_accounted(draft)
    reasons = accounting["reasons"]
    assert isinstance(reasons, dict)
    pages = reasons["номер страницы"]
    assert pages >= 3 and reasons["колонтитул"] == pages - 1  # from the second page on


def test_a_row_broken_over_a_page_is_one_activity(tmp_path: Path) -> None:
    table = PdfTable(WIDTHS, running="План мероприятий")
    table.text("План мероприятий на 2022 год")
    table.row(HEADER)
    long_title = " ".join(f"мероприятие{n} по повышению качества" for n in range(1, 60))
    for number in range(1, 4):
        table.row([f"{number}.", f"Совещание {number}", "Ежегодно", "УО", "Протокол"])
    table.row(["4.", f"Долгое {long_title}", "Ежегодно", "Управление образования МКУ «ЦБУМР» ОО",
               "Протокол"])
    table.row(["5.", "Семинар", "Ежегодно", "ОО", "План"])
    path = tmp_path / "broken_row.pdf"
    table.save(path)
    draft = read_roadmap(path)
    assert [a.code for a in draft.activities] == ["1", "2", "3", "4", "5"]
    assert draft.activities[3].title == f"Долгое {long_title}"
    assert draft.activities[3].executors == ["Управление образования", "МКУ «ЦБУМР»", "ОО"]
    assert assert_accounted(draft)["continuation"] >= 1


def test_an_unruled_table(tmp_path: Path) -> None:
    draft = read_roadmap(_roadmap(tmp_path / "plain.pdf", 30, ruled=False))
    assert len(draft.activities) == 30
    last = draft.activities[-1]
    assert last.title == ("Проведение мониторинга результатов оценочных процедур номер 30 в "
                          "образовательных организациях района")
    assert last.deadline_text == "Ежегодно, август"
    assert last.planned_result == "Аналитическая справка по итогам мониторинга"
    assert assert_accounted(draft)["header"] == 2  # «Планируемый» / «результат»


def test_a_word_broken_by_a_narrow_column_is_joined_and_shown(tmp_path: Path) -> None:
    table = PdfTable([1.0, 6.0, 1.6, 4.0], running="")
    table.text("План мероприятий на 2022 год")
    table.row(["№", "Мероприятие", "Сроки", "Ответственные"])
    table.row(["1.", "Совещание руководителей", "Ежеквартально", "Управление образования"])
    path = tmp_path / "narrow.pdf"
    table.save(path)
    draft = read_roadmap(path)
    assert draft.activities[0].deadline_text == "Ежеквартально"
    assert [r.kind for r in draft.repairs] == ["wrap"]


def test_a_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("pdf", force=True)
    import matplotlib.pyplot as plt
    import numpy

    figure = plt.figure(figsize=(8.27, 11.69))
    figure.figimage(numpy.random.default_rng(1).random((200, 200)))
    path = tmp_path / "scan.pdf"
    figure.savefig(str(path))
    plt.close(figure)
    with pytest.raises(RoadmapFormatError) as error:
        read_roadmap(path)
    assert str(error.value) == ("scan.pdf: в PDF нет текстового слоя (отсканированный "
                                "документ): распознайте текст или возьмите исходный файл .docx")


@pytest.mark.parametrize("data", [b"%PDF-1.4\nnot really", b"just text", b"%PDF-1.7\n" +
                                  b"\x00" * 500])
def test_a_broken_pdf(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(RoadmapFormatError) as error:
        read_roadmap(path)
    assert str(error.value) == "broken.pdf: файл .pdf повреждён или не является PDF"


def test_too_many_pages_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _roadmap(tmp_path / "long.pdf", 60)
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 2)
    with pytest.raises(RoadmapLimitExceeded) as error:
        read_roadmap(path)
    assert error.value.limit == "MAX_PDF_PAGES"
    assert str(error.value) == "long.pdf: в PDF больше 2 страниц"


def test_the_time_budget_holds_for_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _roadmap(tmp_path / "slow.pdf", 60)
    monkeypatch.setattr(limits, "READ_SECONDS", 0.05)
    with pytest.raises(RoadmapLimitExceeded) as error:
        read_roadmap(path)
    assert error.value.limit == "READ_SECONDS"


def test_a_30_page_pdf_is_read_whole(tmp_path: Path) -> None:
    """Every activity of a 30-page PDF, within the importer's own time budget (READ_SECONDS
    refuses a slower read); how fast is measured in bench/, not by a timed test that fails
    on a loaded machine."""
    path = _roadmap(tmp_path / "thirty.pdf", 350)
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) >= 30
    draft = read_roadmap(path)
    assert len(draft.activities) == 350


_SEED_PDF: list[bytes] = []


def _seed_pdf(folder: Path) -> bytes:
    if not _SEED_PDF:
        _SEED_PDF.append(_roadmap(folder / "seed.pdf", 4).read_bytes())
    return _SEED_PDF[0]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_mutated_pdf_is_read_or_refused(tmp_path: Path, data: st.DataObject) -> None:
    seed = bytearray(_seed_pdf(tmp_path))
    for _ in range(data.draw(st.integers(1, 20))):
        position = data.draw(st.integers(0, len(seed) - 1))
        seed[position] = data.draw(st.integers(0, 255))
    path = tmp_path / "mutant.pdf"
    path.write_bytes(bytes(seed))
    try:
        read_roadmap(path)
    except KartaError as error:
        assert str(error).startswith("mutant.pdf") and "\n" not in str(error)


def _minimal_pdf(content: bytes, pages: int = 1) -> bytes:
    """A PDF of ``pages`` pages sharing one content stream, Flate-compressed."""
    import zlib

    packed = zlib.compress(content, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(f"{4 + n} 0 R".encode()
                                                      for n in range(pages))
               + f"] /Count {pages} >>".encode(),
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed
               + b"\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"
                for _ in range(pages)]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    start = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{start}\n"
            "%%EOF\n").encode()
    return bytes(out)


def test_a_content_stream_that_unpacks_too_far_is_refused_before_it_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_minimal_pdf(b" " * (8 * 1024 * 1024)))
    assert path.stat().st_size < 20_000
    monkeypatch.setattr(limits, "MAX_PDF_UNPACKED_BYTES", 4 * 1024 * 1024)
    with pytest.raises(RoadmapLimitExceeded) as error:
        read_roadmap(path)
    assert error.value.limit == "MAX_PDF_UNPACKED_BYTES"
    assert str(error.value) == ("bomb.pdf: распакованное содержимое PDF больше 4 МБ (похоже на "
                                "сжатую бомбу)")


def test_a_page_tree_of_thousands_of_pages_stops_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "pages.pdf"
    path.write_bytes(_minimal_pdf(b"", pages=2000))
    started = time.monotonic()
    with pytest.raises(RoadmapLimitExceeded) as error:
        read_roadmap(path)
    assert error.value.limit == "MAX_PDF_PAGES"
    assert time.monotonic() - started < 5


def test_a_pdf_with_text_but_no_table(tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(_minimal_pdf(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET"))
    with pytest.raises(RoadmapFormatError) as error:
        read_roadmap(path)
    assert str(error.value).startswith("letter.pdf: ")


def test_rows_merged_across_the_table_alone_between_page_numbers(tmp_path: Path) -> None:
    """A group's and a section's titles, rows merged across the table, stand alone between
    two page numbers (the foot of one page, a page of their own): pdfplumber gives them
    as a table of one column, which continues the roadmap — the activities after them
    stay in that section of that group (issue 24)."""
    table = PdfTable([1.2, 6.0, 3.0, 3.6])
    table.text("Дорожная карта по развитию МСОКО на 2022-2024 годы")
    header = ["№", "Мероприятие", "Сроки", "Ответственный"]
    table.row(header)
    table.row(["Организационные меры"], merged=True)
    table.row(["1. Нормативно-правовое обеспечение"], merged=True)
    for number in (1, 2):
        table.row([str(number), "Подготовка нормативных документов", "Ежегодно", "УО"])
    table.text("3")
    table.row(["Содержательные меры"], merged=True)
    table.row(["2. Система оценки качества подготовки обучающихся"], merged=True)
    table.text("4")
    table.row(header)
    for number in (3, 4):
        table.row([str(number), "Проведение ВПР", "Апрель", "ОО"])
    path = tmp_path / "группы.pdf"
    table.save(path)
    draft = read_roadmap(path)
    assert [(s.code, s.parent) for s in draft.sections] == [
        ("А", None), ("1", "А"), ("Б", None), ("2", "Б")]
    assert [(a.code, a.section_code) for a in draft.activities] == [
        ("1", "1"), ("2", "1"), ("3", "2"), ("4", "2")]
