"""Indicators (показатели): the measurable side of a roadmap — what is counted, its target
for each period, the schools' or the department's values and how they roll up.

This module is the domain only: the words, the checks of a typed value, the roll-up rules
with their rounding, and the lifecycle of one value (a school's figure for a period):

    owed → submitted → accepted ⟲ correct (a logged decision, with its reason)
             ↓ return   ↑ submit
           returned
    owed, submitted, returned, accepted → excluded (the department takes a school's value
                                          out of the period, with its reason)

Rounding (the rule every figure follows, proved by tests/test_indicators.py):
- numbers are decimals, never floats; a school's share from a numerator and a denominator is
  100 · numerator / denominator;
- ``sum`` is exact (the schools' values added);
- ``mean``, ``weighted_mean`` and ``share_meeting`` are computed as exact fractions from the
  unrounded school values (a share from its numerator and denominator) and rounded once,
  half up, to one decimal place (85.25 → 85.3); ``weighted_mean`` weighs each school by its
  denominator (Σ numerators / Σ denominators for shares);
- a shown school share is rounded the same way; the roll-up never uses a rounded share.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation, Rounded
from fractions import Fraction
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

from workflow.errors import KartaError
from workflow.machine import EventSpec, OccurrenceMachine
from workflow.states import StateSpec, Transition

UNITS: Mapping[str, str] = MappingProxyType({
    "%": "процент", "чел.": "человек", "ед.": "единиц", "баллы": "баллы",
})
# units counted in whole numbers
WHOLE_UNITS = ("чел.", "ед.")
DIRECTIONS: Mapping[str, str] = MappingProxyType({
    "up": "рост", "down": "снижение", "at_least": "не ниже",
})
SOURCES: Mapping[str, str] = MappingProxyType({
    "schools": "вносит каждая школа",
    "department": "вносит управление",
    "workflow": "по исполнению мероприятий (доля школ, чьи отчёты приняты)",
})
ROLLUPS: Mapping[str, str] = MappingProxyType({
    "sum": "сумма значений школ",
    "mean": "среднее значений школ",
    "weighted_mean": "отношение сумм числителей и знаменателей (взвешенное среднее)",
    "share_meeting": "доля школ, достигших порога",
})
ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal(100)
MAX_DIGITS = 12  # a value karta accepts: up to a trillion, with decimals
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_PERIOD = re.compile(r"^(\d{4})(?:/(\d{4}|\d{2}))?$")


# ----------------------------------------------------------------------------- values

def parse_number(text: str | int | float | Decimal | None, what: str) -> Decimal | None:
    """A typed figure as a decimal: «85», «85,5», «1 234» (spaces between thousands); empty
    gives None. Text, exponents, infinities and overlong numbers are refused by name."""
    if text is None:
        return None
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        raw = str(text)
    elif isinstance(text, float):
        raw = repr(text)
    else:
        raw = str(text)
    cleaned = raw.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not cleaned:
        return None
    if not _NUMBER.match(cleaned) or len(cleaned) > MAX_DIGITS + 3:
        shown = raw.strip()[:40]
        raise KartaError(f"{what}: «{shown}» — не число (пример: 85 или 85,5)")
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise KartaError(f"{what}: «{raw[:40]}» — не число") from None


def parse_period(text: str) -> str:
    """A period of indicators: a year («2022») or a school year, written as occurrences write
    it («2022/23»; «2022/2023» is understood)."""
    found = _PERIOD.match((text or "").strip())
    first = int(found.group(1)) if found else 0
    second = found.group(2) if found else None
    if not found or not 2000 <= first <= 2100 or (second is not None and int(second) != (
            first + 1 if len(second) == 4 else (first + 1) % 100)):
        raise KartaError(f"период «{(text or '')[:20]}»: укажите год (2022) или учебный год "
                         "(2022/23)")
    return f"{first}/{(first + 1) % 100:02d}" if second is not None else str(first)


def period_label(period: str) -> str:
    """«2022 год» or «2022/23 учебный год»."""
    return f"{period} учебный год" if "/" in period else f"{period} год"


@dataclass(frozen=True)
class Bounds:
    """What a value of an indicator may be."""

    unit: str
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    fraction: bool = False  # entered as a numerator and a denominator


def check_value(bounds: Bounds, what: str, value: Decimal | None,
                numerator: Decimal | None = None,
                denominator: Decimal | None = None) -> Decimal:
    """The school's value, checked: given directly, or (for a share) from its numerator and
    denominator (whole, not negative, numerator ≤ denominator, denominator > 0). A share is
    at most 100 %; whole units are whole; nothing is negative; the indicator's own range
    holds. Returns the exact value (a share unrounded)."""
    if bounds.fraction:
        if numerator is None or denominator is None:
            raise KartaError(f"{what}: укажите числитель и знаменатель")
        for name, number in (("числитель", numerator), ("знаменатель", denominator)):
            if number < 0 or number != number.to_integral_value():
                raise KartaError(f"{what}: {name} — целое неотрицательное число, а не "
                                 f"{_shown(number)}")
        if denominator == 0:
            raise KartaError(f"{what}: знаменатель не может быть нулём")
        if numerator > denominator:
            raise KartaError(f"{what}: числитель {_shown(numerator)} больше знаменателя "
                             f"{_shown(denominator)}")
        value = HUNDRED * numerator / denominator if bounds.unit == "%" else \
            numerator / denominator
    elif value is None:
        raise KartaError(f"{what}: укажите значение")
    if value < 0:
        raise KartaError(f"{what}: значение не может быть отрицательным ({_shown(value)})")
    if bounds.unit == "%" and value > HUNDRED:
        raise KartaError(f"{what}: доля не может быть больше 100 % ({_shown(value)} %)")
    if bounds.unit in WHOLE_UNITS and value != value.to_integral_value():
        raise KartaError(f"{what}: значение в «{bounds.unit}» — целое число, а не "
                         f"{_shown(value)}")
    if bounds.minimum is not None and value < bounds.minimum:
        raise KartaError(f"{what}: значение {_shown(value)} меньше допустимого "
                         f"{_shown(bounds.minimum)}")
    if bounds.maximum is not None and value > bounds.maximum:
        raise KartaError(f"{what}: значение {_shown(value)} больше допустимого "
                         f"{_shown(bounds.maximum)}")
    return value


def rounded(value: Decimal) -> Decimal:
    """One decimal place, half up (the rule for every computed figure)."""
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _shown(value: Decimal) -> str:
    return shown(value)


def shown(value: Decimal | None, unit: str = "") -> str:
    """A figure as Russian documents write it: «85,3», «1 234», «100 %»."""
    if value is None:
        return "—"
    exact = value.normalize() if value == value.to_integral_value() else value
    text = f"{exact:f}"
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    body = sign + "\u00a0".join(groups) + ("," + fraction.rstrip("0") if fraction.rstrip("0")
                                           else "")
    if not unit:
        return body
    return f"{body}\u00a0%" if unit == "%" else f"{body}\u00a0{unit}"


# ----------------------------------------------------------------------------- roll-ups

# Sums and products of stored figures (at most MAX_DIGITS digits and a few decimals) are
# exact in decimal arithmetic this wide; an inexact step raises instead of rounding.
EXACT = Context(prec=200, traps=[Inexact, Rounded, InvalidOperation])


class SchoolValue(NamedTuple):
    """One school's accepted value, with its numerator and denominator if it is a share (a
    tuple: a region's monitoring makes tens of thousands of them)."""

    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    scale: int = 100  # a share of what is counted: 100 for %, 1 for a plain ratio

    @property
    def is_share(self) -> bool:
        return self.numerator is not None and bool(self.denominator)

    def exact(self) -> Fraction:
        """The value as an exact fraction (a share from its numerator and denominator)."""
        if self.numerator is not None and self.denominator:
            return Fraction(self.numerator) * self.scale / Fraction(self.denominator)
        return Fraction(self.value)

    def reaches(self, goal: Decimal, direction: str) -> bool:
        """``meets(self.exact(), goal, direction)``, in exact decimals: a share compares its
        numerator × scale with the goal × its (positive) denominator."""
        if self.numerator is not None and self.denominator:
            left = EXACT.multiply(self.numerator, Decimal(self.scale))
            right = EXACT.multiply(goal, self.denominator)
            if self.denominator < 0:
                left, right = right, left
        else:
            left, right = self.value, goal
        return left <= right if direction == "down" else left >= right


