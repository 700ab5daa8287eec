"""Every route has a declared access policy per role and for anonymous visitors, checked against the app.

Add a row here for every new route: the test fails for a route that has none. Outcomes:
LOGIN: sent to the login page; OK: served (2xx/3xx, or 422 for an empty form); 403: forbidden;
404: not found (another organisation's or user's object, or an invalid one-time link).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app import create_app
from blueprints.accounts.models import User, UserSession
from blueprints.accounts.services import create_api_token
from blueprints.challenges.models import Challenge, ChallengeImport
from blueprints.core.db import db
from blueprints.core.models import Job, OutboxEmail
from blueprints.networks.models import Network, NetworkActivity, NetworkMember
from blueprints.organisations.models import Organisation
from tests.conftest import (
    PINNED_NOW,
    ROLE_EMAILS,
    TEST_PASSWORD,
    base_config,
    create_people,
    csrf_token,
    one_test_of,
    queue_reset_email,
    rolled_back,
)

LOGIN, OK = "login", "ok"
ROLES = ("anonymous", "buyer", "facilitator", "manager", "admin")


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def signed_in(**special):
    return {"anonymous": LOGIN, "buyer": OK, "facilitator": OK, "manager": OK, "admin": OK, **special}


def only(*roles):
    return {role: (LOGIN if role == "anonymous" else OK if role in roles else 403) for role in ROLES}


STAFF = only("facilitator", "manager", "admin")
INVITERS = only("facilitator", "admin")
ADMINS = only("admin")
EDITORS = only("buyer", "facilitator", "admin")
REVIEWERS = INVITERS

# endpoint: [(method, url template, outcomes per role), ...]
MATRIX = {
    "site.index": [("GET", "/", signed_in())],
    "site.healthz": [("GET", "/healthz", everyone(OK))],
    "site.readyz": [("GET", "/readyz", everyone(OK))],
    "site.metrics": [("GET", "/metrics", everyone(404))],  # no METRICS_TOKEN: no page (tested with one apart)
    "site.accessibility": [("GET", "/tillganglighet", everyone(OK))],
    "site.set_language": [("POST", "/sprak", everyone(OK))],
    # A background job: its starter (here the admin) and admins follow it; for others it does not exist.
    "site.job": [("GET", "/jobb/{admins_job}", {**signed_in(buyer=404, facilitator=404, manager=404)})],
    # The job has made no file (yet): 404 even for its starter; test_browse downloads a finished export's file.
    "site.job_file": [("GET", "/jobb/{admins_job}/fil", signed_in(buyer=404, facilitator=404, manager=404, admin=404))],
    "statistics.upload": [("GET", "/statistik/import", ADMINS), ("POST", "/statistik/import", ADMINS)],
    # Discovery is for staff; buyers see the statistics only as evidence on their own challenges.
    "discovery.index": [("GET", "/statistik/", STAFF), ("GET", "/statistik/?cpv=60130000&year_from=2021", STAFF)],
    "discovery.export": [
        ("GET", "/statistik/export.csv?cpv=60130000", STAFF),
        ("GET", "/statistik/export.xlsx?cpv=60130000", STAFF),
    ],
    "discovery.invite": [("POST", "/statistik/bjud-in", INVITERS)],
    "discovery.new_network": [("POST", "/statistik/nytt-natverk", INVITERS)],
    "discovery.api_discovery": [
        ("GET", "/api/v1/discovery?cpv=60130000&from=2021&to=2021&k=5", {**STAFF, "anonymous": 401, "buyer": 403}),
    ],
    "accounts.login": [("GET", "/login", everyone(OK)), ("POST", "/login", everyone(OK))],
    "accounts.logout": [("POST", "/logout", signed_in())],
    "accounts.session_status": [("GET", "/session/status", signed_in())],
    "accounts.extend": [("POST", "/session/forlang", signed_in())],
    "accounts.forgot_password": [("GET", "/losenord/glomt", everyone(OK)), ("POST", "/losenord/glomt", everyone(OK))],
    "accounts.reset_password": [
        ("GET", "/losenord/aterstall/not-a-token", everyone(404)),
        ("POST", "/losenord/aterstall/not-a-token", everyone(404)),
    ],
    "accounts.accept_invitation": [
        ("GET", "/inbjudan/not-a-token", everyone(404)),
        ("POST", "/inbjudan/not-a-token", everyone(404)),
    ],
    "accounts.profile": [("GET", "/profil", signed_in())],
    "accounts.update_own_profile": [("POST", "/profil", signed_in())],
    "accounts.change_own_password": [("POST", "/profil/losenord", signed_in())],
    "accounts.end_own_session": [
        ("POST", "/profil/sessioner/{buyer_session}/avsluta", signed_in(facilitator=404, manager=404, admin=404)),
    ],
    "accounts.invite": [("GET", "/anvandare/bjud-in", INVITERS), ("POST", "/anvandare/bjud-in", INVITERS)],
    # No identity provider is configured here: every provider name is unknown (tests/sso/ sign in with real ones).
    "sso.login": [("GET", "/sso/okand/login", everyone(404))],
    "sso.callback": [("GET", "/sso/okand/callback?code=x&state=y", everyone(404))],
    "sso.assertion_consumer": [("POST", "/sso/okand/acs", everyone(404))],  # no CSRF token: the IdP posts it
    "sso.metadata": [("GET", "/sso/okand/metadata", everyone(404))],
    "sso.provider_logout": [("GET", "/sso/okand/logga-ut", everyone(404))],
    "sso.settings": [("GET", "/admin/inloggning", ADMINS)],
    "sso.change_setting": [("POST", "/admin/inloggning/okand", {**ADMINS, "admin": 404})],
    "sso.add_group": [("POST", "/admin/inloggning/okand/grupper", {**ADMINS, "admin": 404})],
    "sso.remove_group": [("POST", "/admin/inloggning/grupper/999999/ta-bort", {**ADMINS, "admin": 404})],
    "organisations.suggestions": [("GET", "/organisationer/forslag?field=organisation&organisation=kommun", STAFF)],
    "organisations.index": [("GET", "/organisationer/", STAFF)],
    "organisations.detail": [
        ("GET", "/organisationer/{home}", signed_in()),
        ("GET", "/organisationer/{other}", signed_in(buyer=404)),
    ],
    "organisations.create": [("GET", "/organisationer/ny", INVITERS), ("POST", "/organisationer/ny", INVITERS)],
    "organisations.edit": [
        ("GET", "/organisationer/{home}/redigera", INVITERS),
        ("POST", "/organisationer/{home}/redigera", INVITERS),
    ],
    "challenges.index": [("GET", "/utmaningar/", signed_in())],
    "challenges.export": [
        ("GET", "/utmaningar/export.csv", signed_in()),
        ("GET", "/utmaningar/export.xlsx", signed_in()),
        ("POST", "/utmaningar/export.xlsx", signed_in()),  # a long list, made by the worker
    ],
    "challenges.create": [("GET", "/utmaningar/ny", EDITORS), ("POST", "/utmaningar/ny", EDITORS)],
    "challenges.validate_field": [("POST", "/utmaningar/falt/title", EDITORS)],
    "challenges.detail": [
        ("GET", "/utmaningar/{home_draft}", signed_in()),
        ("GET", "/utmaningar/{other_draft}", signed_in(buyer=404)),
        ("GET", "/utmaningar/{other_staff_only}", signed_in(buyer=404)),
        ("GET", "/utmaningar/{other_public}", signed_in()),
    ],
    "challenges.edit": [
        ("GET", "/utmaningar/{home_draft}/redigera", EDITORS),
        ("POST", "/utmaningar/{home_draft}/redigera", EDITORS),
        ("GET", "/utmaningar/{other_draft}/redigera", {**EDITORS, "buyer": 404}),
        ("GET", "/utmaningar/{other_public}/redigera", {**EDITORS, "buyer": 403}),
    ],
    "challenges.queue": [("GET", "/utmaningar/granskning", STAFF)],
    "challenges.decide_view": [
        ("GET", "/utmaningar/{other_public}/beslut", REVIEWERS),
        ("POST", "/utmaningar/{other_public}/beslut", REVIEWERS, {"action": "review"}),
    ],
    "challenges.follow": [
        ("POST", "/utmaningar/{other_public}/folj", signed_in()),
        ("POST", "/utmaningar/{other_draft}/folj", signed_in(buyer=404)),
    ],
    "challenges.same_need": [("POST", "/utmaningar/{other_public}/samma-behov", only("buyer"))],
    "challenges.withdraw": [
        ("POST", "/utmaningar/{other_public}/dra-tillbaka", only()),  # only its own organisation, while submitted
    ],
    "challenges.comment": [("POST", "/utmaningar/{other_public}/kommentarer", REVIEWERS)],
    "challenges.import_upload": [("GET", "/utmaningar/import", REVIEWERS), ("POST", "/utmaningar/import", REVIEWERS)],
    "challenges.import_confirm": [("POST", "/utmaningar/import/{facilitators_import}", {**REVIEWERS, "admin": 404})],
    "vocabulary.cpv_search": [("GET", "/cpv/sok?q=städ", signed_in())],
    "networks.suggestions": [("GET", "/utmaningar/{other_public}/forslag", STAFF)],
    "networks.act_on_suggestion": [("POST", "/utmaningar/{other_public}/forslag", INVITERS, {"action": "create"})],
    "networks.similar": [("POST", "/utmaningar/liknande", EDITORS, {"title": "Skolskjuts"})],
    "networks.cpv_proposals": [("POST", "/utmaningar/cpv-forslag", EDITORS, {"title": "Skolskjuts"})],
    "networks.model": [("GET", "/admin/matchningsmodell", ADMINS), ("POST", "/admin/matchningsmodell", ADMINS)],
    "networks.index": [("GET", "/natverk/", signed_in())],
    "networks.create": [("GET", "/natverk/ny", INVITERS), ("POST", "/natverk/ny", INVITERS)],
    "networks.detail": [
        ("GET", "/natverk/{open_network}", signed_in()),
        ("GET", "/natverk/{closed_network}", signed_in(buyer=404)),
    ],
    "networks.edit": [
        ("GET", "/natverk/{closed_network}/redigera", INVITERS),
        ("POST", "/natverk/{closed_network}/redigera", INVITERS),
    ],
    "networks.phase": [("POST", "/natverk/{closed_network}/fas", INVITERS)],
    "networks.checklist": [
        ("POST", "/natverk/{closed_network}/checklista", INVITERS, {"phase": "initiera", "item": "host", "done": "1"})
    ],
    "networks.invite": [("POST", "/natverk/{closed_network}/medlemmar", INVITERS)],
    "networks.update_member": [
        ("POST", "/natverk/{closed_network}/medlemmar/{closed_member}", INVITERS, {"role": "observator"})
    ],
    "networks.answer": [("POST", "/natverk/{open_network}/svar", only("buyer"), {"action": "decline"})],
    # The buyer's organisation is already invited to the open network: nobody here may apply.
    "networks.follow": [
        ("POST", "/natverk/{open_network}/folj", signed_in()),
        ("POST", "/natverk/{closed_network}/folj", signed_in(buyer=404)),
    ],
    "networks.apply": [("POST", "/natverk/{open_network}/ansok", only())],
    "networks.answer_applicant": [
        (
            "POST",
            "/natverk/{closed_network}/ansokningar/{closed_member}",
            INVITERS | {"buyer": 404},
            {"action": "admit"},
        )
    ],
    "networks.link": [("POST", "/natverk/{closed_network}/utmaningar", INVITERS)],
    "networks.unlink": [
        ("POST", "/natverk/{open_network}/utmaningar/{other_public}/ta-bort", {**INVITERS, "admin": 404}),
    ],
    "networks.create_activity": [
        ("GET", "/natverk/{closed_network}/aktiviteter/ny", INVITERS),
        ("POST", "/natverk/{closed_network}/aktiviteter/ny", INVITERS),
    ],
    "networks.edit_activity": [
        ("GET", "/natverk/{closed_network}/aktiviteter/{activity}/redigera", INVITERS),
        ("POST", "/natverk/{closed_network}/aktiviteter/{activity}/redigera", INVITERS),
    ],
    "networks.activity": [("GET", "/natverk/{closed_network}/aktiviteter/{activity}", signed_in(buyer=404))],
    "networks.activity_ics": [("GET", "/natverk/{closed_network}/aktiviteter/{activity}.ics", signed_in(buyer=404))],
    "networks.api_matches": [
        ("GET", "/api/v1/challenges/{other_public}/matches", {**STAFF, "anonymous": 401, "buyer": 403}),
    ],
    "accounts.create_own_api_token": [("POST", "/profil/api-nycklar", STAFF)],
    "accounts.revoke_own_api_token": [
        ("POST", "/profil/api-nycklar/{facilitators_token}/aterkalla", {**STAFF, "manager": 404, "admin": 404}),
    ],
    "support.index": [("GET", "/stod/", signed_in())],
    "support.create": [("GET", "/stod/ny", only("buyer")), ("POST", "/stod/ny", only("buyer"))],
    "support.detail": [
        ("GET", "/stod/{home_request}", signed_in()),
        ("GET", "/stod/{other_request}", signed_in(buyer=404)),
    ],
    "support.withdraw": [
        ("POST", "/stod/{home_request}/dra-tillbaka", only("buyer")),
        ("POST", "/stod/{other_request}/dra-tillbaka", only("buyer") | {"buyer": 404}),
    ],
    "support.attach": [
        ("POST", "/stod/{home_request}/bilagor", signed_in(manager=403)),
        ("POST", "/stod/{other_request}/bilagor", signed_in(buyer=404, manager=403)),
    ],
    "support.attachment": [
        ("GET", "/stod/{home_request}/bilagor/{home_attachment}", signed_in()),
        ("GET", "/stod/{other_request}/bilagor/{other_attachment}", signed_in(buyer=404)),
        (
            "GET",
            "/stod/{home_request}/bilagor/{other_attachment}",
            signed_in(buyer=404, facilitator=404, manager=404, admin=404),
        ),
    ],
    "support.assess": [("POST", "/stod/{home_request}/bedomning", INVITERS)],
    "support.grant": [
        ("GET", "/stod/{home_request}/bevilja", INVITERS),
        ("POST", "/stod/{home_request}/bevilja", INVITERS),
        ("GET", "/stod/{other_request}/bevilja", INVITERS),
    ],
    "support.decline": [("POST", "/stod/{home_request}/avsla", INVITERS)],
    "support.reassign": [("POST", "/stod/{other_request}/facilitator", INVITERS)],
    "support.note": [("POST", "/stod/{home_request}/anteckningar", INVITERS)],
    "support.close": [("POST", "/stod/{other_request}/avsluta", INVITERS)],
    "support.book": [
        ("GET", "/stod/{other_request}/boka", only("buyer", "facilitator") | {"buyer": 404}),
        ("POST", "/stod/{other_request}/boka", only("buyer", "facilitator") | {"buyer": 404}),
        ("GET", "/stod/{home_request}/boka", only("buyer", "facilitator") | {"buyer": 404, "facilitator": 404}),
    ],
    "support.booking": [("GET", "/stod/sessioner/{booking}", signed_in(buyer=404))],
    "support.booking_ics": [("GET", "/stod/sessioner/{booking}.ics", signed_in(buyer=404))],
    "support.reschedule": [
        ("GET", "/stod/sessioner/{booking}/omboka", only("buyer", "facilitator") | {"buyer": 404}),
        ("POST", "/stod/sessioner/{booking}/omboka", only("buyer", "facilitator") | {"buyer": 404}),
    ],
    "support.cancel": [("POST", "/stod/sessioner/{booking}/avboka", only("buyer", "facilitator") | {"buyer": 404})],
    "support.follow_up": [("POST", "/stod/sessioner/{booking}/uppfoljning", only("facilitator", "admin"))],
    "support.sessions": [("GET", "/stod/sessioner/", signed_in())],
    "support.availability": [("GET", "/stod/tillganglighet", only("facilitator"))],
    "support.rules": [("POST", "/stod/tillganglighet/regler", only("facilitator"))],
    "support.add_window_view": [("POST", "/stod/tillganglighet/arbetstider", only("facilitator"))],
    "support.delete_window": [("POST", "/stod/tillganglighet/arbetstider/{window}/ta-bort", only("facilitator"))],
    "support.add_exception_view": [("POST", "/stod/tillganglighet/undantag", only("facilitator"))],
    "support.delete_exception": [
        ("POST", "/stod/tillganglighet/undantag/{exception}/ta-bort", only("facilitator")),
    ],
    "support.calendar_link": [("POST", "/stod/tillganglighet/kalender", only("facilitator"))],
    "support.calendar_feed": [("GET", "/kalender/not-a-token.ics", everyone(404))],
    "support.feedback": [
        ("GET", "/aterkoppling/not-a-token", everyone(404)),
        ("POST", "/aterkoppling/not-a-token", everyone(404)),
    ],
    "dashboards.index": [("GET", "/oversikt/", STAFF), ("GET", "/oversikt/?county=14&period=ar", STAFF)],
    "dashboards.report": [("GET", "/oversikt/rapport", STAFF)],
    "dashboards.export": [
        ("GET", "/oversikt/export/alla.xlsx", STAFF),
        ("GET", "/oversikt/export/nyckeltal.csv", STAFF),
        ("GET", "/oversikt/export/belaggning.xlsx", STAFF),
    ],
    "admin.users": [("GET", "/admin/anvandare", ADMINS)],
    "admin.user_detail": [("GET", "/admin/anvandare/{buyer}", ADMINS), ("POST", "/admin/anvandare/{buyer}", ADMINS)],
    "admin.toggle_user_active": [("POST", "/admin/anvandare/{manager}/aktiv", ADMINS)],
    "admin.need_areas": [("GET", "/admin/behovsomraden", ADMINS)],
    "admin.create_need_area": [("POST", "/admin/behovsomraden", ADMINS)],
    "admin.edit_need_area": [
        ("GET", "/admin/behovsomraden/{area}", ADMINS),
        ("POST", "/admin/behovsomraden/{area}", ADMINS),
    ],
    "admin.toggle_need_area": [("POST", "/admin/behovsomraden/{area}/status", ADMINS)],
    "admin.audit_log": [("GET", "/admin/logg", ADMINS)],
    "admin.outbox": [("GET", "/admin/e-post", ADMINS)],
    "admin.operations": [("GET", "/admin/drift", ADMINS)],
    "admin.retry_email": [("POST", "/admin/e-post/{email}/forsok-igen", ADMINS)],
    "admin.email_message": [("GET", "/admin/e-post/{email}", ADMINS)],
    "admin.email_html": [("GET", "/admin/e-post/{email}/html", ADMINS)],
    # The knowledge hub: published public articles for everyone; signed-in ones after login; staff-only ones and
    # drafts only for staff; writing and the workflow for facilitators and admins.
    "knowledge.index": [("GET", "/kunskap/", everyone(OK)), ("GET", "/kunskap/?q=n%C3%A4t&kind=nyhet", everyone(OK))],
    "knowledge.feed": [("GET", "/kunskap/flode.atom", everyone(OK))],
    "knowledge.article": [
        ("GET", "/kunskap/{public_article}", everyone(OK)),
        ("GET", "/kunskap/{signed_in_article}", signed_in()),
        ("GET", "/kunskap/{staff_article}", {**signed_in(buyer=404), "anonymous": 404}),
        ("GET", "/kunskap/{draft_article}", {**signed_in(buyer=404), "anonymous": 404}),
    ],
    "knowledge.attachment": [
        ("GET", "/kunskap/{public_article}/bilagor/{public_attachment}", everyone(OK)),
        ("GET", "/kunskap/{draft_article}/bilagor/{draft_attachment}", {**signed_in(buyer=404), "anonymous": 404}),
        ("GET", "/kunskap/{public_article}/bilagor/{draft_attachment}", everyone(404)),
    ],
    "knowledge.related": [
        ("GET", "/kunskap/relaterade/utmaning/{other_public}", signed_in()),
        ("GET", "/kunskap/relaterade/utmaning/{other_draft}", signed_in(buyer=404)),
        ("GET", "/kunskap/relaterade/stod/{other_request}", signed_in(buyer=404)),
        ("GET", "/kunskap/relaterade/natverk/{closed_network}", signed_in(buyer=404)),
    ],
    "knowledge.editorial": [("GET", "/kunskap/redaktion", STAFF)],
    "knowledge.create": [("GET", "/kunskap/ny", INVITERS), ("POST", "/kunskap/ny", INVITERS)],
    "knowledge.edit": [
        ("GET", "/kunskap/{draft_article}/redigera", INVITERS),
        ("POST", "/kunskap/{draft_article}/redigera", INVITERS),
    ],
    "knowledge.preview": [("POST", "/kunskap/forhandsvisning", INVITERS, {"body": "# Rubrik"})],
    "knowledge.status": [("POST", "/kunskap/{draft_article}/status", INVITERS, {"action": "submit"})],
    "knowledge.consent": [("POST", "/kunskap/{draft_article}/samtycke", INVITERS, {"given_by": "Anna"})],
    "knowledge.versions": [("GET", "/kunskap/{draft_article}/versioner", STAFF)],
    "knowledge.version": [("GET", "/kunskap/{draft_article}/versioner/1", STAFF)],
    "knowledge.attach": [("POST", "/kunskap/{draft_article}/bilagor", INVITERS)],
    # The roles run in turn in one case: after the facilitator removed it, it is gone for the admin.
    "knowledge.detach": [
        ("POST", "/kunskap/{draft_article}/bilagor/{draft_attachment}/ta-bort", {**INVITERS, "admin": 404}),
    ],
    "knowledge.from_request": [("POST", "/kunskap/ny/fran-stod/{other_request}", INVITERS)],
    "knowledge.from_network": [("POST", "/kunskap/ny/fran-natverk/{closed_network}", INVITERS)],
    # A network's own knowledge: its members (the buyer's organisation is invited to the open one) and staff.
    "knowledge.network_knowledge": [
        ("GET", "/natverk/{open_network}/kunskap", signed_in()),
        ("GET", "/natverk/{closed_network}/kunskap", signed_in(buyer=404)),
    ],
    "knowledge.add_network_note": [
        ("POST", "/natverk/{open_network}/kunskap", signed_in()),
        ("POST", "/natverk/{closed_network}/kunskap", signed_in(buyer=404)),
    ],
    "knowledge.delete_network_note": [
        # Staff may remove any note; once the facilitator has, it is gone for the next roles.
        ("POST", "/natverk/{closed_network}/kunskap/{note}/ta-bort", signed_in(buyer=404, manager=404, admin=404)),
    ],
    "knowledge.propose_network_note": [
        ("POST", "/natverk/{closed_network}/kunskap/{note}/foresla", signed_in(buyer=404)),
    ],
    "knowledge.add_network_document": [("POST", "/natverk/{closed_network}/kunskap/dokument", signed_in(buyer=404))],
    "knowledge.network_document": [
        ("GET", "/natverk/{closed_network}/kunskap/dokument/{network_document}", signed_in(buyer=404)),
    ],
}

CASES = [
    pytest.param(endpoint, row[0], row[1], row[2], row[3] if len(row) > 3 else {}, id=f"{endpoint}-{row[0]}-{n}")
    for endpoint, rows in MATRIX.items()
    for n, row in enumerate(rows)
]


def test_every_route_has_a_declared_policy(database_url):
    app = create_app(base_config(database_url))
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert sorted(endpoints - set(MATRIX)) == [], "routes without a row in the authorisation matrix"
    assert sorted(set(MATRIX) - endpoints) == [], "rows for routes that no longer exist"
    for endpoint in endpoints:
        assert getattr(app.view_functions[endpoint], "access_policy", None), f"{endpoint} declares no policy"
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        declared = {row[0] for row in MATRIX[rule.endpoint]}
        assert (rule.methods or set()) - {"HEAD", "OPTIONS"} <= declared, rule


def test_undeclared_view_is_denied_by_default(database_url):
    app = create_app(base_config(database_url))
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert app.test_client().get("/forgotten").status_code == 403


@dataclass(frozen=True)
class World:
    """What every case of the matrix needs, built once per module and backend: the objects the URLs refer to,
    and for each role a signed-in browser's session cookie with its CSRF token (anonymous: a visitor's)."""

    connection: sa.Connection
    objects: dict[str, int]
    sessions: dict[str, tuple[str, str]]


def _browser_session(app, role) -> tuple[str, str]:
    client = app.test_client()
    token = csrf_token(client)
    if role != "anonymous":
        client.post("/login", data={"email": ROLE_EMAILS[role], "password": TEST_PASSWORD, "csrf_token": token})
        token = csrf_token(client)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return cookie.value, token


@pytest.fixture(scope="module")
def world(shared_app) -> Iterator[World]:
    """The objects, people and signed-in sessions, in a transaction rolled back after the module's cases.

    Made at one instant (the clock stands still meanwhile) half a minute before the pinned moment every case
    starts from: a session cookie signed later than a case's clock reads would be "from the future" and refused
    (which happened whenever making the world took longer than a second, on a busy machine). Within a minute of
    that instant a request does not record the session's activity (at most once a minute): with ten minutes,
    every case's first request wrote it and then read the session and user again (a tenth of the matrix's and
    the fuzz test's time)."""
    with time_machine.travel(PINNED_NOW - timedelta(seconds=30), tick=False), rolled_back(shared_app) as connection:
        objects = _objects(shared_app, create_people(shared_app))
        sessions = {role: _browser_session(shared_app, role) for role in ROLES}
        yield World(connection, objects, sessions)


