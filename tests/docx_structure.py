"""Reading a generated .docx back as plain structure: paragraph texts and table cells."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx


def structure(source: bytes | Path | str) -> dict[str, Any]:
    """Non-empty paragraph texts of the body, header texts, and every table's rows."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    tables = [[[cell.text for cell in _unique(row.cells)] for row in table.rows]
              for table in document.tables]
    headers = [_field_text(p) for section in document.sections
               for p in section.header.paragraphs if _field_text(p).strip()]
    return {"paragraphs": paragraphs, "tables": tables, "headers": headers}


def _field_text(paragraph: Any) -> str:
    """A header paragraph's text, fields included: «{PAGE}» for a page number field."""
    from docx.oxml.ns import qn

    parts = []
    for node in paragraph._p.iter(qn("w:t"), qn("w:fldSimple")):
        if node.tag == qn("w:fldSimple"):
            parts.append("{" + node.get(qn("w:instr")).strip() + "}")
        elif node.getparent().getparent().tag != qn("w:fldSimple"):
            parts.append(node.text or "")
    return "".join(parts)


def _unique(cells: Any) -> list[Any]:
    seen: list[Any] = []
    for cell in cells:  # a merged cell is returned once per grid column: keep it once
        if not any(cell._tc is other._tc for other in seen):
            seen.append(cell)
    return seen


def text_of(source: bytes | Path | str) -> str:
    """Everything a reader sees, paragraphs and tables, as one string."""
    shape = structure(source)
    cells = [cell for table in shape["tables"] for row in table for cell in row]
    return "\n".join(shape["paragraphs"] + cells)
