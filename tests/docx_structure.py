"""Reading a generated .docx back as plain structure: paragraph texts and table cells."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx

from documents.layout import SIGNATURE_STYLE

NBSP, WORD_JOINER = "\u00a0", "\u2060"


def structure(source: bytes | Path | str, exact: bool = False) -> dict[str, Any]:
    """Non-empty paragraph texts of the body, header texts, every table's rows and each
    section's orientation. Texts read as a person reads them (a no-break space as a space,
    no word joiners) unless ``exact``, which keeps them (golden files show them escaped)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    document = docx.Document(io.BytesIO(data))

    def text(value: str) -> str:
        return value if exact else value.replace(NBSP, " ").replace(WORD_JOINER, "")

    every = document.paragraphs
    signed = [p for p in every if p.style is not None and p.style.style_id == SIGNATURE_STYLE]
    paragraphs = [text(p.text) for p in every if p.text.strip() and p not in signed]
    # a signature block: the position (its lines joined) and the name after the tab
    signature = [[" ".join(part.split("\n")) for part in text(p.text).split("\t", 1)]
                 for p in signed]
    tables = [[[text(cell.text) for cell in _unique(row.cells)] for row in table.rows]
              for table in document.tables]
    headers = [_field_text(p) for section in document.sections
               for p in section.header.paragraphs if _field_text(p).strip()]
    sections = ["landscape" if section.page_width > section.page_height else "portrait"
                for section in document.sections]
    return {"paragraphs": paragraphs, "tables": tables, "headers": headers,
            "sections": sections, "signature": signature}


def golden_json(shape: dict[str, Any]) -> str:
    """A structure as a golden file: readable Russian, no-break spaces and word joiners
    escaped so a reviewer sees them."""
    import json

    text = json.dumps(shape, ensure_ascii=False, indent=1)
    return text.replace(NBSP, "\\u00a0").replace(WORD_JOINER, "\\u2060") + "\n"


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


def text_of(source: bytes | Path | str, exact: bool = False) -> str:
    """Everything a reader sees, paragraphs and tables, as one string."""
    shape = structure(source, exact)
    cells = [cell for table in shape["tables"] for row in table for cell in row]
    signatures = [part for block in shape["signature"] for part in block]
    return "\n".join(shape["paragraphs"] + cells + signatures)
