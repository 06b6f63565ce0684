"""Page numbers left inside the text of a text export, found by their sequence.

A PDF says where its page numbers are (the margins, ``pdf.py``); a text export of one does
not: a page number stays glued to the last line of its page — «…в образовательных
организациях 3», «… 3 2» with the running header's number — or lands inside a heading that
runs over the page break («Система работы со школами 4 с низкими результатами»). What
tells them from the text is their sequence: page numbers run 2, 3, 4 … through the
document. So every number that ends a line or a cell after a word, and every lone page
number line, is a candidate; runs of candidates going up a page at a time in document
order, taken longest first while they agree with each other, are the page numbers. A lone
page number line claims its page (a title's own «… номер 3» beside a page «3» is no page),
and two numbers that end lines side by side make no run (a page holds a few rows). A
number inside a line is taken only where the known pages miss exactly its value between
two neighbours, and only in a heading (a line, or a row of one cell): «до 5 числа» in a
deadline is no page. Numbers in the «№» column are never candidates.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import dataclass

from workflow.importing.sources import Item
from workflow.importing.text import PAGE_NUMBER, clean, is_page_number, page_numbers

# «…организациях 3», «…организациях 3 2»: after a lower-case word or a closing mark
_TRAILING = re.compile(r"(?<=[а-яё»),.;:])(\s+)(\d{1,3})(?:\s+(\d{1,3}))?\s*$")
# «…школами 4 с низкими…»: between lower-case words
_INNER = re.compile(r"(?<=[а-яё,])\s(\d{1,3})\s(?=[а-яё])")
_GLUED = re.compile(r"(?<=[а-яё»)])(\d{1,3})$")
_PAGE_ROWS = 3  # rows and lines at least between two page numbers
_STEPS = 200_000  # members of runs looked at, at most


@dataclass
class _Candidate:
    item: Item
    cell: int | None  # the cell, or None for a line of text
    values: tuple[int, ...]
    start: int = 0  # where the number is in the text (to cut it)
    end: int = 0
    cut: bool = True  # False: a lone page number line or a glued number, cut elsewhere
    position: int = 0  # the item's place in the table


def _text_of(item: Item, cell: int | None) -> str:
    return item.text if cell is None else (item.cells or [])[cell]


def _candidates(items: list[Item], code_column: dict[int, int | None]
                ) -> tuple[list[_Candidate], list[_Candidate]]:
    """(candidates at line ends and lone page numbers, candidates inside lines), in
    document order."""
    ends: list[_Candidate] = []
    inner: list[_Candidate] = []
    for position, item in enumerate(items):
        if item.artefact == PAGE_NUMBER:
            ends.append(_Candidate(item, None, tuple(page_numbers(clean(item.text))), cut=False,
                                   position=position))
            continue
        if item.artefact:
            continue
        cells: list[int | None] = [None] if item.cells is None else [
            index for index in range(len(item.cells)) if index != code_column.get(id(item))]
        for cell in cells:
            text = _text_of(item, cell).rstrip()
            if not text:
                continue
            if cell is None and is_page_number(clean(text)):
                ends.append(_Candidate(item, None, tuple(page_numbers(clean(text))), cut=False,
                                       position=position))
                continue
            found = _TRAILING.search(text)
            if found:
                values = tuple(int(value) for value in found.groups()[1:] if value)
                ends.append(_Candidate(item, cell, values, found.start(), len(text),
                                       position=position))
            elif glued := _GLUED.search(text):
                ends.append(_Candidate(item, cell, (int(glued.group(1)),), cut=False,
                                       position=position))
            if cell is not None and sum(1 for value in item.cells or [] if value.strip()) > 1:
                continue  # inside a line only in a heading: a line or a row of one cell
            for match in _INNER.finditer(text):
                inner.append(_Candidate(item, cell, (int(match.group(1)),), match.start(),
                                        match.end() - 1, position=position))
    return ends, inner


def _runs(candidates: list[_Candidate]) -> dict[int, int]:
    """The candidates (by index) that are page numbers, with the page each stands for:
    runs of two or more going up one page at a time, a few rows apart, taken longest
    first while they agree with the runs taken (a later page further down)."""
    links: list[tuple[int, int | None, int, int]] = []  # length, previous, index, page
    ends: dict[int, int] = {}  # page → the link of the longest run ending on it so far
    for index, candidate in enumerate(candidates):
        made: list[tuple[int, int]] = []
        for value in candidate.values:
            # a page holds a few rows: numbers that end lines side by side count rows, not
            # pages (beside a lone page number line, a page may hold one row)
            before = ends.get(value - 1)
            if before is not None:
                earlier = candidates[links[before][2]]
                if candidate.cut and earlier.cut and \
                        candidate.position - earlier.position < _PAGE_ROWS:
                    before = None
            links.append((links[before][0] + 1 if before is not None else 1, before, index,
                          value))
            made.append((value, len(links) - 1))
        for value, link in made:  # after all of them: «3 2» is no run by itself
            if value not in ends or links[ends[value]][0] < links[link][0] or (
                    links[ends[value]][0] == links[link][0] and not candidate.cut
                    and candidates[links[ends[value]][2]].cut):
                ends[value] = link  # a lone page number wins over a line's end
    taken: dict[int, int] = {}  # candidate index → page
    order: list[tuple[int, int]] = []  # the same, sorted by index
    budget = _STEPS  # a file built to make runs cross each other gets no more work
    for last in sorted(set(ends.values()), key=lambda at: -links[at][0]):
        if links[last][0] < 2 or budget <= 0:
            break
        run: list[tuple[int, int]] = []
        at: int | None = last
        while at is not None and budget > 0:
            _, previous, index, page = links[at]
            if index in taken:
                break  # a page taken by a longer run: this one does not agree
            run.append((index, page))
            at = previous
            budget -= 1
        if at is None and _agrees(order, run):
            taken.update(run)
            for member in run:
                insort(order, member)
    return taken


def _agrees(order: list[tuple[int, int]], run: list[tuple[int, int]]) -> bool:
    """Whether a run fits among the pages taken: each of its members after the taken ones
    before it and before those after it."""
    for index, page in run:
        at = bisect_left(order, (index, -1))
        if at > 0 and order[at - 1][1] >= page or at < len(order) and order[at][1] <= page:
            return False
    return True


@dataclass
class PageDebris:
    """A page number found inside the text of an item: the cell (None for a line), the
    text without it, and the note saying what was removed."""

    cell: int | None
    text: str
    note: str


def page_debris(items: list[Item],
                code_column: dict[int, int | None]) -> dict[int, list[PageDebris]]:
    """The page numbers left in the text of ``items`` (a table's rows and lines, in order),
    by id of the item; ``code_column`` gives each row's «№» column (never looked at)."""
    ends, inner = _candidates(items, code_column)
    # a page a lone page number line (or a number glued to a word) claims is no other
    # line's: «… номер 3» beside a page «3» is a title's own number
    claimed = {candidate.values[0] for candidate in ends
               if not candidate.cut and len(candidate.values) == 1}
    ends = [candidate for candidate in ends
            if not candidate.cut or not set(candidate.values) <= claimed]
    run = _runs(ends)
    found: dict[int, list[PageDebris]] = {}
    texts: dict[tuple[int, int | None], str] = {}

    def cut(candidate: _Candidate, shown: str) -> None:
        key = (id(candidate.item), candidate.cell)
        text = texts.get(key, _text_of(candidate.item, candidate.cell).rstrip())
        text = f"{text[:candidate.start].rstrip()} {text[candidate.end:].lstrip()}".strip()
        texts[key] = text
        found.setdefault(id(candidate.item), []).append(
            PageDebris(candidate.cell, text, f"номер страницы «{shown}» удалён из текста"))

    for index in sorted(run):
        candidate = ends[index]
        if candidate.cut:
            cut(candidate, " ".join(str(value) for value in candidate.values))
    # a page missing between two known ones (a run's, or a lone page number's), found
    # inside a heading there
    known = sorted((candidate.position, page) for index, candidate in enumerate(ends)
                   for page in ([run[index]] if index in run else
                                [] if candidate.cut else list(candidate.values)))
    by_value: dict[int, list[_Candidate]] = {}
    for candidate in inner:
        by_value.setdefault(candidate.values[0], []).append(candidate)
    pages = {page for _, page in known}
    for (low, page), (high, next_page) in zip(known, known[1:]):
        if next_page != page + 2 or page + 1 in pages:
            continue
        for candidate in by_value.get(page + 1, []):
            if low < candidate.position < high:
                cut(candidate, str(page + 1))
                pages.add(page + 1)
                break
    return found


RUNNING = "колонтитул"
# the page's own number in a running head: «стр. 3», «лист 3», «- 3 -» at its end
_HEAD_PAGE = re.compile(r"(?:(?:стр|страница|лист|с)\.?\s*\d{1,3}|[-–—]\s*\d{1,3}\s*[-–—]"
                        r"|\s\d{1,3})\s*$", re.I)


def running_heads(items: list[Item], headings: re.Pattern[str]) -> list[Item]:
    """Lines between a table's rows that repeat — a running head printed on every page of
    the export («Дорожная карта … (продолжение)», «Приложение 1, стр. 3»): a capitalised
    line of some length that comes back word for word, but for a page number at its end.
    A line that reads as a section heading (``headings``: «Раздел 2», «3. …») is none."""
    shapes: dict[str, list[Item]] = {}
    for item in items:
        if item.cells is not None or item.artefact:
            continue
        text = " ".join(clean(item.text).split())
        if len(text) < 12 or not text[:1].isupper() or is_page_number(text) or \
                headings.match(text):
            continue
        shapes.setdefault(_HEAD_PAGE.sub("", text).lower(), []).append(item)
    return [item for found in shapes.values() if len(found) > 1 for item in found]
