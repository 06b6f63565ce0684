"""Indicators' rules (issue 22): a typed value is checked, roll-ups over any schools' values
equal the hand computation with the rounding written down in workflow/indicators.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.errors import KartaError
from workflow.indicators import (
    Bounds,
    SchoolValue,
    check_value,
    meets,
    parse_number,
    parse_period,
    roll_up,
    shown,
    value_machine,
)

whole = st.integers(min_value=0, max_value=5000)


@st.composite
def shares(draw: st.DrawFn) -> SchoolValue:
    denominator = draw(st.integers(min_value=1, max_value=3000))
    numerator = draw(st.integers(min_value=0, max_value=denominator))
    value = check_value(Bounds("%", fraction=True), "доля", None, Decimal(numerator),
                        Decimal(denominator))
    return SchoolValue(value, Decimal(numerator), Decimal(denominator))


def by_hand(numerator: int, denominator: int) -> Decimal:
    """Round numerator/denominator to tenths, half up, in whole numbers only."""
    tenths, remainder = divmod(numerator * 10, denominator)
    if remainder * 2 >= denominator:
        tenths += 1
    return Decimal(tenths) / 10


@given(st.lists(shares(), min_size=1, max_size=40))
@settings(max_examples=300, deadline=None)
def test_a_weighted_share_is_the_sums_of_numerators_and_denominators(values: list[SchoolValue]
                                                                      ) -> None:
    numerators = sum(int(v.numerator or 0) for v in values)
    denominators = sum(int(v.denominator or 0) for v in values)
    assert roll_up("weighted_mean", values) == by_hand(100 * numerators, denominators)


@given(st.lists(shares(), min_size=1, max_size=40))
@settings(max_examples=300, deadline=None)
def test_a_mean_of_shares_is_rounded_once_from_exact_shares(values: list[SchoolValue]) -> None:
    # the mean of 100·nᵢ/dᵢ over k schools = 100·Σ(nᵢ·Π/dᵢ) / (k·Π), Π the product of all d
    product = 1
    for v in values:
        product *= int(v.denominator or 1)
    total = sum(100 * int(v.numerator or 0) * (product // int(v.denominator or 1))
                for v in values)
    assert roll_up("mean", values) == by_hand(total, len(values) * product)


@given(st.lists(whole, min_size=1, max_size=40))
def test_a_sum_is_exact(values: list[int]) -> None:
    assert roll_up("sum", [SchoolValue(Decimal(v)) for v in values]) == sum(values)


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=40),
       st.integers(min_value=0, max_value=1000), st.sampled_from(["up", "down", "at_least"]))
def test_share_of_schools_meeting_a_threshold(values: list[int], threshold: int,
                                              direction: str) -> None:
    reached = sum(1 for v in values if (v <= threshold if direction == "down"
                                        else v >= threshold))
    figure = roll_up("share_meeting", [SchoolValue(Decimal(v) / 10) for v in values],
                     direction=direction, threshold=Decimal(threshold) / 10)
    assert figure == by_hand(100 * reached, len(values))


def test_half_is_rounded_up_and_nothing_is_rounded_twice() -> None:
    # 1/8 = 12.5 % and 3/8 = 37.5 %: the mean 25 % — not 12.5 → 13, 37.5 → 38, mean 25.5
    values = [SchoolValue(Decimal("12.5"), Decimal(1), Decimal(8)),
              SchoolValue(Decimal("37.5"), Decimal(3), Decimal(8))]
    assert roll_up("mean", values) == Decimal("25.0")
    assert roll_up("mean", [SchoolValue(Decimal("85.25"))]) == Decimal("85.3")
    assert roll_up("weighted_mean", [SchoolValue(Decimal(0), Decimal(1), Decimal(3)),
                                     SchoolValue(Decimal(0), Decimal(1), Decimal(3))]) == \
        Decimal("33.3")
    assert roll_up("sum", []) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("85", Decimal(85)), ("85,5", Decimal("85.5")), (" 1 234 ", Decimal(1234)),
    ("1\u00a0234,25", Decimal("1234.25")), ("", None), (None, None), (7, Decimal(7)),
])
def test_figures_as_clerks_type_them(text: str | None, expected: Decimal | None) -> None:
    assert parse_number(text, "П1") == expected


@pytest.mark.parametrize("text", ["восемьдесят", "85%", "1e9", "NaN", "inf", "8 5,5,5",
                                  "1" * 40, "--1", "0x10"])
def test_text_in_a_number_field_is_refused_by_name(text: str) -> None:
    with pytest.raises(KartaError, match="П1: .* не число"):
        parse_number(text, "П1")


@pytest.mark.parametrize(("bounds", "value", "numerator", "denominator", "message"), [
    (Bounds("%"), "101", None, None, "больше 100 %"),
    (Bounds("%"), "-1", None, None, "отрицательным"),
    (Bounds("чел."), "12,5", None, None, "целое число"),
    (Bounds("%", fraction=True), None, "31", "30", "числитель 31 больше знаменателя 30"),
    (Bounds("%", fraction=True), None, "3", "0", "знаменатель не может быть нулём"),
    (Bounds("%", fraction=True), None, "2,5", "10", "целое неотрицательное"),
    (Bounds("%", fraction=True), None, "3", None, "числитель и знаменатель"),
    (Bounds("баллы", Decimal(0), Decimal(100)), "120", None, None, "больше допустимого 100"),
    (Bounds("баллы"), None, None, None, "укажите значение"),
])
def test_a_value_out_of_range_is_refused(bounds: Bounds, value: str | None,
                                         numerator: str | None, denominator: str | None,
                                         message: str) -> None:
    with pytest.raises(KartaError, match=message):
        check_value(bounds, "П1", parse_number(value, "П1"), parse_number(numerator, "П1"),
                    parse_number(denominator, "П1"))


def test_periods_and_directions() -> None:
    assert parse_period("2022") == "2022" and parse_period("2022/2023") == "2022/23"
    assert parse_period("2099/00") == "2099/00" and parse_period(" 2021/22 ") == "2021/22"
    for bad in ("2022/2024", "2022/24", "22", "2022-2023", "", "1812"):
        with pytest.raises(KartaError, match="укажите год"):
            parse_period(bad)
    assert meets(Decimal(90), Decimal(90), "up") and not meets(Decimal(91), Decimal(90), "down")
    assert shown(Decimal("1234.50"), "чел.") == "1\u00a0234,5\u00a0чел."
    assert shown(Decimal("100"), "%") == "100\u00a0%"


def test_a_value_s_lifecycle() -> None:
    machine = value_machine()
    assert machine.fire("П1", "owed", "submit").dest == "submitted"
    assert machine.fire("П1", "accepted", "correct", comment="приказ № 5").dest == "accepted"
    assert not machine.permitted("submitted", "accept", ("executor",))
    assert machine.permitted("submitted", "accept", ("head",))
