"""Column widths from the content: a table a template marks (its caption is ``FIT_MARK``)
gets, after rendering, the widths its text needs.

Every column is at least as wide as its longest word (so no word is broken across lines —
a hyphenated word may break at its hyphen, a header at its soft hyphens); the width left
over goes, a step at a time, to the column where it saves most lines over the whole
table. Widths are computed from the advance widths of Times New Roman / Liberation Serif
(same metrics) kept here, so the same text gives the same widths on every machine.
"""

from __future__ import annotations

import html
import math
import re

FIT_MARK = "karta:fit-columns"
SIGNATURE_STYLE = "karta-signature"  # the paragraph style of a signature block
TWIPS_PER_POINT = 20
CELL_PADDING = 2 * 108 + 60  # Word's default left and right cell margins, and a reserve
STEP = 57 * 2  # twips: 2 mm at a time

# advance widths in thousandths of an em (Liberation Serif Regular, metric-compatible with
# Times New Roman); bold text is about 8 % wider
_WIDTHS: dict[str, int] = {}
for _width, _chars in (
    (180, "'"), (250, " .,\u00a0"), (278, ";:/ijlt"), (333, "-()!frI"), (389, "sJ"),
    (395, "з"), (408, '"'), (410, "г"), (429, "э"), (437, "т"), (444, "аеёс?acez„“"),
    (456, "ь"), (460, "я"), (472, "в"), (486, "к"), (499, "л"),
    (500, "орух0123456789–«»bdghknopquvxy"), (501, "З"), (503, "ч"), (509, "бд"),
    (517, "ъ"), (535, "ийнпц"), (556, "РFPS"), (574, "БЬ"), (578, "Г"), (611, "ЕЁТELTZ"),
    (633, "м"), (648, "ф"), (650, "Ч"), (660, "Э"), (667, "ВКСЯBCR"), (672, "ы"),
    (678, "Л"), (682, "Д"), (691, "ж"), (706, "Ъ"), (708, "У"),
    (722, "АИЙНОПХЦwADGHKNOQUVXY"), (747, "ю"), (770, "шщ"), (778, "m"), (790, "Ф"),
    (833, "%"), (872, "Ы"), (889, "МM"), (896, "Ж"), (944, "W"), (954, "№"), (1000, "—"),
    (1009, "ШЩ"), (1028, "Ю"),
):
    for _char in _chars:
        _WIDTHS[_char] = _width
_WIDTHS["\u00ad"] = 333  # a soft hyphen: a hyphen where the word breaks, else nothing
_UNKNOWN = 560


def text_width(text: str, points: float, bold: bool = False) -> float:
    """The width of a text in twips at a size in points."""
    ems = sum(_WIDTHS.get(char, _UNKNOWN) for char in text) / 1000
    return ems * points * TWIPS_PER_POINT * (1.08 if bold else 1.0)


_TABLE = re.compile(r"<w:tbl>.*?</w:tbl>", re.S)
_ROW = re.compile(r"<w:tr[ >].*?</w:tr>", re.S)
_CELL = re.compile(r"<w:tc>.*?</w:tc>", re.S)
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.S)
_RUN = re.compile(r"<w:r[ >].*?</w:r>", re.S)
_GRID = re.compile(r"<w:tblGrid>.*?</w:tblGrid>", re.S)


def fit_columns(xml: str) -> str:
    """Every marked table in a part's XML with column widths fitted to its text."""
    if FIT_MARK not in xml:
        return xml
    return _TABLE.sub(lambda match: _fit(match.group(0)) if FIT_MARK in match.group(0)
                      else match.group(0), xml)


class _Cell:
    """What a cell needs: its lines (paragraphs) as widths, and its widest word."""

    def __init__(self, xml: str) -> None:
        self.span = int(m.group(1)) if (m := re.search(r'<w:gridSpan w:val="(\d+)"', xml)) \
            else 1
        self.lines: list[float] = []
        self.word = 0.0
        for paragraph in _PARAGRAPH.findall(xml):
            for line in _lines(paragraph):
                text, points, bold = line
                self.lines.append(text_width(text, points, bold))
                # a word may break at its hyphen or its soft hyphen («Выпол\u00adнено»)
                for word in re.split(r"[ \t\r\n]+|(?<=[-\u00ad])", text):
                    if word:
                        self.word = max(self.word, text_width(word, points, bold))

    def height(self, width: float) -> int:
        usable = max(width - CELL_PADDING, 1.0)
        return sum(max(1, math.ceil(line / usable)) for line in self.lines) or 1


