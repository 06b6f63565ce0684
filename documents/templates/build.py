"""Builds the default .docx templates shipped in this folder (python-docx + Jinja tags).

Run ``python -m documents.templates.build`` after changing the layout; the .docx files are
committed and registered as version 1 of each template by ``karta init``.

Layout per ГОСТ Р 7.0.97-2025 as local instructions require it: A4, margins left 30 mm,
right 15, top and bottom 20; Times New Roman 14; first-line indent 1.25 cm; page numbers
centred at the top from page 2; requisites in order; signature with the position at the left
and «И.О. Фамилия» at the right margin; executor mark bottom-left in small type.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from documents.layout import FIT_MARK, SIGNATURE_STYLE
from documents.russian import typography

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"
TEXT_WIDTH = Mm(210 - 30 - 15)
LANDSCAPE_MARGINS = {"left": 20, "right": 15, "top": 20, "bottom": 15}  # mm
LANDSCAPE_WIDTH = 297 - LANDSCAPE_MARGINS["left"] - LANDSCAPE_MARGINS["right"]
NBSP = "\u00a0"

DATE = "{{ document.date | date if document.date else '«____» ____________ 20___ г.' }}"
NUMBER = "{{ document.number if document.number else '________' }}"
DATE_LINE = f"{DATE}\t№{NBSP}{NUMBER}"
PERIOD = "{{ occurrence.period_text }}"
# a correction is a new order citing the one it corrects (a signed order never changes)
CORRECTION_TITLE = ("{% if corrects %}О внесении изменений в приказ от "
                    "{{ corrects.date | date }} № {{ corrects.number }}{% else %}")
CORRECTION_PREAMBLE = ("{% if corrects %}В связи с {% if corrects.reason | because %}"
                       "{{ corrects.reason | because }}{% else %}необходимостью исправления "
                       "приказа от {{ corrects.date | date }} № {{ corrects.number }} "
                       "{{ corrects.title | quote }} ({{ corrects.reason | lower_first }})"
                       "{% endif %} и {% endif %}")
# the legal basis the preamble opens with: the order's own or its roadmap's (``basis``),
# lower-case after a correction's «В связи с … и»
BASIS = "{{ basis.text | lower_first if corrects else basis.text }}, "
# additional points before the control point, numbered on from ``first`` (a Jinja expression)
EXTRA_POINT = "{{{{ {first} + loop.index0 }}}}. {{{{ p }}}}"
RESULTS_OF = "по итогам {{ activity.title | subject('genitive') }} за " + PERIOD
# the order an appendix belongs to: «к приказу МКУ «УО»», «к приказу Управления образования …»
ISSUER_GENITIVE = "{{ (organisation.short_name or organisation.full_name) | case('genitive') }}"


_BOOKMARKS = itertools.count(1)


def new_document(landscape: bool = False) -> DocumentObject:
    global _BOOKMARKS
    _BOOKMARKS = itertools.count(1)  # bookmark ids: unique within one document
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.header_distance = section.footer_distance = Mm(10)
    if landscape:
        _landscape(section)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    russian_language(document)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    # page numbers centred at the top, from the second page on
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(header, "PAGE")
    document.core_properties.author = "karta"
    document.core_properties.comments = "Шаблон karta (docxtpl)"
    return document


def russian_language(document: DocumentObject) -> None:
    """Every style's text is Russian (w:lang ru-RU in the defaults and the styles): Word
    and LibreOffice hyphenate and justify by Russian rules, spelling is checked in Russian."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    holders = [style.get_or_add_rPr() for style in styles.findall(qn("w:style"))]
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is not None and run_defaults.find(qn("w:rPr")) is not None:
            holders.append(run_defaults.find(qn("w:rPr")))
    for properties in holders:
        for old in properties.findall(qn("w:lang")):
            properties.remove(old)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "ru-RU")
        lang.set(qn("w:eastAsia"), "ru-RU")
        lang.set(qn("w:bidi"), "ar-SA")
        _run_property(properties, lang)
    settings = document.settings.element
    for old in settings.findall(qn("w:autoHyphenation")):
        settings.remove(old)


_RUN_PROPERTIES = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
                   "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
                   "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz",
                   "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
                   "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")


def _run_property(properties: Any, element: Any) -> None:
    """Put a run property where the schema wants it."""
    name = element.tag.split("}")[1]
    rank = _RUN_PROPERTIES.index(name)
    for index, child in enumerate(properties):
        child_name = child.tag.split("}")[1]
        if child_name in _RUN_PROPERTIES and _RUN_PROPERTIES.index(child_name) > rank:
            properties.insert(index, element)
            return
    properties.append(element)


def _landscape(section: object) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE  # type: ignore[attr-defined]
    section.page_width, section.page_height = Mm(297), Mm(210)  # type: ignore[attr-defined]
    for side, value in LANDSCAPE_MARGINS.items():
        setattr(section, f"{side}_margin", Mm(value))


def landscape_section(document: DocumentObject) -> None:
    """A section break: what follows is on landscape pages, numbered on from the order
    (the page-number header continues; no blank first-page header)."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _landscape(section)
    section.different_first_page_header_footer = False


def _field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def bookmark(run: object, name: str) -> None:
    """Enclose a run in a bookmark: a requisite karta fills in when the order is signed,
    found again in a draft corrected in Word (``documents.revisions``)."""
    number = str(next(_BOOKMARKS))
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), number)
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), number)
    element = run._r  # type: ignore[attr-defined]
    element.addprevious(start)
    element.addnext(end)


def marked_runs(paragraph: Paragraph, parts: list[tuple[str, str]],
                size: int | None = None) -> None:
    """Runs of (text, bookmark name or "") in one paragraph."""
    for text, name in parts:
        run = paragraph.add_run(typography(text))
        if size:
            run.font.size = Pt(size)
        if name:
            bookmark(run, name)


def para(document: DocumentObject | _Cell, text: str = "", *, align: str = "justify",
         bold: bool = False, indent: bool = False, size: int | None = None,
         space_before: int = 0, space_after: int = 0, keep: bool = False) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    fmt = paragraph.paragraph_format
    if indent:
        fmt.first_line_indent = Cm(1.25)
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)
    if keep:
        fmt.keep_with_next = True
    if text:
        run = paragraph.add_run(typography(text))
        run.bold = bold
        if size:
            run.font.size = Pt(size)
    return paragraph


def tag(document: DocumentObject | _Cell, text: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}): removed when rendered."""
    document.add_paragraph(text)


