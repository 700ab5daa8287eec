"""Data versions: a write of a watched kind of data gives it a new token in the same transaction (collections
included), a rolled-back write leaves the old token, and a figure kept by version follows every change."""

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.core.models import DataVersion
from blueprints.core.versions import token_columns
from blueprints.networks.models import Network, NetworkMember
from blueprints.vocabulary.models import CpvCode


def _tokens():
    return db.session.execute(sa.select(*token_columns("networks", "organisations", "statistics"))).one()


def test_writing_a_watched_row_or_collection_renews_its_token(app_ctx, people):
    before = _tokens()
    network = Network(name="Skolskjuts", common_challenge="Skolskjuts")
    db.session.add(network)
    db.session.commit()
    created = _tokens()
    assert created.version_networks != before.version_networks
    assert created.version_statistics == before.version_statistics  # another kind: untouched

    network.cpv_codes = [db.session.get(CpvCode, "60130000")]  # only the association table changes
    db.session.commit()
    assert _tokens().version_networks != created.version_networks

    unchanged = _tokens()
    db.session.get(Network, network.id)  # read, not written
    db.session.commit()
    assert _tokens() == unchanged


def test_a_rolled_back_write_leaves_the_old_token(app_ctx, people):
    network = Network(name="Skolskjuts", common_challenge="Skolskjuts")
    db.session.add(network)
    db.session.commit()
    kept = _tokens().version_networks
    network.members.append(NetworkMember(organisation_id=people["home"].id, role="vard", status="aktiv"))
    db.session.flush()
    assert _tokens().version_networks != kept
    db.session.rollback()
    assert _tokens().version_networks == kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DataVersion)) >= 1
