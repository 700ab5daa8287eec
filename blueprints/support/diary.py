"""Diarienummer: ``UM 2026/0042``, sequential per calendar year. Pure: no Flask, no database."""

import re

PREFIX = "UM"
_PATTERN = re.compile(r"^\s*UM\s*(\d{4})\s*/\s*(\d{1,6})\s*$", re.IGNORECASE)


def format_diary_number(year: int, number: int) -> str:
    """The registry number as shown and stored: prefix, year, and at least four digits."""
    if number < 1:
        raise ValueError("diary numbers start at 1")
    return f"{PREFIX} {year}/{number:04d}"


def parse_diary_number(text: str) -> tuple[int, int] | None:
    """(year, number) from a typed diarienummer such as ``um 2026/42``, or None."""
    match = _PATTERN.match(text or "")
    if not match:
        return None
    year, number = int(match.group(1)), int(match.group(2))
    return (year, number) if number >= 1 else None