def draft_mark(document: DocumentObject) -> None:
    tag(document, "{%p if document.is_draft %}")
    mark = para(document, "ПРОЕКТ", align="right", bold=True)
    bookmark(mark.runs[0], "karta_draft")
    tag(document, "{%p endif %}")


def requisites(document: DocumentObject, kind: str | None = "П Р И К А З") -> None:
    draft_mark(document)
    tag(document, "{%p if organisation.parent_body %}")
    para(document, "{{ organisation.parent_body }}", align="center")
    para(document)
    tag(document, "{%p endif %}")
    para(document, "{{ organisation.full_name }}", align="center", bold=True)
    tag(document, "{%p if organisation.short_name %}")
    para(document, "({{ organisation.short_name }})", align="center", bold=True)
    tag(document, "{%p endif %}")
    if kind:
        para(document)
        para(document, kind, align="center", bold=True, size=16)
    para(document)
    date_line(document, marked=True)
    tag(document, "{%p if organisation.place %}")
    para(document, "{{ organisation.place }}", align="center")
    tag(document, "{%p endif %}")
    para(document)


def date_line(document: DocumentObject, marked: bool = False) -> None:
    """Date and number on one line; an order's are marked, to be stamped at signing."""
    if not marked:
        paragraph = para(document, DATE_LINE, align="left")
    else:
        paragraph = para(document, align="left")
        marked_runs(paragraph, [(DATE, "karta_date"), (f"\t№{NBSP}", ""),
                                (NUMBER, "karta_number")])
    paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)


def title(document: DocumentObject, text: str) -> None:
    para(document, text, align="center", bold=True, space_after=12, keep=True)


_TABLE_PROPERTIES = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                     "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd",
                     "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption",
                     "tblDescription")


def table_property(table: Table, element: object) -> None:
    """Put a table property where the schema wants it (Word refuses them out of order)."""
    properties = table._tbl.tblPr
    name = element.tag.split("}")[1]  # type: ignore[attr-defined]
    for old in properties.findall(qn(f"w:{name}")):
        properties.remove(old)
    rank = _TABLE_PROPERTIES.index(name)
    for index, child in enumerate(properties):
        child_name = child.tag.split("}")[1]
        if child_name in _TABLE_PROPERTIES and _TABLE_PROPERTIES.index(child_name) > rank:
            properties.insert(index, element)
            return
    properties.append(element)


def no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table_property(table, borders)


def fit_to_content(table: Table) -> None:
    """Mark a table whose column widths are fitted to its text when it is rendered."""
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), FIT_MARK)
    table_property(table, caption)


def signature(document: DocumentObject, position: str, name: str,
              width: float = 165, marked: bool = False) -> Paragraph:
    """Position at the left (broken into lines of a column, ``signature_lines``), «И.О.
    Фамилия» at the right margin on the level of the position's last line.

    One paragraph in the style ``SIGNATURE_STYLE``, never split across pages and kept with
    what follows it (the executor mark, a note's date); rendering keeps the last lines of
    the text above with it (``documents.layout.keep_signature``)."""
    para(document, keep=True)
    para(document, keep=True)
    paragraph = document.add_paragraph(style=signature_style(document))
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(width), WD_TAB_ALIGNMENT.RIGHT)
    held = paragraph.add_run(position.replace("}}", " | signature_lines }}", 1))
    paragraph.add_run().add_tab()
    signer = paragraph.add_run(name)
    if marked:  # who signs is written in at signing, also into a draft corrected in Word
        bookmark(held, "karta_signer_position")
        bookmark(signer, "karta_signer_name")
    return paragraph


def signature_style(document: DocumentObject) -> str:
    """The paragraph style of a signature block: left-aligned, kept whole and with the
    next paragraph."""
    from docx.enum.style import WD_STYLE_TYPE

    if SIGNATURE_STYLE not in [s.style_id for s in document.styles]:
        style = document.styles.add_style(SIGNATURE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        fmt = style.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.keep_with_next = fmt.keep_together = True
        fmt.space_before = fmt.space_after = Pt(0)
    return SIGNATURE_STYLE


def author_signature(document: DocumentObject, source: str) -> None:
    """The signature of whoever wrote a note (``report`` or ``analysis`` in the context),
    with the date under it."""
    signature(document, f"{{{{ {source}.author.position | upper_first }}}}",
              f"{{{{ {source}.author | signature }}}}")
    para(document, f"{{{{ {source}.date | date }}}}", align="left")


def head_signature(document: DocumentObject, width: float = 165) -> None:
    signature(document, "{{ organisation.head_position }}", "{{ organisation.head_name }}",
              width, marked=True)


def executor_mark(document: DocumentObject) -> None:
    """«Исп.: Фамилия Имя Отчество, тел. …» in small type under the signature, on the page
    the text ends on (the signature block keeps it with itself)."""
    para(document, "Исп.: {{ executor.full_name }}"
                   "{% if executor.phone %}, тел. {{ executor.phone }}{% endif %}",
         align="left", size=10, space_before=36)


_PARAGRAPH_PROPERTIES = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr",
                         "widowControl", "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs",
                         "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
                         "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
                         "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
                         "mirrorIndents", "suppressOverlap", "jc", "textDirection",
                         "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
                         "cnfStyle", "rPr", "sectPr", "pPrChange")


