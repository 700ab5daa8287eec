"""At most 10 SQL statements per request on every support page (DESIGN's limit), counted on a real database:
no page runs a query per row or per facilitator."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.support.models import SupportNote, SupportRequestEvent

LIMIT = 10
# Each test runs inside a transaction with savepoints (tests/conftest.py): those statements are the test's.
TEST_TRANSACTION_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def busy_request(app, people, make_user, make_request, make_session, working_week):
    """A granted request with several sessions, notes and history entries by different people, and a second
    facilitator, so that per-row queries would show."""
    make_user("facilitator2@example.org", ("facilitator",), name="Frida Facilitator")
    request_id = make_request(granted=True)
    booking_id, *_later = (make_session(request_id, timedelta(days=day)) for day in range(3, 6))
    with app.app_context():
        for author in ("facilitator", "admin"):
            db.session.add(SupportNote(request_id=request_id, author_id=people[author], body="Anteckning"))
            db.session.add(SupportRequestEvent(request_id=request_id, actor_id=people[author], status="pagar"))
        db.session.commit()
    return {"granted": request_id, "waiting": make_request(title="Väntar"), "booking": booking_id}


def _count(app, client, path, headers=None):
    with app.app_context():
        engine = db.engine
    client.get(path, headers=headers)  # warm caches (CPV labels, translations)
    statements: list[str] = []

    def record(*args):
        if not args[2].lstrip().upper().startswith(TEST_TRANSACTION_STATEMENTS):
            statements.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(path, headers=headers)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, path
    return len(statements)


@pytest.mark.parametrize(
    ("email", "path", "partial"),
    [
        ("facilitator@example.org", "/stod/", False),
        ("facilitator@example.org", "/stod/?status=pagar&kind=workshop", True),
        ("facilitator@example.org", "/stod/{granted}", False),
        ("facilitator@example.org", "/stod/{waiting}", False),
        ("facilitator@example.org", "/stod/{waiting}/bevilja", False),
        ("facilitator@example.org", "/stod/{waiting}/bevilja", True),
        ("facilitator@example.org", "/stod/{granted}/boka", False),
        ("facilitator@example.org", "/stod/{granted}/boka?vecka=2030-W02", True),
        ("facilitator@example.org", "/stod/sessioner/{booking}", False),
        ("facilitator@example.org", "/stod/sessioner/{booking}/omboka", False),
        ("facilitator@example.org", "/stod/sessioner/", False),
        ("facilitator@example.org", "/stod/tillganglighet", False),
        ("buyer@example.org", "/stod/", False),
        ("buyer@example.org", "/stod/ny", False),
        ("buyer@example.org", "/stod/{granted}", False),
        ("buyer@example.org", "/stod/{granted}/boka", False),
        ("buyer@example.org", "/stod/sessioner/", False),
    ],
)
def test_support_pages_stay_within_ten_statements(app, client, auth, busy_request, email, path, partial):
    auth.login(email)
    count = _count(app, client, path.format(**busy_request), PARTIAL if partial else None)
    assert count <= LIMIT, f"{path}: {count} SQL statements"


@pytest.mark.parametrize(
    ("email", "path", "partial"),
    [
        ("manager@example.org", "/oversikt/", False),
        ("manager@example.org", "/oversikt/?period=ar&county=14&need_area={area}&org_kind=kommun", True),
        ("manager@example.org", "/oversikt/rapport?period=egen&start=2025-01-01&end=2025-12-31", False),
        ("manager@example.org", "/oversikt/export/alla.xlsx", False),
        ("facilitator@example.org", "/", False),
        ("buyer@example.org", "/", False),
    ],
)
def test_dashboard_and_start_pages_stay_within_the_limit(app, client, auth, busy_request, areas, email, path, partial):
    auth.login(email)
    path = path.format(area=areas["Fossilfria transporter"])
    assert _count(app, client, path, PARTIAL if partial else None) <= LIMIT
