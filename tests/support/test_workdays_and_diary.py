"""Working days (Swedish holidays), the first-response deadline, and the diarienummer format."""

from datetime import date

import pytest

from blueprints.support.diary import format_diary_number, parse_diary_number
from blueprints.support.workdays import add_working_days, holiday_name, is_working_day, working_days_between


def test_weekends_and_holidays_are_not_working_days():
    assert is_working_day(date(2026, 11, 20))  # Friday
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert not is_working_day(date(2026, 4, 3))  # långfredagen
    assert not is_working_day(date(2026, 4, 6))  # annandag påsk
    assert not is_working_day(date(2026, 6, 19))  # midsommarafton
    assert not is_working_day(date(2026, 12, 24))  # julafton
    assert not is_working_day(date(2026, 12, 31))  # nyårsafton
    assert holiday_name(date(2026, 6, 6)) == "Nationaldagen"


def test_five_working_days_over_easter():
    # Submitted Wednesday 1 April 2026: Thursday 2, then Tuesday 7 (3-6 are Easter), 8, 9, 10.
    assert add_working_days(date(2026, 4, 1), 5) == date(2026, 4, 10)
    assert working_days_between(date(2026, 4, 1), date(2026, 4, 10)) == 5


def test_working_days_from_a_weekend():
    assert add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0


@pytest.mark.parametrize(
    ("year", "number", "text"), [(2026, 1, "UM 2026/0001"), (2026, 42, "UM 2026/0042"), (2027, 12345, "UM 2027/12345")]
)
def test_diary_numbers_are_formatted_and_read_back(year, number, text):
    assert format_diary_number(year, number) == text
    assert parse_diary_number(text) == (year, number)


def test_diary_number_reading_is_forgiving_but_strict():
    assert parse_diary_number("um 2026/42") == (2026, 42)
    assert parse_diary_number("UM2026 / 0007") == (2026, 7)
    assert parse_diary_number("2026/42") is None
    assert parse_diary_number("UM 2026/0000") is None
    with pytest.raises(ValueError):
        format_diary_number(2026, 0)