def _paragraph_property(paragraph: Paragraph, element: object) -> None:
    """Put a paragraph property where the schema wants it."""
    properties = paragraph._p.get_or_add_pPr()
    name = element.tag.split("}")[1]  # type: ignore[attr-defined]
    rank = _PARAGRAPH_PROPERTIES.index(name)
    for index, child in enumerate(properties):
        child_name = child.tag.split("}")[1]
        if child_name in _PARAGRAPH_PROPERTIES and _PARAGRAPH_PROPERTIES.index(child_name) > rank:
            properties.insert(index, element)
            return
    properties.append(element)


def page_break(document: DocumentObject) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def grid(document: DocumentObject, headers: list[str], widths: list[float]) -> Table:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    fixed_widths(table, widths)
    for cell, text in zip(table.rows[0].cells, headers):
        cell.paragraphs[0].text = typography(text)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].runs[0].bold = True
        cell.paragraphs[0].runs[0].font.size = Pt(11)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _repeat_header(table.rows[0])
    fit_to_content(table)  # no word broken: «№ п/п», «Просрочено» fit their columns
    return table


def fixed_widths(table: Table, widths: list[float]) -> None:
    """Column widths that every program honours: a fixed layout and the grid set."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table_property(table, layout)
    for column, width in zip(table.columns, widths):
        column.width = Mm(width)
    for row_ in table.rows:
        for cell, width in zip(row_.cells, widths):
            cell.width = Mm(width)


def _repeat_header(row: object) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    keep_row(row)


def keep_row(row: object, with_next: bool = False) -> None:
    """A row never split across pages; with ``with_next`` also kept with the row after it
    (a section heading is never the last line of a page)."""
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    if properties.find(qn("w:cantSplit")) is None:
        properties.insert(0, OxmlElement("w:cantSplit"))
    if with_next:
        for cell in row.cells:  # type: ignore[attr-defined]
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def row(table: Table, texts: list[str], *, merge: bool = False, bold: bool = False,
        size: int = 12, align: list[str] | None = None, keep: bool = False) -> None:
    added = table.add_row()
    cells = added.cells
    for cell, column in zip(cells, table.columns):
        cell.width = column.width
    if keep:
        keep_row(added, with_next=merge)
    if merge:
        merged = cells[0].merge(cells[-1])
        merged.paragraphs[0].text = texts[0]
        run = merged.paragraphs[0].runs[0]
        run.bold = bold
        run.font.size = Pt(size)
        if keep:
            merged.paragraphs[0].paragraph_format.keep_with_next = True
        return
    for index, (cell, text) in enumerate(zip(cells, texts)):
        cell.paragraphs[0].text = typography(text)
        if text and cell.paragraphs[0].runs:
            cell.paragraphs[0].runs[0].font.size = Pt(size)
            cell.paragraphs[0].runs[0].bold = bold
        if align:
            cell.paragraphs[0].alignment = {
                "c": WD_ALIGN_PARAGRAPH.CENTER, "l": WD_ALIGN_PARAGRAPH.LEFT,
            }[align[index]]


def tag_row(table: Table, text: str) -> None:
    """A row holding only a docxtpl row tag ({%tr … %}): removed when rendered."""
    row(table, [text] + [""] * (len(table.columns) - 1))


def looped_row(table: Table, loop: str, texts: list[str], align: list[str]) -> None:
    """One table row repeated for every item of ``loop`` («r in analysis.recommendations»),
    each kept whole on one page."""
    tag_row(table, f"{{%tr for {loop} %}}")
    row(table, texts, align=align, keep=True)
    tag_row(table, "{%tr endfor %}")


# whether the roadmap has planned results: without them no empty column is added
HAS_RESULTS = "has_results is not defined or has_results"


def roadmap_table(document: DocumentObject, plan: bool = False) -> None:
    """The roadmap as a table by section, on landscape pages: section rows span the table
    and stay with the next row, no row is split across pages, the header row repeats, and
    the columns get the widths their text needs when it is rendered. A roadmap without
    planned results gets no column for them."""
    tag(document, f"{{%p if {HAS_RESULTS} %}}")
    _roadmap_grid(document, plan, results=True)
    tag(document, "{%p else %}")
    _roadmap_grid(document, plan, results=False)
    tag(document, "{%p endif %}")


def _roadmap_grid(document: DocumentObject, plan: bool, results: bool) -> None:
    third = "Срок" if plan else "Срок реализации"
    headers = ["№ п/п", "Наименование мероприятия", third, "Ответственные исполнители"]
    widths = [14.0, 95.0, 38.0, 50.0]
    if results:
        headers.append("Планируемые результаты")
        widths.append(LANDSCAPE_WIDTH - sum(widths))
    else:
        widths[1] = LANDSCAPE_WIDTH - 14 - 38 - 50 - 45
        widths[3] = 95.0
    table = grid(document, headers, widths)
    tag_row(table, "{%tr for section in sections %}")
    tag_row(table, "{%tr if section.heading %}")
    row(table, ["{{ section.heading }}"], merge=True, bold=True, keep=True)
    tag_row(table, "{%tr endif %}")
    # a monthly activity is one row with its months, not twelve dates
    deadline = "{{ a.occurrences | schedule(a.deadline_text) }}" if plan \
        else "{{ a.deadline_text }}"
    cells = ["{{ a.code }}", "{{ a.title }}", deadline, "{{ a.responsible | join(',\\n') }}"]
    align = ["c", "l", "c", "l"]
    if results:
        cells.append("{{ a.planned_result }}")
        align.append("l")
    looped_row(table, "a in section.activities", cells, align)
    tag_row(table, "{%tr endfor %}")


def approval_stamp(document: DocumentObject, width: float) -> None:
    """«УТВЕРЖДАЮ» at the top right: the head's position, a line for the signature with
    «И.О. Фамилия», a line for the date (ГОСТ Р 7.0.97: гриф утверждения)."""
    for text in ("УТВЕРЖДАЮ", "{{ organisation.head_position }}",
                 "________________ {{ organisation.head_name }}",
                 "«____» ________________ 20____ г."):
        line = para(document, text, align="left", space_after=6 if text[0] in "_«" else 0)
        line.paragraph_format.left_indent = Mm(width - 95)
    para(document)


# ----------------------------------------------------------------------------- templates

def order_opening(subject: str, preamble: str) -> DocumentObject:
    """An order up to «ПРИКАЗЫВАЮ:»: requisites, the title (or «О внесении изменений …» for
    a correction) and the preamble (citing the corrected order for a correction)."""
    document = new_document()
    requisites(document)
    title(document, CORRECTION_TITLE + subject + "{% endif %}")
    para(document, CORRECTION_PREAMBLE + preamble, indent=True)
    para(document)
    para(document, "ПРИКАЗЫВАЮ:", align="left")
    para(document)
    return document


def extra_points(document: DocumentObject, first: str) -> None:
    """The order's additional points («Разместить настоящий приказ на официальном сайте
    …»), numbered on from ``first``, before the control point."""
    tag(document, "{%p for p in points %}")
    point(document, EXTRA_POINT.format(first=first))
    tag(document, "{%p endfor %}")


def point(document: DocumentObject, text: str) -> Paragraph:
    """A point of an order («1. …», «2.1. …»): justified, first-line indent."""
    return para(document, text, indent=True)


def section_heading(document: DocumentObject, text: str) -> None:
    """A numbered part of a note or report («3. Выводы»): bold, kept with what follows."""
    para(document, text, align="left", bold=True, space_before=12, keep=True)


def addressed(document: DocumentObject, items: str) -> None:
    """Addressed recommendations, one paragraph each: «МБОУ СОШ № 1: …» (``r in items``)."""
    tag(document, f"{{%p for r in {items} %}}")
    para(document, "{{ r.addressee | case('dative') | upper_first }}: {{ r.text | sentence }}",
         indent=True)
    tag(document, "{%p endfor %}")


def order_approve() -> DocumentObject:
    document = order_opening(
        "Об утверждении {{ roadmap.title | case('genitive') }}",
        "{% if basis.text %}" + BASIS + "в целях{% else %}{{ 'в' if corrects else 'В' }} целях"
        "{% endif %} организации и контроля исполнения мероприятий "
        "{{ roadmap.title | case('genitive') }} "
        "({{ activities_count | plural('мероприятие') }}),")
    short = "{{ roadmap.short_title | case('genitive') }}"
    point(document, "1. Утвердить {{ roadmap.attached }} {{ roadmap.title | case('accusative') }}"
                    " (далее – {{ roadmap.short_title }}) (приложение № 1).")
    point(document, "2. {{ executor | short_name('dative') }}{% if executor.position %}, "
                    "{{ executor | position('dative') | lower_first }}{% endif %}:")
    point(document, f"2.1. Организовать работу по реализации мероприятий {short}.")
    point(document, f"2.2. Организовать информационное сопровождение реализации {short}.")
    point(document, "2.3. Обобщать отчёты ответственных исполнителей и представлять годовую "
                    f"аналитическую информацию о реализации {short} не позднее 25 января года, "
                    "следующего за отчётным.")
    point(document, "3. Ответственным исполнителям мероприятий представлять отчёты об их "
                    "исполнении в сроки, установленные {{ roadmap.short_title | "
                    "case('instrumental') }}.")
    extra_points(document, "4")
    point(document, "{{ 4 + points | length }}. Контроль за исполнением настоящего приказа "
                    "оставляю за собой.")
    head_signature(document)
    executor_mark(document)
    # the appendix: the roadmap itself, on landscape pages after a section break
    landscape_section(document)
    appendix_mark(document, "Приложение № 1", LANDSCAPE_WIDTH)
    title(document, "{{ roadmap.title }}")
    roadmap_table(document)
    return document


def appendix_mark(document: DocumentObject, label: str, width: float) -> None:
    """«Приложение № 1 / к приказу МКУ «…» / от 30.11.2020 № 01-09/64», top right."""
    for line in (label, "к приказу " + ISSUER_GENITIVE):
        paragraph = para(document, line, align="left", size=12)
        paragraph.paragraph_format.left_indent = Mm(width - 85)
    paragraph = para(document, align="left")
    paragraph.paragraph_format.left_indent = Mm(width - 85)
    marked_runs(paragraph, [("от ", ""),
                            ("{{ document.date | date if document.date else '__.__.____' }}",
                             "karta_date_appendix"), (f" №{NBSP}", ""),
                            ("{{ document.number if document.number else '____' }}",
                             "karta_number_appendix")], size=12)
    para(document)


# the points of a start order: the issuing body's own staff first, with sub-points; every
# other executor (schools, other bodies) addressed in the dative; the staff who gather the
# report are the drafting clerk when the activity names no staff of the body itself
START_POINTS: list[str | tuple[str, str]] = [
    "{%p set to = (activity.executors if activity.executors is defined else "
    "activity.responsible) | addressees(organisation) %}",
    "{%p set own = to and to[0].own %}",
    "{%p for a in to %}",
    "{%p if a.own %}",
    ("point", "{{ loop.index }}. {{ a.text }}:"),
    ("point", "{{ loop.index }}.1. Организовать исполнение мероприятия"
              "{% if occurrence.due %} в срок до {{ occurrence.due | date }}{% endif %}."),
    ("point", "{{ loop.index }}.2. Обобщить информацию об исполнении мероприятия и "
              "представить отчёт{% if report_due %} в срок до {{ report_due | date }}"
              "{% endif %}."),
    "{%p else %}",
    ("point", "{{ loop.index }}. {{ a.text }} {% if own %}обеспечить участие в исполнении "
              "мероприятия и представить информацию о его исполнении"
              "{% if schools_due is defined and schools_due %} в срок до "
              "{{ schools_due | date }}{% endif %}{% else %}обеспечить исполнение мероприятия"
              "{% if occurrence.due %} в срок до {{ occurrence.due | date }}{% endif %}"
              "{% endif %}."),
    "{%p endif %}",
    "{%p endfor %}",
    "{%p if not own %}",
    ("point", "{{ to | length + 1 }}. {{ executor | short_name('dative') }}"
              "{% if executor.position %}, {{ executor | position('dative') | lower_first }},"
              "{% endif %} обобщить информацию об исполнении мероприятия и представить отчёт"
              "{% if report_due %} в срок до {{ report_due | date }}{% endif %}."),
    "{%p endif %}",
    "{%p for p in points %}",
    ("point", EXTRA_POINT.format(first="to | length + (1 if own else 2)")),
    "{%p endfor %}",
    ("point", "{{ to | length + (1 if own else 2) + points | length }}. Контроль за "
              "исполнением настоящего приказа оставляю за собой."),
]


def order_start() -> DocumentObject:
    document = order_opening(
        "{{ activity.title | about }}",
        "{% if basis.text %}" + BASIS + "{% if not basis.according %}в соответствии с "
        "{% endif %}{% else %}{{ 'в' if corrects else 'В' }} соответствии с {% endif %}"
        "{{ roadmap.title | case('instrumental') }}"
        "{% if roadmap.approval %} (приказ от {{ roadmap.approval.date | date }} "
        "№ {{ roadmap.approval.number }}){% endif %}, в целях исполнения мероприятия "
        "{{ activity.code }} {{ activity.title | quote }} за " + PERIOD + ",")
    for line in START_POINTS:
        if isinstance(line, str):
            tag(document, line)
        else:
            point(document, line[1])
    head_signature(document)
    executor_mark(document)
    return document


def note_heading(document: DocumentObject, kind: str, subject: str,
                 dated: bool = True) -> None:
    """The heading of a note (отчёт, справка, рекомендации, план): organisation, document
    kind in capitals, what it is about, date and number."""
    para(document, "{{ organisation.full_name }}", align="center", bold=True)
    para(document)
    para(document, kind, align="center", bold=True, size=16)
    title(document, subject)
    if dated:
        date_line(document)
        para(document)


UNIT = "report.unit is defined and report.unit"
NOT_REPORTED = "report.not_reported is defined and report.not_reported"


def report() -> DocumentObject:
    """An executor's report. A school's report is its own: its name heads it, and the
    department's registration is the mark of receipt (вх. №), not the document's number."""
    document = new_document()
    tag(document, f"{{%p if {UNIT} %}}")
    para(document, "{{ report.unit }}", align="center", bold=True)
    tag(document, "{%p else %}")
    para(document, "{{ organisation.full_name }}", align="center", bold=True)
    tag(document, "{%p endif %}")
    para(document)
    para(document, "ОТЧЁТ", align="center", bold=True, size=16)
    title(document, "об исполнении мероприятия {{ activity.code }} "
                    "{{ activity.title | quote }} за " + PERIOD)
    tag(document, f"{{%p if {UNIT} %}}")
    for line in ("{{ organisation.short_name or organisation.full_name }}",
                 f"Вх. №{NBSP}{NUMBER} от {DATE}"):
        mark = para(document, line, align="left", size=12)
        mark.paragraph_format.left_indent = Mm(165 - 85)
    tag(document, "{%p else %}")
    date_line(document)
    tag(document, "{%p endif %}")
    para(document)
    facts = document.add_table(rows=0, cols=2)
    facts.style = document.styles["Table Grid"]
    fixed_widths(facts, [55, 110])
    for label, value in (("Дорожная карта", "{{ roadmap.title }}"),
                         ("Сроки по дорожной карте", "{{ activity.deadline_text }}"),
                         ("Срок исполнения", "{{ occurrence.due | date if occurrence.due "
                                             "else 'не установлен' }}"),
                         ("Ответственные исполнители", "{{ activity.responsible_text }}"),
                         ("Планируемый результат", "{{ activity.planned_result }}")):
        cells = facts.add_row().cells
        cells[0].width, cells[1].width = Mm(55), Mm(110)
        cells[0].paragraphs[0].text = label
        cells[1].paragraphs[0].text = value
        for cell in cells:
            cell.paragraphs[0].runs[0].font.size = Pt(12)
    para(document)
    para(document, "Выполнено:", align="left", bold=True)
    para(document, "{{ report.text | sentence if report.text else 'Сведения приведены в "
                   "приложенных файлах.' }}", indent=True)
    tag(document, f"{{%p if {NOT_REPORTED} %}}")
    para(document, "Не представили отчёт: {{ report.not_reported | join(', ') }}.",
         indent=True)
    tag(document, "{%p endif %}")
    attachments(document, "report.files")
    author_signature(document, "report")
    return document


def attachments(document: DocumentObject, files: str) -> None:
    """Attachments as an office lists them: «Приложение: Список участников на 3 л. в 1
    экз.», or numbered under «Приложения:» when there are several."""
    tag(document, f"{{%p if {files} | length == 1 %}}")
    para(document, f"Приложение: {{{{ {files}[0] | attachment | sentence }}}}", align="left",
         space_before=12)
    tag(document, f"{{%p elif {files} %}}")
    para(document, "Приложения:", align="left", space_before=12)
    tag(document, f"{{%p for file in {files} %}}")
    para(document, "{{ loop.index }}. {{ file | attachment | sentence }}", align="left")
    tag(document, "{%p endfor %}")
    tag(document, "{%p endif %}")


def analytic_note() -> DocumentObject:
    document = new_document()
    note_heading(document, "АНАЛИТИЧЕСКАЯ СПРАВКА", RESULTS_OF)
    para(document, "Мероприятие {{ activity.code }} {{ roadmap.title | case('genitive') }}: "
                   "{{ activity.title | quote }}; сроки: "
                   "{{ activity.deadline_text | lower_first }}; ответственные: "
                   "{{ activity.responsible_text }}.", indent=True)
    section_heading(document, "1. Что сделано")
    # an occurrence assigned to several executors: the summary, a row for each report
    tag(document, "{%p if report.executors is defined and report.executors | selectattr('state', "
                  "'equalto', 'accepted') | list %}")
    done = grid(document, ["№", "Исполнитель", "Что сделано", "Отчёт"], [10, 45, 85, 25])
    looped_row(done, "e in report.executors | selectattr('state', 'equalto', 'accepted')",
               ["{{ loop.index }}", "{{ e.name }}",
                "{{ e.text | sentence if e.text else 'Сведения в приложенных файлах.' }}"
                "{% for f in e.files %} Приложение: {{ f | attachment | sentence }}{% endfor %}",
                "{{ e.date | date if e.date else '—' }}"], ["c", "l", "l", "c"])
    tag(document, "{%p if report.not_reported is defined and report.not_reported %}")
    para(document, "Не представили отчёт: {{ report.not_reported | join(', ') }}.",
         indent=True, space_before=6)
    tag(document, "{%p endif %}")
    tag(document, "{%p else %}")
    # one report: whose it is, what it says, what came with it, who did not report
    tag(document, f"{{%p if {UNIT} %}}")
    para(document, "Отчёт представлен: {{ report.unit }}{% if report.date %} "
                   "({{ report.date | date }}){% endif %}.", indent=True)
    tag(document, "{%p endif %}")
    para(document, "{{ report.text | sentence if report.text else 'Отчёт исполнителя представлен "
                   "файлами.' }}", indent=True)
    attachments(document, "report.files")
    tag(document, f"{{%p if {NOT_REPORTED} %}}")
    para(document, "Не представили отчёт: {{ report.not_reported | join(', ') }}.",
         indent=True, space_before=6)
    tag(document, "{%p endif %}")
    tag(document, "{%p endif %}")
    section_heading(document, "2. Показатели")
    tag(document, "{%p if analysis.figures %}")
    table = grid(document, ["№", "Показатель", "Значение"], [14, 111, 40])
    looped_row(table, "figure in analysis.figures",
               ["{{ loop.index }}", "{{ figure.name }}", "{{ figure.value }}"], ["c", "l", "c"])
    tag(document, "{%p else %}")
    para(document, "Количественные показатели в отчёте не приведены.", indent=True)
    tag(document, "{%p endif %}")
    section_heading(document, "3. Выводы")
    para(document, "{{ analysis.conclusions | sentence }}", indent=True)
    tag(document, "{%p if analysis.recommendations %}")
    section_heading(document, "4. Рекомендации")
    addressed(document, "analysis.recommendations")
    tag(document, "{%p endif %}")
    tag(document, "{%p if analysis.decisions %}")
    section_heading(document, "{{ 5 if analysis.recommendations else 4 }}. Предлагаемые "
                              "управленческие решения")
    tag(document, "{%p for d in analysis.decisions %}")
    para(document, "{{ loop.index }}) {{ d | sentence }}", indent=True)
    tag(document, "{%p endfor %}")
    tag(document, "{%p endif %}")
    author_signature(document, "analysis")
    return document


def order_results() -> DocumentObject:
    document = order_opening(
        "Об итогах {{ activity.title | subject('genitive') }} за " + PERIOD,
        "{% if basis.text %}" + BASIS + "по{% else %}{{ 'по' if corrects else 'По' }}"
        "{% endif %} результатам анализа исполнения мероприятия "
        "{{ activity.code }} {{ roadmap.title | case('genitive') }} (аналитическая справка от "
        "{{ note.date | date }} № {{ note.number }}),")
    para(document, "1. Принять к сведению выводы аналитической справки: "
                   "{{ analysis.conclusions | lower_first | sentence }}", indent=True)
    tag(document, "{%p for d in analysis.decisions %}")
    para(document, "{{ loop.index + 1 }}. {{ d | sentence }}", indent=True)
    tag(document, "{%p endfor %}")
    extra_points(document, "analysis.decisions | length + 2")
    para(document, "{{ analysis.decisions | length + 2 + points | length }}. Контроль за "
                   "исполнением настоящего приказа оставляю за собой.", indent=True)
    head_signature(document)
    executor_mark(document)
    return document


AMENDED = ("приказ " + ISSUER_GENITIVE + " от {{ amends.date | date }} "
           f"№{NBSP}{{{{ amends.number }}}} {{{{ amends.title | quote }}}}")


def order_amend() -> DocumentObject:
    """An amending order: only what changes, point by point, or the cancelled order."""
    document = new_document()
    requisites(document)
    title(document, "{% if amends.cancel %}О признании утратившим силу приказа{% else %}"
                    "О внесении изменений в приказ{% endif %} от {{ amends.date | date }} "
                    f"№{NBSP}{{{{ amends.number }}}}")
    para(document, "В связи с {% if amends.reason | because %}{{ amends.reason | because }}"
                   "{% else %}необходимостью {% if amends.cancel %}признания утратившим силу"
                   "{% else %}внесения изменений в{% endif %} " + AMENDED.replace(
                       "приказ ", "{{ 'приказа' if amends.cancel else 'приказ' }} ", 1)
                   + " ({{ amends.reason | lower_first }}){% endif %},", indent=True)
    para(document)
    para(document, "ПРИКАЗЫВАЮ:", align="left")
    para(document)
    tag(document, "{%p if amends.cancel %}")
    point(document, "1. Признать утратившим силу " + AMENDED + ".")
    tag(document, "{%p else %}")
    point(document, "1. Внести в " + AMENDED + " следующие изменения:")
    tag(document, "{%p for change in amends.changes %}")
    point(document, "1.{{ loop.index }}. {{ change | upper_first }}")
    tag(document, "{%p endfor %}")
    # a cancelling order has nothing left to control
    point(document, "2. Контроль за исполнением настоящего приказа оставляю за собой.")
    tag(document, "{%p endif %}")
    head_signature(document)
    executor_mark(document)
    return document


def recommendations() -> DocumentObject:
    document = new_document()
    note_heading(document, "АДРЕСНЫЕ РЕКОМЕНДАЦИИ", RESULTS_OF)
    table = grid(document, ["№ п/п", "Адресат", "Рекомендация"], [14, 55, 96])
    looped_row(table, "r in analysis.recommendations",
               ["{{ loop.index }}", "{{ r.addressee }}", "{{ r.text }}"], ["c", "l", "l"])
    author_signature(document, "analysis")
    return document


def plan() -> DocumentObject:
    """The year plan: approved by the head («УТВЕРЖДАЮ» at the top), signed by the
    specialist who compiled it."""
    document = new_document(landscape=True)
    approval_stamp(document, LANDSCAPE_WIDTH)
    note_heading(document, "ПЛАН МЕРОПРИЯТИЙ", "на {{ year }} год по реализации "
                 "{{ roadmap.title | case('genitive') | lower_first }}", dated=False)
    para(document, "Всего: {{ activities_count | plural('мероприятие') }}.", align="left",
         size=12, space_after=6)
    roadmap_table(document, plan=True)
    signature(document, "{{ executor.position | upper_first }}", "{{ executor | signature }}",
              LANDSCAPE_WIDTH)
    para(document, "{% if executor.phone %}Тел. {{ executor.phone }}{% endif %}",
         align="left", size=10)
    return document


def annual_report() -> DocumentObject:
    document = new_document()
    note_heading(document, "ИНФОРМАЦИЯ", "о реализации {{ roadmap.title | case('genitive') }} "
                                         "за {{ year }} год")
    para(document, "В {{ year }} году по дорожной карте {{ totals.total | plural('исполнение') }}"
                   " мероприятий: проанализировано – {{ totals.done }}, отчёт представлен – "
                   "{{ totals.reported }}, выполняется – {{ totals.in_progress }}, не начато – "
                   "{{ totals.planned }}, отменено – {{ totals.cancelled }}. Просрочено на "
                   "{{ as_of | date }} – {{ totals.overdue }}. Доля выполненных – "
                   "{{ totals.percent }}%.", indent=True)
    # by sections (a table and a chart) only when there are sections to compare: a
    # roadmap without them is told by the paragraph above, not by a one-bar chart
    tag(document, "{%p set by_sections = sections | length > 1 %}")
    tag(document, "{%p if by_sections %}")
    section_heading(document, "1. Исполнение по разделам")
    # numbers' headers break at their soft hyphens, so the section names get the width
    table = grid(document, ["Раздел", "Всего", "Выпол\u00adнено", "Отчёт",
                            "Просро\u00adчено", "Отме\u00adнено", "%"],
                 [85, 13, 14, 14, 14, 14, 11])
    # every row kept with the next: «Всего» is never alone at the top of a page
    tag_row(table, "{%tr for s in sections %}")
    row(table, ["{{ s.name }}", "{{ s.total }}", "{{ s.done }}", "{{ s.reported }}",
                "{{ s.overdue }}", "{{ s.cancelled }}", "{{ s.percent }}"],
        align=["l", "c", "c", "c", "c", "c", "c"])
    keep_row(table.rows[-1], with_next=True)
    tag_row(table, "{%tr endfor %}")
    row(table, ["Всего", "{{ totals.total }}", "{{ totals.done }}", "{{ totals.reported }}",
                "{{ totals.overdue }}", "{{ totals.cancelled }}", "{{ totals.percent }}"],
        bold=True, align=["l", "c", "c", "c", "c", "c", "c"], keep=True)
    para(document)
    picture = para(document, align="center")
    picture.add_run().add_picture(str(_placeholder_chart()), width=Mm(160))
    picture.runs[-1]._r.xpath(".//wp:docPr")[0].set("descr", "chart")
    para(document, "{{ chart.title }}", align="center", size=12)
    tag(document, "{%p endif %}")
    for number, (heading, items, line) in enumerate((
        ("Выполненные мероприятия", "done", "{{ i.code }}. {{ i.title }} "
                                            "({{ i.period | period }})"
                                            "{% if i.reason %}: "
                                            "{{ i.reason | lower_first | sentence }}"
                                            "{% endif %}"),
        ("Просроченные мероприятия", "overdue", "{{ i.code }}. {{ i.title }} "
                                                "({{ i.period | period }}, "
                                                "срок {{ i.due | date }}; "
                                                "{{ i.responsible_text }})"),
        ("Отменённые мероприятия", "cancelled", "{{ i.code }}. {{ i.title }} "
                                                "({{ i.period | period }})"
                                                "{% if i.reason %}: "
                                                "{{ i.reason | lower_first | sentence }}"
                                                "{% endif %}"),
    ), start=1):
        section_heading(document, f"{{{{ {number} + (1 if by_sections else 0) }}}}. {heading}")
        tag(document, f"{{%p for i in {items} %}}")
        para(document, "– " + line, indent=True, size=12)
        tag(document, "{%p endfor %}")
        tag(document, f"{{%p if not {items} %}}")
        para(document, "Нет.", indent=True)
        tag(document, "{%p endif %}")
    # the roadmap's indicators: target against actual (issue 22), when it has any
    tag(document, "{%p if indicators %}")
    section_heading(document, "{{ 4 + (1 if by_sections else 0) }}. Достижение целевых "
                              "значений показателей")
    para(document, "Показателей – {{ indicators | length }}, целевое значение достигнуто – "
                   "{{ indicators | selectattr('reached', 'equalto', 'да') | list | length }}."
                   " Фактическое значение – свод принятых значений организаций (или значение "
                   "управления образования).", indent=True, keep=True)
    indicator_table(document, "{{ i.name }}{% if i.period_label != year ~ ' год' %} "
                              "({{ i.period_label }}){% endif %}")
    tag(document, "{%p endif %}")
    head_signature(document)
    executor_mark(document)
    return document


def order_monitoring() -> DocumentObject:
    """«Об итогах мониторинга показателей за …»: the справка's figures taken note of, the
    management decisions (to each organisation below target, to those that gave no value),
    the added points and the control point."""
    document = order_opening(
        "Об итогах мониторинга показателей за {{ period_label }}",
        "{% if basis.text %}" + BASIS + "по{% else %}{{ 'по' if corrects else 'По' }}"
        "{% endif %} результатам мониторинга показателей за {{ period_label }} (аналитическая "
        "справка от {{ note.date | date }} № {{ note.number }}),")
    point(document, "1. Принять к сведению результаты мониторинга: показателей – "
                    "{{ totals.indicators }}, целевое значение достигнуто – {{ totals.reached }}"
                    ", не достигнуто – {{ totals.not_reached }}"
                    "{% if totals.no_data %}, нет цели или фактического значения – "
                    "{{ totals.no_data }}{% endif %}"
                    "{% set missed = indicators | selectattr('reached', 'equalto', 'нет') "
                    "| list %}{% if missed %} (не достигнуты: {% for i in missed %}"
                    "{{ i.code }} «{{ i.name }}» – {{ i.actual }} при цели {{ i.target }}"
                    "{{ '; ' if not loop.last }}{% endfor %}){% endif %}.")
    tag(document, "{%p for d in decisions %}")
    point(document, "{{ loop.index + 1 }}. {{ d | sentence }}")
    tag(document, "{%p endfor %}")
    extra_points(document, "decisions | length + 2")
    point(document, "{{ decisions | length + 2 + points | length }}. Контроль за исполнением "
                    "настоящего приказа оставляю за собой.")
    head_signature(document)
    executor_mark(document)
    return document


def indicator_table(document: DocumentObject, name_cell: str) -> None:
    """Indicators' targets against their actual values, a row each (``i in indicators``)."""
    table = grid(document, ["№", "Показатель", "Цель", "Факт", "Откло\u00adнение",
                            "Достиг\u00adнут"], [10, 85, 18, 18, 18, 16])
    looped_row(table, "i in indicators",
               ["{{ i.code }}", name_cell, "{{ i.target }}", "{{ i.actual }}",
                "{{ i.deviation }}", "{{ i.reached or '—' }}"],
               ["c", "l", "c", "c", "c", "c"])


