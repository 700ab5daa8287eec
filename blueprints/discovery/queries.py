"""Reads for discovery: the organisations that bought what the person asks about, with the networks they are
in and whether they have a challenge on it, the result per county and year, and the branch's market."""

from dataclasses import dataclass, replace

import sqlalchemy as sa

from blueprints.challenges.constants import PUBLISHED
from blueprints.challenges.models import Challenge, challenge_cpv
from blueprints.core.db import db
from blueprints.core.pages import CountedPage
from blueprints.discovery.filters import DiscoveryFilter
from blueprints.networks.constants import BELONGING
from blueprints.networks.models import Network, NetworkMember
from blueprints.statistics.buyers import BuyerFilter, BuyerRow, Summary, buyers, summary
from blueprints.statistics.market import Market, market_of
from blueprints.statistics.power import disjoint_ranges
from blueprints.vocabulary.models import CpvCode, need_area_cpv

PER_PAGE = 25
# The procedures the statistics name (LOU and LUF), for the filter.
PROCEDURES = (
    "Öppet förfarande",
    "Förenklat förfarande",
    "Selektivt förfarande",
    "Förhandlat förfarande med föregående annonsering",
    "Urvalsförfarande",
    "Konkurrenspräglad dialog",
    "Annat förfarande",
)


@dataclass(frozen=True)
class Branches:
    """The CPV codes asked about (typed, or a need area's), with their labels and ranges."""

    labels: list[tuple[str, str]]  # (code, label)
    ranges: tuple[tuple[str, str], ...]


def branches_of(flt: DiscoveryFilter, language: str) -> Branches:
    """The codes typed and the need area's codes, in one statement."""
    asked: list[sa.ColumnElement[bool]] = []
    if flt.codes:
        asked.append(CpvCode.code.in_(flt.codes))
    if flt.need_area:
        of_area = sa.select(need_area_cpv.c.cpv_code).where(need_area_cpv.c.need_area_id == flt.need_area)
        asked.append(CpvCode.code.in_(of_area))
    if not asked:
        return Branches([], ())
    rows = db.session.scalars(sa.select(CpvCode).where(sa.or_(*asked)).order_by(CpvCode.code)).all()
    return Branches(
        [(row.code, row.label(language)) for row in rows],
        tuple(disjoint_ranges((r.branch, r.branch_end) for r in rows)),
    )


def buyer_filter(flt: DiscoveryFilter, branches: Branches) -> BuyerFilter:
    """The statistics' filter for the question."""
    return BuyerFilter(
        ranges=branches.ranges,
        first_year=flt.year_from,
        last_year=flt.year_to,
        words=tuple(flt.words),
        county=flt.county,
        kind=flt.kind,
        procedure=flt.procedure if flt.procedure in PROCEDURES else "",
        flags=tuple(flt.flag_list),
    )


@dataclass(frozen=True)
class Discovery:
    """The answer: one page of organisations, the whole result's totals, and the branch's market."""

    branches: Branches
    page: CountedPage
    summary: Summary
    market: Market


def annotate(rows: list[BuyerRow], ranges: tuple[tuple[str, str], ...]) -> list[BuyerRow]:
    """The rows with the networks each organisation is in (or invited to) and whether it has a published
    challenge in the branches (two statements)."""
    ids = [row.organisation_id for row in rows]
    if not ids:
        return rows
    networks: dict[int, list[tuple[int, str]]] = {}
    query = (
        sa.select(NetworkMember.organisation_id, Network.id, Network.name)
        .join(Network, Network.id == NetworkMember.network_id)
        .where(NetworkMember.organisation_id.in_(ids), NetworkMember.status.in_(BELONGING))
        .order_by(Network.sort_key)
    )
    for organisation_id, network_id, name in db.session.execute(query).tuples():
        networks.setdefault(organisation_id, []).append((network_id, name))
    with_challenge: set[int] = set()
    if ranges:
        in_branch = sa.or_(
            *(sa.and_(challenge_cpv.c.cpv_code >= low, challenge_cpv.c.cpv_code < high) for low, high in ranges)
        )
        challenges = (
            sa.select(Challenge.organisation_id)
            .join(challenge_cpv, challenge_cpv.c.challenge_id == Challenge.id)
            .where(Challenge.organisation_id.in_(ids), Challenge.status.in_(PUBLISHED), in_branch)
            .distinct()
        )
        with_challenge = set(db.session.scalars(challenges))
    return [
        replace(
            row, in_networks=networks.get(row.organisation_id, []), has_challenge=row.organisation_id in with_challenge
        )
        for row in rows
    ]


def discover(flt: DiscoveryFilter, language: str) -> Discovery:
    """Answer the question: branches (1 statement), totals (1), the page (1), its networks and challenges (2),
    the market (2)."""
    branches = branches_of(flt, language)
    question = buyer_filter(flt, branches)
    totals = summary(question)
    rows = buyers(question, sort=flt.sort, limit=PER_PAGE, offset=(flt.page - 1) * PER_PAGE)
    page = CountedPage(
        items=annotate(rows, branches.ranges), total=totals.organisations, page=flt.page, per_page=PER_PAGE
    )
    years = (flt.year_from or 1990, flt.year_to or 2100) if flt.year_from or flt.year_to else None
    return Discovery(branches, page, totals, market_of(branches.ranges, years))


def all_buyers(flt: DiscoveryFilter, language: str, limit: int = 5000) -> tuple[Branches, list[BuyerRow]]:
    """Every organisation of the result (for the files), with its networks and challenges."""
    branches = branches_of(flt, language)
    rows = buyers(buyer_filter(flt, branches), sort=flt.sort, limit=limit)
    return branches, annotate(rows, branches.ranges)


def open_networks_to_invite_to() -> list[tuple[int, str]]:
    """(id, name) of the networks that are not closed, for inviting organisations to one."""
    rows = db.session.execute(
        sa.select(Network.id, Network.name).where(Network.phase != "avslutad").order_by(Network.sort_key)
    )
    return [(row.id, row.name) for row in rows]
