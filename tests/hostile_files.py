"""Builders of good, broken and hostile roadmap files for the importer's tests and fuzz run.

Packages are written by hand (a .docx is four small parts) so a test can put any bytes in
any part; good roadmaps come from the same builders, so a mutation starts from a file the
importer reads.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_DOCX_TYPES = (
    XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_DOCX_RELS = (
    XML_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '</Relationships>')
DOCUMENT_START = f'{XML_HEAD}<w:document xmlns:w="{W_NS}"><w:body>'
DOCUMENT_END = "</w:body></w:document>"

HEADER = ["№ п/п", "Мероприятие", "Сроки", "Ответственные"]
TITLE = "Дорожная карта развития системы оценки качества на 2021-2023 годы"


def activity_rows(count: int) -> list[list[str]]:
    """A header and ``count`` numbered activities, as in a real roadmap."""
    return [HEADER] + [[f"{n}.", f"Мероприятие номер {n} по оценке качества",
                        "Ежегодно" if n % 2 else "Декабрь 2022", "Управление образования"]
                       for n in range(1, count + 1)]


# -- .docx -----------------------------------------------------------------------------------


def paragraph(text: str) -> str:
    """A body paragraph."""
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def cell(text: str, props: str = "") -> str:
    """A table cell; ``props`` goes into its w:tcPr (w:gridSpan, w:vMerge)."""
    head = f"<w:tcPr>{props}</w:tcPr>" if props else ""
    return f"<w:tc>{head}{paragraph(text)}</w:tc>"


def row(cells: Iterable[str], props: str = "") -> str:
    """A table row of plain cells; ``props`` goes into its w:trPr (w:gridBefore)."""
    head = f"<w:trPr>{props}</w:trPr>" if props else ""
    return "<w:tr>" + head + "".join(cell(text) for text in cells) + "</w:tr>"


def table(rows: Iterable[list[str]]) -> str:
    """A table of plain rows."""
    return "<w:tbl>" + "".join(row(cells) for cells in rows) + "</w:tbl>"


def roadmap_body(count: int = 3) -> str:
    """The body of a roadmap document: its title and a table of ``count`` activities."""
    return paragraph(TITLE) + table(activity_rows(count))


def document_xml(body: str) -> bytes:
    """word/document.xml around a body."""
    return (DOCUMENT_START + body + DOCUMENT_END).encode("utf-8")


def docx(body: str | None = None, document: bytes | None = None,
         extra: dict[str, bytes] | None = None) -> bytes:
    """A .docx package with the given body (or whole document part) and extra parts."""
    parts = {"[Content_Types].xml": _DOCX_TYPES.encode(), "_rels/.rels": _DOCX_RELS.encode(),
             "word/document.xml": document if document is not None
             else document_xml(roadmap_body() if body is None else body)}
    parts.update(extra or {})
    return zip_of(parts)


# -- .xlsx -----------------------------------------------------------------------------------


def xlsx(rows: list[list[str]] | None = None, merges: Iterable[str] = (),
         cells: dict[str, object] | None = None) -> bytes:
    """An .xlsx roadmap made by openpyxl: a title line, then the rows; ``merges`` are
    ranges to merge, ``cells`` extra values by coordinate."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([TITLE])
    for values in activity_rows(3) if rows is None else rows:
        sheet.append(values)
    for ref in merges:
        sheet.merge_cells(ref)
    for ref, value in (cells or {}).items():
        sheet[ref] = value
    out = io.BytesIO()
    book.save(out)
    # the same bytes every time (openpyxl stamps the time): a fuzz seed then repeats a run
    core = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2021-01-01T00:00:00Z",
                  parts_of(out.getvalue())["docProps/core.xml"])
    return replace_parts(out.getvalue(), {"docProps/core.xml": core})


# -- ZIP -------------------------------------------------------------------------------------


