"""Numbers people can type into addresses and forms, read so that they never fail: ids within the database's
range, page numbers, and links back to a list's state."""

from collections.abc import Iterable, Mapping
from dataclasses import fields

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
