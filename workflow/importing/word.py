"""Reading a .docx into items, one paragraph or table row at a time.

Only the main document part is read (found through the package relationships), as a stream:
each paragraph of the body, and each row of a table, is turned into an item and then removed
from the tree, so memory holds one block whatever the size of the document.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from workflow.errors import RoadmapFormatError
from workflow.importing import limits
from workflow.importing.autonumber import ListNumbers, read_list_numbers
from workflow.importing.limits import Deadline, Tally, count, shown
from workflow.importing.package import Package
from workflow.importing.sources import Item

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN_DOCUMENT = re.compile(r"/relationships/officeDocument$")
P, TBL, TR, TC, R, T, BR, TAB = (f"{_W}{name}" for name in
                                 ("p", "tbl", "tr", "tc", "r", "t", "br", "tab"))
TC_PR, TR_PR, R_PR = f"{_W}tcPr", f"{_W}trPr", f"{_W}rPr"
GRID_SPAN, GRID_BEFORE, V_MERGE, VAL = (f"{_W}gridSpan", f"{_W}gridBefore", f"{_W}vMerge",
                                        f"{_W}val")
DOCUMENT, BODY = f"{_W}document", f"{_W}body"
_EMPHASIS_TAGS = (f"{_W}b", f"{_W}i")
_RUN_TEXT_TAGS = (T, BR, TAB)


def read_docx(name: str, data: bytes, deadline: Deadline) -> list[Item]:
    """The paragraphs and table rows of a Word document's body, in order."""
    package = Package(name, data, "документом Word", deadline)
    try:
        main = _main_part(package)
        numbers = read_list_numbers(package, main)
        return _DocumentReader(package, Tally(name, deadline), numbers).read(main)
    finally:
        package.close()


def _main_part(package: Package) -> str:
    """The main document part named by the package relationships (usually
    word/document.xml)."""
    missing = RoadmapFormatError(package.file, None, "не удалось открыть документ Word: в "
                                                     "архиве нет основной части документа")
    if not package.has("_rels/.rels"):
        if package.has("word/document.xml"):
            return "word/document.xml"
        raise missing
    targets: list[str] = []

    def relationship(tag: str, attributes: dict[str, str], depth: int) -> None:
        if tag == _RELATIONSHIPS and _MAIN_DOCUMENT.search(attributes.get("Type", "")):
            targets.append(attributes.get("Target", "").lstrip("/").removeprefix("./"))

    package.scan("_rels/.rels", relationship)
    for target in targets:
        if package.has(target):
            return target
    raise missing


