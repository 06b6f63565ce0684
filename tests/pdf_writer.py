"""A ruled table written as a PDF with a text layer by matplotlib's PDF backend, so PDF
import is tested without LibreOffice.

Cells are wrapped to their column; a row that does not fit on the page is broken over it
(the rest of each cell goes on in a row of the next page, as Word prints a row allowed to
break); every page has its number at the bottom, pages after the first a running header.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

PAGE_WIDTH, PAGE_HEIGHT = 595.0, 842.0  # A4 in points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 40.0, 60.0, 60.0
FONT = 8.0
LINE = 10.5
PAD = 3.0
CHAR = 0.7 * FONT  # the widest Cyrillic letters of DejaVu Sans: a line never overflows


class PdfTable:
    """Collects text lines and table rows, then lays them out on pages."""

    def __init__(self, widths: list[float], running: str = "", ruled: bool = True) -> None:
        scale = (PAGE_WIDTH - 2 * MARGIN_X) / sum(widths)
        self.widths = [width * scale for width in widths]
        self.running = running
        self.ruled = ruled
        self.blocks: list[tuple[str, object]] = []

    def text(self, line: str) -> None:
        self.blocks.append(("text", line))

    def row(self, cells: list[str], merged: bool = False) -> None:
        self.blocks.append(("merged" if merged else "row", cells))

    def save(self, path: Path) -> int:
        """Write the PDF; the number of pages."""
        import matplotlib

        matplotlib.use("pdf", force=True)
        from matplotlib.backends.backend_pdf import PdfPages

        with matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}):
            with PdfPages(str(path), metadata={"CreationDate": None, "ModDate": None}) as pdf:
                pager = _Pager(pdf, self.running, self.ruled)
                for kind, payload in self.blocks:
                    if kind == "text":
                        assert isinstance(payload, str)
                        pager.text(payload)
                    else:
                        assert isinstance(payload, list)
                        pager.row(payload, self.widths, merged=kind == "merged")
                pager.finish()
                return pager.page


def _wrap(text: str, width: float) -> list[str]:
    chars = max(4, int((width - 2 * PAD) / CHAR))
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, chars, break_long_words=True) or [""])
    return lines if any(lines) else []


class _Pager:
    def __init__(self, pdf: object, running: str, ruled: bool) -> None:
        self.pdf = pdf
        self.running = running
        self.ruled = ruled
        self.page = 0
        self.figure: object = None
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        import matplotlib.pyplot as plt

        if self.figure is not None:
            self.close_page()
        self.page += 1
        self.figure = plt.figure(figsize=(PAGE_WIDTH / 72, PAGE_HEIGHT / 72))
        self.y = MARGIN_TOP
        if self.page > 1 and self.running:
            self.put(MARGIN_X, 25, self.running, 7)

    def close_page(self) -> None:
        import matplotlib.pyplot as plt

        self.put(PAGE_WIDTH / 2, PAGE_HEIGHT - 30, str(self.page), FONT)
        self.pdf.savefig(self.figure)  # type: ignore[attr-defined]
        plt.close(self.figure)  # type: ignore[arg-type]

    def finish(self) -> None:
        self.close_page()
        self.figure = None

    def put(self, x: float, y: float, text: str, size: float) -> None:
        self.figure.text(x / PAGE_WIDTH, 1 - y / PAGE_HEIGHT, text,  # type: ignore[attr-defined]
                         fontsize=size, va="top", ha="left")

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        from matplotlib.lines import Line2D

        if not self.ruled:
            return
        self.figure.add_artist(Line2D(  # type: ignore[attr-defined]
            [x0 / PAGE_WIDTH, x1 / PAGE_WIDTH], [1 - y0 / PAGE_HEIGHT, 1 - y1 / PAGE_HEIGHT],
            color="black", linewidth=0.6))

    def room(self) -> float:
        return PAGE_HEIGHT - MARGIN_BOTTOM - self.y

    def text(self, text: str) -> None:
        lines = _wrap(text, PAGE_WIDTH - 2 * MARGIN_X) or [""]
        if len(lines) * LINE > self.room():
            self.new_page()
        for line in lines:
            if line:
                self.put(MARGIN_X, self.y, line, FONT + 1)
            self.y += LINE + 1
        self.y += 4  # a gap before the table goes on

    def row(self, cells: list[str], widths: list[float], merged: bool) -> None:
        if merged:
            wrapped = [_wrap(cells[0], sum(widths))]
            spans = [sum(widths)]
        else:
            wrapped = [_wrap(cell, width) for cell, width in zip(cells, widths)]
            spans = widths
        while True:
            height = max(len(lines) for lines in wrapped) * LINE + 2 * PAD
            fits = int((self.room() - 2 * PAD) // LINE)
            if height <= self.room() or fits < 2 or merged:
                if height > self.room():
                    self.new_page()
                self.draw(wrapped, spans, max(len(lines) for lines in wrapped))
                return
            # the row breaks over the page: what fits here, the rest on the next page
            self.draw([lines[:fits] for lines in wrapped], spans, fits)
            wrapped = [lines[fits:] for lines in wrapped]
            self.new_page()

    def draw(self, wrapped: list[list[str]], spans: list[float], count: int) -> None:
        top = self.y
        bottom = top + count * LINE + 2 * PAD
        x = MARGIN_X
        self.line(x, top, x, bottom)
        for lines, span in zip(wrapped, spans):
            for index, line in enumerate(lines[:count]):
                if line:
                    self.put(x + PAD, top + PAD + index * LINE, line, FONT)
            x += span
            self.line(x, top, x, bottom)
        self.line(MARGIN_X, top, x, top)
        self.line(MARGIN_X, bottom, x, bottom)
        self.y = bottom