@pytest.fixture
def case(world, shared_app) -> Iterator[World]:
    """One case: whatever it changes (a logout, a new row) is rolled back before the next."""
    with one_test_of(shared_app):
        nested = world.connection.begin_nested()
        yield world
        nested.rollback()


def _objects(app, people):
    """The objects the URLs refer to, plus a second session of the buyer's."""
    from blueprints.admin.services import add_need_area

    other_browser = app.test_client()
    other_browser.post(
        "/login",
        data={"email": "buyer@example.org", "password": TEST_PASSWORD, "csrf_token": csrf_token(other_browser)},
    )
    with app.test_request_context():
        area = add_need_area(name="Energi")
        queue_reset_email("x@example.org")
        challenges = {
            "home_draft": Challenge(title="Utkast", organisation_id=people["home"].id, status="draft"),
            "other_draft": Challenge(title="Annans utkast", organisation_id=people["other"].id, status="draft"),
            "other_staff_only": Challenge(
                title="Intern", organisation_id=people["other"].id, status="submitted", visibility="staff"
            ),
            "other_public": Challenge(title="Publik", organisation_id=people["other"].id, status="submitted"),
        }
        db.session.add_all(challenges.values())
        upload = ChallengeImport(created_by_id=people["facilitator"], filename="tom.csv", content=b"")
        db.session.add(upload)
        db.session.flush()
        networks = _networks(people, challenges["other_public"])
        support = _support(app, people)
        knowledge = _knowledge(people, networks["closed"])
        token, _secret = create_api_token(user=db.session.get(User, people["facilitator"]), name="Test")
        job = Job(kind="statistics.import", created_by_id=people["admin"], payload_name="statistik.xlsx")
        db.session.add(job)
        db.session.commit()
        return {
            **{name: c.id for name, c in challenges.items()},
            "facilitators_import": upload.id,
            "home": people["home"].id,
            "other": people["other"].id,
            "buyer": people["buyer"],
            "manager": people["manager"],
            "area": area.id,
            "email": db.session.scalar(sa.select(OutboxEmail.id)),
            "buyer_session": db.session.scalar(sa.select(UserSession.id)),
            "open_network": networks["open"].id,
            "closed_network": networks["closed"].id,
            "closed_member": networks["closed"].members[-1].id,
            "activity": networks["closed"].activities[0].id,
            "facilitators_token": token.id,
            "admins_job": job.id,
            **{name: row.id for name, row in support.items()},
            **{name: row.id for name, row in knowledge.items()},
        }


