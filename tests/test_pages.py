"""Pages that hold together (issue 23, blockers 1–3): every kind of document, with a long
organisation name, long positions and long titles, rendered to PDF by LibreOffice with
ever more text, read page by page: the signature block on one page with text above it, no
page holding only a signature or only the executor mark, the mark under the signature."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from documents.layout import keep_signature, signature_lines, text_width
from tests.document_samples import Sample, make_samples
from tests.office import convert_all, require_office
from tests.page_check import signature_problems

STEPS = range(0, 15)  # points, lines or rows added one at a time


def test_signature_blocks_hold_together_on_every_page(tmp_path: Path) -> None:
    require_office()
    samples = make_samples(tmp_path)
    assert {s.kind for s in samples} == {
        "order_approve", "order_start", "report", "analytic_note", "order_results",
        "recommendations", "order_amend", "plan", "annual_report", "monitoring_note",
        "order_monitoring"}
    files: list[tuple[Path, Sample]] = []
    (tmp_path / "docx").mkdir()
    for sample in samples:
        for step in STEPS:
            path = tmp_path / "docx" / f"{sample.kind}-{step:02d}.docx"
            path.write_bytes(sample.render(step))
            files.append((path, sample))
    pdfs = convert_all([path for path, _ in files], ".pdf", tmp_path)
    problems: list[str] = []
    pages: dict[str, set[int]] = defaultdict(set)
    for pdf, (_, sample) in zip(pdfs, files):
        page, found = signature_problems(pdf, sample.position, sample.signer, sample.mark)
        problems += found
        pages[sample.kind].add(page)
    assert not problems, "\n".join(problems)
    # every sweep pushed its signature block over a page break: the checks saw the break
    assert {kind: len(found) for kind, found in pages.items() if len(found) < 2} == {}


def test_the_position_is_set_in_a_column_and_the_name_on_its_last_line() -> None:
    position = ("Исполняющий обязанности начальника муниципального казенного учреждения "
                "«Управление образования ЗАТО город Заозерск»")
    lines = signature_lines(position).split("\n")
    assert " ".join(lines) == position
    assert len(lines) == 4
    assert all(text_width(line, 14) <= 100 / 25.4 * 1440 for line in lines)
    assert signature_lines("Начальник") == "Начальник"


def test_the_last_text_and_a_table_before_the_signature_are_kept_with_it() -> None:
    signature = '<w:p><w:pPr><w:pStyle w:val="karta-signature"/></w:pPr></w:p>'
    text = '<w:p><w:pPr><w:jc w:val="both"/></w:pPr><w:r><w:t>5. Контроль</w:t></w:r></w:p>'
    empty = "<w:p><w:pPr></w:pPr></w:p>"
    kept = keep_signature(f"<w:body>{text}{text}{empty}{empty}{signature}</w:body>")
    assert kept.count("<w:keepNext/>") == 3 and kept.count("<w:keepLines/>") == 1
    assert kept.startswith(f"<w:body>{text}")  # only the last paragraph of text
    row = '<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>'
    table = f'<w:tbl><w:tblPr/><w:tblGrid/>{row * 6}</w:tbl>'
    kept = keep_signature(f"<w:body>{table}{empty}{signature}</w:body>")
    # the last two rows: a table of their own, kept with the signature
    assert kept.count("<w:tbl>") == 2 and kept.count("<w:keepNext/>") == 2 + 1 + 1