def monitoring_note() -> DocumentObject:
    """«Аналитическая справка о результатах мониторинга показателей за период»: target,
    actual and deviation of each indicator, the organisations below target and those that
    gave no value, and draft addressed recommendations to each below target."""
    document = new_document()
    note_heading(document, "АНАЛИТИЧЕСКАЯ СПРАВКА", "о результатах мониторинга показателей "
                                                    "за {{ period_label }}")
    para(document, "Показателей мониторинга – {{ totals.indicators }}: целевое значение "
                   "достигнуто – {{ totals.reached }}, не достигнуто – {{ totals.not_reached }}"
                   "{% if totals.no_data %}, нет цели или фактического значения – "
                   "{{ totals.no_data }}{% endif %}. Фактическое значение – свод принятых "
                   "значений организаций (или значение управления образования); отклонение – "
                   "разность факта и цели.", indent=True)
    section_heading(document, "1. Целевые и фактические значения")
    indicator_table(document, "{{ i.name }} ({{ i.group }}; принято значений: "
                              "{{ i.accepted }} из {{ i.owed }})")
    section_heading(document, "2. Организации, не достигшие целевых значений")
    tag(document, "{%p set below = indicators | selectattr('below') | list %}")
    tag(document, "{%p for i in below %}")
    para(document, "{{ i.code }}. {{ i.name }}: {% for b in i.below %}{{ b.name }} "
                   "({{ b.value }}){{ ', ' if not loop.last else '.' }}{% endfor %}",
         indent=True)
    tag(document, "{%p endfor %}")
    tag(document, "{%p if not below %}")
    para(document, "Нет.", indent=True)
    tag(document, "{%p endif %}")
    section_heading(document, "3. Не представили значения")
    tag(document, "{%p set missing = indicators | selectattr('missing') | list %}")
    tag(document, "{%p for i in missing %}")
    para(document, "{{ i.code }}. {{ i.name }}: {{ i.missing | join(', ') }}.", indent=True)
    tag(document, "{%p endfor %}")
    tag(document, "{%p if not missing %}")
    para(document, "Все организации представили значения.", indent=True)
    tag(document, "{%p endif %}")
    tag(document, "{%p if recommendations %}")
    section_heading(document, "4. Адресные рекомендации")
    addressed(document, "recommendations")
    tag(document, "{%p endif %}")
    signature(document, "{{ author.position | upper_first }}", "{{ author | signature }}")
    para(document, "{{ today | date }}", align="left")
    return document


