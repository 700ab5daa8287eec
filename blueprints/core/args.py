"""Numbers and dates people can type into addresses and forms, read so that they never fail: ids within the
database's range, page numbers, dates and weeks within the years anyone plans for, and links back to a list's
state."""

from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import UTC, date, datetime

from werkzeug.routing import IntegerConverter

# The largest value of an integer column on PostgreSQL. A larger number names no row, and sent as a parameter
# it fails the whole statement ("out of range"), so it must never reach a query.
MAX_ID = 2**31 - 1


def is_number(text: str) -> bool:
    """Only the digits 0–9 ("²" and "٣" are digits to ``str.isdigit`` but not to ``int``)."""
    return text.isascii() and text.isdigit()


def int_arg(value: object, *, maximum: int = MAX_ID) -> int | None:
    """A positive whole number from text (a query argument, a form value), or None: missing, not a number,
    or out of range."""
    text = str(value).strip() if value is not None else ""
    if not is_number(text) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None


def int_args(values: Iterable[object]) -> list[int]:
    """The valid ids among several values, in order, without repeats."""
    return list(dict.fromkeys(n for n in map(int_arg, values) if n is not None))


def page_arg(value: object) -> int:
    """A page number (1 when missing or not valid)."""
    return int_arg(value) or 1


# Dates people name lie within these years. Near year 1 or 9999 a day before or a week after overflows Python's
# dates, and PostgreSQL's timestamps end earlier still, so such dates never reach a calculation or a query.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2999, 12, 31)


def date_arg(value: object) -> date | None:
    """A date written as 2026-03-14 (ISO 8601) within 1900–2999, or None."""
    try:
        day = date.fromisoformat(str(value if value is not None else "").strip())
    except ValueError:
        return None
    return day if EARLIEST_DATE <= day <= LATEST_DATE else None


def week_arg(value: object) -> date | None:
    """The Monday of a week written as 2026-W48 within 1900–2999, or None."""
    year, _, week = str(value if value is not None else "").strip().partition("-W")
    if not (is_number(year) and is_number(week) and len(year) == 4 and len(week) <= 2):
        return None
    try:
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None
    return monday if EARLIEST_DATE <= monday <= LATEST_DATE else None


def datetime_arg(value: object) -> datetime | None:
    """A moment written in ISO 8601 with its offset (2026-03-14T09:00:00+01:00), as UTC, within 1900–2999;
    None when malformed, without an offset, or out of range."""
    try:
        moment = datetime.fromisoformat(str(value if value is not None else "").strip())
    except ValueError:
        return None
    if moment.tzinfo is None or not EARLIEST_DATE <= moment.date() <= LATEST_DATE:
        return None
    return moment.astimezone(UTC)


def url_args(values: Mapping[str, object], defaults: Mapping[str, object]) -> dict[str, object]:
    """Query arguments for a link: empty values and values equal to their default left out."""
    return {k: v for k, v in values.items() if v not in ("", None) and defaults.get(k) != v}


class ListState:
    """For a frozen dataclass holding a list's state (search, filters, page) as read from the URL."""

    def url_args(self, **changes: object) -> dict[str, object]:
        """Query arguments for a link to this state with ``changes``; empty values and defaults left out."""
        current = {f.name: getattr(self, f.name) for f in fields(self)} | changes  # type: ignore[arg-type]
        return url_args(current, {f.name: f.default for f in fields(self)})  # type: ignore[arg-type]


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: numbers beyond the database's range do not match (404)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]
