"""Handing files out: under the names an office gives them, never through a symlink, never
over an existing file unless asked, and only the file that was registered."""

from __future__ import annotations

import os
import re
from pathlib import Path

from registry.database import Database
from registry.documents import get_document
from registry.tables import Document
from workflow.errors import KartaError

NAME_CHARACTERS = 120  # a file name an office's file server and Windows accept
_KIND_WORDS = {"order_approve": "Приказ", "order_start": "Приказ", "order_results": "Приказ",
               "order_amend": "Приказ", "order_monitoring": "Приказ",
               "report": "Отчёт", "analytic_note": "Аналитическая справка",
               "recommendations": "Рекомендации", "plan": "План",
               "annual_report": "Информация", "monitoring_note": "Аналитическая справка"}


def office_name(document: Document, suffix: str = ".docx") -> str:
    """What a clerk would name the file, safely shortened: «Приказ 01-09-64 от 30.11.2020
    Об утверждении….docx», «Отчёт 3 от 23.11.2026 об исполнении….docx», «Проект приказа
    Об итогах….docx», «План мероприятий на 2022 год от 23.11.2026.docx»."""
    word = _KIND_WORDS.get(document.kind, "Документ")
    title = document.title
    rest = title[len(word):] if title.lower().startswith(word.lower()) else " " + title
    when = f" от {document.doc_date:%d.%m.%Y}" if document.doc_date else ""
    if document.status == "draft":
        name = f"Проект {word.lower().replace('приказ', 'приказа')}{rest}"
    elif document.number_text:
        name = f"{word} {document.number_text.replace('/', '-')}{when}{rest}"
    else:
        name = f"{title}{when}"
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", " ", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > NAME_CHARACTERS:
        name = name[:NAME_CHARACTERS - 1].rstrip(" .,;«") + "…"
    return name + suffix


def write_new(target: Path, data: bytes, force: bool = False) -> Path:
    """Write a file the user asked for: refuse a symlink, and an existing file without
    ``force``; the folder must exist and be a folder."""
    if target.is_symlink():
        raise KartaError(f"«{target}» — символическая ссылка: karta не пишет через ссылки")
    if target.is_dir():
        raise KartaError(f"«{target}» — папка, а нужен файл")
    if target.exists() and not force:
        raise KartaError(f"файл «{target}» уже есть; чтобы заменить его, добавьте --force")
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | (
        os.O_TRUNC if force else os.O_EXCL)
    try:
        fd = os.open(target, flags, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except FileExistsError:
        raise KartaError(f"файл «{target}» уже есть; чтобы заменить его, добавьте "
                         "--force") from None
    except OSError as error:
        raise KartaError(f"не удалось записать «{target}»: {error.strerror or error}") from None
    return target


def output_folder(out: Path) -> Path:
    """The folder files go to: created when missing, refused when it is a file or a link."""
    if out.is_symlink():
        raise KartaError(f"«{out}» — символическая ссылка: укажите настоящую папку")
    if out.exists() and not out.is_dir():
        raise KartaError(f"«{out}» — файл, а нужна папка для выгрузки")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise KartaError(f"не удалось создать папку «{out}»: {error.strerror or error}") \
            from None
    return out


def export(db: Database, login: str | None, document_id: int, out: Path,
           pdf: bool = False, force: bool = False, acquaintance: bool = False) -> list[Path]:
    """Copy a document out under its office name (after checking it is the registered
    file; a draft with its approval sheet, a signed order with its acquaintance sheet when
    asked), and convert it to PDF when asked."""
    from registry.drafts import output_bytes

    document = get_document(db, login, document_id)
    data = output_bytes(db, login, document, acquaintance)
    folder = output_folder(out)
    target = write_new(folder / office_name(document), data, force)
    written = [target]
    if pdf:
        written.append(to_pdf(target, folder, force))
    return written


def to_pdf(source: Path, out: Path, force: bool = False) -> Path:
    """Convert with a LibreOffice started for this file (``documents.office``); say clearly
    when it is not installed."""
    from documents.office import soffice_pdf

    pdf = soffice_pdf(source.read_bytes(), source.name)
    return write_new(out / f"{source.stem}.pdf", pdf, force)


def document_text(data: bytes) -> list[dict[str, object]]:
    """What a reader sees, in order: paragraphs and tables (the preview without LibreOffice)."""
    import io

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    blocks: list[dict[str, object]] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            if paragraph.text.strip():
                centred = paragraph.alignment is not None and int(paragraph.alignment) == 1
                blocks.append({"text": paragraph.text, "centred": centred})
        elif tag == "tbl":
            table = Table(child, document)
            blocks.append({"rows": [[cell.text for cell in row.cells] for row in table.rows]})
    return blocks
