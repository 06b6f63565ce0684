"""Finding the tables of a document and the text around them."""

from __future__ import annotations

from dataclasses import dataclass, field

from workflow.importing.columns import (
    is_genuine_header,
    is_header,
    is_header_tail,
    is_numbering_row,
)
from workflow.importing.limits import Deadline
from workflow.importing.sources import Item


@dataclass
class Table:
    """A table: its header rows, what follows them (rows and loose lines), its caption."""

    header: list[Item] = field(default_factory=list)
    body: list[Item] = field(default_factory=list)
    caption: list[Item] = field(default_factory=list)

    @property
    def width(self) -> int:
        rows = self.header or [item for item in self.body if item.is_row]
        return max((len(item.cells or []) for item in rows), default=0)

    @property
    def first_line(self) -> int:
        items = self.caption or self.header or self.body
        return items[0].line

    @property
    def last_line(self) -> int:
        rows = [item for item in self.body if item.is_row] or self.header
        return rows[-1].line


@dataclass
class TextRegion:
    """Paragraphs between tables (or before the first, after the last)."""

    items: list[Item]


def _nonblank(items: list[Item]) -> list[Item]:
    return [item for item in items if item.text.strip()]


def _split_caption(pending: list[Item]) -> tuple[list[Item], list[Item]]:
    """Split text before a table into (text before, caption): the caption is the last block
    of consecutive non-blank lines, at most four of them."""
    end = len(pending)
    while end and not pending[end - 1].text.strip():
        end -= 1
    start = end
    while start and pending[start - 1].text.strip() and end - start < 4:
        start -= 1
    # a caption block may be separated from its second line by one blank (a wrapped title)
    return pending[:start], pending[start:end]


def segment(items: list[Item], deadline: Deadline | None = None) -> list[Table | TextRegion]:
    """Group items into tables and text regions in document order.

    A table starts at a header row; loose lines between its rows stay in it (section titles,
    continuation lines, page numbers). A .docx table without a header that has the same width
    as the table before continues it (a roadmap split across pages); any other headerless
    table stands alone.
    """
    blocks: list[Table | TextRegion] = []
    current: Table | None = None
    current_docx_table: int | None = None
    # ``current.width``, kept up to date here: computing it for every new .docx table made
    # a document of many one-row tables quadratic
    current_width = 0
    has_rows = False  # the current table has a body row
    pending: list[Item] = []

    def flush_text() -> None:
        if _nonblank(pending):
            blocks.append(TextRegion(list(pending)))
        pending.clear()

    for position, item in enumerate(items):
        if deadline is not None and not position & 0x3F:
            deadline.check()
        if not item.is_row:
            pending.append(item)
            continue
        cells = item.cells or []
        if current is None and sum(1 for cell in cells if cell.strip()) <= 1:
            # a spreadsheet's title line above the table is text, not a row
            pending.append(Item(line=item.line, text=" ".join(cells).strip(), end=item.end))
            continue
        new_docx_table = item.table is not None and item.table != current_docx_table
        header_continues = (
            current is not None and not current.body and not new_docx_table and not pending
            and (is_header(cells) or is_numbering_row(cells) or is_header_tail(cells))
        )
        if header_continues:
            assert current is not None
            current.header.append(item)
            current_width = max(current_width, len(cells))
            continue
        if is_header(cells) and (not has_rows or is_genuine_header(cells)):
            # once a table has rows, a row that merely holds column words («работы»,
            # «мероприятия») is a continuation fragment, not the header of a new table
            if current is not None and _same_header(current, cells):
                current.body.extend(pending)  # a header repeated on a new page
                pending.clear()
                current.body.append(item)
                current_docx_table = item.table
                continue
            before, caption = _split_caption(pending)
            pending[:] = before
            flush_text()
            current = Table(header=[item], caption=caption)
            current_width = len(cells)
            has_rows = False
            blocks.append(current)
            current_docx_table = item.table
            continue
        if current is None or (new_docx_table and not _continues(current, current_width,
                                                                 cells)):
            before, caption = _split_caption(pending)
            pending[:] = before
            flush_text()
            current = Table(caption=caption)
            current_width = 0
            has_rows = False
            blocks.append(current)
        current_docx_table = item.table
        current.body.extend(pending)
        pending.clear()
        current.body.append(item)
        has_rows = True
        if not current.header:
            current_width = max(current_width, len(cells))
    flush_text()
    return blocks


def _continues(table: Table, width: int, cells: list[str]) -> bool:
    """A headerless table continues the one before when it has the same width, or, after a
    table with a header, nearly the same (a converter adds a cell for a page number or
    drops an empty one) or one cell wide (rows merged across the table)."""
    if len(cells) == width:
        return True
    if table.header and len(cells) == 1:
        # a PDF page that ends with rows merged across the table (a group's and a
        # section's titles) gives them as a table of one column
        return True
    return bool(table.header) and abs(len(cells) - width) <= 2


def _same_header(table: Table, cells: list[str]) -> bool:
    first = table.header[0].cells if table.header else None
    return first is not None and [c.strip() for c in first] == [c.strip() for c in cells]
