"""Flask-Babel set-up and the Jinja filters for Swedish formats (dates, numbers, money)."""

from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, format_date, format_datetime, get_locale, gettext
from werkzeug.wrappers import Response

babel = Babel()


def N_(message: str) -> str:
    """Mark a msgid for extraction; it is translated later, in the recipient's language."""
    return message


def select_locale() -> str:
    """The signed-in user's language, else the default (Swedish); ?lang= never overrides a profile."""
    user = g.get("user")
    if user is not None and user.language in current_app.config["LANGUAGES"]:
        return user.language
    chosen = request.cookies.get("lang", "") if has_request_context() else ""
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def chosen_language(value: str | None) -> str:
    """A language asked for by a reader: one the app speaks, else the default."""
    if value is not None and value in current_app.config["LANGUAGES"]:
        return value
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def remember_language(response: Response, language: str) -> Response:
    """Keep a reader's language in the ``lang`` cookie (a year), which ``select_locale`` reads."""
    response.set_cookie(
        "lang",
        language,
        max_age=365 * 24 * 3600,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def current_language() -> str:
    """The language code of this request ("sv" or "en")."""
    return str(get_locale() or "sv")


def iso_date(value: date | datetime | None) -> str:
    """2026-03-14 (in Swedish time for datetimes)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "yyyy-MM-dd")
    return value.isoformat()


def long_date(value: date | datetime | None) -> str:
    """14 mars 2026."""
    return "" if value is None else format_date(value, "d MMMM y")


def date_time(value: datetime | None) -> str:
    """2026-03-14 09:05 in Swedish time, 24-hour clock."""
    return "" if value is None else format_datetime(value, "yyyy-MM-dd HH:mm")


def clock(value: datetime | None) -> str:
    """09:05 in Swedish time."""
    return "" if value is None else format_datetime(value, "HH:mm")


def weekday_name(value: date | datetime | None) -> str:
    """måndag (in Swedish time for datetimes)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "EEEE")
    return format_date(value, "EEEE")


def number(value: float | int | None) -> str:
    """1 234 567,5 (grouping and decimal comma of the current locale)."""
    return "" if value is None else _decimal(value, get_locale())


def money(value: float | int | None) -> str:
    """1 234 kr (whole kronor)."""
    if value is None:
        return ""
    return f"{_decimal(round(value), get_locale())}\u00a0kr"


# (threshold, msgid, divisor, decimals): an amount at or above the threshold is shown in that unit.
_SCALES = (
    (1_000_000_000, N_("%(amount)s mdkr"), 1_000_000_000),
    (1_000_000, N_("%(amount)s mnkr"), 1_000_000),
    (10_000, N_("%(amount)s tkr"), 1_000),
)


def money_short(value: float | int | None) -> str:
    """An amount at a readable scale: 2,3 mdkr, 480 mnkr, 48,5 mnkr, 950 tkr, 1 234 kr (money() gives the
    exact figure)."""
    if value is None:
        return ""
    for threshold, message, divisor in _SCALES:
        if abs(value) >= threshold:
            scaled = value / divisor
            amount = round(scaled) if abs(scaled) >= 100 else round(scaled, 1)
            return gettext(message, amount=_decimal(amount, get_locale()))
    return money(value)


@lru_cache(maxsize=4096, typed=True)
def _decimal(value: float | int, locale: Locale | None) -> str:
    """Babel's formatting, remembered: pages and exports show the same small numbers many times over, and each
    formatting walks the locale's number pattern (about 30 µs)."""
    return format_decimal(value, locale=locale)


def init_i18n(app: Flask) -> None:
    """Install Babel and the format filters."""
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    app.jinja_env.filters.update(
        iso_date=iso_date,
        long_date=long_date,
        weekday_name=weekday_name,
        date_time=date_time,
        clock=clock,
        number=number,
        money=money,
        money_short=money_short,
    )
