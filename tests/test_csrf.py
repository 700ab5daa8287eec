"""CSRF: every state-changing route refuses a request without a valid token, for forms and htmx alike."""

import pytest
import sqlalchemy as sa

from app import create_app
from blueprints.core.db import db
from blueprints.vocabulary.models import NeedArea
from tests.conftest import TEST_PASSWORD, base_config, csrf_token

# Routes without a token, each for a reason: the SAML IdP's answer is a cross-site POST from the IdP's page; it is
# bound to an authentication request of ours kept in the database and used once instead (tests/sso/test_saml.py).
EXEMPT = {("POST", "/sso/x/acs")}


def test_only_the_listed_routes_are_exempt(database_url):
    app = create_app(base_config(database_url))
    exempt_views = app.extensions["csrf"]._exempt_views
    exempt = {
        (method, url)
        for method, url, endpoint in _state_changing_rules(database_url, with_endpoints=True)
        if f"{app.view_functions[endpoint].__module__}.{app.view_functions[endpoint].__name__}" in exempt_views
    }
    assert exempt == EXEMPT


def _state_changing_rules(database_url, with_endpoints=False):
    app = create_app(base_config(database_url))
    rules = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            url = rule.rule
            for argument in rule.arguments:
                url = url.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "x")
            rules.append((method, url, rule.endpoint) if with_endpoints else (method, url))
    return rules if with_endpoints else [rule for rule in rules if rule not in EXEMPT]


def test_there_are_state_changing_routes_to_check(database_url):
    assert len(_state_changing_rules(database_url)) >= 15


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "admin"])
def test_every_state_changing_route_requires_a_token(app, database_url, people, signed_in):
    client = app.test_client()
    if signed_in:
        client.post(
            "/login", data={"email": "admin@example.org", "password": TEST_PASSWORD, "csrf_token": csrf_token(client)}
        )
        assert client.get("/profil").status_code == 200
    for method, url in _state_changing_rules(database_url):
        missing = client.open(url, method=method, data={"name": "x"})
        assert missing.status_code == 400, (method, url, missing.status_code)
        assert "Formuläret har gått ut" in missing.get_data(as_text=True)
        forged = client.open(url, method=method, data={"csrf_token": "forged"}, headers={"X-CSRFToken": "forged"})
        assert forged.status_code == 400, (method, url)


def test_htmx_requests_use_the_header(app, client, auth, people):
    auth.login("admin@example.org")
    token = csrf_token(client)
    headers = {"HX-Request": "true", "HX-Request-Type": "partial"}
    refused = client.post("/admin/behovsomraden", data={"name": "Energi"}, headers=headers)
    assert refused.status_code == 400 and 'role="alert"' in refused.get_data(as_text=True)
    accepted = client.post("/admin/behovsomraden", data={"name": "Energi"}, headers={**headers, "X-CSRFToken": token})
    assert accepted.status_code == 303
    with app.app_context():
        assert db.session.scalars(sa.select(NeedArea.name)).all() == ["Energi"]


def test_refused_request_writes_nothing(app, client, auth, people):
    auth.login("admin@example.org")
    client.post("/admin/behovsomraden", data={"name": "Energi"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NeedArea)) == 0


def test_token_is_in_every_page_for_htmx(client, auth, people):
    auth.login("buyer@example.org")
    html = client.get("/").get_data(as_text=True)
    assert 'hx-headers:inherited=\'{"X-CSRFToken": "' in html
