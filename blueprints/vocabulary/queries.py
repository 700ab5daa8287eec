"""Reads of the shared vocabulary: need areas for select lists, CPV codes by number, the CPV search."""

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.core.formatting import escape_like
from blueprints.vocabulary.cpv import CpvEntry, rank, tokens, valid_codes
from blueprints.vocabulary.models import CpvCode, NeedArea


def need_area_choices() -> list[tuple[int, str]]:
    """(id, name) of every need area in Swedish order, for select lists and checkboxes."""
    return [(a.id, a.name) for a in db.session.scalars(sa.select(NeedArea).order_by(NeedArea.sort_key))]


def offered_need_area_choices(*, keeping: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the need areas still offered (not retired), and the one ``keeping`` names even if it is
    retired (an object already filed under it), in Swedish order."""
    offered = sa.or_(~NeedArea.is_retired, NeedArea.id == keeping)
    return [(a.id, a.name) for a in db.session.scalars(sa.select(NeedArea).where(offered).order_by(NeedArea.sort_key))]


def cpv_divisions(language: str) -> list[tuple[str, str]]:
    """(two-digit prefix, "45 Bygg- och anläggningsarbeten") of the 45 divisions, for the branch filter."""
    rows = db.session.scalars(sa.select(CpvCode).where(CpvCode.level == 1).order_by(CpvCode.code))
    return [(c.code[:2], f"{c.code[:2]} {c.label(language)}") for c in rows]


def cpv_codes_by_id(codes: list[str]) -> dict[str, CpvCode]:
    """The CPV rows for these codes."""
    if not codes:
        return {}
    return {c.code: c for c in db.session.scalars(sa.select(CpvCode).where(CpvCode.code.in_(codes)))}


def selected_cpv(text: str, language: str) -> list[tuple[str, str]]:
    """(code, label) of the known codes typed in a CPV field, for the picker's chips."""
    codes = valid_codes(text)
    rows = cpv_codes_by_id(codes)
    return [(c, rows[c].label(language)) for c in codes if c in rows]


def search_cpv(query: str, language: str, limit: int = 15) -> list[tuple[CpvCode, CpvCode | None]]:
    """Codes matching the words or digits typed, best first, each with its parent (the branch)."""
    words = [t for t in tokens(query) if len(t) >= 2 and not t.isdigit()]
    digits = "".join(ch for ch in query if ch.isdigit())
    candidates = sa.select(CpvCode)
    if digits and not words:
        candidates = candidates.where(CpvCode.code.startswith(digits[:8]))
    elif words:
        # Narrow in the database on the longest word; rank the few hundred candidates in Python.
        longest = max(words, key=len)
        candidates = candidates.where(CpvCode.search_text.like(f"%{escape_like(longest[:6])}%", escape="\\"))
    else:
        return []
    rows = {c.code: c for c in db.session.scalars(candidates)}
    entries = [
        CpvEntry(code=c.code, label=c.label_sv, level=c.level, words=tuple(tokens(c.search_text)))
        for c in rows.values()
    ]
    best = [rows[e.code] for e in rank(entries, query, limit)]
    parents = cpv_codes_by_id([c.parent_code for c in best if c.parent_code])
    return [(c, parents.get(c.parent_code or "")) for c in best]