def _lines(paragraph: str) -> list[tuple[str, float, bool]]:
    """A paragraph's lines (split at its breaks) with the size and weight of its text."""
    lines: list[tuple[str, float, bool]] = []
    text, points, bold = "", 12.0, False
    for run in _RUN.findall(paragraph):
        size = re.search(r'<w:sz w:val="(\d+)"', run)
        if size:
            points = int(size.group(1)) / 2
        bold = bold or bool(re.search(r"<w:b/>|<w:b w:val=\"(?:1|true)\"/>", run))
        for piece in re.finditer(r"<w:t(?: [^>]*)?>([^<]*)</w:t>|<w:br/>|<w:tab/>", run):
            if piece.group(0) == "<w:br/>":
                lines.append((text, points, bold))
                text = ""
            elif piece.group(0) == "<w:tab/>":
                text += " "
            else:
                text += html.unescape(piece.group(1))
    lines.append((text, points, bold))
    return lines


def widths_for(rows: list[list[_Cell]], total: int, columns: int) -> list[int]:
    """Column widths (twips) summing to ``total``: each at least its widest word, the rest
    where it saves the most lines."""
    single = [row for row in rows if all(cell.span == 1 for cell in row)
              and len(row) == columns]
    least = [CELL_PADDING + max((row[c].word for row in single), default=0.0) * 1.03
             for c in range(columns)]
    widths = [float(value) for value in least]
    if sum(widths) >= total:  # even the words do not fit: shrink them all alike
        return _whole([value * total / sum(widths) for value in widths], total)

    heights = [[row[c].height(widths[c]) for row in single] for c in range(columns)]
    text = [sum(sum(row[c].lines) for row in single) for c in range(columns)]
    while sum(widths) + STEP <= total:
        best: tuple[int, float, int] | None = None
        for column in range(columns):
            trial = [row[column].height(widths[column] + STEP) for row in single]
            saved = sum(
                max(max(heights[c][r] for c in range(columns))
                    - max([trial[r]] + [heights[c][r] for c in range(columns) if c != column]),
                    0)
                for r in range(len(single)))
            # ties: the column whose text is densest for its width
            density = text[column] / max(widths[column] - CELL_PADDING, 1.0)
            score = (-saved, -density, column)
            if best is None or score < best:
                best = score
        assert best is not None
        column = best[2]
        widths[column] += STEP
        heights[column] = [row[column].height(widths[column]) for row in single]
    widths[-1] += total - sum(widths)
    return _whole(widths, total)


def _whole(widths: list[float], total: int) -> list[int]:
    result = [int(value) for value in widths]
    result[-1] += total - sum(result)
    return result


def _fit(table: str) -> str:
    grid = _GRID.search(table)
    if grid is None:
        return table
    columns = [int(value) for value in re.findall(r'<w:gridCol w:w="(\d+)"', grid.group(0))]
    if not columns:
        return table
    rows = [[_Cell(cell) for cell in _CELL.findall(row)] for row in _ROW.findall(table)]
    widths = widths_for(rows, sum(columns), len(columns))
    table = table.replace(grid.group(0), "<w:tblGrid>" + "".join(
        f'<w:gridCol w:w="{width}"/>' for width in widths) + "</w:tblGrid>")
    return _ROW.sub(lambda match: _resize_row(match.group(0), widths), table)


def _resize_row(row: str, widths: list[int]) -> str:
    position = 0

    def resize(match: re.Match[str]) -> str:
        nonlocal position
        cell = match.group(0)
        span = int(m.group(1)) if (m := re.search(r'<w:gridSpan w:val="(\d+)"', cell)) else 1
        width = sum(widths[position:position + span])
        position += span
        return re.sub(r'<w:tcW w:w="\d+" w:type="dxa"/>',
                      f'<w:tcW w:w="{width}" w:type="dxa"/>', cell, count=1)

    return _CELL.sub(resize, row)


# ----------------------------------------------------------------------------- signature

