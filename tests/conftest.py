"""Fixtures: one migrated database per backend (SQLite always, PostgreSQL with TEST_DATABASE_URL), the app,
a client, factories and a login helper. Every test that uses ``app`` runs once per backend."""

import functools
import gc
import itertools
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from app import create_app

TEST_PASSWORD = "correct horse battery"
FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}
IN_CI = os.environ.get("CI", "").lower() == "true"
# Every test starts at this moment (a Tuesday, 10:00 Swedish summer time, far from holidays and clock changes) and
# the clock runs on from there, so no result depends on the day or hour the suite runs.
PINNED_NOW = datetime(2026, 9, 8, 8, 0, tzinfo=UTC)


def _backends() -> list[Any]:
    backends: list[Any] = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        backends.append("postgresql")
    elif IN_CI:
        raise RuntimeError("CI must set TEST_DATABASE_URL so that every database test also runs on PostgreSQL.")
    else:
        backends.append(pytest.param("postgresql", marks=pytest.mark.skip(reason="TEST_DATABASE_URL is not set")))
    return backends


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``one_database`` run on one database: PostgreSQL (production's) when it is there, else
    SQLite. The browser tests are such tests (what they check, pages, keyboard, focus and axe-core, is the
    same on both, and every request they make is also tested over HTTP on both databases; running them twice
    cost a third of the suite's time), and so are the process tests of gunicorn. Tests marked
    ``postgresql_only`` (a database server that goes away, pg_dump) have no SQLite run at all. The runs left
    out are reported as deselected."""
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    on_sqlite = [
        item
        for item in items
        if any(item.get_closest_marker(name) for name in ("one_database", "browser", "postgresql_only"))
        and getattr(item, "callspec", None) is not None
        and item.callspec.params.get("database_url") == "sqlite"
    ]
    if on_sqlite:
        config.hook.pytest_deselected(items=on_sqlite)
        dropped = set(on_sqlite)
        items[:] = [item for item in items if item not in dropped]


@pytest.fixture(autouse=True)
def _postgresql_only(request: pytest.FixtureRequest) -> None:
    """Without TEST_DATABASE_URL a ``postgresql_only`` test's SQLite run is skipped, with the reason."""
    callspec = getattr(request.node, "callspec", None)
    if (
        request.node.get_closest_marker("postgresql_only")
        and callspec
        and callspec.params.get("database_url") == "sqlite"
    ):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): it tests what only a database server does")


def _postgres_url() -> str:
    url = os.environ["TEST_DATABASE_URL"]
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    return url


def base_config(url: str, **overrides: Any) -> dict[str, Any]:
    """Configuration for a test app on the given database."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        "SQLALCHEMY_DATABASE_URI": url,
        "SESSION_COOKIE_SECURE": False,
        "BASE_URL": "http://localhost",
        "UPLOAD_DIR": str(Path(tempfile.gettempdir()) / f"kopkraft-test-uploads-{os.getpid()}"),
        "MATCHING_DIR": str(Path(tempfile.gettempdir()) / f"kopkraft-test-matching-{os.getpid()}-{uuid.uuid4().hex}"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 1,  # nothing listens; tests that deliver start their own SMTP server
        # Tests share one app and reuse ids and clock readings: public pages are not kept between them (the
        # knowledge tests that need it turn it on with the ``page_cache`` fixture).
        "KNOWLEDGE_PAGE_CACHE": 0,
        **FAST_HASHING,
        **overrides,
    }


def migrate_database(url: str) -> None:
    """Run every Alembic migration on an empty database."""
    from flask_migrate import upgrade

    app = create_app(base_config(url))
    with app.app_context():
        upgrade()
        from blueprints.core.db import db

        db.engine.dispose()


def _install_extensions(engine: sa.Engine) -> None:
    """Install pg_trgm and btree_gist in public once, so no test schema owns (and drops) them; two workers may
    race to do it."""
    for extension in ("pg_trgm", "btree_gist"):
        for _attempt in range(3):
            try:
                with engine.begin() as conn:
                    conn.execute(sa.text(f"CREATE EXTENSION IF NOT EXISTS {extension} SCHEMA public"))
                break
            except sa.exc.IntegrityError:
                continue  # the other worker created it at the same moment


@pytest.fixture(autouse=True)
def pinned_clock() -> Iterator[time_machine.Traveller]:
    """Start every test at ``PINNED_NOW``; a test may move on with ``pinned_clock.shift(...)``."""
    with time_machine.travel(PINNED_NOW, tick=True) as traveller:
        yield traveller


@contextmanager
def postgres_schema(prefix: str, *, fast_commits: bool = False) -> Iterator[str]:
    """A new, empty PostgreSQL schema on TEST_DATABASE_URL's server, dropped afterwards; yields its URL.

    public stays on the path for the extensions' operators, installed there once for every test schema. With
    ``fast_commits`` a commit does not wait for the disk (nothing of a test run is kept)."""
    base = _postgres_url()
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    _install_extensions(engine)
    options = f"-csearch_path%3D{schema},public" + ("%20-csynchronous_commit%3Doff" if fast_commits else "")
    try:
        yield f"{base}{'&' if '?' in base else '?'}options={options}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session", params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database on one backend; PostgreSQL gets a private schema for this run."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        migrate_database(url)
        yield url
        end_kept_people()
        return
    with postgres_schema("test", fast_commits=True) as url:
        migrate_database(url)
        yield url
        end_kept_people()  # its open transaction would hold the schema's tables


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database on the same backend that nothing has migrated: a new SQLite file, or a new schema."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        return
    with postgres_schema("fresh") as url:
        yield url


def empty_all_tables(app: Flask) -> None:
    """Delete every row (children first) but reference data, so each test starts from a migrated schema."""
    from blueprints.core.db import db

    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if not table.info.get("reference_data"):
                    conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture(scope="session")
def shared_app(database_url: str) -> Flask:
    """One app per backend for the whole run (each test gets it with its own transaction and configuration)."""
    return create_app(base_config(database_url))


@functools.cache
def _session_class_on_test_connection(app_session_class: type) -> type:
    """A subclass of the app's session class (so its event listeners, the audit log's, apply) whose bind is the
    connection it was made with, not the app's engine."""

    def get_bind(self: Any, *args: Any, **kwargs: Any) -> Any:
        return self.bind

    return type("SessionOnTestConnection", (app_session_class,), {"get_bind": get_bind})


