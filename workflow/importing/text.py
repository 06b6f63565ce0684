"""Cleaning cell text from dumps and documents: markup leftovers, spacing, artefacts."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_EMPHASIS = re.compile(r"^\s*(?:\*\*|__|<b>|<i>|<strong>|<em>)(?P<body>.*?)"
                       r"(?:\*\*|__|</b>|</i>|</strong>|</em>)\s*$", re.S | re.I)
# not «<sup>\s*[\d*,\s]*\s*</sup>»: the same strings, but three runs of spaces to share
# made a long «<sup>   …» take cubic time
_FOOTNOTE_SUP = re.compile(r"<sup>[\d*,\s]*</sup>", re.I)
# attributes stop at the next «<»: with «[^>]*» every unclosed «<b » rescanned the rest
_TAGS = re.compile(r"</?(?:b|i|u|em|strong|span|sup|sub|br|p|font)(?:\s[^<>]*)?/?>", re.I)
_MD_BOLD = re.compile(r"\*\*|__")
_SEPARATOR = re.compile(r"^[\s\-–—=:+|_]*$")
# «7», «3 2» (two page numbers side by side), «500 + 7», «- 7 -», «стр. 7», «7 из 30»
_PAGE_NUMBER = re.compile(
    r"^\s*(?:\d{1,3}(?:\s*(?:\s|\+)\s*\d{1,3})*|[-–—]\s*\d{1,3}\s*[-–—]|"
    r"(?:стр\.?|страница)\s*\d{1,3}(?:\s*из\s*\d{1,3})?|\d{1,3}\s*(?:из|/)\s*\d{1,3})\s*$",
    re.I)
# a footnote mark at the end of a title: «¹», «*», or a digit glued to the last word
FOOTNOTE_END = re.compile(r"(?<=[А-Яа-яЁёA-Za-z)»])\s?(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\*{1,3})$"
                          r"|(?<=[а-яё)»])\d{1,2}$")
# a page number glued to the end of a fragment where a page broke: «обучающихся7»
GLUED_NUMBER = re.compile(r"(?<=[а-яё»)])(\d{1,3})$")


def is_emphasised(text: str) -> bool:
    """True when the whole text is wrapped in bold or italic markup."""
    return bool(text.strip()) and bool(_EMPHASIS.match(text))


@lru_cache(maxsize=1 << 16)  # rows ask for the same cell's clean text many times
def clean(text: str) -> str:
    """Strip markup leftovers and normalise spacing, keeping line breaks between items."""
    # each step only when the text has what it removes: most cells have none of it, and a
    # large roadmap has hundreds of thousands of cells, too many to keep in the cache
    if "<" in text:
        text = _FOOTNOTE_SUP.sub("", text)
        text = _TAGS.sub("", text)
    if "**" in text or "__" in text:
        text = _MD_BOLD.sub("", text)
    # a lone curly bracket never occurs in official Russian text: in dumps it is a misread
    # round one («{сертификат участника}»); doubled ones are kept as the author wrote them
    if "{" in text:
        text = _LONE_OPENING.sub("(", text)
    if "}" in text:
        text = _LONE_CLOSING.sub(")", text)
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    lines = [(_SPACES.sub(" ", line) if "  " in line or "\t" in line else line).strip()
             for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


_LONE_OPENING = re.compile(r"(?<![{%])\{(?![{%])")
_LONE_CLOSING = re.compile(r"(?<![}%])\}(?![}%])")
_SPACES = re.compile(r"[ \t]+")
_BROKEN_LINE = re.compile(r"\s*\n\s*")


def is_separator(cells: list[str]) -> bool:
    """A row drawn with dashes («----- | -- | ---»), a dump artefact."""
    joined = "".join(cells)
    return bool(joined.strip()) and bool(_SEPARATOR.match(joined))


PAGE_NUMBER = "номер страницы"  # the reason an artefact line is given


def is_page_number(text: str) -> bool:
    """A lone page number (or two, «3 2»; «<b>3</b>» once cleaned) left by a page break."""
    return bool(_PAGE_NUMBER.match(text))


def page_numbers(text: str) -> list[int]:
    """The numbers in a page-number line («3 2» → [3, 2])."""
    return [int(number) for number in re.findall(r"\d{1,3}", text)]


def join_fragments(first: str, second: str) -> str:
    """Join a cell with its continuation from the next line or page.

    A fragment that starts in lower case, or follows an unclosed «quote», continues the
    same sentence (a space); a new capitalised item or a «- …» sub-item starts a new line.
    """
    if not first:
        return second
    if not second:
        return first
    continues = second[0].islower() or first.count("«") > first.count("»") \
        or first.endswith(("-", ",", "(")) and not second.startswith(("-", "–", "•"))
    return f"{first} {second}" if continues else f"{first}\n{second}"


@lru_cache(maxsize=1 << 16)
def single_line(text: str) -> str:
    """The text on one line (for titles and headings)."""
    return _BROKEN_LINE.sub(" ", text).strip() if "\n" in text else text.strip()


_WORD_END = re.compile(r"([А-Яа-яЁё]+)$")
_WORD_START = re.compile(r"^([а-яё]+)")
_MORPHOLOGY: list[Any] = []  # pymorphy3's analyser, made when first needed


def broken_word(before: str, after: str) -> bool:
    """The last word of ``before`` and the first of ``after`` are one word that a layout
    broke without a hyphen (a word too long for its column, a page break): together they
    are a Russian word, apart one of them is not («Ежекварталь» + «но»)."""
    end, start = _WORD_END.search(before), _WORD_START.match(after)
    if end is None or start is None:
        return False
    if not _MORPHOLOGY:
        import pymorphy3

        _MORPHOLOGY.append(pymorphy3.MorphAnalyzer())
    known = _MORPHOLOGY[0].word_is_known
    head, tail = end.group(1).lower(), start.group(1)
    return not (known(head) and known(tail)) and bool(known(head + tail))