SIGNATURE_COLUMN = 100  # mm: the width the position of a signature block is set in


def signature_lines(position: str, width_mm: float = SIGNATURE_COLUMN,
                    points: float = 14) -> str:
    """A signatory's position broken into lines of a column (``\\n`` between them): the
    position sits at the left, the name at the right margin of its last line."""
    limit = width_mm / 25.4 * 1440
    lines: list[str] = []
    for given in position.split("\n"):
        line = ""
        for word in given.split(" "):
            trial = f"{line} {word}" if line else word
            if line and text_width(trial, points) > limit:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return "\n".join(lines)


_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*\S[^<]*</w:t>")
_KEEP_AFTER = re.compile(r"<w:pPr>(?:<w:pStyle [^>]*/>)?")


def keep_signature(xml: str) -> str:
    """The text's last lines kept on the page of the signature block (a paragraph in the
    style ``SIGNATURE_STYLE``): the empty paragraphs before it and the last paragraph of
    text (whole) are kept with it; a table before it keeps its last rows with it
    (``_keep_last_rows``). A signature is never alone on a page."""
    found = xml.find(f'<w:pStyle w:val="{SIGNATURE_STYLE}"/>')
    if found < 0:
        return xml
    end = max(xml.rfind("<w:p>", 0, found), xml.rfind("<w:p ", 0, found))
    while end > 0:
        before = xml[:end].rstrip()
        if before.endswith("</w:p>"):
            opening = max(before.rfind("<w:p>"), before.rfind("<w:p "))
            paragraph = before[opening:]
            text = bool(_TEXT.search(paragraph)) or "<w:drawing>" in paragraph
            xml = xml[:opening] + _keep_paragraph(paragraph, whole=text) + xml[len(before):]
            if text:
                break
            end = opening
        elif before.endswith("</w:tbl>"):
            start = before.rfind("<w:tbl>")
            xml = xml[:start] + _keep_last_rows(before[start:]) + xml[len(before):]
            break
        else:
            break
    return xml


def _keep_last_rows(table: str) -> str:
    """A table whose last two rows are kept with the next paragraph. LibreOffice keeps a
    table with the next paragraph only when every row of it is kept so, and never a table
    of one row: a short table is kept whole; a long one ends with its last two rows as a
    table of their own, after a hairline paragraph (adjacent tables would be joined)."""
    rows = list(_ROW.finditer(table))
    if not rows:
        return table
    if len(rows) < 5:  # a heading and up to three rows: the whole table
        return _PARAGRAPH.sub(lambda m: _keep_paragraph(m.group(0), whole=True), table)
    tail = table[rows[-2].start():rows[-1].end()]
    tail = _PARAGRAPH.sub(lambda m: _keep_paragraph(m.group(0), whole=True), tail)
    tail = re.sub(r"<w:tblHeader(?: [^>]*)?/>", "", tail)
    head = table[:rows[0].start()]  # the table's properties and grid
    return (table[:rows[-2].start()] + "</w:tbl>" + HAIRLINE + head + tail
            + table[rows[-1].end():])


HAIRLINE = ('<w:p><w:pPr><w:keepNext/><w:spacing w:before="0" w:after="0" w:line="20" '
            'w:lineRule="exact"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'
            '</w:pPr></w:p>')


def _keep_paragraph(paragraph: str, whole: bool) -> str:
    """A paragraph kept with the next one (and, ``whole``, not split across pages)."""
    wanted = "<w:keepNext/>" + ("<w:keepLines/>" if whole else "")
    wanted = "".join(tag for tag in ("<w:keepNext/>", "<w:keepLines/>")
                     if tag in wanted and tag not in paragraph)
    if not wanted:
        return paragraph
    paragraph = paragraph.replace("<w:pPr/>", "<w:pPr></w:pPr>", 1)
    match = _KEEP_AFTER.search(paragraph)
    if match is not None and match.start() == paragraph.find("<w:pPr>"):
        return paragraph[:match.end()] + wanted + paragraph[match.end():]
    opening = re.match(r"<w:p(?: [^>]*)?>", paragraph)
    assert opening is not None
    return paragraph[:opening.end()] + f"<w:pPr>{wanted}</w:pPr>" + paragraph[opening.end():]
