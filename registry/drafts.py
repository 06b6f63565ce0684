"""Drafts corrected in Word and the files handed out.

A draft order can be downloaded, corrected in Word or LibreOffice and uploaded back: the file
is checked (``documents.revisions.read_upload``), stored by SHA-256 and becomes the draft's
next revision — its file, and what signing stamps the number, date and signatory into. The
file a document is made of (``document_file``) is therefore either the template rendered
with the snapshot or the last revision stamped, with the approval sheet as its last page
when the draft went round for visas; ``documents regenerate`` rebuilds it the same way. The
files handed out (``output_bytes``) add the sheets of the moment: a draft's approval sheet
as its visas stand, a signed order's acquaintance sheet when asked for.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from documents import russian
from registry.database import Database, utcnow
from registry.files import StoredFile
from registry.history import record
from registry.people import acting_person, organisation, roles_of
from registry.tables import Document, DraftRevision, Person, TemplateVersion
from workflow.errors import KartaError, PermissionDenied, said


def revision_bytes(db: Database, revision: dict[str, Any]) -> bytes:
    """A revision's file, refused when it is missing or not the file uploaded."""
    problem = db.store.check(revision["path"], revision["sha256"])
    if problem:
        raise KartaError(f"правка {revision['number']} проекта: {problem}; восстановите "
                         "хранилище из резервной копии" + said(" (karta restore)"))
    return db.store.read(revision["path"])


def signing_values(context: dict[str, Any]) -> dict[str, str]:
    """What signing writes into a revision's requisites (the position in the lines of the
    signature block)."""
    from documents.layout import signature_lines

    document, org = context["document"], context["organisation"]
    return {"date": russian.format_date(document["date"]), "number": str(document["number"]),
            "signer_position": signature_lines(str(org["head_position"])),
            "signer_name": str(org["head_name"])}


def document_file(db: Database, template: TemplateVersion, context: dict[str, Any],
                  content: Callable[[], bytes] | None = None) -> bytes:
    """The file of a document from its snapshot: the template rendered, or the draft's last
    revision (stamped once signed); the approval sheet last when the context has one."""
    from registry.documents import render_document, template_loader

    revision = context.get("revision")
    if revision:
        from documents.revisions import stamp

        data = revision_bytes(db, revision)
        if not context["document"].get("is_draft"):
            data = stamp(data, signing_values(context))
    else:
        data = render_document(template, context, content or template_loader(db, template))
    sheet = context.get("approval_sheet")
    if sheet:  # Word XML tools only for the files that need them
        from documents.sheets import append_sheet, approval_sheet

        data = append_sheet(data, approval_sheet(sheet, context.get("executor")))
    return data


# ----------------------------------------------------------------------------- revisions

def _may_revise(person: Person, document: Document) -> None:
    """The clerks, and the author of the draft, may upload its corrected file."""
    if "clerk" in roles_of(person) or document.created_by == person.login:
        return
    raise PermissionDenied(person.login, "revise", ("clerk",), roles_of(person),
                           reason="загрузить правку проекта может делопроизводитель или "
                                  "автор проекта")


def _draft(session: Session, document_id: int) -> Document:
    from registry.orders import _draft_order

    return _draft_order(session, document_id)