def round_exact(value: Fraction) -> Decimal:
    """An exact figure rounded once, half up (away from zero), to one decimal place."""
    tenths = abs(value) * 10
    whole = int(tenths + Fraction(1, 2))  # floor of a non-negative number
    return Decimal(-whole if value < 0 else whole).scaleb(-1)


def meets(actual: Decimal | Fraction, target: Decimal, direction: str) -> bool:
    """Whether a value reaches its target: at least the target when it should grow or not
    fall, at most when it should fall."""
    if isinstance(actual, Decimal):  # decimals compare exactly
        return actual <= target if direction == "down" else actual >= target
    goal = Fraction(target)
    return actual <= goal if direction == "down" else actual >= goal


def _exact_sum(values: Sequence[SchoolValue]) -> Fraction:
    """The exact sum of the values: plain ones added as decimals (exact, see EXACT), shares
    as fractions."""
    plain = Decimal(0)
    shares = Fraction(0)
    for v in values:
        if v.is_share:
            shares += v.exact()
        else:
            plain = EXACT.add(plain, v.value)
    return Fraction(plain) + shares


def roll_up(rule: str, values: Sequence[SchoolValue], *, direction: str = "up",
            threshold: Decimal | None = None) -> Decimal | None:
    """The organisation's figure from its schools' accepted values (None when none), exact
    until the one rounding at the end."""
    if not values:
        return None
    if rule == "sum":
        return sum((v.value for v in values), Decimal(0))
    if rule == "mean":
        return round_exact(_exact_sum(values) / len(values))
    if rule == "weighted_mean":
        weighed = [v for v in values if v.denominator]
        if not weighed:  # no weights given: every school weighs the same
            return round_exact(_exact_sum(values) / len(values))
        # Σ value × weight / Σ weight; a share's value × its denominator is its numerator ×
        # scale — every term a decimal, added exactly
        total = weight = Decimal(0)
        for v in weighed:
            term = (EXACT.multiply(v.numerator, Decimal(v.scale)) if v.is_share and
                    v.numerator is not None else EXACT.multiply(v.value, v.denominator or 0))
            total = EXACT.add(total, term)
            weight = EXACT.add(weight, v.denominator or 0)
        return round_exact(Fraction(total) / Fraction(weight))
    if rule == "share_meeting":
        if threshold is None:
            raise KartaError("для доли школ, достигших порога, нужен порог")
        reached = sum(1 for v in values if v.reaches(threshold, direction))
        return round_exact(Fraction(100 * reached, len(values)))
    raise KartaError(f"неизвестное правило свода «{rule}»: {', '.join(ROLLUPS)}")


