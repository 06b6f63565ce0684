"""Reading a rendered PDF page by page (pdfplumber): where the signature block, the text
above it and the executor mark («Исп.: …») are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

BODY_TOP = 20 / 25.4 * 72 - 4  # points: the top margin (20 mm); above it, the page number


@dataclass
class Line:
    """One line of a page as read: its text and its top, in points from the page's top."""

    text: str
    top: float


def page_lines(path: Path) -> list[list[Line]]:
    """Every page's lines, top to bottom."""
    import pdfplumber

    pages: list[list[Line]] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words = sorted(page.extract_words(keep_blank_chars=False, use_text_flow=False),
                           key=lambda w: (round(w["top"]), w["x0"]))
            lines: list[Line] = []
            for word in words:
                if lines and abs(lines[-1].top - word["top"]) < 3:
                    lines[-1].text += " " + word["text"]
                else:
                    lines.append(Line(word["text"], word["top"]))
            pages.append(lines)
    return pages


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u00a0", " ").replace("\u2060", ""))


def signature_problems(path: Path, position: str, name: str,
                       mark: str | None = "Исп.:") -> tuple[int, list[str]]:
    """The page (from 1) the signature block is on, and what is wrong with it: the block
    split across pages or not found, no text above it on its page, a page holding only the
    block or only the executor mark, the mark not under the block or on another page."""
    pages = page_lines(path)
    problems: list[str] = []
    squeezed_position, squeezed_name = _squeeze(position), _squeeze(name)
    found = [number for number, lines in enumerate(pages, 1)
             if squeezed_name in _squeeze(" ".join(line.text for line in lines))]
    if not found:
        return 0, [f"{path.name}: подпись «{name}» не найдена"]
    number = found[-1]
    lines = pages[number - 1]
    text = _squeeze(" ".join(line.text for line in lines))
    if squeezed_position not in text:
        problems.append(f"{path.name}: должность в подписи не вся на странице {number} с "
                        f"«{name}» (подпись разорвана)")
    first_word = position.split()[0]
    starts = [line for line in lines if line.text.startswith(first_word)]
    signed = [line for line in lines if squeezed_name in _squeeze(line.text)]
    if starts and signed:
        top = max((line.top for line in starts if line.top <= signed[-1].top),
                  default=starts[0].top)
        above = [line for line in lines if BODY_TOP <= line.top < top - 1]
        if not above:
            problems.append(f"{path.name}: на странице {number} подпись без текста над ней")
    if mark:
        marks = [(index, line) for index, page in enumerate(pages, 1) for line in page
                 if line.text.startswith(mark)]
        if not marks:
            problems.append(f"{path.name}: нет отметки об исполнителе")
        for index, line in marks:
            if index != number:
                problems.append(f"{path.name}: отметка об исполнителе на странице {index}, "
                                f"подпись — на {number}")
            elif signed and line.top <= signed[-1].top:
                problems.append(f"{path.name}: отметка об исполнителе не под подписью")
    for index, page in enumerate(pages, 1):
        body = [line for line in page if line.top >= BODY_TOP]
        if not body:
            problems.append(f"{path.name}: пустая страница {index}")
        elif mark and all(line.text.startswith(mark) for line in body):
            problems.append(f"{path.name}: на странице {index} только отметка об исполнителе")
    return number, problems
