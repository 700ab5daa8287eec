"""CPV codes (pure; no Flask): check digits, parsing what people type, and ranking labels for a search."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

# The CPV check digit: digits weighted 3, 7, 1, 3, 7, 1, 3, 7, summed, modulo 10 (45233120 → 6).
_WEIGHTS = (3, 7, 1, 3, 7, 1, 3, 7)
_CODE = re.compile(r"^(\d{8})(?:-(\d))?$")
_SEPARATORS = re.compile(r"[\s,;]+")


class InvalidCpvCode(ValueError):
    """Text that is not a CPV code (wrong shape or wrong check digit)."""


def check_digit(code: str) -> str:
    """The check digit of an eight-digit CPV code."""
    return str(sum(int(d) * w for d, w in zip(code, _WEIGHTS, strict=True)) % 10)


def parse_code(text: str) -> str:
    """The eight digits of a code typed with or without its check digit; raise InvalidCpvCode otherwise."""
    match = _CODE.match(text.strip())
    if not match:
        raise InvalidCpvCode(text)
    code, digit = match.groups()
    if digit is not None and digit != check_digit(code):
        raise InvalidCpvCode(text)
    return code


def split_codes(text: str) -> list[str]:
    """The pieces of a list of codes separated by spaces, commas or semicolons (not yet validated)."""
    return [piece for piece in _SEPARATORS.split(text or "") if piece]


def valid_codes(text: str) -> list[str]:
    """The well-formed codes in typed text, in order and without repeats; other pieces are skipped."""
    codes: list[str] = []
    for piece in split_codes(text):
        try:
            codes.append(parse_code(piece))
        except InvalidCpvCode:
            continue
    return list(dict.fromkeys(codes))


def branch_prefix(code: str) -> str:
    """The significant leading digits: 45000000 → 45, 45230000 → 4523 (the code's branch of the tree)."""
    significant = code.rstrip("0")
    # A division is always two digits: 30000000 is division 30, not "3" (which would also take in 31-39).
    return significant if len(significant) >= 2 else code[:2]


def branch_range(code: str) -> tuple[str, str]:
    """The codes of a code's branch as a range of text: every code ``c`` with ``low <= c < high`` (60100000 →
    ("601", "602")), which an ordinary index on the codes answers."""
    low = branch_prefix(code)
    following = str(int(low) + 1).zfill(len(low))
    return low, following if len(following) == len(low) else "9" * 9


@dataclass(frozen=True)
class CpvEntry:
    """One code with what a search can match: its label words and aliases, casefolded."""

    code: str
    label: str
    level: int
    words: tuple[str, ...]


def tokens(text: str) -> list[str]:
    """Casefolded words of a query or label ("Bygg- och anläggningsarbeten" → bygg, och, anläggningsarbeten)."""
    return [t for t in re.split(r"[\W_]+", text.casefold()) if t]


def _word_score(query: str, word: str) -> float:
    if word == query:
        return 3.0
    if word.startswith(query) or (len(word) >= 5 and query.startswith(word)):
        return 2.0  # städ ~ städning, skolskjutsar ~ skolskjuts
    if len(query) >= 4 and query in word:
        return 1.0  # städ ~ kontorsstädning (Swedish compounds)
    return 0.0


def score(entry: CpvEntry, query_tokens: list[str]) -> float:
    """How well a code matches every query word (0 when any word does not match)."""
    total = 0.0
    for query in query_tokens:
        best = max((_word_score(query, word) for word in entry.words), default=0.0)
        if best == 0.0:
            return 0.0
        total += best
    # Prefer broader codes among equals, and short labels (the word carries more of the meaning).
    return total - 0.05 * entry.level - 0.001 * len(entry.label)


def rank(entries: Iterable[CpvEntry], query: str, limit: int = 15) -> list[CpvEntry]:
    """The codes best matching the query: words in any order, digits as a code prefix."""
    digits = re.sub(r"[\s-]", "", query)
    if digits.isdigit():
        prefix = digits[:8]
        found = [e for e in entries if e.code.startswith(prefix)]
        return sorted(found, key=lambda e: (e.level, e.code))[:limit]
    query_tokens = [t for t in tokens(query) if len(t) >= 2 and not t.isdigit()]
    if not query_tokens:
        return []
    scored = [(score(e, query_tokens), e) for e in entries]
    best = sorted(((s, e) for s, e in scored if s > 0), key=lambda pair: (-pair[0], pair[1].code))
    return [e for _s, e in best[:limit]]
