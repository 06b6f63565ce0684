"""Files attached to an occurrence's reports, opened by those entitled to them.

A school's report, a clerk's report, a returned report's new version: each file is kept in
the store by its SHA-256 and named in the log. The department (clerk, head, auditor) opens
every file of an occurrence it may see; a school only the files of its own assignment and
those it sent itself. A file is found by its SHA-256 among the occurrence's files — never
by a name or a path the browser sends.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from registry.database import Database
from registry.history import events_for
from registry.people import acting_person, roles_of
from registry.roadmaps import resolve
from registry.scope import require_visible
from registry.tables import Assignment
from workflow.errors import UnknownReference
from workflow.roles import WHOLE_ORGANISATION

IMAGES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
SHOWN_AS_PAGES = (".docx", ".doc", ".odt", ".rtf", ".xlsx", ".pdf")


@dataclass(frozen=True)
class AttachedFile:
    """A file of an occurrence: its name as sent, its SHA-256, size and where it came from
    («МБОУ СОШ № 1», «отчёт специалиста»)."""

    name: str
    sha256: str
    size: int
    path: str
    source: str

    @property
    def suffix(self) -> str:
        return self.name[self.name.rfind("."):].lower() if "." in self.name else ""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "size": self.size,
                "source": self.source, "pages": self.suffix in SHOWN_AS_PAGES,
                "image": self.suffix in IMAGES}


REPORT_EVENTS = ("report", "collect", "assignment_report")  # events whose files are reports


def occurrence_files(db: Database, login: str | None, ref: str) -> list[AttachedFile]:
    """Every file sent with a report of occurrence ``ref`` that this person may open (each
    version of a returned report too), in the order they came. karta's own documents are
    opened as documents, not here."""
    with db.reading() as session:
        person = acting_person(session, login)
        found = resolve(session, ref)
        if found.occurrence is None or found.activity is None:
            raise UnknownReference(ref, "нужна ссылка на исполнение за период")
        require_visible(session, person, found.activity.id, found.ref)
        whole = bool(WHOLE_ORGANISATION & set(roles_of(person)))
        own = set() if whole or person.unit_id is None else {
            a for a in session.exec(select(Assignment.id).where(
                col(Assignment.occurrence_id) == found.occurrence.id,
                col(Assignment.unit_id) == person.unit_id))}
        files: dict[str, AttachedFile] = {}
        for event in events_for(session, occurrence_ids=[found.occurrence.id or 0]):
            if event.event not in REPORT_EVENTS or event.files in ("", "[]"):
                continue
            details = json.loads(event.details or "{}")
            if not whole and details.get("assignment") not in own and \
                    event.login != person.login:
                continue  # a school: its own assignment's files and what it sent itself
            source = details.get("executor") or "отчёт по исполнению"
            for item in json.loads(event.files):
                files.setdefault(item["sha256"], AttachedFile(
                    item["name"], item["sha256"], int(item["size"]), item["path"], source))
        return list(files.values())


def open_file(db: Database, login: str | None, ref: str, sha256: str
              ) -> tuple[AttachedFile, bytes]:
    """One file of an occurrence by its SHA-256, with its bytes (checked against it)."""
    for found in occurrence_files(db, login, ref):
        if found.sha256 == sha256:
            problem = db.store.check(found.path, found.sha256)
            if problem:
                from workflow.errors import KartaError

                raise KartaError(f"файл «{found.name}»: {problem}")
            return found, db.store.read(found.path)
    raise UnknownReference(sha256[:12], f"нет такого файла у {ref}")
