""".doc, .odt and .rtf through LibreOffice; the .pdf LibreOffice prints of a .docx.

Tests that need LibreOffice skip when it is absent (and fail in CI); the message
a clerk gets without it is tested by hiding it from PATH.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.line_accounting import assert_accounted
from tests.office import convert_all, require_office
from tests.roadmap_generator import make_truth, mismatches, render
from workflow.errors import RoadmapFormatError, RoadmapLimitExceeded
from workflow.importing import limits, read_roadmap
from workflow.importing.package import OLE_SIGNATURE


@pytest.fixture
def needs_office() -> None:
    require_office()


@pytest.mark.parametrize("suffix", [".doc", ".odt", ".rtf"])
def test_without_libreoffice_the_message_names_it(tmp_path: Path, suffix: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    path = tmp_path / f"roadmap{suffix}"
    path.write_bytes(OLE_SIGNATURE + b"\x00" * 512 if suffix == ".doc" else b"{\\rtf1 }")
    with pytest.raises(RoadmapFormatError) as error:
        read_roadmap(path)
    assert str(error.value) == (f"roadmap{suffix}: для чтения файлов {suffix} нужна программа "
                                "LibreOffice (soffice), она не найдена: установите LibreOffice "
                                "или сохраните файл в формате .docx")


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[Path, object]]]:
    """Generated roadmaps as .docx, and LibreOffice's .doc, .odt, .rtf and .pdf of them
    (one run of LibreOffice per format). Reading a .doc, .odt or .rtf starts LibreOffice
    again (2-3 s), so those get three roadmaps, the .pdf eight."""
    require_office()
    folder = tmp_path_factory.mktemp("office")
    made = []
    automatic = set()
    for seed in range(8):
        rng = random.Random(1000 + seed)
        truth = make_truth(rng)
        path = folder / f"generated{seed}.docx"
        if any(kind.startswith("12 Word's automatic numbering")
               for kind in render(truth, ".docx", rng, path).injected):
            automatic.add(path)
        made.append((path, truth))
    result = {}
    for suffix in (".doc", ".odt", ".rtf", ".pdf"):
        chosen = made if suffix == ".pdf" else made[:3]
        if suffix == ".doc":
            # LibreOffice writes a list that runs over several tables into .doc as a list
            # that starts again in each table (its own PDF of that .doc shows «1.» again):
            # the generator splits a table at every page break, Word keeps one table
            chosen = [(path, truth) for path, truth in made if path not in automatic][:3]
        paths = convert_all([path for path, _ in chosen], suffix, folder)
        result[suffix] = list(zip(paths, [truth for _, truth in chosen]))
    return result


@pytest.mark.usefixtures("needs_office")
@pytest.mark.parametrize("suffix", [".doc", ".odt", ".rtf", ".pdf"])
def test_generated_roadmaps_through_libreoffice(
        converted: dict[str, list[tuple[Path, object]]], suffix: str) -> None:
    for path, truth in converted[suffix]:
        draft = read_roadmap(path)
        assert mismatches(truth, draft) == [], path.name  # type: ignore[arg-type]
        assert_accounted(draft)
        assert draft.source_name == path.name and draft.source == path.read_bytes()


@pytest.mark.usefixtures("needs_office")
def test_a_conversion_that_outlasts_its_budget(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "slow.rtf"
    path.write_bytes(b"{\\rtf1\\ansi \\par }")
    monkeypatch.setattr(limits, "CONVERT_SECONDS", 0.01)
    with pytest.raises(RoadmapLimitExceeded) as error:
        read_roadmap(path)
    assert error.value.limit == "CONVERT_SECONDS"
    assert str(error.value) == ("slow.rtf: LibreOffice преобразовывал файл дольше 0.01 с; файл "
                                "слишком велик или повреждён")


@pytest.mark.usefixtures("needs_office")
def test_a_file_libreoffice_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "garbage.doc"
    path.write_bytes(OLE_SIGNATURE + bytes(range(256)) * 8)
    with pytest.raises(RoadmapFormatError) as error:
        read_roadmap(path)
    assert str(error.value).startswith("garbage.doc: ")
    assert "\n" not in str(error.value)


@pytest.mark.usefixtures("needs_office")
def test_rows_broken_by_page_breaks_in_a_libreoffice_pdf(tmp_path: Path) -> None:
    """Long rows that Word and LibreOffice let break across pages: in the PDF each such row
    is two rows on two pages, with the page's number and the header between."""
    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph("Дорожная карта по развитию МСОКО на 2022-2024 годы")
    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    widths = [Cm(1.5), Cm(7), Cm(3.5), Cm(5)]
    for column, width in zip(table.columns, widths):
        column.width = width
    header = table.add_row()
    header.cells[0].text, header.cells[1].text = "№ п/п", "Мероприятие"
    header.cells[2].text, header.cells[3].text = "Сроки", "Ответственные"
    results = []
    for number in range(1, 16):
        title = " ".join(f"мероприятие {number}-{k} по повышению качества образования"
                         for k in range(1, 12))
        title = "Проведение " + title
        results.append(title)
        cells = table.add_row().cells
        for cell, text, width in zip(cells, [f"{number}.", title, "Ежегодно",
                                             "Управление образования МКУ «ЦБУМР» ОО"], widths):
            cell.width = width
            cell.text = text
    source = tmp_path / "long_rows.docx"
    document.save(str(source))
    [pdf] = convert_all([source], ".pdf", tmp_path)
    draft = read_roadmap(pdf)
    assert [a.title for a in draft.activities] == results
    assert all(a.executors == ["Управление образования", "МКУ «ЦБУМР»", "ОО"]
               for a in draft.activities)
    accounting = assert_accounted(draft)
    assert accounting["continuation"] >= 3  # rows broken over pages, joined again
