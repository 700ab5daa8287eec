"""Page latency (p50/p95) under 16 concurrent clients on 2 gunicorn workers, SQL statements per request,
and the gzipped size of the JavaScript. See bench/README.md."""

import gzip
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from blueprints.core.db import db  # noqa: E402

DATA = (
    Path(os.environ.get("STATISTICS_DIR", ROOT.parent / "shared" / "data"))
    / "statistikdatabasen-2021-antal-upphandlingar.xlsx"
)
ORGANISATIONS = 4000
CLIENTS = 16
REQUESTS_PER_PAGE = 400
RUNS = int(os.environ.get("BENCH_RUNS", "3"))  # each figure: the median of the runs
PASSWORD = "bench-password-1"  # noqa: S105 (generated benchmark accounts)
SECTOR_KIND = {"Kommun": "kommun", "Region": "region", "Stat": "statlig_myndighet", "Annat": "ovrig"}


def real_buyers() -> list[tuple[str, str, str]]:
    """(name, org number, kind) of the real buyers in the statistics file, if it is there."""
    if not DATA.exists():
        return []
    import openpyxl

    sheet = openpyxl.load_workbook(DATA, read_only=True).active
    buyers: dict[str, tuple[str, str, str]] = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        name, number, sector = row[1], str(row[2] or ""), row[3]
        if name and re.fullmatch(r"\d{10}", number):
            buyers.setdefault(number, (str(name).title(), number, SECTOR_KIND.get(sector, "ovrig")))
    return list(buyers.values())


def generated_numbers(count: int, taken: set[str]) -> list[str]:
    """Valid organisationsnummer (Luhn check digit) not already taken."""
    from stdnum.se import orgnr

    numbers, n = [], 0
    while len(numbers) < count:
        n += 1
        base = f"55{n:07d}"
        number = base + str(orgnr.luhn.calc_check_digit(base))
        if number not in taken:
            numbers.append(number)
    return numbers


def load_data(app) -> None:
    """Migrate and fill the database."""
    load_people(app)
    load_challenges(app)
    PAGES.extend(load_support(app))
    PAGES.extend(load_dashboard(app))
    build_summaries(app)


def build_summaries(app) -> None:
    """The dashboard's summary tables, counted from the rows loaded above with plain SQL (which no flush sees),
    as ``flask --app app dashboards rebuild`` does."""
    from blueprints.dashboards.cli import rebuild_summaries

    started = time.perf_counter()
    with app.app_context():
        result = rebuild_summaries()
    print(f"dashboard summaries: {result} in {time.perf_counter() - started:.1f} s")


def load_people(app) -> None:
    """Migrate; the demo data, about 4,000 organisations (the real buyers first) and a buyer for each."""
    from flask_migrate import upgrade

    from blueprints.accounts.models import User, UserRole
    from blueprints.accounts.passwords import hash_password
    from blueprints.core.demo import seed_demo
    from blueprints.organisations.models import Organisation
    from blueprints.organisations.regions import COUNTIES

    rng = random.Random(2026)
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
        taken = set(db.session.scalars(sa.select(Organisation.org_number)))
        buyers = [b for b in real_buyers() if b[1] not in taken]
        extra = ORGANISATIONS - len(buyers) - len(taken)
        buyers += [
            (f"Testorganisation {i:04d} AB", number, "kommunalt_bolag")
            for i, number in enumerate(generated_numbers(max(0, extra), taken))
        ]
        for name, number, kind in buyers:
            db.session.add(
                Organisation(
                    name=name,
                    org_number=number,
                    kind=kind,
                    county_code=rng.choice(list(COUNTIES)),
                    annual_volume_sek=rng.randrange(10**6, 10**10),
                )
            )
        db.session.flush()
        password_hash = hash_password(PASSWORD)
        org_ids = db.session.scalars(sa.select(Organisation.id)).all()
        for i, org_id in enumerate(org_ids):
            user = User(
                email=f"buyer{i}@bench.example",
                name=f"Beställare {i}",
                password_hash=password_hash,
                organisation_id=org_id,
            )
            user.role_rows.append(UserRole(role="buyer"))
            db.session.add(user)
        admin = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
        admin.password_hash = password_hash
        db.session.commit()
        print(f"data: {len(org_ids)} organisations, {len(org_ids)} buyers")


FACILITATORS = 40
SUPPORT_REQUESTS = 50_000
SESSIONS_PER_FACILITATOR = 5_000  # 200,000 in all: two a working day, about ten years from 2019