def _networks(people, linked_challenge):
    """An open network that the buyer's organisation is invited to (with a linked challenge), and a closed one
    of another organisation with a member and an activity."""
    from datetime import UTC, datetime

    facilitator = db.session.get(User, people["facilitator"])
    open_network = Network(name="Öppet", common_challenge="x", host_organisation_id=people["other"].id)
    open_network.members.append(NetworkMember(organisation_id=people["home"].id, role="medlem", status="inbjuden"))
    open_network.challenges.append(linked_challenge)
    third = Organisation(name="Lunds kommun", org_number="2120001132", kind="kommun", county_code="12")
    closed = Network(name="Slutet", common_challenge="y", is_open=False, host_organisation_id=people["other"].id)
    closed.members.append(NetworkMember(organisation_id=people["other"].id, role="vard", status="aktiv"))
    closed.members.append(NetworkMember(organisation=third, role="medlem", status="aktiv"))
    closed.activities.append(
        NetworkActivity(
            kind="natverksmote",
            title="Möte",
            starts_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
            ends_at=datetime(2026, 12, 1, 10, tzinfo=UTC),
            created_by_id=facilitator.id,
        )
    )
    db.session.add_all([open_network, closed])
    db.session.flush()
    return {"open": open_network, "closed": closed}


def _support(app, people):
    """A received request of the buyer's organisation and a granted one of another organisation, each with a
    document; a booked session of the other one; the facilitator's working window and absence."""
    from datetime import time
    from pathlib import Path

    from blueprints.core.db import utcnow
    from blueprints.support.models import (
        AvailabilityException,
        AvailabilityWindow,
        Booking,
        SupportAttachment,
        SupportRequest,
    )

    def request(organisation, serial, status, facilitator_id=None):
        row = SupportRequest(
            diary_number=f"UM 2026/{serial:04d}",
            diary_year=2026,
            diary_serial=serial,
            title="Projekt",
            description="x",
            phase="behovsanalys",
            format="digitalt",
            status=status,
            organisation_id=organisation.id,
            facilitator_id=facilitator_id,
        )
        row.support_kinds = ["workshop"]
        key = f"matrix-{serial}-{organisation.id}"
        Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
        (Path(app.config["UPLOAD_DIR"]) / key).write_bytes(b"%PDF-1.4")
        row.attachments.append(
            SupportAttachment(
                filename="a.pdf", content_type="application/pdf", size_bytes=8, sha256="0" * 64, storage_key=key
            )
        )
        return row

    home = request(people["home"], 1, "inkommen")
    other = request(people["other"], 2, "pagar", people["facilitator"])
    start = utcnow() + timedelta(days=30)
    booking = Booking(
        request=other,
        facilitator_id=people["facilitator"],
        kind="workshop",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        blocked_until=start + timedelta(hours=1),
    )
    window = AvailabilityWindow(facilitator_id=people["facilitator"], weekday=0, start_time=time(9), end_time=time(12))
    exception = AvailabilityException(
        facilitator_id=people["facilitator"], kind="franvaro", starts_at=start, ends_at=start + timedelta(days=1)
    )
    db.session.add_all([home, other, booking, window, exception])
    db.session.flush()
    return {
        "home_request": home,
        "other_request": other,
        "home_attachment": home.attachments[0],
        "other_attachment": other.attachments[0],
        "booking": booking,
        "window": window,
        "exception": exception,
    }


