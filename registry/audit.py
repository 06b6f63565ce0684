"""The audit log for people: reading it with filters and exporting «Журнал принятых решений»
(verification is in ``registry.verify``)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from registry.database import Database
from registry.history import event_as_dict
from registry.paging import page_of
from registry.people import (
    acting_person,
    names_of,
    organisation,
    require_whole_organisation,
    roles_of,
)
from registry.tables import Document, HistoryEvent
from workflow.errors import KartaError

_EVENTS = HistoryEvent.__table__  # type: ignore[attr-defined]
_DOCUMENTS = Document.__table__  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------- reading

def read_log(db: Database, login: str | None, since: date | None = None,
             user: str | None = None, object_ref: str | None = None,
             year: int | None = None) -> list[dict[str, Any]]:
    """Log entries in order, filtered by date, user and object (a karta REF selects what
    ``karta history REF`` shows: a roadmap with all of it, an activity, an occurrence)."""
    from registry.occurrences import history

    if object_ref:
        try:
            entries = history(db, object_ref, login)
        except KartaError:
            entries = None
        if entries is not None:
            return [e for e in entries if _keep(e, since, user, year)]
    with db.reading() as session:
        person = acting_person(session, login)
        require_whole_organisation(person, "журнал решений")
        zone = organisation(session).timezone
        query = select(HistoryEvent).order_by(col(HistoryEvent.seq))
        if "region_auditor" not in roles_of(person):
            query = query.where(col(HistoryEvent.organisation_id) == person.organisation_id)
        if object_ref:
            query = query.where(col(HistoryEvent.object_ref) == object_ref)
        if user:
            query = query.where(col(HistoryEvent.login) == user)
        if since:
            query = query.where(col(HistoryEvent.at) >= datetime.combine(since, time(), UTC))
        rows = [row[0] for row in session.execute(query)]
        names = names_of(session)
        return [entry for entry in (_with_chain(row, zone, names) for row in rows)
                if _keep(entry, None, None, year)]


def page_log(db: Database, login: str | None, *, since: date | None = None,
             user: str | None = None, event: str | None = None, text: str | None = None,
             page: int = 1, size: int = 50) -> dict[str, Any]:
    """The log, newest first, filtered and a page at a time (one indexed query)."""

    with db.reading() as session:
        person = acting_person(session, login)
        require_whole_organisation(person, "журнал решений")
        zone = organisation(session).timezone
        conditions: list[Any] = []
        if "region_auditor" not in roles_of(person):
            conditions.append(col(HistoryEvent.organisation_id) == person.organisation_id)
        if since:
            conditions.append(col(HistoryEvent.at) >= datetime.combine(since, time(), UTC))
        if user:
            conditions.append(col(HistoryEvent.login) == user)
        if event:
            conditions.append(col(HistoryEvent.event) == event)
        if text:
            conditions.append(col(HistoryEvent.object_ref).contains(text.strip()))
        rows, total, page, pages = page_of(session, HistoryEvent, conditions,
                                           [col(HistoryEvent.seq).desc()], page, size)
        names = names_of(session)
        return {"rows": [_with_chain(row, zone, names) for row in rows], "total": total,
                "page": page, "pages": pages}


def _with_chain(row: HistoryEvent, zone: str, names: dict[str, str] | None = None
                ) -> dict[str, Any]:
    return {"seq": row.seq, **event_as_dict(row, zone, names), "hash": row.hash}


def _keep(entry: dict[str, Any], since: date | None, user: str | None, year: int | None) -> bool:
    day = date.fromisoformat(str(entry["at"])[:10])
    return ((since is None or day >= since) and (user is None or entry["user"] == user)
            and (year is None or day.year == year))


EXPORT_COLUMNS = ("№", "Дата и время", "Пользователь", "Действие", "Объект", "Было → стало",
                  "Основание, комментарий", "Документы и файлы (SHA-256)")


def _row(entry: dict[str, Any]) -> list[str]:
    from registry.history import EVENT_LABELS, state_words
    from workflow.machine import EVENTS, event_label

    def label(state: object) -> str:
        return state_words(str(state), str(entry["event"]))

    event = str(entry["event"])
    move = ""
    if entry.get("from") or entry.get("to"):
        move = f"{label(entry['from']) if entry.get('from') else '—'} → " \
               f"{label(entry['to']) if entry.get('to') else '—'}"
    files = "; ".join(f"{f['name']} {f['sha256']}" for f in entry.get("files") or [])
    at = datetime.fromisoformat(str(entry["at"]))  # ISO only in --json; people read ДД.ММ.ГГГГ
    return [str(entry.get("seq", "")), f"{at:%d.%m.%Y %H:%M:%S}",
            str(entry.get("name") or entry["user"]),  # people by name (a deputy «за» whom)
            event_label(event) if event in EVENTS else EVENT_LABELS.get(event, event),
            str(entry.get("object", "")), move, str(entry.get("comment") or ""), files]


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet will not run: «=», «+», «-», «@» (and tab, CR) at the start
    would make Excel or LibreOffice read it as a formula, so it gets a leading apostrophe."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def export_log(db: Database, login: str | None, fmt: str, out: Path,
               year: int | None = None, force: bool = False) -> Path:
    """«Журнал принятых решений» as .docx (a table for people) or .csv (for tools)."""
    entries = read_log(db, login, year=year)
    with db.reading() as session:
        org = organisation(session)
        org_name = org.full_name
    from registry.exports import output_folder, write_new

    output_folder(out.parent)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow([*EXPORT_COLUMNS, "Хеш записи"])
        for entry in entries:
            writer.writerow([neutralise(cell) for cell in [*_row(entry), entry.get("hash", "")]])
        # with a byte order mark, so that Excel opens it in Cyrillic
        return write_new(out, buffer.getvalue().encode("utf-8-sig"), force)
    if fmt != "docx":
        raise KartaError(f"неизвестный формат «{fmt}»: docx или csv")
    return write_new(out, _decision_log_docx(org_name, entries, year), force)


def _decision_log_docx(org_name: str, entries: list[dict[str, Any]],
                       year: int | None) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from documents.templates.build import fixed_widths

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(20), Mm(15)
    section.top_margin = section.bottom_margin = Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(10)
    style.paragraph_format.space_after = Pt(0)
    for text, size in ((org_name, 12), ("ЖУРНАЛ ПРИНЯТЫХ РЕШЕНИЙ", 14),
                       (f"за {year} год" if year else "за весь период ведения", 12)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.font.size = True, Pt(size)
    document.add_paragraph(f"Записей: {len(entries)}. Каждая запись заверена хешем SHA-256 и "
                           "ссылкой на предыдущую (проверка: karta audit verify).")
    table = document.add_table(rows=1, cols=len(EXPORT_COLUMNS))
    table.style = document.styles["Table Grid"]
    fixed_widths(table, [12, 26, 22, 32, 30, 30, 55, 55])
    for cell, text in zip(table.rows[0].cells, EXPORT_COLUMNS, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    from documents.russian import xml_safe

    for entry in entries:
        cells = table.add_row().cells
        for cell, text in zip(cells, _row(entry), strict=True):
            cell.text = xml_safe(text)  # a login typed with a control character, say
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
