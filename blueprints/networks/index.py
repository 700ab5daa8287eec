"""This worker's matching index: built from the database on first use, then kept current on every use.

Every app process holds its own ``MatchingEngine``. Before each ranking it asks the database which challenges,
networks and organisations changed since it last looked (indexed ``updated_at`` columns, a few cheap
statements), and feeds just those to the engine. So a new or changed challenge is matched on the next request
in every gunicorn worker and on every host, without rebuilding the index per request. When many changes have
piled up, a full rebuild runs in a background thread and is swapped in when ready.
"""

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app

from blueprints.challenges.constants import PUBLISHED
from blueprints.challenges.models import Challenge, challenge_cpv
from blueprints.core.db import db, utcnow
from blueprints.networks.constants import BELONGING, CLOSED
from blueprints.networks.matching import Item, MatchingEngine, Suggestion
from blueprints.networks.models import Network, NetworkMember, network_challenge, network_cpv
from blueprints.organisations.models import Organisation
from blueprints.organisations.regions import COUNTIES, NEIGHBOURS
from blueprints.vocabulary.models import CpvCode

# A transaction that flushed its change earlier than this before committing could be missed; two minutes is
# far longer than any request here lasts.
LOOKBACK = timedelta(minutes=2)
REBUILD_SHARE = 0.1  # rebuild when this share of the index has changed since the last full build
REBUILD_MINIMUM = 200


@dataclass
class _Index:
    engine: MatchingEngine | None = None
    watermark: datetime | None = None
    seen: dict[tuple[str, int], datetime] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    rebuilding: bool = False


def _state(app: Flask) -> _Index:
    return app.extensions.setdefault("matching_index", _Index())  # type: ignore[no-any-return]


def quarter_index(year: int | None, quarter: int | None) -> int | None:
    """A planned time as a count of quarters (year only: counted as the year's second quarter)."""
    if year is None:
        return None
    return year * 4 + ((quarter or 2) - 1)


def _codes(table: sa.Table, key: str, ids: Iterable[int] | None) -> dict[int, list[str]]:
    column = table.c[key]
    query = sa.select(column, table.c.cpv_code).order_by(column, table.c.cpv_code)
    if ids is not None:
        query = query.where(column.in_(list(ids)))
    codes: dict[int, list[str]] = defaultdict(list)
    for owner, code in db.session.execute(query):
        codes[owner].append(code)
    return codes


def _challenge_items(where: sa.ColumnElement[bool] | None) -> dict[int, Item | None]:
    """Challenges as the engine sees them; None for those that must not be suggested (drafts, archived)."""
    query = sa.select(
        Challenge.id,
        Challenge.title,
        Challenge.description,
        Challenge.need_area_id,
        Challenge.planned_year,
        Challenge.planned_quarter,
        Challenge.visibility,
        Challenge.status,
        Challenge.organisation_id,
        Organisation.county_code,
    ).join(Organisation, Organisation.id == Challenge.organisation_id)
    if where is not None:
        query = query.where(where)
    rows = db.session.execute(query).all()
    codes = _codes(challenge_cpv, "challenge_id", None if where is None else [r.id for r in rows])
    return {
        row.id: (
            Item(
                "challenge",
                row.id,
                frozenset({row.organisation_id}),
                row.title,
                row.description,
                tuple(codes.get(row.id, ())),
                row.need_area_id,
                quarter_index(row.planned_year, row.planned_quarter),
                row.county_code,
                row.visibility == "all",
            )
            if row.status in PUBLISHED
            else None
        )
        for row in rows
    }


def _network_items(where: sa.ColumnElement[bool] | None) -> dict[int, Item | None]:
    """Networks as the engine sees them: name, common challenge and the linked challenges' titles."""
    query = sa.select(
        Network.id,
        Network.name,
        Network.common_challenge,
        Network.need_area_id,
        Network.is_open,
        Network.phase,
        Organisation.county_code,
    ).outerjoin(Organisation, Organisation.id == Network.host_organisation_id)
    if where is not None:
        query = query.where(where)
    rows = db.session.execute(query).all()
    ids = [r.id for r in rows]
    codes = _codes(network_cpv, "network_id", ids)
    members: dict[int, set[int]] = defaultdict(set)
    for network_id, organisation_id in db.session.execute(
        sa.select(NetworkMember.network_id, NetworkMember.organisation_id).where(
            NetworkMember.network_id.in_(ids), NetworkMember.status.in_(BELONGING)
        )
    ):
        members[network_id].add(organisation_id)
    titles: dict[int, list[str]] = defaultdict(list)
    for network_id, title in db.session.execute(
        sa.select(network_challenge.c.network_id, Challenge.title)
        .join(Challenge, Challenge.id == network_challenge.c.challenge_id)
        .where(network_challenge.c.network_id.in_(ids))
    ):
        titles[network_id].append(title)
    return {
        row.id: (
            Item(
                "network",
                row.id,
                frozenset(members[row.id]),
                row.name,
                " ".join([row.common_challenge, *titles[row.id]]),
                tuple(codes.get(row.id, ())),
                row.need_area_id,
                None,
                row.county_code,
                row.is_open,
            )
            if row.phase != CLOSED
            else None
        )
        for row in rows
    }


