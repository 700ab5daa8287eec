"""Swedish text helpers (pure functions) and the Swedish formats shown in pages."""

import pytest

from blueprints.core.formatting import parse_swedish_integer, search_text, swedish_sort_key


def test_swedish_alphabetical_order():
    names = ["Örebro", "Ale", "Åre", "Zinkgruvan", "Älvsbyn", "Eda", "Ängelholm", "Ödeshög", "Ekerö"]
    assert sorted(names, key=swedish_sort_key) == [
        "Ale",
        "Eda",
        "Ekerö",
        "Zinkgruvan",
        "Åre",
        "Älvsbyn",
        "Ängelholm",
        "Ödeshög",
        "Örebro",
    ]


def test_accents_other_than_swedish_letters_are_ignored():
    assert swedish_sort_key("Västerås") > swedish_sort_key("Vaxholm")
    assert swedish_sort_key("Émile") < swedish_sort_key("Erik")


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1 250 000", 1_250_000), ("1\u00a0250\u00a0000", 1_250_000), ("1250000", 1_250_000), ("42 kr", 42), (" 7 ", 7)],
)
def test_parse_swedish_integer(typed, value):
    assert parse_swedish_integer(typed) == value


@pytest.mark.parametrize("typed", ["", "1,5", "en miljon", "1.250.000", "12e3"])
def test_parse_swedish_integer_refuses(typed):
    with pytest.raises(ValueError):
        parse_swedish_integer(typed)


def test_search_text_casefolds_but_keeps_swedish_letters():
    assert search_text("ÖREBRO Kommun", None) == "örebro kommun"


def test_page_formats(app):
    from datetime import UTC, datetime

    from blueprints.core.i18n import date_time, iso_date, long_date, money, number

    with app.test_request_context():
        moment = datetime(2026, 3, 14, 8, 5, tzinfo=UTC)
        assert iso_date(moment) == "2026-03-14"
        assert long_date(moment) == "14 mars 2026"
        assert date_time(moment) == "2026-03-14 09:05"  # Stockholm is UTC+1 in March
        assert number(1234567.5) == "1\u00a0234\u00a0567,5"
        assert money(1234) == "1\u00a0234\u00a0kr"