class _DocumentReader:
    """Turns the events of the main part into items, removing each block once read."""

    def __init__(self, package: Package, tally: Tally, numbers: ListNumbers | None) -> None:
        self.package = package
        self.tally = tally
        self.numbers = numbers  # Word's list numbering, counted paragraph by paragraph
        self.items: list[Item] = []
        self.line = 0
        self.table_index = -1
        self.previous_row: list[str] = []

    def read(self, part: str) -> list[Item]:
        """Items of the main document part."""
        stack: list[Element] = []  # the open elements: document, body, block, …
        held = 0  # elements of the block being built, all still in memory
        stream = self.package.stream(part)
        stream.mark(limits.MAX_BLOCK_BYTES)
        for event, element in self.package.events(part, stream):
            if event == "start":
                if not stack and element.tag != DOCUMENT:
                    raise RoadmapFormatError(self.package.file, None,
                                             "не удалось открыть документ Word: часть "
                                             f"«{shown(part, 80)}» не является документом")
                if len(stack) == 2 and stack[1].tag == BODY and element.tag == TBL:
                    self.table_index += 1
                    self.previous_row = []
                stack.append(element)
                held += 1
                if held > limits.MAX_BLOCK_ELEMENTS:
                    raise self.tally.refuse(
                        "MAX_BLOCK_ELEMENTS", "в одном абзаце или строке таблицы больше "
                                              f"{count(limits.MAX_BLOCK_ELEMENTS)} "
                                              "XML-элементов", self.line + 1)
                continue
            stack.pop()
            if not stack:
                continue
            parent = stack[-1]
            in_body = len(stack) >= 2 and stack[1].tag == BODY
            block = stack[2] if in_body and len(stack) >= 3 else None
            if in_body and len(stack) == 2 and element.tag == P:
                self.line += 1
                text = self.tally.text(_paragraph_text(element, self.numbers), self.line)
                self.items.append(Item(line=self.line, text=text))
            elif block is not None and len(stack) == 3 and block.tag == TBL:
                for tr in element.iter(TR):  # a row, or rows nested in a content control
                    self._row(tr)
            # Drop what has been read: blocks of the body, parts of a table once their rows
            # are items, and anything inside a block that is neither paragraph nor table.
            if len(stack) <= 2 or block is not None and (
                    block.tag == TBL and len(stack) == 3 or block.tag not in (P, TBL)):
                parent.remove(element)
                held = 0
                stream.mark(limits.MAX_BLOCK_BYTES)
        return self.items

    def _row(self, tr: Element) -> None:
        self.line += 1
        cells: list[str] = []
        before = tr.find(TR_PR)
        if before is not None:
            grid_before = before.find(GRID_BEFORE)
            if grid_before is not None:
                cells.extend([""] * self._grid_value(grid_before, "w:gridBefore", 0, "0"))
        tcs = tr.findall(TC)
        spanned: list[int] = []
        for tc in tcs:
            span = self._span(tc)
            if _is_vmerge_continue(tc):
                col = len(cells)
                text = self.previous_row[col] if col < len(self.previous_row) else ""
                if text.strip():
                    spanned.append(col)
            else:
                text = "\n".join(_paragraph_text(p, self.numbers) for p in tc.iter(P)).strip()
            if len(cells) >= limits.MAX_COLUMNS:
                if text.strip():
                    raise self.tally.refuse("MAX_COLUMNS", "строка таблицы шире "
                                                           f"{limits.MAX_COLUMNS} столбцов",
                                            self.line)
                continue  # an empty cell past the last column: Tally drops those anyway
            cells.extend([text] + [""] * (span - 1))
        cells = self.tally.row(cells, self.line)
        self.previous_row = cells
        # one cell merged across the row: how Word draws a section title
        wide = len(tcs) == 1 and len(cells) > 1
        self.items.append(Item(line=self.line, cells=cells, table=self.table_index, wide=wide,
                               spanned=tuple(spanned)))

    def _span(self, tc: Element) -> int:
        props = tc.find(TC_PR)
        span = props.find(GRID_SPAN) if props is not None else None
        return 1 if span is None else self._grid_value(span, "w:gridSpan", 1, "1")

    def _grid_value(self, element: Element, name: str, least: int, default: str) -> int:
        """A column count from w:gridSpan or w:gridBefore, from ``least`` to MAX_GRID_SPAN."""
        raw = element.get(VAL, default)
        text = raw.strip()
        value = int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None
        if value is None or value < least:
            raise RoadmapFormatError(self.package.file, self.line,
                                     f"недопустимое значение {name}=«{shown(raw, 20)}»: "
                                     "ожидается "
                                     f"целое число от {least} до {limits.MAX_GRID_SPAN}")
        if value > limits.MAX_GRID_SPAN:
            raise self.tally.refuse("MAX_GRID_SPAN", f"объединение ячеек {name}={value} "
                                                     "больше допустимых "
                                                     f"{limits.MAX_GRID_SPAN} столбцов",
                                    self.line)
        return value


def _is_vmerge_continue(tc: Element) -> bool:
    props = tc.find(TC_PR)
    if props is None:
        return False
    merge = props.find(V_MERGE)
    return merge is not None and merge.get(VAL, "continue") == "continue"


def _paragraph_text(p: Element, numbers: ListNumbers | None = None) -> str:
    """A paragraph's text, wrapped in <b>…</b> when all of it is bold or italic, after the
    number Word's list numbering draws before it («1.1.»)."""
    number = numbers.number(p) if numbers else None
    texts: list[str] = []
    emphasised = True
    for run in p.iter(R):
        run_text = "".join(
            node.text or "" if node.tag == T else "\n" if node.tag == BR else "\t"
            for node in run if node.tag in _RUN_TEXT_TAGS
        )
        if not run_text.strip():
            texts.append(run_text)
            continue
        props = run.find(R_PR)
        bold = props is not None and any(
            (flag := props.find(tag)) is not None and flag.get(VAL, "1") not in ("0", "false")
            for tag in _EMPHASIS_TAGS
        )
        emphasised = emphasised and bold
        texts.append(run_text)
    text = "".join(texts).replace("\t", " ")
    emphasised = emphasised and bool(text.strip())  # the number alone has no emphasis
    if number is not None:
        text = f"{number} {text.strip()}".strip()
    if emphasised:
        return f"<b>{text.strip()}</b>"
    return text
