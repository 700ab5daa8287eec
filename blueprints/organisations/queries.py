"""Reads of the organisation registry: filtered search, choice lists, and finding the organisation a person
names."""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext
from flask_sqlalchemy.pagination import Pagination

from blueprints.core.args import ListState, page_arg
from blueprints.core.db import contains_words, db, paginate
from blueprints.core.formatting import search_text
from blueprints.organisations.models import Organisation
from blueprints.organisations.regions import COUNTIES, KINDS

PER_PAGE = 25


@dataclass(frozen=True)
class OrganisationFilter(ListState):
    """The list's state, as read from the URL."""

    q: str = ""
    kind: str = ""
    county: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: dict[str, str]) -> "OrganisationFilter":
        """Read the filter from query arguments, ignoring values that are not valid."""
        kind = args.get("kind", "")
        county = args.get("county", "")
        return cls(
            q=args.get("q", "").strip()[:100],
            kind=kind if kind in KINDS else "",
            county=county if county in COUNTIES else "",
            page=page_arg(args.get("page")),
        )


def search_organisations(flt: OrganisationFilter) -> Pagination:
    """Organisations matching the filter, in Swedish alphabetical order, one page."""
    query = sa.select(Organisation)
    query = query.where(*contains_words(Organisation.search_text, flt.q))
    if flt.kind:
        query = query.where(Organisation.kind == flt.kind)
    if flt.county:
        query = query.where(Organisation.county_code == flt.county)
    query = query.order_by(Organisation.sort_key, Organisation.id)
    return paginate(query, page=flt.page, per_page=PER_PAGE)


def organisation_choices() -> list[tuple[int, str]]:
    """(id, name) of every organisation in Swedish order, after a "no organisation" choice (0)."""
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name).order_by(Organisation.sort_key, Organisation.id)
    )
    return [(0, gettext("Ingen organisation")), *((row.id, row.name) for row in rows)]


def organisation_names(ids: list[int]) -> list[tuple[int, str]]:
    """(id, name) of these organisations, in the order given."""
    if not ids:
        return []
    query = sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    names = {id_: name for id_, name in db.session.execute(query).tuples()}  # dict() would take a Result for a map
    return [(id_, names[id_]) for id_ in ids if id_ in names]


_ORG_NUMBER = re.compile(r"(\d{6})-?(\d{4})")


@dataclass(frozen=True)
class Found:
    """What a person's text names: one organisation, or none with the nearest candidates."""

    organisation: Organisation | None
    candidates: list[Organisation]


def suggest_organisations(text: str, limit: int = 10) -> list[Organisation]:
    """Organisations whose name or organisationsnummer holds every word typed, in Swedish order."""
    if not search_text(text).strip():
        return []
    query = (
        sa.select(Organisation)
        .where(*contains_words(Organisation.search_text, text))
        .order_by(Organisation.sort_key, Organisation.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def find_organisation(text: str) -> Found:
    """The organisation meant by ``text``: the one with the organisationsnummer it holds (as in a suggestion,
    "Lunds kommun (212000-1132)"), else the one with exactly that name, else the only one whose name holds
    the words; otherwise none, with up to five candidates (two statements at most)."""
    number = _ORG_NUMBER.search(text)
    if number:
        found = db.session.scalar(sa.select(Organisation).where(Organisation.org_number == "".join(number.groups())))
        if found is not None:
            return Found(found, [])
    candidates = suggest_organisations(text, limit=6)
    exact = [o for o in candidates if o.name.casefold() == " ".join(text.split()).casefold()]
    if len(exact) == 1:
        return Found(exact[0], [])
    if len(candidates) == 1:
        return Found(candidates[0], [])
    return Found(None, candidates[:5])