def _build_engine() -> MatchingEngine:
    labels = {code: label for code, label in db.session.execute(sa.select(CpvCode.code, CpvCode.label_sv))}
    challenges = _challenge_items(None)
    networks = _network_items(None)
    items = [i for i in [*challenges.values(), *networks.values()] if i is not None]
    return MatchingEngine(items, labels, COUNTIES, NEIGHBOURS)


def _changed_since(since: datetime) -> list[tuple[tuple[str, int], datetime]]:
    """(key, updated_at) of the challenges, networks and organisations changed since ``since``."""
    changed: list[tuple[tuple[str, int], datetime]] = []
    for kind, model in (("challenge", Challenge), ("network", Network), ("organisation", Organisation)):
        query = sa.select(model.id, model.updated_at).where(model.updated_at >= since)
        changed += [((kind, id_), at) for id_, at in db.session.execute(query).tuples()]
    return changed


def _changed_items(keys: set[tuple[str, int]]) -> dict[tuple[str, int], Item | None]:
    """Fresh items for changed keys; an organisation's change (its län) refreshes its challenges."""
    challenge_ids = {id_ for kind, id_ in keys if kind == "challenge"}
    organisation_ids = {id_ for kind, id_ in keys if kind == "organisation"}
    network_ids = {id_ for kind, id_ in keys if kind == "network"}
    items: dict[tuple[str, int], Item | None] = {}
    if challenge_ids or organisation_ids:
        where = sa.or_(Challenge.id.in_(challenge_ids), Challenge.organisation_id.in_(organisation_ids))
        items.update({("challenge", id_): item for id_, item in _challenge_items(where).items()})
    if network_ids:
        items.update({("network", id_): item for id_, item in _network_items(Network.id.in_(network_ids)).items()})
    return items


def _catch_up(index: _Index) -> None:
    """Feed the engine what changed since it last looked."""
    assert index.engine is not None and index.watermark is not None
    now = utcnow()
    fresh = [(key, at) for key, at in _changed_since(index.watermark - LOOKBACK) if index.seen.get(key) != at]
    if fresh:
        items = _changed_items({key for key, _at in fresh})
        index.engine.upsert(item for item in items.values() if item is not None)
        index.engine.remove(key for key, item in items.items() if item is None)
        index.seen.update(fresh)
    index.watermark = now
    index.seen = {key: at for key, at in index.seen.items() if at >= now - 2 * LOOKBACK}


def _rebuild_in_background(app: Flask, index: _Index) -> None:
    def run() -> None:
        with app.app_context():
            started = utcnow()
            try:
                engine = _build_engine()
            finally:
                db.session.remove()
            with index.lock:
                index.engine, index.watermark, index.seen = engine, started, {}
                index.rebuilding = False

    index.rebuilding = True
    threading.Thread(target=run, name="matching-rebuild", daemon=True).start()


def _current_engine() -> MatchingEngine:
    """This worker's engine, up to date with the database (called with the index lock held)."""
    index = _state(current_app)
    if index.engine is None:
        index.watermark = utcnow()
        index.engine = _build_engine()
    else:
        _catch_up(index)
        engine = index.engine
        if not index.rebuilding and engine.pending_changes > max(REBUILD_MINIMUM, REBUILD_SHARE * len(engine)):
            _rebuild_in_background(current_app._get_current_object(), index)  # type: ignore[attr-defined]
    return index.engine


def rank(
    query: Item, *, k: int, exclude: Iterable[tuple[str, int]] = (), public_only: bool = False
) -> list[Suggestion]:
    """The best matches for ``query`` among what the database holds now."""
    index = _state(current_app)
    with index.lock:
        return _current_engine().rank(query, k, exclude=exclude, public_only=public_only)