def _bench_status(age, rng: random.Random) -> str:
    """A status as requests of that age have: new ones wait, recent ones run, old ones are done."""
    from datetime import timedelta

    if age < timedelta(days=7):
        return rng.choice(["inkommen", "bedoms"])
    if age < timedelta(days=120):
        return rng.choice(["beviljad", "pagar", "pagar", "avslagen"])
    return rng.choice(["avslutad", "avslutad", "avslutad", "avslagen", "pagar"])


def load_support(app) -> list[tuple[str, str]]:
    """DESIGN's scale for support: 50,000 requests and 200,000 sessions of 40 facilitators (timed, bulk); return
    the support pages to measure, on rows of that data."""
    from datetime import UTC, datetime, timedelta
    from datetime import time as clock

    from blueprints.accounts.models import User, UserRole
    from blueprints.challenges.models import Challenge
    from blueprints.core.formatting import search_text, swedish_time_to_utc
    from blueprints.support.models import AvailabilityWindow, Booking, FacilitatorProfile, SupportRequest
    from blueprints.support.workdays import is_working_day

    rng = random.Random(2027)
    started = time.perf_counter()
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
        admin.role_rows.append(UserRole(role="facilitator"))  # the benchmark's client may also book
        people = [admin]
        for i in range(FACILITATORS - 1):
            user = User(email=f"facilitator{i}@bench.example", name=f"Facilitator {i:02d}")
            user.role_rows.append(UserRole(role="facilitator"))
            people.append(user)
        db.session.add_all(people[1:])
        db.session.flush()
        facilitator_ids = [p.id for p in people]
        db.session.add_all(FacilitatorProfile(user_id=i) for i in facilitator_ids)
        db.session.add_all(
            AvailabilityWindow(facilitator_id=i, weekday=d, start_time=clock(8), end_time=clock(17))
            for i in facilitator_ids
            for d in range(5)
        )
        buyers = dict(
            db.session.execute(sa.select(User.organisation_id, User.id).where(User.organisation_id.is_not(None))).all()
        )
        organisations = list(buyers)
        # Real procurement titles (imported as challenges above), so a text search matches a realistic share.
        titles = list(db.session.scalars(sa.select(Challenge.title).limit(20_000))) or ["Upphandling av skolskjuts"]
        serials: dict[int, int] = dict(  # after the demo's requests
            db.session.execute(
                sa.select(SupportRequest.diary_year, sa.func.max(SupportRequest.diary_serial)).group_by(
                    SupportRequest.diary_year
                )
            ).all()
        )
        first = datetime(2022, 1, 3, tzinfo=UTC)
        minutes = int((datetime.now(UTC) - first).total_seconds() // 60)
        now = datetime.now(UTC)
        rows = []
        for submitted in sorted(first + timedelta(minutes=rng.randrange(minutes)) for _ in range(SUPPORT_REQUESTS)):
            year = submitted.year
            serials[year] = serials.get(year, 0) + 1
            status = _bench_status(now - submitted, rng)
            organisation = rng.choice(organisations)
            title = rng.choice(titles)
            rows.append(
                {
                    "diary_number": f"UM {year}/{serials[year]:04d}",
                    "diary_year": year,
                    "diary_serial": serials[year],
                    "organisation_id": organisation,
                    "requester_id": buyers[organisation],
                    "title": title,
                    "description": "Bench",
                    "phase": "behovsanalys",
                    "kinds": " workshop bollplank ",
                    "format": "digitalt",
                    "place": "",
                    "status": status,
                    "submitted_at": submitted,
                    "created_at": submitted,
                    "updated_at": submitted,
                    "facilitator_id": rng.choice(facilitator_ids)
                    if status in ("beviljad", "pagar", "avslutad")
                    else None,
                    "decision_reason": "",
                    "closing_summary": "",
                    "first_response_at": None if status == "inkommen" else submitted + timedelta(days=2),
                    "search_text": search_text(f"UM {year}/{serials[year]:04d}", title),
                }
            )
        db.session.execute(sa.insert(SupportRequest), rows)
        assigned: dict[int, list[int]] = {}
        for request_id, facilitator_id in db.session.execute(
            sa.select(SupportRequest.id, SupportRequest.facilitator_id).where(
                SupportRequest.facilitator_id.is_not(None)
            )
        ):
            assigned.setdefault(facilitator_id, []).append(request_id)
        days, day = [], datetime(2019, 1, 7).date()
        while len(days) < SESSIONS_PER_FACILITATOR // 2:
            if is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        for facilitator_id in facilitator_ids:
            sessions = []
            # Newest first: SQLite's no-overlap trigger then finds no earlier booking to compare with.
            for day in reversed(days):
                for hour in (13, 9):
                    start = swedish_time_to_utc(day, clock(hour))
                    end = start + timedelta(hours=2)
                    sessions.append(
                        {
                            "request_id": rng.choice(assigned[facilitator_id]),
                            "facilitator_id": facilitator_id,
                            "kind": "workshop",
                            "starts_at": start,
                            "ends_at": end,
                            "blocked_until": end + timedelta(minutes=15),
                            "place": "",
                            "video_link": "",
                            "status": "bokad" if start > now else "genomford",
                            "sequence": 0,
                            "cancel_reason": "",
                            "outcome": "",
                            "lessons": "",
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
            db.session.execute(sa.insert(Booking), sessions)
        db.session.commit()
    print(
        f"support: {SUPPORT_REQUESTS} requests, {FACILITATORS * len(days) * 2} sessions - "
        f"{time.perf_counter() - started:.1f} s"
    )
    return support_pages(app)


def support_pages(app) -> list[tuple[str, str]]:
    """The support pages to measure, on rows of the loaded data (the admin is one of the facilitators)."""
    from blueprints.accounts.models import User
    from blueprints.support.models import Booking, SupportRequest

    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
        ongoing = db.session.scalar(
            sa.select(SupportRequest.id)
            .where(SupportRequest.status == "pagar", SupportRequest.facilitator_id == admin.id)
            .limit(1)
        )
        waiting = db.session.scalar(sa.select(SupportRequest.id).where(SupportRequest.status == "inkommen").limit(1))
        session_id = db.session.scalar(
            sa.select(Booking.id).where(Booking.facilitator_id == admin.id, Booking.status == "bokad").limit(1)
        )
    return [
        ("support queue", "/stod/"),
        ("support queue search (partial)", "/stod/?q=skolskjuts&status=pagar&kind=workshop"),
        ("support queue past target", "/stod/?age=forsenad"),
        ("support request", f"/stod/{ongoing}"),
        ("grant page (suggestions)", f"/stod/{waiting}/bevilja"),
        ("week view (book)", f"/stod/{ongoing}/boka"),
        ("session", f"/stod/sessioner/{session_id}"),
        ("sessions", "/stod/sessioner/"),
    ]


def load_challenges(app) -> None:
    """Import the real procurements' titles as challenges through the real import (timed)."""
    from blueprints.challenges.imports import check_file, import_preview
    from blueprints.vocabulary.models import CpvCode

    with app.app_context():
        known = set(db.session.scalars(sa.select(CpvCode.code)))
    lines = ["titel,beskrivning,organisationsnummer,organisation,cpv,behovsområde"]
    if DATA.exists():
        import csv
        import io

        import openpyxl
        from stdnum.se import orgnr

        sheet = openpyxl.load_workbook(DATA, read_only=True).active
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in sheet.iter_rows(min_row=2, values_only=True):
            code = str(row[13] or "")[:8]
            title = str(row[30] or "").strip()[:200]
            # The statistics have a few foreign or mistyped organisation numbers; the import would refuse them.
            if title and orgnr.is_valid(str(row[2] or "")):
                writer.writerow([title, "", row[2], str(row[1]).title(), code if code in known else "", ""])
        lines.append(buffer.getvalue())
    content = "\n".join(lines).encode()
    with app.app_context():
        started = time.perf_counter()
        preview = check_file("bench.csv", content)
        checked = time.perf_counter()
        count = import_preview(preview, actor=None) if preview.ok else 0
        db.session.commit()
        done = time.perf_counter()
    problems = len(preview.problem_rows)
    print(
        f"challenges: {count} imported from {len(preview.rows)} rows ({problems} with problems) - "
        f"check {checked - started:.1f} s, store {done - checked:.1f} s"
    )


NETWORKS = 400
CHALLENGES = 100_000


def load_dashboard(app) -> list[tuple[str, str]]:
    """History for the dashboard: challenges topped up to DESIGN's 100,000 (real titles recombined), submitted
    over five years in need areas, three in five reviewed and a quarter of those matched; 400 networks with phase
    changes, ten members and six activities each."""
    from datetime import UTC, datetime, timedelta

    from blueprints.challenges.models import Challenge, ChallengeEvent
    from blueprints.core.formatting import search_text, swedish_sort_key
    from blueprints.networks.constants import ACTIVITY_KINDS, PHASE_ORDER
    from blueprints.networks.models import Network, NetworkActivity, NetworkEvent, NetworkMember
    from blueprints.organisations.models import Organisation
    from blueprints.vocabulary.models import NeedArea

    rng = random.Random(7)
    started = time.perf_counter()
    now = datetime.now(UTC)
    with app.app_context():
        areas = db.session.scalars(sa.select(NeedArea.id)).all()
        organisations = db.session.scalars(sa.select(Organisation.id)).all()
        words = " ".join(db.session.scalars(sa.select(Challenge.title))).split() or ["Upphandling", "av", "tjänster"]
        missing = CHALLENGES - (db.session.scalar(sa.select(sa.func.count(Challenge.id))) or 0)
        for start in range(0, max(missing, 0), 10_000):
            batch = []
            for _ in range(min(10_000, missing - start)):
                title = " ".join(rng.choices(words, k=rng.randint(3, 8)))[:200]
                batch.append(
                    {
                        "title": title,
                        "organisation_id": rng.choice(organisations),
                        "status": "submitted",
                        "search_text": search_text(title),
                        "sort_key": swedish_sort_key(title)[:200],
                    }
                )
            db.session.execute(sa.insert(Challenge), batch)
        db.session.commit()
        challenges, events = [], []
        for challenge_id in db.session.scalars(sa.select(Challenge.id)):
            submitted = now - timedelta(days=rng.uniform(0, 5 * 365))
            challenges.append({"id": challenge_id, "submitted_at": submitted, "need_area_id": rng.choice(areas)})
            if rng.random() < 0.6:
                reviewed = submitted + timedelta(days=rng.uniform(1, 30))
                events.append({"challenge_id": challenge_id, "to_status": "reviewed", "at": reviewed})
                if rng.random() < 0.25:
                    events.append(
                        {"challenge_id": challenge_id, "to_status": "matched", "at": reviewed + timedelta(days=20)}
                    )
        db.session.execute(sa.update(Challenge), challenges)
        db.session.execute(sa.insert(ChallengeEvent), events)
        for number in range(NETWORKS):
            created = now - timedelta(days=rng.uniform(30, 5 * 365))
            phase = rng.randrange(len(PHASE_ORDER))
            network = Network(
                name=f"Nätverk {number}",
                need_area_id=rng.choice(areas),
                phase=PHASE_ORDER[phase],
                created_at=created,
                host_organisation_id=rng.choice(organisations),
            )
            network.events = [
                NetworkEvent(kind="phase", detail=PHASE_ORDER[step], at=created + timedelta(days=60 * step))
                for step in range(1, phase + 1)
            ]
            network.members = [
                NetworkMember(
                    organisation_id=org,
                    role="medlem",
                    status="aktiv" if rng.random() < 0.8 else "inbjuden",
                    answered_at=created + timedelta(days=rng.uniform(1, 90)),
                )
                for org in rng.sample(organisations, 10)
            ]
            network.activities = [
                NetworkActivity(
                    kind=rng.choice(list(ACTIVITY_KINDS)),
                    title="Möte",
                    starts_at=start,
                    ends_at=start + timedelta(hours=2),
                )
                for start in (created + timedelta(days=rng.uniform(1, 700)) for _ in range(6))
            ]
            db.session.add(network)
        db.session.commit()
        db.session.commit()
        # Statistics and (on PostgreSQL) the visibility map as autovacuum keeps them on a running server, so
        # that index-only scans are possible; the challenge import refreshes statistics the same way.
        maintenance = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(maintenance)
    print(
        f"dashboard: {len(challenges)} challenges with {len(events)} events, {NETWORKS} networks "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return DASHBOARD_PAGES


EVERYTHING = "period=12man&county=14&need_area=1&org_kind=kommun"
DASHBOARD_PAGES = [
    ("dashboard (last 12 months)", "/oversikt/"),
    ("dashboard, all filters (partial)", f"/oversikt/?{EVERYTHING}"),
    ("dashboard, one län (partial)", "/oversikt/?period=12man&county=14"),
    ("dashboard, five years", "/oversikt/?period=egen&start=2021-12-01&end=2026-11-30"),
    ("printable report (this year)", "/oversikt/rapport?period=ar"),
    ("dashboard XLSX export", "/oversikt/export/alla.xlsx?period=ar"),
]


ANONYMOUS_PAGES = {"/healthz", "/login"}
# Pages named "(partial)" are asked for as htmx asks when a filter changes: only the part that changes.
PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}
PAGES = [
    ("healthz (bare endpoint)", "/healthz"),
    ("login page (anonymous)", "/login"),
    ("start page", "/"),
    ("organisation list", "/organisationer/"),
    ("organisation search (partial)", "/organisationer/?q=kommun&county=12"),
    ("organisation list, page 40", "/organisationer/?page=40"),
    ("organisation detail", "/organisationer/1"),
    ("admin users", "/admin/anvandare?q=best"),
    ("challenge list", "/utmaningar/"),
    ("challenge search (partial)", "/utmaningar/?q=skolskjuts"),
    ("challenge filters + sort", "/utmaningar/?county=12&status=submitted&sort=volume"),
    ("challenge list, page 100", "/utmaningar/?page=100"),
    ("challenge detail", "/utmaningar/1"),
    ("CPV picker search", "/cpv/sok?q=st%C3%A4dning"),
    ("audit log", "/admin/logg"),
    ("profile", "/profil"),
]


def new_session() -> requests.Session:
    """A client like a browser: keeps cookies and connections, and retries a GET on a stale connection."""
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=Retry(total=2, connect=2, read=0, allowed_methods={"GET"})))
    return session


def signed_in_session(base: str) -> requests.Session:
    session = new_session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/login",
        data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status_code == 303, response.status_code
    return session


def count_statements(app, pages: list[tuple[str, str]] | None = None) -> dict[str, int]:
    """SQL statements per page (``PAGES`` unless told), counted in-process on a signed-in test client."""
    counts: dict[str, int] = {}
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token})
    with app.app_context():
        engine = db.engine
    statements = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(1))
    anonymous = app.test_client()
    for name, path in pages or PAGES:
        browser = anonymous if path in ANONYMOUS_PAGES else client
        browser.get(path)  # warm
        statements.clear()
        headers = PARTIAL if "partial" in name else {}
        assert browser.get(path, headers=headers).status_code == 200, path
        counts[name] = len(statements)
    return counts