def _begun(app: Flask) -> tuple[sa.Connection, sa.Transaction]:
    """A connection of the app's engine with a transaction that has really begun."""
    from blueprints.core.db import db

    with app.app_context():
        db.session.remove()
        connection = db.engine.connect()
        transaction = connection.begin()
        if connection.dialect.name == "sqlite":
            # pysqlite begins only before a write; savepoints need a transaction that has really begun.
            connection.exec_driver_sql("BEGIN")
    return connection, transaction


@contextmanager
def _sessions_on(connection: sa.Connection) -> Iterator[None]:
    """Every session of the app joins ``connection``'s transaction with savepoints meanwhile, so the app's commits
    and rollbacks work as usual and are visible to the test, but nothing is committed."""
    from blueprints.core.db import db

    app_session = db.session
    session_class = _session_class_on_test_connection(app_session.session_factory.class_)
    db.session = sa.orm.scoped_session(
        sa.orm.sessionmaker(class_=session_class, db=db, bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=app_session.registry.scopefunc,
    )
    try:
        yield
    finally:
        db.session = app_session  # the test's sessions ended with their app contexts


@contextmanager
def rolled_back(app: Flask) -> Iterator[sa.Connection]:
    """Everything the app writes meanwhile happens inside one transaction that is rolled back at the end.

    Only this thread may use it: tests with other threads or processes (a served app, races) commit for real
    (``@pytest.mark.commits``). Yields the connection, on which a caller may nest transactions of its own."""
    end_kept_people()
    connection, transaction = _begun(app)
    try:
        with _sessions_on(connection):
            yield connection
    finally:
        transaction.rollback()
        connection.close()


@dataclass
class _KeptPeople:
    """A transaction left open between tests, holding the people (``create_people``): each test that starts from
    them runs in a savepoint of it, rolled back afterwards, instead of storing them again (most tests start from
    them). Ended before any other test, which must find the database empty (on SQLite the open transaction also
    holds the write lock)."""

    app: Flask
    connection: sa.Connection
    transaction: sa.Transaction
    people: dict[str, Any]


_kept_people: list[_KeptPeople] = []  # at most one, in this process


def end_kept_people() -> None:
    """Roll the kept people's transaction back and close its connection (when there is one)."""
    while _kept_people:
        kept = _kept_people.pop()
        kept.transaction.rollback()
        kept.connection.close()


@contextmanager
def rolled_back_to_people(app: Flask) -> Iterator[dict[str, Any]]:
    """As ``rolled_back``, but starting from the people, stored once for the tests that follow each other; yields
    them."""
    if not _kept_people or _kept_people[0].app is not app:
        end_kept_people()
        connection, transaction = _begun(app)
        with _sessions_on(connection):
            _kept_people.append(_KeptPeople(app, connection, transaction, create_people(app)))
    kept = _kept_people[0]
    savepoint = kept.connection.begin_nested()
    try:
        with _sessions_on(kept.connection):
            yield _copy_of_people(app, kept.people)
    finally:
        savepoint.rollback()


def _copy_of_people(app: Flask, people: dict[str, Any]) -> dict[str, Any]:
    """The people as this test's own: the organisations read again (a test may change its objects)."""
    from blueprints.core.db import db
    from blueprints.organisations.models import Organisation

    with app.app_context():
        organisations = {name: db.session.get(Organisation, people[name].id) for name in ("home", "other")}
        for organisation in organisations.values():
            db.session.expunge(organisation)
    return {**people, **organisations}


@contextmanager
def one_test_of(app: Flask) -> Iterator[None]:
    """The shared app as it was before the test: its configuration, and no caches built while serving it."""
    config, extensions = dict(app.config), set(app.extensions)
    app.config["MATCHING_DIR"] = f"{config['MATCHING_DIR']}/{uuid.uuid4().hex}"  # a model trained is this test's
    try:
        yield
    finally:
        app.config.clear()
        app.config.update(config)
        for built_while_serving in set(app.extensions) - extensions:  # e.g. the matching index
            del app.extensions[built_while_serving]


_PEOPLE = pytest.StashKey[dict[str, Any]]()


@pytest.fixture(autouse=True)
def _kept_people_only_for_their_tests(request: pytest.FixtureRequest) -> None:
    """A test that does not start from the kept people (or commits, or serves the app to other threads or
    processes) finds them gone: the database empty, no transaction open."""
    if "people" not in request.fixturenames or request.node.get_closest_marker("commits"):
        end_kept_people()


@pytest.fixture
def app(request: pytest.FixtureRequest, database_url: str, shared_app: Flask) -> Iterator[Flask]:
    """The shared app on a database that is empty for this test (but for the people, when it asks for them), inside
    a transaction that is rolled back afterwards; or (``@pytest.mark.commits``) committing for real, the database
    emptied afterwards. Either way the app's configuration and caches are as before the test (``one_test_of``),
    and its templates are compiled once for the run, not once per test."""
    if request.node.get_closest_marker("commits"):  # the kept people are gone (the autouse fixture above)
        with one_test_of(shared_app):
            yield shared_app
            empty_all_tables(shared_app)
        return
    if "people" in request.fixturenames:
        with one_test_of(shared_app), rolled_back_to_people(shared_app) as people:
            request.node.stash[_PEOPLE] = people
            yield shared_app
        return
    with one_test_of(shared_app), rolled_back(shared_app):
        yield shared_app


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    """An application context (for calling services and reading rows directly)."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client keeping cookies like a browser."""
    return app.test_client()


def csrf_token_from(html: str) -> str:
    """The CSRF token printed in a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def page_text(html: str) -> str:
    """What a person reads on a page: the text without tags, spaces (no-break ones too) collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\u00a0", " ").split())


def csrf_token(client: FlaskClient) -> str:
    """The CSRF token this client's pages carry: made by Flask-WTF for the client's session, as a page would make it,
    without rendering a page for it (a test that needs the page itself fetches it and reads ``csrf_token_from``)."""
    from flask.ctx import RequestContext
    from flask_wtf.csrf import generate_csrf
    from werkzeug.test import create_environ

    # The session (with the token's secret, when it is new) is saved to the client's cookie on leaving.
    with (
        client.session_transaction() as session,
        RequestContext(client.application, create_environ(), session=session),
    ):
        return generate_csrf()


ORGANISATION_NUMBERS = ("2120001355", "2120000837", "2120000142", "2321000255", "2120002627", "2120001132")


def _new_organisation(**fields: Any) -> Any:
    from blueprints.organisations.models import Organisation

    return Organisation(**{"name": "Göteborgs kommun", "kind": "kommun", "county_code": "14", **fields})


@functools.cache
def _test_password_hash() -> str:
    """The shared test password hashed once per process (every test user may carry the same hash: each sign-in
    still verifies it for real)."""
    from blueprints.accounts.passwords import hash_password

    return hash_password(TEST_PASSWORD)


def _new_user(email: str, roles: tuple[str, ...], organisation: Any, **fields: Any) -> Any:
    from blueprints.accounts.models import User

    user = User(email=email, name=fields.pop("name", "Test Person"), **fields)
    if "password_hash" not in fields:
        user.password_hash = _test_password_hash()
    user.organisation_id = organisation.id if organisation is not None else None
    user.set_roles(set(roles))
    return user


def _stored_detached(org: Any) -> Any:
    from blueprints.core.db import db

    db.session.refresh(org)
    db.session.expunge(org)
    return org


def create_organisation(app: Flask, **fields: Any) -> Any:
    """Store an organisation (Göteborgs kommun unless told otherwise) and return it, detached."""
    from blueprints.core.db import db

    with app.app_context():
        org = _new_organisation(**fields)
        db.session.add(org)
        db.session.commit()
        return _stored_detached(org)


def create_user(
    app: Flask, email: str = "user@example.org", roles: tuple[str, ...] = ("buyer",), organisation=None, **fields: Any
) -> int:
    """Store an active user with roles and the shared test password; return the id."""
    from blueprints.core.db import db

    with app.app_context():
        user = _new_user(email, roles, organisation, **fields)
        db.session.add(user)
        db.session.commit()
        return user.id


def create_people(app: Flask) -> dict[str, Any]:
    """One user per role and two buyer organisations; ids by name (the organisations as detached objects).
    Stored in one transaction (most tests start with it)."""
    from blueprints.core.db import db

    with app.app_context():
        home = _new_organisation(name="Göteborgs kommun", org_number="2120001355", county_code="14")
        other = _new_organisation(name="Malmö kommun", org_number="2120000837", county_code="12")
        db.session.add_all([home, other])
        db.session.flush()
        users = {
            "admin": _new_user("admin@example.org", ("admin",), None, name="Astrid Admin"),
            "facilitator": _new_user("facilitator@example.org", ("facilitator",), None, name="Fredrik Facilitator"),
            "manager": _new_user("manager@example.org", ("manager",), None, name="Maria Chef"),
            "buyer": _new_user("buyer@example.org", ("buyer",), home, name="Bengt Beställare"),
            "buyer2": _new_user("buyer2@example.org", ("buyer",), other, name="Britta Beställare"),
        }
        db.session.add_all(users.values())
        db.session.commit()
        return {
            "home": _stored_detached(home),
            "other": _stored_detached(other),
            **{role: user.id for role, user in users.items()},
        }


@pytest.fixture
def make_organisation(app: Flask):
    """Create an organisation; a valid organisationsnummer is chosen unless given."""
    numbers = iter(ORGANISATION_NUMBERS)

    def make(**fields: Any):
        return create_organisation(app, **{"org_number": fields.pop("org_number", None) or next(numbers), **fields})

    return make


@pytest.fixture
def make_user(app: Flask):
    """Create an active user with roles and the shared test password."""

    def make(email: str = "user@example.org", roles: tuple[str, ...] = ("buyer",), organisation=None, **fields: Any):
        return create_user(app, email, roles, organisation, **fields)

    return make


@pytest.fixture
def make_procurement(app: Flask):
    """Store one procurement of the statistics: an organisation (object) bought ``cpv`` in ``year`` for ``value``
    kronor (None: value unknown); returns its id."""
    serials = itertools.count(1)

    def make(organisation: Any, cpv: str | None = "60130000", year: int = 2021, value: int | None = None, **fields):
        from blueprints.core.db import db
        from blueprints.statistics.models import Procurement

        serial = next(serials)
        with app.app_context():
            row = Procurement(
                record_key=f"test-{serial}",
                procurement_key=fields.pop("procurement_key", f"TEST-{serial}"),
                year=year,
                organisation_id=organisation.id,
                buyer_name=organisation.name.upper(),
                buyer_org_number=organisation.org_number,
                cpv_code=cpv,
                title=fields.pop("title", f"Upphandling {serial}"),
                contracted_value_sek=value,
                **fields,
            )
            db.session.add(row)
            db.session.commit()
            return row.id

    return make


class Auth:
    """Log a test client in and out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = TEST_PASSWORD, **extra: str):
        token = csrf_token(self.client)
        return self.client.post("/login", data={"email": email, "password": password, "csrf_token": token, **extra})

    def logout(self):
        token = csrf_token(self.client)
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    """Login helper for ``client``."""
    return Auth(client)


@pytest.fixture
def people(request: pytest.FixtureRequest, app: Flask) -> dict[str, Any]:
    """One user per role, two buyer organisations; returns ids by name (the organisations as detached objects)."""
    return request.node.stash.get(_PEOPLE, None) or create_people(app)


ROLE_EMAILS = {
    "admin": "admin@example.org",
    "facilitator": "facilitator@example.org",
    "manager": "manager@example.org",
    "buyer": "buyer@example.org",
}

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def serving(server: Any) -> Iterator[Any]:
    """Serve ``server`` (a socketserver, e.g. Werkzeug's) in a daemon thread for the block. The thread looks for
    the shutdown every 20 ms: serve_forever's default, half a second, was the teardown of every test that starts a
    server."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=5)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """A real SMTP server (aiosmtpd) on loopback that keeps every message it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        self.envelope_recipients: list[list[str]] = []
        self.refuse = False
        self.answer_after = 0.0  # seconds the server takes to answer a message it has taken (a slow relay)
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                if sink.refuse:
                    return "451 Try again later"
                import asyncio
                from email import message_from_bytes, policy

                sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                sink.envelope_recipients.append(list(envelope.rcpt_tos))
                await asyncio.sleep(sink.answer_after)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> "SmtpSink":
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller.server is not None:
            self.controller.stop()


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpSink]:
    """An SMTP listener the app delivers to."""
    sink = SmtpSink().start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)
    yield sink
    sink.stop()


