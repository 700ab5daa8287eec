"""This worker's matching index: built from the database on first use, then kept current on every use.

Every app process holds a ``MatchingEngine``; under gunicorn the master builds it before it starts the workers
(``prepare``), which then share its memory. Before each ranking it asks the database which challenges,
networks and organisations changed since it last looked (indexed ``updated_at`` columns, a few cheap
statements), and feeds just those to the engine. So a new or changed challenge is matched on the next request
in every gunicorn worker and on every host, without rebuilding the index per request. When many changes have
piled up, a full rebuild runs in a background thread and is swapped in when ready.
"""

import gc
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from blueprints.challenges.constants import PUBLISHED
from blueprints.challenges.models import Challenge, challenge_cpv
from blueprints.core.db import db, utcnow
from blueprints.core.versions import token_columns
from blueprints.networks import artefacts
from blueprints.networks.constants import BELONGING, CLOSED
from blueprints.networks.matching import Item, MatchingEngine, Suggestion
from blueprints.networks.models import Network, NetworkMember, network_challenge, network_cpv
from blueprints.networks.training import current_model, model_dir
from blueprints.organisations.models import Organisation
from blueprints.organisations.regions import COUNTIES, NEIGHBOURS
from blueprints.statistics.queries import procurements_per_group
from blueprints.vocabulary.models import CpvCode

# A transaction that flushed its change earlier than this before committing could be missed; two minutes is
# far longer than any request here lasts.
LOOKBACK = timedelta(minutes=2)
REBUILD_SHARE = 0.1  # rebuild when this share of the index has changed since the last full build
REBUILD_MINIMUM = 200
MATCHED_DATA = ("challenges", "networks", "organisations")  # data versions (core.versions) of what is indexed
CASES = ("challenge", "network")  # what match suggestions are made of


@dataclass(frozen=True)
class ItemSource:
    """Items a higher area has the index hold too (the knowledge area's articles), without this area importing
    it: ``items(ids)`` reads those rows as items (``None``: all of them; an item ``None``: not to be suggested);
    ``model``'s indexed ``updated_at`` tells what changed; ``data_version`` names its rows' version token."""

    kind: str
    model: Any  # a model with indexed ``id`` and ``updated_at``
    data_version: str
    items: Callable[[list[int] | None], dict[int, Item | None]]


_SOURCES: dict[str, ItemSource] = {}


def add_item_source(source: ItemSource) -> None:
    """Have every process's index hold a higher area's items as well."""
    _SOURCES[source.kind] = source


@dataclass
class _Index:
    engine: MatchingEngine | None = None
    model_name: str | None = None  # the learnt model the engine was built with
    tokens: tuple[str, ...] = ()  # the data versions of what it holds (core.versions)
    watermark: datetime | None = None
    seen: dict[tuple[str, int], datetime] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    rebuilding: bool = False


def _state(app: Flask) -> _Index:
    return app.extensions.setdefault("matching_index", _Index())  # type: ignore[no-any-return]


def index_age_seconds() -> float | None:
    """How long ago this process's index was last brought up to date (None: not built in this process)."""
    watermark = _state(current_app).watermark
    return None if watermark is None else (utcnow() - watermark).total_seconds()


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
    """Networks as the engine sees them: name, common challenge and the linked challenges' titles (only those
    every user may see: a suggestion's shared words must not give away a draft's or a staff-only title)."""
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
        .where(network_challenge.c.network_id.in_(ids), Challenge.status.in_(PUBLISHED), Challenge.visibility == "all")
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


def _build_engine() -> tuple[MatchingEngine, str | None]:
    """A full build from the database with the current learnt model (if any), and that model's name."""
    labels = {code: label for code, label in db.session.execute(sa.select(CpvCode.code, CpvCode.label_sv))}
    challenges = _challenge_items(None)
    networks = _network_items(None)
    others = [item for source in _SOURCES.values() for item in source.items(None).values()]
    items = [i for i in [*challenges.values(), *networks.values(), *others] if i is not None]
    model_name = artefacts.current_name(model_dir())
    model, _problem = current_model()
    history = procurements_per_group()
    engine = MatchingEngine(items, labels, COUNTIES, NEIGHBOURS, model=model, history=history)
    return engine, model_name


def _changed_since(since: datetime) -> list[tuple[tuple[str, int], datetime]]:
    """(key, updated_at) of the challenges, networks and organisations changed since ``since``."""
    changed: list[tuple[tuple[str, int], datetime]] = []
    sources = [(source.kind, source.model) for source in _SOURCES.values()]
    for kind, model in (("challenge", Challenge), ("network", Network), ("organisation", Organisation), *sources):
        query = sa.select(model.id, model.updated_at).where(model.updated_at >= since)
        changed += [((kind, id_), at) for id_, at in db.session.execute(query).tuples()]
    return changed