# ----------------------------------------------------------------------------- lifecycle

EVENTS: Mapping[str, EventSpec] = MappingProxyType({
    "submit": EventSpec("submit", "представить значение"),
    "accept": EventSpec("accept", "принять значение"),
    "return": EventSpec("return", "вернуть на доработку", needs_comment=True,
                        requirement="причину возврата"),
    "correct": EventSpec("correct", "исправить принятое значение", needs_comment=True,
                         requirement="основание исправления"),
    "exclude": EventSpec("exclude", "исключить из мониторинга", needs_comment=True,
                         requirement="причину"),
})
SUBMITTERS = ("executor", "clerk")
CHECKERS = ("clerk", "head")
STATES = (
    StateSpec("owed", "не представлено", (
        Transition("submit", "submitted", SUBMITTERS),
        Transition("exclude", "excluded", ("clerk",)),
    ), initial=True, open=True),
    StateSpec("submitted", "представлено", (
        Transition("accept", "accepted", CHECKERS),
        Transition("return", "returned", CHECKERS),
        Transition("exclude", "excluded", ("clerk",)),
    )),
    StateSpec("returned", "возвращено на доработку", (
        Transition("submit", "submitted", SUBMITTERS),
        Transition("exclude", "excluded", ("clerk",)),
    ), open=True),
    StateSpec("accepted", "принято", (
        Transition("correct", "accepted", CHECKERS),
        Transition("exclude", "excluded", ("clerk",)),
    )),
    StateSpec("excluded", "исключено", final=True),
)
OWED = ("owed", "returned")


@lru_cache(maxsize=1)
def value_machine() -> OccurrenceMachine:
    """The machine every indicator value shares (checked when built)."""
    return OccurrenceMachine(STATES, EVENTS)


def value_state_label(state: str) -> str:
    spec = value_machine().states.get(state)
    return spec.label if spec else state
