"""Numbers stamped into rendered documents at registration (issue 26): many writers into one
journal are never refused and never render twice, and a stamped document is byte for byte
the render with its number (``karta documents regenerate``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from documents.render import CompiledTemplate
from documents.stamping import in_fitted_table, stamps_numbers
from registry.database import Database
from registry.documents import regenerate
from registry.occurrences import apply_event
from registry.roadmaps import import_roadmap
from registry.tables import Document
from registry.templates import activate, add_template
from registry.verify import verify
from tests.conftest import ZAOZERSK, report_at_once
from tests.docx_structure import text_of


def _documents(db: Database) -> list[Document]:
    with db.reading() as session:
        return list(session.exec(select(Document).order_by(Document.id)))  # type: ignore[arg-type]


@pytest.mark.parametrize(("source", "stamped"), [
    ("№ {{ document.number }}", True),
    ("№ {{ document.number if document.number else '____' }}", True),
    ("{% if document.number %}№ {{ document.number }}{% endif %} {{ document.date }}", True),
    ("справка № {{ note.number }} от {{ note.date }} {{ note.title }}", True),
    ("№ {{ document.number | upper }}", False),
    ("{{ document.number[0] }}", False),
    ("{% if document.number == '5' %}пять{% endif %}", False),
    ("{{ document.number ~ '/1' }}", False),
    ("{{ document }}", False),
    ("{% for key, value in document.items() %}{{ value }}{% endfor %}", False),
    ("{% set n = document.number %}{{ n }}", False),
    ("{% filter upper %}{{ document.number }}{% endfilter %}", False),
    ("{% macro m() %}{{ document.number }}{% endmacro %}{{ m() }}", False),
    ("{% for document in [1] %}{{ document }}{% endfor %}", False),
    ("{{ document['number'] }}", True),
    ("{{ document.get('number') }}", False),
])
def test_only_a_number_printed_as_it_is_is_stamped(source: str, stamped: bool) -> None:
    assert stamps_numbers([source]) is stamped


def test_a_number_in_a_table_fitted_to_its_text_is_not_stamped() -> None:
    mark = "KARTANUMBERAAXYZ"
    fitted = f"<w:tbl><w:tblCaption w:val=\"karta:fit-columns\"/><w:t>{mark}</w:t></w:tbl>"
    assert in_fitted_table(fitted, [mark])
    assert not in_fitted_table(f"<w:p><w:t>{mark}</w:t></w:p>{fitted.replace(mark, '1')}",
                               [mark])


def test_stamped_documents_are_their_renders_with_the_numbers(db: Database) -> None:
    """A report, and an analysis (a note, an order citing the note's number, the
    recommendations): each file is the render of its snapshot, which holds the final
    numbers; no placeholder is left anywhere."""
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    ref = f"{rid}:3@2022"
    apply_event(db, ref, "start", "clerk")
    apply_event(db, ref, "report", "clerk", comment="Проведено 4 вебинара")
    apply_event(db, ref, "analyse", "head", comment="Выводы.", figures=[("Доля", "85%")],
                decisions=["Руководителям ОО направить специалистов."],
                recommendations=[("МБОУ СОШ № 1", "включить вебинары в план")])
    documents = _documents(db)
    assert [(d.kind, d.number_text) for d in documents] == [
        ("report", "1"), ("analytic_note", "1"), ("order_results", ""),
        ("recommendations", "2")]
    for document in documents:
        assert "KARTANUMBER" not in document.context
        assert "KARTANUMBER" not in text_of(db.store.read(document.file_path))
        assert regenerate(db, "admin", document.id or 0)["identical"]
    assert "№ 1" in text_of(db.store.read(documents[0].file_path))
    order = text_of(db.store.read(documents[2].file_path))
    assert "аналитическая справка от" in order and "№ 1" in order


def test_writers_into_one_journal_are_never_refused_and_render_once(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight reports at once into the reports journal: every one numbered (1–8, no gap),
    none refused, each document rendered exactly once."""
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    refs = [f"{rid}:{code}@2021" for code in range(1, 9)]
    for ref in refs:
        apply_event(db, ref, "start", "clerk")
    renders: list[str] = []
    original = CompiledTemplate.render_parts

    def counted(self: CompiledTemplate, *args: object, **kwargs: object) -> object:
        renders.append(self.name)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(CompiledTemplate, "render_parts", counted)
    assert report_at_once(db, refs) == []
    assert renders == ["report"] * len(refs)
    reports = [d for d in _documents(db) if d.journal == "reports"]
    assert sorted(d.number or 0 for d in reports) == list(range(1, 9))
    for document in reports:
        assert f"№ {document.number}" in text_of(db.store.read(document.file_path))
        assert regenerate(db, "admin", document.id or 0)["identical"]
    result = verify(db, "admin")
    assert result.ok, result.problems


def test_a_template_that_does_more_with_the_number_renders_after_numbering(
        db: Database, tmp_path: Path) -> None:
    """A report template of the office's own whose number is compared, not only printed:
    each document is rendered once numbered, in the transaction; writers at once are still
    never refused and the files are their snapshots' renders."""
    from tests.test_templates import template_with

    path = template_with(tmp_path, "Отчёт {% if document.number == '2' %}второй{% endif %} "
                                   "№ {{ document.number }} {{ occurrence.ref }}")
    add_template(db, "admin", path, "report", "report", "номер сравнивается")
    activate(db, "admin", "report", 2)
    rid = import_roadmap(db, ZAOZERSK, "clerk").roadmap
    refs = [f"{rid}:{code}@2021" for code in range(1, 5)]
    for ref in refs:
        apply_event(db, ref, "start", "clerk")
    assert report_at_once(db, refs, "отчёт") == []
    reports = sorted((d for d in _documents(db) if d.journal == "reports"),
                     key=lambda d: d.number or 0)
    assert [d.number for d in reports] == [1, 2, 3, 4]
    texts = [text_of(db.store.read(d.file_path)) for d in reports]
    assert ["второй" in text for text in texts] == [False, True, False, False]
    for document, text in zip(reports, texts):
        assert f"№ {document.number} " in text
        assert regenerate(db, "admin", document.id or 0)["identical"]