def revise(db: Database, login: str | None, document_id: int, data: bytes, name: str,
           comment: str = "") -> DraftRevision:
    """Upload a draft corrected outside karta: checked, stored, the draft's next revision
    (logged). Refused, with nothing changed, when the file keeps tracked changes or
    comments, lost a requisite, or is not a Word file within the bounds of an import."""
    from documents.revisions import bookmark_names, read_upload, requisites_of
    from registry.documents import document_bytes

    with db.reading() as session:
        person = acting_person(session, login)
        document = _draft(session, document_id)
        _may_revise(person, document)
    required = requisites_of(bookmark_names(document_bytes(db, document)))
    if not required:  # a template made before karta marked them (a database upgraded)
        from registry.templates import SHIPPED

        shipped = document.template_name
        raise KartaError(f"проект {document_id} сделан шаблоном «{shipped}» "
                         f"v{document.template_version} без отметок реквизитов (дата, номер, "
                         "подпись): правку из Word загрузить нельзя; зарегистрируйте новую "
                         "версию шаблона "
                         + said(f"(karta templates add {SHIPPED / (shipped + '.docx')} "
                                f"--name {shipped} --kind {document.kind})",
                                "(«Администрирование» → «Шаблоны»)")
                         + ": проекты по ней можно будет править в Word")
    cleaned = read_upload(name, data, required)
    sha = hashlib.sha256(cleaned).hexdigest()
    if sha == document.file_sha256:
        raise KartaError(f"файл «{name}» совпадает с текущей редакцией проекта {document_id}: "
                         "изменений нет")
    stored = db.store.put(cleaned, "documents", ".docx", name) if db.files_dir else None
    with db.transaction() as session:
        person = acting_person(session, login)
        current = _draft(session, document_id)
        _may_revise(person, current)
        if current.file_sha256 != document.file_sha256:
            raise KartaError(f"проект {document_id} изменён другим пользователем, пока файл "
                             "загружался; скачайте его заново")
        if stored is None:
            stored = db.store.put(cleaned, "documents", ".docx", name, session=session)
        number = (session.exec(select(func.max(DraftRevision.number)).where(
            DraftRevision.document_id == document_id)).one() or 0) + 1
        revision = DraftRevision(organisation_id=current.organisation_id,
                                 document_id=document_id, number=number, name=name,
                                 file_sha256=stored.sha256, file_path=stored.path,
                                 file_size=stored.size, comment=comment.strip(),
                                 created_at=utcnow(), created_by=person.login)
        session.add(revision)
        session.flush()
        context = json.loads(current.context)
        context["revision"] = {"number": number, "sha256": stored.sha256,
                               "path": stored.path, "size": stored.size}
        changed = session.execute(update(Document).where(
            col(Document.id) == document_id, col(Document.status) == "draft",
            col(Document.file_sha256) == current.file_sha256).values(
            file_sha256=stored.sha256, file_path=stored.path, file_size=stored.size,
            context=json.dumps(context, ensure_ascii=False, sort_keys=True)))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise KartaError(f"проект {document_id} подписан или изменён другим "
                             "пользователем; обновите данные")
        from registry.visas import again_after_revision

        again = again_after_revision(session, current, person.login)
        record(session, login=person.login, object_ref=f"документ {document_id}",
               event="revise", roadmap_id=current.roadmap_id,
               occurrence_id=current.occurrence_id,
               comment=f"загружена правка {number} проекта «{current.title}» из файла "
                       f"«{name}»" + (f": {comment.strip()}" if comment.strip() else "")
                       + ("; проект направлен на визы повторно" if again else ""),
               files=[StoredFile(name, stored.sha256, stored.size, stored.path)],
               touches=[("document", document_id), ("revision", revision.id or 0), *again])
        session.refresh(revision)
        return revision


def revisions(db: Database, login: str | None, document_id: int) -> list[dict[str, Any]]:
    """A draft's revisions, oldest first."""
    from registry.documents import get_document

    get_document(db, login, document_id)
    with db.reading() as session:
        return [{"number": r.number, "name": r.name, "sha256": r.file_sha256,
                 "size": r.file_size, "created_by": r.created_by,
                 "created_at": r.created_at.isoformat(timespec="seconds"),
                 "comment": r.comment}
                for r in session.exec(select(DraftRevision).where(
                    DraftRevision.document_id == document_id)
                    .order_by(col(DraftRevision.number)))]


# ----------------------------------------------------------------------------- output

def output_bytes(db: Database, login: str | None, document: Document,
                 acquaintance: bool = False) -> bytes:
    """The file handed out: the registered file (checked), with a draft's approval sheet as
    its visas stand now, and with a signed order's acquaintance sheet when asked for."""
    from documents.sheets import (
        acquaintance_sheet,
        append_sheet,
        approval_sheet,
        people_named,
    )
    from registry.documents import document_bytes
    from registry.visas import approval_data

    data = document_bytes(db, document)
    context = json.loads(document.context)
    if document.status == "draft":
        with db.reading() as session:
            acting_person(session, login)
            sheet = approval_data(session, document, organisation(session))
        if sheet:
            data = append_sheet(data, approval_sheet(sheet, context.get("executor")))
    if acquaintance:
        if document.status != "signed" or document.journal != "orders" or \
                document.doc_date is None:
            raise KartaError(f"лист ознакомления составляется к подписанному приказу; документ "
                             f"{document.id} — не подписанный приказ")
        from registry.acquaintance import acquainted_dates

        order = {"date": document.doc_date.isoformat(), "number": document.number_text,
                 "title": document.title}
        done = acquainted_dates(db, login, document.id or 0)
        people = [{**p, "acquainted": done[p["login"]]} if p.get("login") in done else p
                  for p in people_named(context, document.signed_by)]
        data = append_sheet(data, acquaintance_sheet(order, people))
    return data
