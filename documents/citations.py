"""The documents an order cites, with their dates: an order may cite only what exists on
the day it is signed — never an order, a note or a legal act dated later.

Read from the order's plain context: its legal basis (every «от 24.07.2020 № 982» or «от
24 июля 2020 г.» in it), the roadmap's approval order, the order it amends or corrects, the
analytic note it rests on, and dates in its additional points."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from documents.russian import format_date

_MONTHS = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр",
           "октябр", "ноябр", "декабр")
# a document's date is the one after «от» («приказ от 24.07.2020 № 982»); a deadline («до
# 01.04.2021», «в срок до …») is not a citation
_FROM = r"(?<![а-яё])от[\s\u00a0]+«?"
_NUMERIC = re.compile(_FROM + r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.]\d)", re.I)
_WORDS = re.compile(_FROM + r"(\d{1,2})»?[\s\u00a0]+(января|февраля|марта|апреля|мая|июня|июля|"
                    r"августа|сентября|октября|ноября|декабря)[\s\u00a0]+(\d{4})", re.I)


@dataclass(frozen=True)
class Citation:
    """A document an order cites: what it is (in words) and its date."""

    what: str
    when: date


def dates_in(text: str) -> list[date]:
    """Every document date a text cites («от 24.07.2020», «от 24 июля 2020 г.»)."""
    found: list[date] = []
    for day, month, year in _NUMERIC.findall(text):
        try:
            found.append(date(int(year), int(month), int(day)))
        except ValueError:
            continue
    for day, month, year in _WORDS.findall(text):
        number = next(n for n, stem in enumerate(_MONTHS, 1) if month.lower().startswith(stem))
        try:
            found.append(date(int(year), number, int(day)))
        except ValueError:
            continue
    return found


def _iso(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def citations(context: dict[str, Any]) -> list[Citation]:
    """What an order's context cites, with dates."""
    cited: list[Citation] = []
    basis = (context.get("basis") or {}).get("text") or ""
    for day in dates_in(basis):
        cited.append(Citation(f"правовое основание («{basis[:120]}»)", day))
    approval = ((context.get("roadmap") or {}).get("approval") or {})
    if when := _iso(approval.get("date")):
        cited.append(Citation(f"приказ об утверждении дорожной карты от {format_date(when)} "
                              f"№ {approval.get('number')}", when))
    for key, what in (("corrects", "исправляемый приказ"), ("amends", "изменяемый приказ")):
        target = context.get(key) or {}
        if when := _iso(target.get("date")):
            cited.append(Citation(f"{what} от {format_date(when)} № {target.get('number')}",
                                  when))
    note = context.get("note") or {}
    if when := _iso(note.get("date")):
        cited.append(Citation(f"аналитическая справка от {format_date(when)} "
                              f"№ {note.get('number')}", when))
    changes = (context.get("amends") or {}).get("changes") or []
    for text in [*(context.get("points") or []), *changes]:
        for day in dates_in(str(text)):
            cited.append(Citation(f"документ от {format_date(day)} в тексте приказа", day))
    return cited


def later_citations(context: dict[str, Any], day: date) -> list[Citation]:
    """The citations of an order dated ``day`` to documents dated after it."""
    return [c for c in citations(context) if c.when > day]