def drive(base: str, path: str | list[str], sessions: list[requests.Session], *, partial: bool) -> dict[str, float]:
    """``partial``: asked for as htmx asks for it (the page's changing part only). Several paths: asked for in
    turn (the same kind of page for different objects or questions)."""
    paths = [path] if isinstance(path, str) else path
    if paths[0] in ANONYMOUS_PAGES:
        sessions = [new_session() for _ in range(CLIENTS)]
    headers = PARTIAL if partial else {}

    def one(i: int) -> tuple[float, float]:
        start = time.perf_counter()
        response = sessions[i % len(sessions)].get(base + paths[i % len(paths)], headers=headers)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, (paths[i % len(paths)], response.status_code, response.text[:300])
        server = float(response.headers["Server-Timing"].split("dur=")[1]) / 1000
        return elapsed, server

    for i in range(CLIENTS * 2):
        one(i)
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        pairs = list(pool.map(one, range(REQUESTS_PER_PAGE)))
    wall = time.perf_counter() - started
    client = sorted(p[0] for p in pairs)
    server = sorted(p[1] for p in pairs)
    return {
        "server_p50_ms": statistics.median(server) * 1000,
        "server_p95_ms": server[int(len(server) * 0.95)] * 1000,
        "client_p95_ms": client[int(len(client) * 0.95)] * 1000,
        "requests_per_s": REQUESTS_PER_PAGE / wall,
    }