def _placeholder_chart() -> Path:
    """A neutral picture standing in for the chart until a document is rendered."""
    from documents.charts import completion_chart

    path = Path(tempfile_dir()) / "chart-placeholder.png"
    path.write_bytes(completion_chart([], "Диаграмма выполнения по разделам"))
    return path


def tempfile_dir() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="karta-build-")


TEMPLATES = {
    "order_approve": (order_approve, "Приказ об утверждении дорожной карты"),
    "order_start": (order_start, "Приказ о проведении мероприятия"),
    "report": (report, "Отчёт об исполнении мероприятия"),
    "analytic_note": (analytic_note, "Аналитическая справка"),
    "order_results": (order_results, "Приказ об итогах"),
    "order_amend": (order_amend, "Приказ о внесении изменений в приказ"),
    "recommendations": (recommendations, "Адресные рекомендации"),
    "plan": (plan, "План мероприятий на год"),
    "annual_report": (annual_report, "Информация о реализации дорожной карты за год"),
    "monitoring_note": (monitoring_note, "Аналитическая справка о результатах мониторинга "
                                         "показателей"),
    "order_monitoring": (order_monitoring, "Приказ об итогах мониторинга показателей"),
}


def build_all(folder: Path = HERE) -> list[Path]:
    """Write every default template into ``folder``."""
    written = []
    for name, (builder, _) in TEMPLATES.items():
        path = folder / f"{name}.docx"
        document = builder()
        document.core_properties.title = TEMPLATES[name][1]
        document.save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build_all():
        print(path)
