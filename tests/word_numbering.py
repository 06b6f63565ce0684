"""Word's automatic list numbering in documents made by python-docx, for tests: list
definitions added to ``word/numbering.xml`` and paragraphs numbered by them, as Word's
«Нумерация» button leaves a cell (no digits in the text)."""

from __future__ import annotations

from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn


def add_list(document: Any, levels: list[tuple[str, str]], restart: dict[int, int] | None = None,
             legal: bool = False) -> str:
    """A new abstract list definition: one (format, level text) a level, e.g.
    [("decimal", "%1."), ("decimal", "%1.%2.")]; ``restart`` maps a level to its
    w:lvlRestart. Returns its w:abstractNumId."""
    numbering = document.part.numbering_part.element
    taken = [int(node.get(qn("w:abstractNumId")))
             for node in numbering.findall(qn("w:abstractNum"))]
    key = str(max(taken, default=0) + 1)
    xml = [f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{key}">',
           '<w:multiLevelType w:val="multilevel"/>']
    for level, (kind, text) in enumerate(levels):
        restart_xml = f'<w:lvlRestart w:val="{restart[level]}"/>' \
            if restart and level in restart else ""
        legal_xml = "<w:isLgl/>" if legal and level else ""
        xml.append(f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{kind}"/>'
                   f'{restart_xml}{legal_xml}<w:suff w:val="space"/><w:lvlText w:val="{text}"/>'
                   # in a table cell the number starts at the cell's edge, as clerks set it
                   '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr>'
                   "</w:lvl>")
    xml.append("</w:abstractNum>")
    element = parse_xml("".join(xml))
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(element)
    else:
        numbering.append(element)
    return key


def add_num(document: Any, abstract: str, starts: dict[int, int] | None = None) -> str:
    """A list (w:num) of the abstract definition; ``starts`` overrides the start of levels
    («Начать заново»). Returns its w:numId."""
    numbering = document.part.numbering_part.element
    taken = [int(node.get(qn("w:numId"))) for node in numbering.findall(qn("w:num"))]
    key = str(max(taken, default=0) + 1)
    overrides = "".join(f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/>'
                        "</w:lvlOverride>" for level, start in (starts or {}).items())
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{key}"><w:abstractNumId '
                               f'w:val="{abstract}"/>{overrides}</w:num>'))
    return key


def number(paragraph: Any, num_id: str, level: int = 0) -> None:
    """Number a paragraph by list ``num_id`` at ``level``."""
    props = paragraph._p.get_or_add_pPr()
    props.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
                           f'<w:numId w:val="{num_id}"/></w:numPr>'))