def _knowledge(people, network):
    """Articles of each visibility and status, with attachments; a note and a document of the closed network."""
    from blueprints.knowledge.constants import PUBLIC, PUBLISHED, SIGNED_IN, STAFF_ONLY
    from blueprints.knowledge.models import Article, ArticleAttachment, ArticleVersion, NetworkDocument, NetworkNote

    def article(title, status, visibility):
        row = Article(
            kind="nyhet",
            title=title,
            summary="s",
            body="b",
            body_html="<p>b</p>",
            status=status,
            visibility=visibility,
            version_number=1,
        )
        row.versions.append(ArticleVersion(number=1, kind="nyhet", visibility=visibility, title=title, tags={}))
        row.attachments.append(
            ArticleAttachment(
                filename="a.pdf", content_type="application/pdf", size_bytes=8, sha256="0" * 64, content=b"%PDF-1.4"
            )
        )
        return row

    rows = {
        "public_article": article("Publik", PUBLISHED, PUBLIC),
        "signed_in_article": article("Inloggade", PUBLISHED, SIGNED_IN),
        "staff_article": article("Personal", PUBLISHED, STAFF_ONLY),
        "draft_article": article("Utkast", "utkast", PUBLIC),
    }
    note = NetworkNote(network_id=network.id, topic="priser", title="Priser", body="x", body_html="<p>x</p>")
    document = NetworkDocument(
        network_id=network.id,
        filename="a.pdf",
        content_type="application/pdf",
        size_bytes=8,
        sha256="0" * 64,
        content=b"%PDF-1.4",
    )
    db.session.add_all([*rows.values(), note, document])
    db.session.flush()
    return {
        **rows,
        "public_attachment": rows["public_article"].attachments[0],
        "draft_attachment": rows["draft_article"].attachments[0],
        "note": note,
        "network_document": document,
    }


def _outcome(response) -> str | int:
    location = response.headers.get("Location", "")
    # The access check answers 302 to the login page; views answer 303 after a successful POST.
    if response.status_code == 302 and location.startswith("/login"):
        return LOGIN
    if response.status_code in (403, 404):
        return response.status_code
    if response.status_code < 400 or response.status_code == 422:
        return OK
    return response.status_code


@pytest.mark.parametrize(("endpoint", "method", "url", "outcomes", "extra"), CASES)
def test_matrix(shared_app, case, endpoint, method, url, outcomes, extra):
    path = url.format(**case.objects)
    for role in ROLES:
        cookie, token = case.sessions[role]
        client = shared_app.test_client()  # a browser of its own, signed in as the role
        client.set_cookie(shared_app.config["SESSION_COOKIE_NAME"], cookie)
        data = None if method == "GET" else {"csrf_token": token, **extra}
        response = client.open(path, method=method, data=data)
        assert _outcome(response) == outcomes[role], f"{role} {method} {path}: {response.status_code}"
