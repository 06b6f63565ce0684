"""The roadmap's title above its table, and the appendix stamp above the title.

«Приложение № 1 / к приказу МКУ «…» / от 30.11.2020 № 01-09/64» or «УТВЕРЖДЕНА / приказом …
/ от … № …» is the stamp of the approving act: the title never starts inside it, and its
number and date are kept on the draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from workflow.importing.sources import Item
from workflow.importing.text import clean, single_line
from workflow.roadmap import Approval

TITLE_START = re.compile(r"^(?:дорожная карта|план\b|план-график|комплекс мер|"
                         r"перечень мероприятий|программа|мероприятия по|меры по)", re.I)
_STAMP_START = re.compile(r"^(?:приложение|утвержд[её]н[аоы]?\b|согласован[аоы]?\b)", re.I)
_STAMP_LINE = re.compile(
    r"^(?:к\s+(?:приказу|постановлению|распоряжению|решению|письму)|приказом|постановлением|"
    r"распоряжением|решением|от\s+[«\"\d_]|№\s*\S|N\s*\d|_{3,}|м\.\s*п\.|"
    r"(?:начальник|директор|руководител|заведующ|глав[аы]\b|председател)[а-я]*\b)", re.I)
_DATE = (r"\d{1,2}\s*\.\s*\d{1,2}\s*\.\s*(?:19|20)\d\d|«?\d{1,2}»?\s+[а-яё]+\s+(?:19|20)\d\d")
# «№ 01-09/64», and «N 5976» as legal databases print it
_NUMBER_SIGN = r"(?:№|\bN(?=\s*\d)|\bNo\.?(?=\s*\d))"
_ACT = re.compile(
    rf"от\s+(?P<date>{_DATE})\s*(?:г\.?|года)?\s*{_NUMBER_SIGN}\s*(?P<number>[\w./\-]+)"
    rf"|{_NUMBER_SIGN}\s*(?P<number2>[\w./\-]+)\s+от\s+(?P<date2>{_DATE})", re.I)
_MONTHS = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр",
           "октябр", "ноябр", "декабр")
MARKDOWN_HEADING = re.compile(r"^\s*(#{1,6})\s+")


@dataclass
class TitleParts:
    """What the text above the table holds: the title and the stamp, with their items."""

    title: str = ""
    title_items: list[Item] = field(default_factory=list)
    approval: Approval | None = None
    stamp_items: list[Item] = field(default_factory=list)


def _text(item: Item) -> str:
    return MARKDOWN_HEADING.sub("", single_line(clean(item.text)))


def find_stamp(items: list[Item]) -> tuple[Approval | None, list[Item]]:
    """The appendix stamp among ``items`` (the lines above the table) and its items."""
    lines = [item for item in items if item.text.strip()]
    for start, item in enumerate(lines):
        if not _STAMP_START.match(_text(item)):
            continue
        stamp = [item]
        act = _ACT.search(_text(item))
        for following in lines[start + 1:start + 8]:
            if act is not None:
                break
            text = _text(following)
            if TITLE_START.match(text):
                break
            if not (_STAMP_LINE.match(text) or _is_body_name(text)):
                break
            stamp.append(following)
            act = _ACT.search(" ".join(_text(i) for i in stamp))
        text = " ".join(_text(i) for i in stamp)
        if act is None and len(stamp) == 1 and len(text) > 200:
            continue  # a long paragraph that starts with «Приложение» is text
        return Approval(text=text, number=_number(act), date=_act_date(act)), stamp
    return None, []


def _is_body_name(text: str) -> bool:
    """«МКУ «Управление образования»», «администрации города»: the issuer in a stamp."""
    return len(text) < 120 and not text.endswith(".") and (
        bool(re.match(r"^[А-ЯЁ]{2,}\b", text)) or text[:1].islower())


def _number(act: re.Match[str] | None) -> str:
    if act is None:
        return ""
    return (act.group("number") or act.group("number2") or "").rstrip(".")


def _act_date(act: re.Match[str] | None) -> date | None:
    if act is None:
        return None
    text = (act.group("date") or act.group("date2") or "").replace("«", "").replace("»", "")
    numbers = re.fullmatch(r"(\d{1,2})\s*\.\s*(\d{1,2})\s*\.\s*(\d{4})", text.strip())
    try:
        if numbers:
            return date(int(numbers.group(3)), int(numbers.group(2)), int(numbers.group(1)))
        day, month, year = text.split()
        for number, stem in enumerate(_MONTHS, 1):
            if month.lower().startswith(stem):
                return date(int(year), number, int(day))
    except ValueError:
        return None
    return None


def find_title(caption: list[Item], earlier: list[Item]) -> TitleParts:
    """The title: the caption right above the table when it reads like one, else the
    nearest paragraph before that starts like a title («Дорожная карта», «План …»), else
    a short caption; never a line of the appendix stamp."""
    approval, stamp = find_stamp(earlier + caption)
    stamped = {id(item) for item in stamp}
    found = TitleParts(approval=approval, stamp_items=stamp)
    own_caption = [item for item in caption if id(item) not in stamped and item.text.strip()]
    caption_text = _joined(own_caption)
    paragraphs = [p for p in _paragraphs([i for i in earlier if id(i) not in stamped])
                  if p]
    for items in [own_caption, *reversed(paragraphs)]:
        text = _joined(items)
        if text and TITLE_START.match(text) and not text.endswith(".") and len(text) < 400:
            found.title, found.title_items = text, items
            return found
    if caption_text and len(caption_text) < 400:
        found.title, found.title_items = caption_text, own_caption
    return found


def _joined(items: list[Item]) -> str:
    return single_line(" ".join(_text(item) for item in items))


def _paragraphs(items: list[Item]) -> list[list[Item]]:
    """Consecutive non-blank lines grouped into paragraphs."""
    paragraphs: list[list[Item]] = [[]]
    for item in items:
        if clean(item.text):
            paragraphs[-1].append(item)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]
