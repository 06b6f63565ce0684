"""A draft corrected outside karta, and the sheets printed as a document's last page.

The requisites karta fills in when an order is signed are marked in the shipped templates by
bookmarks, which Word and LibreOffice keep through editing: ``karta_date…`` and
``karta_number…`` (the date line, the appendix mark), ``karta_signer_position`` and
``karta_signer_name`` (the signature block), ``karta_draft`` (the «ПРОЕКТ» mark). A file
uploaded back is read within the importer's bounds (size, parts, zip bombs, no DTD), refused
when it keeps tracked changes or comments or lost a requisite, and signing stamps the number,
date and signatory into that very file. A sheet karta appended as the last page
(``documents.sheets``, marked by a ``karta_sheet…`` bookmark) is dropped from a draft
downloaded with it and uploaded back. Everything here is a pure function of its input: the
same file and values give the same bytes (``karta documents regenerate``).
"""

from __future__ import annotations

import io
import zipfile
from copy import deepcopy

from lxml import etree

from documents.render import FIXED_TIME, TEMPLATED_PART
from documents.russian import typography
from workflow.errors import KartaError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
BODY = "word/document.xml"
PREFIX = "karta_"
SHEET = "karta_sheet"
DRAFT_MARK = "karta_draft"
# what each requisite is called when it is missing, by the start of its bookmark's name
REQUISITES = {
    "karta_date": "дата документа",
    "karta_number": "регистрационный номер",
    "karta_signer_position": "должность в подписи",
    "karta_signer_name": "расшифровка подписи (И.О. Фамилия)",
}
MAX_DRAFT_BYTES = 20 * 1024 * 1024  # the file as uploaded
MAX_BODY_BYTES = 30 * 1024 * 1024  # its document.xml unpacked (text, tables; no pictures)


def word_tag(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_blank_text=False)


def parse_xml(xml: bytes) -> etree._Element:
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml[:65536]:
        raise KartaError("файл содержит объявление DTD: такие файлы karta не читает")
    try:
        return etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as error:
        raise KartaError(f"текст документа не читается как XML Word: {error}") from None


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8",  # type: ignore[no-any-return]
                          standalone=True)


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def replace_body(data: bytes, body: bytes) -> bytes:
    """The package with a new document.xml; every entry in its place, with a fixed time."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(_entry(info.filename),
                             body if info.filename == BODY else source.read(info.filename))
    return out.getvalue()


def body_root(data: bytes) -> etree._Element:
    return parse_xml(zipfile.ZipFile(io.BytesIO(data)).read(BODY))


# ----------------------------------------------------------------------------- bookmarks

def bookmark_names(data: bytes) -> set[str]:
    """karta's bookmarks in a document's body."""
    names = (str(start.get(word_tag("name"), ""))
             for start in body_root(data).iter(word_tag("bookmarkStart")))
    return {name for name in names if name.startswith(PREFIX)}


def requisites_of(names: set[str]) -> set[str]:
    """The requisites (keys of ``REQUISITES``) a set of bookmarks marks."""
    return {key for key in REQUISITES if any(name.startswith(key) for name in names)}


def _end_of(root: etree._Element, start: etree._Element) -> etree._Element | None:
    wanted = start.get(word_tag("id"))
    return next((end for end in root.iter(word_tag("bookmarkEnd"))
                 if end.get(word_tag("id")) == wanted), None)


def _fill(root: etree._Element, start: etree._Element, text: str) -> None:
    """Put ``text`` between a bookmark's start and end, in the format of its first run."""
    end = _end_of(root, start)
    name = str(start.get(word_tag("name")))
    if end is None or end.getparent() is not start.getparent():
        label = next((label for key, label in REQUISITES.items() if name.startswith(key)), name)
        raise RequisiteDamaged(label)
    parent = start.getparent()
    siblings = list(parent)
    first, last = siblings.index(start), siblings.index(end)
    if last < first:
        raise RequisiteDamaged(name)
    between = siblings[first + 1:last]
    style = next((deepcopy(run.find(word_tag("rPr"))) for run in between
                  if run.tag == word_tag("r") and run.find(word_tag("rPr")) is not None), None)
    for element in between:
        if element.tag not in (word_tag("bookmarkStart"), word_tag("bookmarkEnd")):
            parent.remove(element)
    run = etree.Element(word_tag("r"))
    if style is not None:
        run.append(style)
    for index, line in enumerate(text.split("\n")):  # lines of a signatory's position
        if index:
            etree.SubElement(run, word_tag("br"))
        node = etree.SubElement(run, word_tag("t"))
        node.set(XML_SPACE, "preserve")
        node.text = line
    end.addprevious(run)


