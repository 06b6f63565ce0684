"""The sheets printed as a document's last page: the approval sheet of a draft (лист
согласования: position, signature, «И.О. Фамилия», date, remarks — ГОСТ Р 7.0.97-2025) and
the acquaintance sheet of a signed order (лист ознакомления), laid out from plain data and
appended to any .docx (a portrait page after a landscape appendix: its section is closed
first). The sheet is marked by a ``karta_sheet…`` bookmark, so that a draft downloaded with
it and uploaded back loses it again (``documents.revisions``)."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from documents import russian
from documents.revisions import SHEET, W, body_root, parse_xml, replace_body, serialise, word_tag
from documents.russian import typography
from workflow.errors import KartaError

MM = 56.7  # twips in a millimetre

@dataclass
class Sheet:
    """A last page: a heading, lines under it, a table and lines after it."""

    key: str  # approval, acquaintance: the bookmark is karta_sheet_<key>
    title: str
    lines: list[str]
    lead: str
    headers: list[str]
    widths: list[float]  # mm, 165 in all on a portrait page
    rows: list[list[str]]
    align: list[str]  # c or l per column
    after: list[str] = field(default_factory=list)
    row_height: float = 10.0  # mm: room for a signature by hand


def _run(text: str, size: int, bold: bool = False) -> str:
    fonts = ('<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" '
             'w:cs="Times New Roman" w:eastAsia="Times New Roman"/>')
    bold_tag = "<w:b/><w:bCs/>" if bold else ""
    return (f'<w:r><w:rPr>{fonts}{bold_tag}<w:sz w:val="{size * 2}"/>'
            f'<w:szCs w:val="{size * 2}"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(typography(text))}</w:t></w:r>')


def _paragraph(text: str, *, size: int = 14, bold: bool = False, align: str = "left",
               keep: bool = False, before: int = 0, after: int = 0) -> str:
    properties = ("<w:keepNext/>" if keep else "") + \
        f'<w:spacing w:before="{before * 20}" w:after="{after * 20}"/>' + \
        f'<w:jc w:val="{ {"left": "left", "center": "center", "justify": "both"}[align] }"/>'
    content = _run(text, size, bold) if text else ""
    return f"<w:p><w:pPr>{properties}</w:pPr>{content}</w:p>"


def _table(sheet: Sheet) -> str:
    widths = [round(width * MM) for width in sheet.widths]
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(border.format(edge) for edge in
                      ("top", "left", "bottom", "right", "insideH", "insideV"))
    xml = [f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
           f'<w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders>'
           '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/>'
           '<w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>']
    xml += [f'<w:gridCol w:w="{width}"/>' for width in widths]
    xml.append("</w:tblGrid>")

    def row(texts: list[str], header: bool) -> str:
        height = "" if header else \
            f'<w:trHeight w:val="{round(sheet.row_height * MM)}" w:hRule="atLeast"/>'
        cells = []
        for index, (text, width) in enumerate(zip(texts, widths)):
            align = "center" if header or sheet.align[index] == "c" else "left"
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
                         f'<w:vAlign w:val="center"/></w:tcPr>'
                         f'{_paragraph(text, size=12, bold=header, align=align)}</w:tc>')
        header_tag = "<w:tblHeader/>" if header else ""
        return f"<w:tr><w:trPr><w:cantSplit/>{height}{header_tag}</w:trPr>{''.join(cells)}</w:tr>"

    xml.append(row(sheet.headers, True))
    xml += [row(texts, False) for texts in sheet.rows]
    xml.append("</w:tbl>")
    return "".join(xml)


def _sheet_elements(sheet: Sheet, page_break: bool, first_id: int) -> list[etree._Element]:
    # the page break is a paragraph of its own: the executor mark before it (a frame, which
    # LibreOffice anchors to the next paragraph) stays on the order's last page
    parts = [f'<w:p><w:bookmarkStart w:id="{first_id}" w:name="{SHEET}_{sheet.key}"/>'
             f'<w:bookmarkEnd w:id="{first_id}"/><w:r><w:br w:type="page"/></w:r></w:p>'
             if page_break else
             f'<w:p><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr>'
             f'<w:bookmarkStart w:id="{first_id}" w:name="{SHEET}_{sheet.key}"/>'
             f'<w:bookmarkEnd w:id="{first_id}"/></w:p>',
             _paragraph(sheet.title, bold=True, align="center", keep=True)]
    parts += [_paragraph(line, align="center", keep=True) for line in sheet.lines]
    parts.append(_paragraph("", keep=True))
    if sheet.lead:
        parts.append(_paragraph(sheet.lead, keep=True, after=6))
    parts.append(_table(sheet))
    if sheet.after:
        parts.append(_paragraph(""))
    parts += [_paragraph(line, size=12) for line in sheet.after]
    holder = parse_xml(f'<w:body xmlns:w="{W}">{"".join(parts)}</w:body>'.encode())
    return list(holder)


def _landscape(section: etree._Element) -> bool:
    size = section.find(word_tag("pgSz"))
    if size is None:
        return False
    width, height = int(size.get(word_tag("w"), "0")), int(size.get(word_tag("h"), "0"))
    return size.get(word_tag("orient")) == "landscape" or width > height


def append_sheet(data: bytes, sheet: Sheet) -> bytes:
    """The document with ``sheet`` as its last page (a portrait page after a landscape
    appendix: its section is closed first)."""
    root = body_root(data)
    body = root.find(word_tag("body"))
    if body is None:
        raise KartaError("в документе нет текста (w:body)")
    final = body.find(word_tag("sectPr"))
    used = [int(b.get(word_tag("id"), "0")) for b in root.iter(word_tag("bookmarkStart"))
            if str(b.get(word_tag("id"), "0")).isdigit()]
    first_id = max(used, default=0) + 1
    page_break = True
    added: list[etree._Element] = []
    if final is not None and _landscape(final):
        # close the landscape section with an empty paragraph carrying its properties, and
        # make the last section an A4 portrait page with the order's margins
        closing = parse_xml(
            f'<w:p xmlns:w="{W}"><w:pPr/><w:bookmarkStart w:id="{first_id + 1}" '
            f'w:name="{SHEET}_break"/><w:bookmarkEnd w:id="{first_id + 1}"/></w:p>'.encode())
        properties = closing.find(word_tag("pPr"))
        assert properties is not None
        properties.append(deepcopy(final))
        added.append(closing)
        portrait = final
        size = portrait.find(word_tag("pgSz"))
        if size is not None:
            size.set(word_tag("w"), str(round(210 * MM)))
            size.set(word_tag("h"), str(round(297 * MM)))
            size.attrib.pop(word_tag("orient"), None)
        margins = portrait.find(word_tag("pgMar"))
        if margins is not None:
            for side, value in (("left", 30), ("right", 15), ("top", 20), ("bottom", 20)):
                margins.set(word_tag(side), str(round(value * MM)))
        for title_page in portrait.findall(word_tag("titlePg")):
            portrait.remove(title_page)
        kind = portrait.find(word_tag("type"))
        if kind is None:
            kind = etree.Element(word_tag("type"))
            portrait.insert(0, kind) if portrait.find(word_tag("headerReference")) is None else \
                _after_references(portrait, kind)
        kind.set(word_tag("val"), "nextPage")
        page_break = False
    added += _sheet_elements(sheet, page_break, first_id)
    for element in added:
        if final is not None:
            final.addprevious(element)
        else:
            body.append(element)
    return replace_body(data, serialise(root))


def _after_references(section: etree._Element, element: etree._Element) -> None:
    """Put ``w:type`` after the header and footer references, where the schema wants it."""
    references = [child for child in section
                  if child.tag in (word_tag("headerReference"), word_tag("footerReference"))]
    references[-1].addnext(element)


# ----------------------------------------------------------------------------- the two sheets

NBSP = "\u00a0"
STATUS_REMARKS = {"returned": "Возвращён на доработку", "pending": ""}


def approval_sheet(data: dict[str, Any], executor: dict[str, Any] | None) -> Sheet:
    """«ЛИСТ СОГЛАСОВАНИЯ к проекту приказа «…»» with a line per visa."""
    rows = []
    for index, visa in enumerate(data["rows"], start=1):
        remarks = visa.get("remarks") or ""
        said = STATUS_REMARKS.get(visa.get("status", ""), "")
        if said and remarks:
            remarks = f"{said}: {remarks}"
        elif said:
            remarks = said
        rows.append([str(index), visa["position"], "", visa["name"],
                     russian.format_date(visa["date"]) if visa.get("date") else "", remarks])
    after = []
    if executor and executor.get("full_name"):
        phone = f", тел. {executor['phone'].replace(' ', NBSP)}" \
            if executor.get("phone") else ""
        # mid-sentence: the position from a small letter («…, ведущий специалист МКУ «…»»)
        position = f", {russian.lower_first(executor['position'])}" \
            if executor.get("position") else ""
        after.append(f"Проект подготовлен: {executor['full_name']}{position}{phone}")
    return Sheet(key="approval", title="ЛИСТ СОГЛАСОВАНИЯ",
                 lines=["к проекту приказа", f"«{data['title']}»"], lead="",
                 headers=["№ п/п", "Должность", "Подпись", "Инициалы, фамилия", "Дата",
                          "Замечания"],
                 widths=[15, 40, 20, 32, 22, 36], rows=rows,
                 align=["c", "l", "c", "l", "c", "l"], after=after)


def acquaintance_sheet(order: dict[str, Any], people: list[dict[str, Any]],
                       blank: int = 3) -> Sheet:
    """«ЛИСТ ОЗНАКОМЛЕНИЯ с приказом от … № … «…»»: the people named in the order, then
    ``blank`` numbered lines for others."""
    rows = [[str(index), person["full_name"], russian.upper_first(person.get("position", "")),
             "в karta" if person.get("acquainted") else "",
             f"{person['acquainted']:%d.%m.%Y}" if person.get("acquainted") else ""]
            for index, person in enumerate(people, start=1)]
    rows += [[str(len(rows) + n), "", "", "", ""] for n in range(1, blank + 1)]
    return Sheet(key="acquaintance", title="ЛИСТ ОЗНАКОМЛЕНИЯ",
                 lines=[f"с приказом от {russian.format_date(order['date'])} "
                        f"№ {order['number']}", f"«{order['title']}»"],
                 lead="С приказом ознакомлены:",
                 headers=["№ п/п", "Фамилия, имя, отчество", "Должность", "Подпись", "Дата"],
                 widths=[15, 53, 50, 21, 26], rows=rows, align=["c", "l", "l", "c", "c"])


def people_named(context: dict[str, Any], signer: str = "") -> list[dict[str, Any]]:
    """The people an order names, once each, in the order they are named: the staff of the
    executors its points address, and the clerk its points or executor mark name; never
    the person who signs it."""
    found: dict[str, dict[str, Any]] = {}
    activity = context.get("activity") or {}
    for executor in activity.get("executors") or []:
        for person in executor.get("people") or []:
            found.setdefault(person.get("login") or person["full_name"], person)
        # a group («ОО») is each of its organisations: their people, or a line for the
        # head of one that has nobody in karta, to sign by hand
        for unit in executor.get("units") or []:
            for person in unit.get("people") or []:
                found.setdefault(person.get("login") or person["full_name"], person)
            if not unit.get("people"):
                found.setdefault(f"unit:{unit['name']}", {
                    "full_name": "", "position": f"руководитель {unit['name']}"})
    clerk = context.get("executor")
    if clerk and clerk.get("full_name"):
        found.setdefault(clerk.get("login") or clerk["full_name"], clerk)
    return [person for key, person in found.items()
            if key != signer and (person.get("full_name", "").strip()
                                  or key.startswith("unit:"))]
