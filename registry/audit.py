"""The audit: verifying the hash chain and every stored file, reading and exporting the log."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from registry.database import Database
from registry.documents import registration
from registry.history import GENESIS, HASHED_FIELDS, event_as_dict, event_hash
from registry.people import acting_person, organisation
from registry.tables import Document, HistoryEvent
from workflow.errors import KartaError

_EVENTS = HistoryEvent.__table__  # type: ignore[attr-defined]
_DOCUMENTS = Document.__table__  # type: ignore[attr-defined]


@dataclass
class Verification:
    """What ``karta audit verify`` found: counts, and the first problem when there is one."""

    events: int = 0
    documents: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "events": self.events, "documents": self.documents,
                "files": self.files, "problems": self.problems}


def verify(db: Database, login: str | None) -> Verification:
    """Recompute the chain and every stored file's SHA-256; stop at the first problem of
    each kind (the chain after a break proves nothing more)."""
    with db.reading() as session:
        acting_person(session, login)
    result = Verification()
    files: dict[str, str] = {}  # path → SHA-256 as the log recorded it
    vouched: dict[str, dict[str, Any]] = {}  # "документ N" → what its last event recorded
    with db.engine.connect() as connection:
        rows = connection.execution_options(yield_per=5000).execute(
            select(_EVENTS).order_by(_EVENTS.c.seq))
        previous_seq, previous_hash = 0, GENESIS
        for row in rows:
            values = row._mapping
            result.events += 1
            if not result.problems:
                problem = _check_event(values, previous_seq, previous_hash)
                if problem:
                    result.problems.append(problem)
            previous_seq, previous_hash = values["seq"], values["hash"]
            if values["files"] not in ("", "[]"):
                for stored in json.loads(values["files"]):
                    files[stored["path"]] = stored["sha256"]
            if str(values["object_ref"]).startswith("документ ") and \
                    values["event"] in ("document_draft", "document_register", "sign"):
                vouched[values["object_ref"]] = json.loads(values["details"] or "{}")
        documents = list(connection.execute(select(_DOCUMENTS).order_by(_DOCUMENTS.c.id)))
    for document in documents:
        result.documents += 1
        name = f"документ {document.id} («{document.title[:60]}»" + (
            f", № {document.number_text})" if document.number_text else ")")
        mismatch = _differs_from_log(document, vouched.get(f"документ {document.id}"))
        if mismatch:
            result.problems.append(f"{name}: запись в базе не совпадает с журналом ({mismatch})")
            continue
        problem = _check_file(db.locate(document.file_path), document.file_sha256)
        if problem:
            result.problems.append(f"{name}: {problem}")
        files.pop(document.file_path, None)
    for path, sha in sorted(files.items()):
        result.files += 1
        problem = _check_file(db.locate(path), sha)
        if problem:
            result.problems.append(f"файл {Path(path).name}: {problem}")
    result.files += result.documents
    return result


def _differs_from_log(document: Any, logged: dict[str, Any] | None) -> str | None:
    """Which field of a document row differs from what the log recorded, if any."""
    if logged is None:
        return "в журнале нет его регистрации"
    row = registration(document)
    labels = {"status": "состояние", "number": "номер", "date": "дата", "template": "шаблон",
              "template_sha256": "SHA-256 шаблона", "context_sha256": "данные документа",
              "file_sha256": "SHA-256 файла"}
    for key, label in labels.items():
        if key in logged and logged[key] != row[key]:
            return f"{label}: в базе «{str(row[key])[:20]}», в журнале «{str(logged[key])[:20]}»"
    return None


def _check_event(values: Any, previous_seq: int, previous_hash: str) -> str | None:
    seq = values["seq"]
    what = f"событие № {seq} ({values['event']}, {values['object_ref']}, {values['login']})"
    if seq != previous_seq + 1:
        if seq > previous_seq + 1:
            return (f"после события № {previous_seq} пропущены события № {previous_seq + 1}"
                    f"–{seq - 1}: записи удалены")
        return f"{what}: нарушен порядок номеров"
    if values["prev_hash"] != previous_hash:
        return f"{what}: не совпадает ссылка на предыдущее событие (записи удалены или " \
               "переставлены)"
    if event_hash({name: values[name] for name in HASHED_FIELDS}) != values["hash"]:
        return f"{what}: содержимое изменено (хеш не совпадает)"
    return None


def _check_file(path: Path, sha: str) -> str | None:
    if not path.exists():
        return f"файл {path} отсутствует"
    with path.open("rb") as handle:
        actual = hashlib.file_digest(handle, "sha256").hexdigest()
    if actual != sha:
        return f"файл {path} изменён (SHA-256 {actual[:16]}… вместо {sha[:16]}…)"
    return None


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
        acting_person(session, login)
        zone = organisation(session).timezone
        query = select(HistoryEvent).order_by(col(HistoryEvent.seq))
        if object_ref:
            query = query.where(col(HistoryEvent.object_ref) == object_ref)
        if user:
            query = query.where(col(HistoryEvent.login) == user)
        if since:
            query = query.where(col(HistoryEvent.at) >= datetime.combine(since, time(), UTC))
        rows = [row[0] for row in session.execute(query)]
        return [entry for entry in (_with_chain(row, zone) for row in rows)
                if _keep(entry, None, None, year)]


def _with_chain(row: HistoryEvent, zone: str) -> dict[str, Any]:
    return {"seq": row.seq, **event_as_dict(row, zone), "hash": row.hash}


def _keep(entry: dict[str, Any], since: date | None, user: str | None, year: int | None) -> bool:
    day = date.fromisoformat(str(entry["at"])[:10])
    return ((since is None or day >= since) and (user is None or entry["user"] == user)
            and (year is None or day.year == year))


EXPORT_COLUMNS = ("№", "Дата и время", "Пользователь", "Действие", "Объект", "Было → стало",
                  "Основание, комментарий", "Документы и файлы (SHA-256)")


def _row(entry: dict[str, Any]) -> list[str]:
    from registry.history import DOCUMENT_STATES, EVENT_LABELS
    from workflow.machine import EVENTS, event_label, state_label

    def label(state: object) -> str:
        return DOCUMENT_STATES.get(str(state)) or state_label(str(state))

    event = str(entry["event"])
    move = ""
    if entry.get("from") or entry.get("to"):
        move = f"{label(entry['from']) if entry.get('from') else '—'} → " \
               f"{label(entry['to']) if entry.get('to') else '—'}"
    files = "; ".join(f"{f['name']} {f['sha256']}" for f in entry.get("files") or [])
    return [str(entry.get("seq", "")), str(entry["at"]).replace("T", " ")[:19],
            str(entry["user"]),
            event_label(event) if event in EVENTS else EVENT_LABELS.get(event, event),
            str(entry.get("object", "")), move, str(entry.get("comment") or ""), files]


def export_log(db: Database, login: str | None, fmt: str, out: Path,
               year: int | None = None) -> Path:
    """«Журнал принятых решений» as .docx (a table for people) or .csv (for tools)."""
    entries = read_log(db, login, year=year)
    with db.reading() as session:
        org = organisation(session)
        org_name = org.full_name
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow([*EXPORT_COLUMNS, "Хеш записи"])
        for entry in entries:
            writer.writerow([*_row(entry), entry.get("hash", "")])
        out.write_text(buffer.getvalue(), encoding="utf-8-sig")  # Excel opens it in Cyrillic
        return out
    if fmt != "docx":
        raise KartaError(f"неизвестный формат «{fmt}»: docx или csv")
    _decision_log_docx(out, org_name, entries, year)
    return out


def _decision_log_docx(out: Path, org_name: str, entries: list[dict[str, Any]],
                       year: int | None) -> None:
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
    for entry in entries:
        cells = table.add_row().cells
        for cell, text in zip(cells, _row(entry), strict=True):
            cell.text = text
    document.save(str(out))
