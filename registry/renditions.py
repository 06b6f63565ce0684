"""A file as people see it in the browser: its PDF and its pages as pictures.

LibreOffice makes them, through ``documents.office.convert_pdf``: a few conversions at a
time for the whole process, the rest waiting their turn, so thirty downloads at once start
two LibreOffices, not thirty. What it made is kept in the file store (the database on a
shared server, the store folder beside a SQLite file — never a world-readable temporary
folder) and found again by the SHA-256 of the source: a document or an attachment is
converted once, and every later view or download is a read.

The caller has already checked that the person may read the source; a rendition is reached
only through its source's bytes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from registry.database import Database, upsert_insert, utcnow
from registry.tables import Rendition
from workflow.errors import KartaError

_TABLE = Rendition.__table__  # type: ignore[attr-defined]
PREVIEW_DPI = 60
MAX_PAGES = 200  # pictures of a preview; a longer file is downloaded, not browsed


_MAKING: dict[tuple[str, str], threading.Lock] = {}
_MAKING_GUARD = threading.Lock()


@contextmanager
def _once(sha: str, form: str) -> Iterator[None]:
    """Held while one rendition of one content is made in this process."""
    with _MAKING_GUARD:
        lock = _MAKING.setdefault((sha, form), threading.Lock())
    with lock:
        yield
    with _MAKING_GUARD:
        if not lock.locked():
            _MAKING.pop((sha, form), None)


def _found(db: Database, sha: str, form: str) -> list[str] | None:
    with db.engine.connect() as connection:
        row = connection.execute(select(_TABLE.c.addresses).where(
            _TABLE.c.source_sha256 == sha, _TABLE.c.form == form)).scalar()
    if row is None:
        return None
    addresses = [str(address) for address in json.loads(row)]
    return addresses if all(db.store.exists(address) for address in addresses) else None


def _keep(db: Database, sha: str, form: str, files: list[tuple[bytes, str]]) -> list[str]:
    addresses = [db.store.put(data, "renditions", suffix).path for data, suffix in files]
    statement = upsert_insert(db.engine.dialect.name)(_TABLE).values(
        source_sha256=sha, form=form, addresses=json.dumps(addresses), created_at=utcnow())
    with db.engine.begin() as connection:
        connection.execute(statement.on_conflict_do_update(
            index_elements=["source_sha256", "form"],
            set_={"addresses": json.dumps(addresses), "created_at": utcnow()}))
    db.store.settle()
    return addresses


def pdf_of(db: Database, data: bytes, name: str = "document.docx") -> bytes:
    """The PDF of a .docx (.xlsx, .odt…): made once, then read from the store."""
    from documents.office import convert_pdf

    sha = hashlib.sha256(data).hexdigest()
    with _once(sha, "pdf"):  # the same file asked for at once: converted once
        found = _found(db, sha, "pdf")
        if found:
            return db.store.read(found[0])
        pdf = data if data[:5] == b"%PDF-" else convert_pdf(data, name)
        _keep(db, sha, "pdf", [(pdf, ".pdf")])
        return pdf


def pages_of(db: Database, data: bytes, name: str = "document.docx") -> list[str] | None:
    """The store addresses of a file's pages as PNG pictures, in order; None when
    LibreOffice or pdftoppm is not installed here (the caller shows the text instead)."""
    from documents.office import find_office

    form = f"png{PREVIEW_DPI}"
    sha = hashlib.sha256(data).hexdigest()
    found = _found(db, sha, form)
    if found is not None:
        return found
    if data[:5] != b"%PDF-" and not find_office() or not shutil.which("pdftoppm"):
        return None
    pdf = pdf_of(db, data, name)
    with _once(sha, form):
        return _found(db, sha, form) or _pictures(db, sha, form, pdf)


def _pictures(db: Database, sha: str, form: str, pdf: bytes) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="karta-pages-") as work:
        source = Path(work) / "document.pdf"
        source.write_bytes(pdf)
        result = subprocess.run(["pdftoppm", "-png", "-r", str(PREVIEW_DPI), "-l",
                                 str(MAX_PAGES), str(source), str(Path(work) / "page")],
                                capture_output=True, timeout=120)
        if result.returncode != 0:
            raise KartaError("страницы файла не удалось показать (pdftoppm: "
                             f"{result.stderr.decode('utf-8', 'replace').strip()[:120]})")
        pictures = sorted(Path(work).glob("page-*.png"),
                          key=lambda path: int(path.stem.rsplit("-", 1)[1]))
        return _keep(db, sha, form, [(path.read_bytes(), ".png") for path in pictures])


def page_of(db: Database, data: bytes, number: int, name: str = "document.docx") -> bytes:
    """Page ``number`` (from 1) of a file as a PNG picture."""
    pages = pages_of(db, data, name) or []
    if not 1 <= number <= len(pages):
        raise KartaError("нет такой страницы")
    return db.store.read(pages[number - 1])