def javascript_size() -> dict[str, int]:
    files = [ROOT / "static/js/vendor/htmx-4.0.1.min.js", ROOT / "static/js/app.js"]
    raw = sum(f.stat().st_size for f in files)
    zipped = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
    return {"raw_bytes": raw, "gzip_bytes": zipped}


def database_url(out: Path, name: str = "bench") -> str:
    """BENCH_DATABASE_URL (its public schema emptied), else a fresh SQLite file in ``out``."""
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{out / f'{name}.sqlite'}"
    if url.startswith("sqlite"):
        for old in out.glob(f"{name}.sqlite*"):
            old.unlink()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    return url


def bench_app(url: str):
    """The app on the benchmark's database, as the test client and the statement counter use it."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "SESSION_COOKIE_SECURE": False,
            "TESTING": True,
            "WTF_CSRF_ENABLED": True,
            "KNOWLEDGE_PAGE_CACHE": 0,  # statements are counted for pages as they are rendered
        }
    )


@contextmanager
def gunicorn(url: str, port: int = 5099, **settings: str) -> Iterator[str]:
    """The app served by gunicorn on the database with the project's gunicorn.conf.py (the master builds the
    matching index first), but 2 sync workers as before, with ``settings`` in its environment; yields its base
    URL once it answers."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": "0", "SERVER_TIMING": "1"}
    env.update(settings)
    command = [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", "--workers", "2"]
    command += ["--worker-class", "sync", "--keep-alive", "30", "--access-logfile", "/dev/null"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1500):  # up to five minutes: the index of 100,000 challenges is built before serving
            try:
                requests.get(base + "/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait()


def measure(base: str, pages: list[tuple[str, str | list[str]]], statements: dict[str, int]) -> dict[str, dict]:
    """Each page driven by the concurrent clients, ``RUNS`` times over (every page in each run, so that a run's
    ratio to the bare endpoint compares pages measured minutes apart, not an hour): per page the median of the
    runs and their spread, and the median of each run's throughput ratio to ``/healthz``."""
    signed_in = any((path if isinstance(path, str) else path[0]) not in ANONYMOUS_PAGES for _name, path in pages)
    sessions = [signed_in_session(base) for _ in range(CLIENTS)] if signed_in else []
    runs = []
    for run in range(RUNS):
        print(f"run {run + 1} of {RUNS}", flush=True)
        runs.append({name: drive(base, path, sessions, partial="partial" in name) for name, path in pages})
    bare = pages[0][0]
    results = {}
    for name, _path in pages:
        figures = [run[name] for run in runs]
        ratios = [run[name]["requests_per_s"] / run[bare]["requests_per_s"] for run in runs]
        results[name] = {
            **{key: statistics.median(f[key] for f in figures) for key in figures[0]},
            "server_p95_ms_spread": [
                min(f["server_p95_ms"] for f in figures),
                max(f["server_p95_ms"] for f in figures),
            ],
            "requests_per_s_spread": [
                min(f["requests_per_s"] for f in figures),
                max(f["requests_per_s"] for f in figures),
            ],
            "ratio_to_bare": statistics.median(ratios),
            "sql_statements": statements[name],
            "runs": figures,
        }
    return results


def print_table(url: str, results: dict[str, dict]) -> str:
    """The results as a table (printed), and the backend's name."""
    backend = url.split(":", 1)[0]
    print(
        f"\nbackend: {backend}; {CLIENTS} concurrent clients, 2 gunicorn sync workers, "
        f"{REQUESTS_PER_PAGE} requests per page, median of {RUNS} runs (p95 spread: lowest-highest)"
    )
    print("server = time inside the app (Server-Timing); client = seen by the client, queueing included")
    print(
        f"{'page':44} {'server p50':>10} {'server p95':>10} {'p95 spread':>13} {'client p95':>10} {'req/s':>7} "
        f"{'x bare':>6} {'SQL':>4}"
    )
    for name, row in results.items():
        low, high = row["server_p95_ms_spread"]
        print(
            f"{name:44} {row['server_p50_ms']:10.1f} {row['server_p95_ms']:10.1f} {f'{low:.1f}-{high:.1f}':>13} "
            f"{row['client_p95_ms']:10.1f} {row['requests_per_s']:7.0f} {row['ratio_to_bare']:6.2f} "
            f"{row['sql_statements']:4d}"
        )
    return backend


def main() -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    if os.environ.get("BENCH_REUSE"):  # measure again on the data a previous run loaded (while tuning)
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{out / 'bench.sqlite'}"
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        app = bench_app(url)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()  # the migrations added since
        PAGES.extend([*support_pages(app), *DASHBOARD_PAGES])
    else:
        url = database_url(out)
        app = bench_app(url)
        load_data(app)
    statements = count_statements(app)
    with gunicorn(url) as base:
        results = measure(base, PAGES, statements)
    backend = print_table(url, results)
    js = javascript_size()
    print(f"JavaScript: {js['raw_bytes'] / 1024:.1f} KB, {js['gzip_bytes'] / 1024:.1f} KB gzipped")
    (out / "pages.json").write_text(json.dumps({"backend": backend, "pages": results, "javascript": js}, indent=2))


if __name__ == "__main__":
    main()