def _changed_items(keys: set[tuple[str, int]]) -> dict[tuple[str, int], Item | None]:
    """Fresh items for changed keys; an organisation's change (its län) refreshes its challenges, a challenge's
    change (its title, whether it is public) the networks it is linked to."""
    challenge_ids = {id_ for kind, id_ in keys if kind == "challenge"}
    organisation_ids = {id_ for kind, id_ in keys if kind == "organisation"}
    network_ids = {id_ for kind, id_ in keys if kind == "network"}
    if challenge_ids:
        network_ids |= set(
            db.session.scalars(
                sa.select(network_challenge.c.network_id).where(network_challenge.c.challenge_id.in_(challenge_ids))
            )
        )
    items: dict[tuple[str, int], Item | None] = {}
    if challenge_ids or organisation_ids:
        where = sa.or_(Challenge.id.in_(challenge_ids), Challenge.organisation_id.in_(organisation_ids))
        items.update({("challenge", id_): item for id_, item in _challenge_items(where).items()})
    if network_ids:
        items.update({("network", id_): item for id_, item in _network_items(Network.id.in_(network_ids)).items()})
    for source in _SOURCES.values():
        ids = sorted(id_ for kind, id_ in keys if kind == source.kind)
        if ids:
            items.update({(source.kind, id_): item for id_, item in source.items(ids).items()})
    return items


def _tokens() -> tuple[str, ...]:
    """The data versions of challenges, networks and organisations: they change with every write of them."""
    names = (*MATCHED_DATA, *sorted(source.data_version for source in _SOURCES.values()))
    return tuple(db.session.execute(sa.select(*token_columns(*names))).one())


def _catch_up(index: _Index) -> None:
    """Feed the engine what changed since it last looked (nothing to ask when no version changed: one
    primary-key read per ranking)."""
    assert index.engine is not None and index.watermark is not None
    tokens = _tokens()
    if tokens == index.tokens:
        return
    now = utcnow()
    fresh = [(key, at) for key, at in _changed_since(index.watermark - LOOKBACK) if index.seen.get(key) != at]
    if fresh:
        items = _changed_items({key for key, _at in fresh})
        index.engine.upsert(item for item in items.values() if item is not None)
        index.engine.remove(key for key, item in items.items() if item is None)
        index.seen.update(fresh)
    index.watermark, index.tokens = now, tokens
    index.seen = {key: at for key, at in index.seen.items() if at >= now - 2 * LOOKBACK}


def _rebuild_in_background(app: Flask, index: _Index) -> None:
    def run() -> None:
        with app.app_context():
            try:
                built = _fresh_build()
            finally:
                db.session.remove()
            with index.lock:
                index.engine, index.model_name, index.watermark, index.seen, index.tokens = built
                index.rebuilding = False

    index.rebuilding = True
    threading.Thread(target=run, name="matching-rebuild", daemon=True).start()


def _current_engine() -> MatchingEngine:
    """This worker's engine, up to date with the database (called with the index lock held)."""
    index = _state(current_app)
    if index.engine is None:
        _build_now(index)
    else:
        _catch_up(index)
        engine = index.engine
        piled_up = engine.pending_changes > max(REBUILD_MINIMUM, REBUILD_SHARE * len(engine))
        newer_model = artefacts.current_name(model_dir()) != index.model_name
        if not index.rebuilding and (piled_up or newer_model):
            _rebuild_in_background(current_app._get_current_object(), index)  # type: ignore[attr-defined]
    assert index.engine is not None
    return index.engine


def prepare(app: Flask) -> None:
    """Have this process's index ready and current: built from the database the first time (or when a newer
    model was trained), else fed what changed. gunicorn's master calls it before it starts each worker
    (gunicorn.conf.py), so every worker starts with a ready index that it shares with the others until it
    changes its own copy; nothing is built inside a request. The master's connections are closed afterwards:
    a worker must not share them."""
    index = _state(app)
    with app.app_context():
        try:
            with index.lock:
                if index.engine is None or artefacts.current_name(model_dir()) != index.model_name:
                    _build_now(index)
                else:
                    _catch_up(index)
        finally:
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    # Everything built so far is kept for the process's life: the garbage collector stops walking it, so a
    # collection in a worker neither pauses a request over hundreds of thousands of objects nor copies the
    # memory pages the workers share with the master.
    gc.freeze()


Built = tuple[MatchingEngine, str | None, datetime, dict[tuple[str, int], datetime], tuple[str, ...]]


def _fresh_build() -> Built:
    """A full build, its watermark, the rows changed just before it that it already holds, and the data
    versions it holds (both read first, so that the next catch-up feeds in only what changed after: not every
    row a large import just wrote)."""
    started = utcnow()
    tokens = _tokens()
    held = dict(_changed_since(started - LOOKBACK))
    engine, model_name = _build_engine()
    return engine, model_name, started, held, tokens


def _build_now(index: _Index) -> None:
    with index.lock:
        index.engine, index.model_name, index.watermark, index.seen, index.tokens = _fresh_build()


def rank(
    query: Item,
    *,
    k: int,
    exclude: Iterable[tuple[str, int]] = (),
    public_only: bool = False,
    kinds: Iterable[str] = CASES,
) -> list[Suggestion]:
    """The best matches for ``query`` of the given kinds among what the database holds now."""
    index = _state(current_app)
    with index.lock:
        return _current_engine().rank(query, k, exclude=exclude, public_only=public_only, kinds=kinds)
