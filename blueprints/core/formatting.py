"""Swedish-aware text helpers: parsing typed numbers, and search and sort keys (pure; no Flask)."""

import re
import unicodedata
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

# Times are stored in UTC and shown, and typed, in Swedish time.
STOCKHOLM = ZoneInfo("Europe/Stockholm")

# Swedish collation: Å Ä Ö come after Z; Æ sorts with Ä, Ø with Ö, Ü with Y; other accents are ignored.
# "{", "|" and "}" are the code points right after "z", so keys compare correctly byte by byte
# (the database columns holding them use the "C" collation on PostgreSQL).
_SWEDISH_LETTERS = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y"}
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f]")


def swedish_time_to_utc(day: date, at: time) -> datetime:
    """A Swedish wall-clock time (summer or winter time as it falls that day) as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=STOCKHOLM).astimezone(UTC)


def swedish_sort_key(text: str) -> str:
    """A key that orders strings the Swedish way when compared as plain strings."""
    out = []
    for char in text.casefold():
        if char in _SWEDISH_LETTERS:
            out.append(_SWEDISH_LETTERS[char])
            continue
        decomposed = unicodedata.normalize("NFD", char)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


def search_text(*parts: str | None) -> str:
    """Casefolded text to match searches against; keeps å, ä and ö (they are letters in Swedish)."""
    joined = " ".join(p for p in parts if p)
    return unicodedata.normalize("NFC", joined).casefold()


def parse_swedish_integer(text: str) -> int:
    """Parse an integer typed the Swedish way ("1 250 000", "1250000"); raise ValueError otherwise."""
    cleaned = _NUMBER_SPACES.sub("", text or "")
    if cleaned.lower().endswith("kr"):
        cleaned = cleaned[:-2]
    if not re.fullmatch(r"-?\d+", cleaned):
        raise ValueError(text)
    return int(cleaned)


def escape_like(text: str) -> str:
    """Escape LIKE wildcards in user input (used with ``escape='\\'``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
