"""The audit log for people: reading it with filters and exporting «Журнал принятых решений»
(verification is in ``registry.verify``)."""

from __future__ import annotations

import csv
import io
import re
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
from workflow.errors import KartaError, said

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


_JOURNAL_OBJECT = re.compile(r"^журнал (\w+) (\d{4})$")
_KEYED_OBJECT = re.compile(r"^(действие|шаблон|пользователь|вход) (\S+)(?: v(\d+))?$")
_ROLE_LIST = re.compile(r"(роли?: )([a-z_]+(?:, [a-z_]+)*)")


def object_words(text: str, names: dict[str, str]) -> str:
    """What a log entry is about, in words: «Журнал регистрации приказов, 2021 год» for
    «журнал orders 2021», «действие «отменить»» for «действие cancel», a template by its
    kind, a person by name — never karta's internal keys."""
    from documents.contexts import JOURNALS, KINDS
    from registry.history import event_title

    found = _JOURNAL_OBJECT.match(text)
    if found and found.group(1) in JOURNALS:
        return f"{JOURNALS[found.group(1)]}, {found.group(2)} год"
    found = _KEYED_OBJECT.match(text)
    if not found:
        return text
    what, key, version = found.groups()
    if what == "действие":
        return f"действие «{event_title(key)}»"
    if what == "шаблон" and key in KINDS:
        return f"шаблон «{KINDS[key]['label']}»" + (f", версия {version}" if version else "")
    if what in ("пользователь", "вход") and key in names:
        return f"{what} {names[key]}"
    return text


def comment_words(entry: dict[str, Any]) -> str:
    """A log entry's comment with roles and refused actions in words."""
    from registry.history import event_title
    from workflow.roles import role_label

    details = entry.get("details") or {}
    if entry["event"] == "denied" and isinstance(details, dict) and "needed" in details:
        action = str(entry.get("object", "")).removeprefix("действие ")
        needed = ", ".join(role_label(r) for r in details.get("needed") or [])
        held = ", ".join(role_label(r) for r in details.get("held") or []) or "нет ролей"
        return (f"нет прав на действие «{event_title(action)}»: нужна роль «{needed}» "
                f"(роли пользователя: {held})")
    return _ROLE_LIST.sub(lambda m: m.group(1) + ", ".join(
        role_label(r) for r in m.group(2).split(", ")), str(entry.get("comment") or ""))


def _row(entry: dict[str, Any], names: dict[str, str] | None = None) -> list[str]:
    from registry.history import event_title, state_words

    event = str(entry["event"])
    move = ""
    if entry.get("from") or entry.get("to"):
        move = f"{state_words(str(entry['from']), event) if entry.get('from') else '—'} → " \
               f"{state_words(str(entry['to']), event) if entry.get('to') else '—'}"
    files = "; ".join(f"{f['name']} {f['sha256']}" for f in entry.get("files") or [])
    at = datetime.fromisoformat(str(entry["at"]))  # ISO only in --json; people read ДД.ММ.ГГГГ
    return [str(entry.get("seq", "")), f"{at:%d.%m.%Y %H:%M:%S}",
            str(entry.get("name") or entry["user"]),  # people by name (a deputy «за» whom)
            event_title(event), object_words(str(entry.get("object", "")), names or {}),
            move, comment_words(entry), files]


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
        names = names_of(session)
    from registry.exports import output_folder, write_new

    output_folder(out.parent)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow([*EXPORT_COLUMNS, "Хеш записи"])
        for entry in entries:
            writer.writerow([neutralise(cell) for cell in [*_row(entry, names),
                                                           entry.get("hash", "")]])
        # with a byte order mark, so that Excel opens it in Cyrillic
        return write_new(out, buffer.getvalue().encode("utf-8-sig"), force)
    if fmt != "docx":
        raise KartaError(f"неизвестный формат «{fmt}»: docx или csv")
    return write_new(out, _decision_log_docx(org_name, entries, year, names), force)


def _decision_log_docx(org_name: str, entries: list[dict[str, Any]],
                       year: int | None, names: dict[str, str] | None = None) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    from documents.templates.build import _field, fixed_widths, keep_row, russian_language

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(20), Mm(15)
    section.top_margin = section.bottom_margin = Mm(15)
    section.header_distance = Mm(8)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(10)
    style.paragraph_format.space_after = Pt(0)
    russian_language(document)
    # page numbers centred at the top, from the second page on (as every karta document)
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(number, "PAGE")
    for text, size in ((org_name, 12), ("ЖУРНАЛ ПРИНЯТЫХ РЕШЕНИЙ", 14),
                       (f"за {year} год" if year else "за весь период ведения", 12)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.font.size = True, Pt(size)
    document.add_paragraph(f"Записей: {len(entries)}. Каждая запись заверена хешем SHA-256 и "
                           "ссылкой на предыдущую (проверка: "
                           + said("karta audit verify", "«Проверить журнал»") + ").")
    table = document.add_table(rows=1, cols=len(EXPORT_COLUMNS))
    table.style = document.styles["Table Grid"]
    fixed_widths(table, [10, 24, 28, 30, 30, 30, 55, 55])  # «Пользователь» unbroken
    for cell, text in zip(table.rows[0].cells, EXPORT_COLUMNS, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    header = table.rows[0]._tr.get_or_add_trPr()  # repeated on every page
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    keep_row(table.rows[0])
    from documents.russian import xml_safe

    for entry in entries:
        added = table.add_row()
        keep_row(added)  # an entry is never split across pages
        for cell, text in zip(added.cells, _row(entry, names), strict=True):
            cell.text = xml_safe(text)  # a login typed with a control character, say
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