def _drop_draft_mark(root: etree._Element) -> None:
    for start in list(root.iter(word_tag("bookmarkStart"))):
        if start.get(word_tag("name")) != DRAFT_MARK:
            continue
        paragraph = next((a for a in start.iterancestors(word_tag("p"))), None)
        end = _end_of(root, start)
        if paragraph is not None:
            paragraph.getparent().remove(paragraph)
        if end is not None and end.getparent() is not None:
            end.getparent().remove(end)


class RequisiteDamaged(KartaError):
    """A requisite's mark is there but no longer encloses a place to write into."""

    def __init__(self, label: str) -> None:
        super().__init__(f"реквизит «{label}» повреждён при правке: скачайте проект заново и "
                         "не удаляйте поля даты, номера и подписи")
        self.label = label


def stamp(data: bytes, values: dict[str, str]) -> bytes:
    """The draft with its requisites filled (keys of ``REQUISITES`` without the prefix:
    ``date``, ``number``, ``signer_position``, ``signer_name``) and the «ПРОЕКТ» mark gone."""
    root = body_root(data)
    for start in list(root.iter(word_tag("bookmarkStart"))):
        name = str(start.get(word_tag("name"), ""))
        for key in REQUISITES:
            value = values.get(key.removeprefix(PREFIX))
            if name.startswith(key) and value is not None:
                _fill(root, start, typography(value))
    _drop_draft_mark(root)
    return replace_body(data, serialise(root))


# ----------------------------------------------------------------------------- uploads

def read_upload(name: str, data: bytes, required: set[str]) -> bytes:
    """A draft uploaded back, checked: within the bounds of an import, without tracked
    changes or comments, keeping every requisite of ``required`` (keys of ``REQUISITES``)
    in a place signing can write into. Returns the file without a sheet karta appended
    when it was downloaded (the rest byte for byte as it came, repacked)."""
    from documents.check import review_marks
    from workflow.importing.limits import Deadline
    from workflow.importing.package import Package

    if len(data) > MAX_DRAFT_BYTES:
        raise KartaError(f"файл «{name}» больше {MAX_DRAFT_BYTES // (1024 * 1024)} МБ")
    package = Package(name, data, "документом Word (.docx)", Deadline(name))
    if not package.has(BODY) or not package.has("[Content_Types].xml"):
        raise KartaError(f"файл «{name}» не является документом Word (.docx): в нём нет "
                         "word/document.xml")
    if package.infos[BODY].file_size > MAX_BODY_BYTES:
        raise KartaError(f"файл «{name}»: текст документа больше "
                         f"{MAX_BODY_BYTES // (1024 * 1024)} МБ")
    parts = {part: package.read(part).decode("utf-8", "replace")
             for part in package.infos if TEMPLATED_PART.match(part)}
    comments = package.read("word/comments.xml").decode("utf-8", "replace") \
        if package.has("word/comments.xml") else None
    problems = review_marks(parts, comments, "документ")
    if problems:
        raise KartaError(f"файл «{name}» не принят: {problems[0]}")
    root = parse_xml(parts[BODY].encode("utf-8"))
    names = {str(s.get(word_tag("name"), "")) for s in root.iter(word_tag("bookmarkStart"))}
    lost = [REQUISITES[key] for key in REQUISITES if key in required
            and not any(n.startswith(key) for n in names)]
    if lost:
        raise KartaError(f"файл «{name}» не принят: в нём нет реквизита «{lost[0]}» — "
                         "скачайте проект заново и правьте текст, не удаляя поля даты, "
                         "номера и подписи")
    if any(n.startswith(SHEET) for n in names):
        _strip_sheets(root)
        data = replace_body(data, serialise(root))
    stamp(data, {"date": "01.01.2000", "number": "0", "signer_position": "—",
                 "signer_name": "—"})  # signing must be able to write into every requisite
    return data


def _strip_sheets(root: etree._Element) -> None:
    """Remove what follows a sheet's mark (karta appended it; it is made again on output);
    a landscape section karta closed before the sheet is the last section again."""
    body = root.find(word_tag("body"))
    assert body is not None
    children = list(body)
    start = next((i for i, child in enumerate(children) if any(
        str(mark.get(word_tag("name"), "")).startswith(SHEET)
        for mark in child.iter(word_tag("bookmarkStart")))), None)
    if start is None:
        return
    final = body.find(word_tag("sectPr"))
    closing = children[start].find(f"{word_tag('pPr')}/{word_tag('sectPr')}")
    for child in children[start:]:
        if child is not final:
            body.remove(child)
    if closing is not None and final is not None:
        body.replace(final, closing)
