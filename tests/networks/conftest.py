"""Fixtures for networks: need areas and challenges (shared with the challenge tests), a network factory."""

import pytest

from blueprints.core.db import db
from blueprints.networks.models import Network, NetworkMember
from tests.challenges.conftest import areas, make_challenge  # noqa: F401 (fixtures)


@pytest.fixture
def make_network(app, people):
    """Create a network hosted by an organisation ("home" or "other") with extra members; returns its id."""

    def make(name="Skolskjutsnätverket", host="other", members=(), is_open=True, **fields):
        with app.app_context():
            network = Network(
                name=name,
                common_challenge=fields.pop("common_challenge", "Fossilfri skolskjuts"),
                host_organisation_id=people[host].id,
                is_open=is_open,
                **fields,
            )
            network.members.append(NetworkMember(organisation_id=people[host].id, role="vard", status="aktiv"))
            for organisation, status in members:
                network.members.append(
                    NetworkMember(organisation_id=people[organisation].id, role="medlem", status=status)
                )
            db.session.add(network)
            db.session.commit()
            return network.id

    return make
