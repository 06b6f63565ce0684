"""Comments (issue 21, item 7): a thread on an occurrence or a document — who, when, what —
for the people who may see it. Naming a colleague as «@логин» tells them. A comment is
logged (the log vouches for it) and never changes a state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from registry.database import Database, utcnow
from registry.history import local_time, record
from registry.people import acting_person, organisation
from registry.tables import Comment, Person
from workflow.errors import KartaError

MAX_TEXT = 4000  # characters: a comment, not a report (a report has its own form)
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]{1,64})")


@dataclass
class Said:
    """One comment as a thread shows it (the time in the organisation's zone)."""

    id: int
    author: str
    login: str
    at: datetime
    text: str
    mentioned: list[str]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Target:
    """What a thread is about: an occurrence (by ref) or a document (by number)."""

    kind: str  # occurrence, document
    key: str  # the occurrence's ref, or the document's id as text

    @property
    def label(self) -> str:
        return self.key if self.kind == "occurrence" else f"документ {self.key}"


def _visible(db: Database, login: str | None, target: Target) -> tuple[int, str]:
    """The object's id and its ref in the log, if the person may see it (else the refusal
    a page or a command gives for it)."""
    if target.kind == "document":
        from registry.documents import get_document

        document = get_document(db, login, int(target.key))
        return document.id or 0, f"документ {document.id}"
    from registry.occurrences import _require_visible
    from registry.roadmaps import resolve

    with db.reading() as session:
        person = acting_person(session, login)
        found = resolve(session, target.key)
        if found.occurrence is None:
            raise KartaError(f"«{target.key[:40]}»: обсуждение ведётся по исполнению за "
                             "период, например 1:2.4@2022")
        _require_visible(session, person, found)
        return found.occurrence.id or 0, found.ref


def _clean(text: str) -> str:
    cleaned = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n")
                        .replace("\r", "\n").split("\n")).strip()
    cleaned = "".join(ch for ch in cleaned if ch == "\n" or ch == "\t" or ch.isprintable())
    if not cleaned:
        raise KartaError("напишите текст комментария")
    if len(cleaned) > MAX_TEXT:
        raise KartaError(f"комментарий длиннее {MAX_TEXT} символов ({len(cleaned)}): "
                         "сократите его или приложите текст к отчёту")
    return cleaned


def add_comment(db: Database, login: str | None, target: Target, text: str) -> int:
    """A comment on what the person may see; people named «@логин» are told. Its id."""
    cleaned = _clean(text)
    object_id, ref = _visible(db, login, target)
    with db.transaction() as session:
        person = acting_person(session, login, "comment")
        mentioned = _mentioned(session, cleaned, person)
        row = Comment(organisation_id=person.organisation_id, object_kind=target.kind,
                      object_id=object_id, person_id=person.id or 0, at=utcnow(),
                      text=cleaned, mentioned=",".join(p.login for p in mentioned))
        session.add(row)
        session.flush()
        record(session, login=person.login, object_ref=ref, event="comment",
               comment=cleaned[:300], touches=[("comment", row.id or 0)])
        if mentioned:
            from registry.notifications import Addressed, notify

            link = f"/o/{ref}" if target.kind == "occurrence" else f"/documents/{object_id}"
            notify(session, Addressed(people=tuple(p.id or 0 for p in mentioned)), "comment",
                   f"{person.full_name or person.login} пишет вам ({ref}): "
                   f"{cleaned[:120]}", f"{link}#comments", exclude=[person.login])
        return row.id or 0


def _mentioned(session: Session, text: str, author: Person) -> list[Person]:
    logins = list(dict.fromkeys(_MENTION.findall(text)))[:20]
    if not logins:
        return []
    found = {p.login: p for p in session.exec(select(Person).where(
        col(Person.login).in_(logins), Person.organisation_id == author.organisation_id))}
    unknown = [login for login in logins if login not in found]
    if unknown:
        raise KartaError(f"в комментарии назван неизвестный пользователь «@{unknown[0]}»")
    return [found[login] for login in logins if login != author.login]


def comments(db: Database, login: str | None, target: Target) -> list[Said]:
    """The thread on what the person may see, oldest first. A school reads the department's
    comments and its own people's — not another school's (as it never reads another
    school's report)."""
    from registry.people import roles_of
    from registry.scope import WHOLE_ORGANISATION, region_wide

    object_id, _ = _visible(db, login, target)
    with db.reading() as session:
        reader = acting_person(session, login)
        zone = organisation(session).timezone
        people = {p.id: p for p in session.exec(select(Person))}
        names = {key: (p.full_name or p.login, p.login) for key, p in people.items()}
        rows = list(session.exec(select(Comment).where(
            Comment.object_kind == target.kind, Comment.object_id == object_id)
            .order_by(col(Comment.id))))
        if not (WHOLE_ORGANISATION & set(roles_of(reader)) or region_wide(reader)):
            def staff(person: Person | None) -> bool:
                return person is not None and (
                    bool(WHOLE_ORGANISATION & set(roles_of(person))) or person.id == reader.id
                    or (reader.unit_id is not None and person.unit_id == reader.unit_id))

            rows = [row for row in rows if staff(people.get(row.person_id))]
        return [Said(row.id or 0, names.get(row.person_id, ("", ""))[0],
                     names.get(row.person_id, ("", ""))[1], local_time(row.at, zone),
                     row.text, [m for m in row.mentioned.split(",") if m]) for row in rows]
