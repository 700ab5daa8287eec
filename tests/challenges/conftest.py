"""Fixtures for challenges: need areas and a challenge factory."""

import pytest

from blueprints.challenges.models import Challenge, challenge_search_text
from blueprints.core.db import db
from blueprints.vocabulary.models import CpvCode, NeedArea


@pytest.fixture
def areas(app):
    """Two need areas; returns {name: id}."""
    with app.app_context():
        rows = [NeedArea(name="Fossilfria transporter"), NeedArea(name="Livsmedel och måltider")]
        db.session.add_all(rows)
        db.session.commit()
        return {a.name: a.id for a in rows}


@pytest.fixture
def make_challenge(app, people):
    """Create a challenge (default: Göteborg's, submitted, visible to all); returns its id."""

    def make(title="Fossilfri skolskjuts", organisation="home", status="submitted", codes=("60130000",), **fields):
        with app.app_context():
            cpv = [db.session.get(CpvCode, c) for c in codes]
            challenge = Challenge(
                title=title,
                organisation_id=people[organisation].id,
                status=status,
                cpv_codes=cpv,
                created_by_id=fields.pop("created_by_id", people["buyer"] if organisation == "home" else None),
                search_text=challenge_search_text(title, fields.get("description", ""), cpv),
                **fields,
            )
            db.session.add(challenge)
            db.session.commit()
            return challenge.id

    return make