def queue_reset_email(recipient: str, language: str = "sv") -> None:
    """Queue one password-reset e-mail in the current transaction (needs a request context)."""
    from blueprints.core.outbox import queue_email

    queue_email(
        recipient=recipient,
        language=language,
        template="password_reset",
        subject="Återställ ditt lösenord i Köpkraft",
        name="Person",
        link="http://localhost/x",
        hours=72,
    )


def run_jobs(app: Flask) -> int:
    """Run every queued background job, as `flask worker --once` does; return how many ran."""
    from blueprints.core.jobs import run_next_job

    count = 0
    while run_next_job(app, worker="test-worker", heartbeat=False) is not None:
        count += 1
    return count


def deliver_outbox(app: Flask) -> dict[str, int]:
    """Run the real delivery, as `flask outbox send` does."""
    from blueprints.core.outbox import send_outbox

    with app.app_context():
        return send_outbox()


def text_body(message: Any) -> str:
    """The plain-text part of an e-mail."""
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: Any) -> str:
    """The first link to this site in an e-mail's text, as a path."""
    match = re.search(r"http://localhost(/\S+)", text_body(message))
    assert match, "no link in the e-mail"
    return match.group(1)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Python's cycle collector less often in a test process: everything imported by now is set aside for good
    (``gc.freeze``), and a young-generation pass waits for 50,000 new objects instead of 700. The app's heap
    (metadata, templates, matching indexes) was walked again and again: the matrix, fuzz and dashboard tests
    took 12 % less time. Only the tests' processes; the app's own are left as they are."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