def zip_of(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP of the parts, in order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(_dated(name), data, compress_type=compression)
    return out.getvalue()


def _dated(name: str) -> zipfile.ZipInfo:
    """A part's entry with a fixed date, so that a ZIP's bytes depend on its parts only."""
    info = zipfile.ZipInfo(name, date_time=(2021, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def parts_of(data: bytes) -> dict[str, bytes]:
    """The parts of a ZIP, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def replace_parts(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The ZIP with parts replaced, added, or (``None``) removed."""
    parts = parts_of(data)
    for name, content in changes.items():
        if content is None:
            parts.pop(name, None)
        else:
            parts[name] = content
    return zip_of(parts)


def streamed_zip(parts: dict[str, bytes], name: str, chunks: Iterator[bytes]) -> bytes:
    """A ZIP whose part ``name`` is written chunk by chunk (a zip bomb without holding
    it in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            if part != name:
                archive.writestr(_dated(part), content)
        with archive.open(_dated(name), "w", force_zip64=True) as handle:
            for chunk in chunks:
                handle.write(chunk)
    return out.getvalue()


def with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """The ZIP with ``name``'s uncompressed size rewritten to ``size`` in its local header
    and the central directory: a part that lies about its size."""
    buffer = bytearray(data)
    encoded = name.encode()
    for signature, size_at, name_length_at, name_at in ((b"PK\x03\x04", 22, 26, 30),
                                                        (b"PK\x01\x02", 24, 28, 46)):
        at = buffer.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", buffer, at + name_length_at)[0]
            if bytes(buffer[at + name_at: at + name_at + length]) == encoded:
                struct.pack_into("<L", buffer, at + size_at, size)
            at = buffer.find(signature, at + 4)
    return bytes(buffer)


def with_encrypted_flag(data: bytes) -> bytes:
    """The ZIP with every part marked as encrypted (general purpose flag bit 0)."""
    buffer = bytearray(data)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = buffer.find(signature)
        while at >= 0:
            flags = struct.unpack_from("<H", buffer, at + flag_at)[0]
            struct.pack_into("<H", buffer, at + flag_at, flags | 0x1)
            at = buffer.find(signature, at + 4)
    return bytes(buffer)


def zip_bomb_docx(megabytes: int) -> bytes:
    """A .docx whose document part unpacks to ``megabytes`` of empty paragraphs (about a
    thousand times its packed size)."""
    chunk = b"<w:p/>" * (1024 * 1024 // 6)
    chunks = [DOCUMENT_START.encode()] + [chunk] * megabytes + [DOCUMENT_END.encode()]
    return streamed_zip(parts_of(docx()), "word/document.xml", iter(chunks))


OLE_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"EncryptedPackage" * 32

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
              for n in range(1, 10))
    + f']><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
    + "</w:body></w:document>")

EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>'
    "</w:body></w:document>")


# -- the biggest files within the limits, for the memory test ----------------------------------

_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"


def _letters(rng: random.Random, count: int) -> str:
    return "".join(rng.choices(_LETTERS, k=count))


def text_node_docx(megabytes: int, seed: int = 1) -> bytes:
    """A .docx whose one paragraph holds a text node of ``megabytes`` (UTF-8) that
    compresses about 40 times: under the ratio limit, over the block limit."""
    rng = random.Random(seed)

    def chunks() -> Iterator[bytes]:
        yield DOCUMENT_START.encode() + b"<w:p><w:r><w:t>"
        for _ in range(megabytes):  # 1 700 runs of «а» between random letters: about 1 MB
            yield "".join("а" * 300 + _letters(rng, 10) for _ in range(1700)).encode()
        yield b"</w:t></w:r></w:p>" + DOCUMENT_END.encode()

    return streamed_zip(parts_of(docx()), "word/document.xml", chunks())


def paragraphs_docx(count: int, seed: int = 1) -> bytes:
    """A .docx of ``count`` empty paragraphs with random revision ids (compresses about
    five times, so millions fit under the file size limit)."""
    rng = random.Random(seed)

    def chunks() -> Iterator[bytes]:
        yield DOCUMENT_START.encode()
        for start in range(0, count, 10_000):
            yield "".join(f'<w:p w:rsidR="{rng.getrandbits(32):08X}"/>'
                          for _ in range(min(10_000, count - start))).encode()
        yield DOCUMENT_END.encode()

    return streamed_zip(parts_of(docx()), "word/document.xml", chunks())


def shared_strings_xlsx(count: int, length: int, seed: int = 1) -> bytes:
    """The roadmap .xlsx with ``count`` distinct shared strings of ``length`` letters
    (openpyxl holds them all)."""
    rng = random.Random(seed)
    text = _letters(rng, count * length)
    strings = "".join(f"<si><t>{text[n:n + length]}</t></si>"
                      for n in range(0, count * length, length))
    sst = (XML_HEAD + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
           f'main">{strings}</sst>').encode()
    base = xlsx()
    parts = parts_of(base)
    types = parts["[Content_Types].xml"]
    rels = parts["xl/_rels/workbook.xml.rels"]
    if b"sharedStrings" not in types:
        types = types.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                              b'ContentType="application/vnd.openxmlformats-officedocument.'
                              b'spreadsheetml.sharedStrings+xml"/></Types>')
    if b"sharedStrings" not in rels:
        rels = rels.replace(b"</Relationships>", b'<Relationship Id="rIdStrings" Type="'
                            b"http://schemas.openxmlformats.org/officeDocument/2006/"
                            b'relationships/sharedStrings" Target="sharedStrings.xml"/>'
                            b"</Relationships>")
    return replace_parts(base, {"xl/sharedStrings.xml": sst, "[Content_Types].xml": types,
                                "xl/_rels/workbook.xml.rels": rels})


def big_dump(rows: int, title_length: int, seed: int = 1) -> bytes:
    """A tab-separated roadmap of ``rows`` activities with long titles."""
    rng = random.Random(seed)
    lines = [TITLE, "\t".join(HEADER)] + [
        "\t".join([f"{n // 900 + 1}.{n % 900 + 1}", "М" + _letters(rng, title_length),
                   "Ежегодно", "Управление образования"]) for n in range(rows)]
    return "\n".join(lines).encode("utf-8")


def big_table_docx(rows: int, seed: int = 1) -> bytes:
    """A roadmap .docx with a table of ``rows`` activities in ten columns."""
    rng = random.Random(seed)
    body = paragraph(TITLE) + "<w:tbl>" + row(HEADER + ["Итог"] * 6) + "".join(
        row([f"{n // 900 + 1}.{n % 900 + 1}", f"Мероприятие {n}", "Ежегодно", f"Отдел {n}"]
            + [_letters(rng, 8) for _ in range(6)]) for n in range(rows)) + "</w:tbl>"
    return docx(body)
