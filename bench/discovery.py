"""Procurement statistics at ten years' scale: discovery, the network page with pooled purchasing power, the
evidence pages and the discovery API under 16 concurrent clients on 2 gunicorn workers, SQL statements per
request, the dashboard's pooled-power figure timed on its own, and the import of the real files. See
bench/README.md."""

import hashlib
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pages as bench  # noqa: E402 (bench/pages.py: serving, driving, counting)

from blueprints.core.db import db  # noqa: E402

DATA_DIR = Path(os.environ.get("STATISTICS_DIR", ROOT.parent / "shared" / "data"))
YEARS = 10  # the real year and the nine before it
PROCUREMENTS = 200_000
NETWORKS = 400
MEMBERS = 10
QUESTIONS = 24  # different discovery questions, asked in turn


def _shifted(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _key(*parts: object) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def import_real_files(app) -> dict[str, float]:
    """The four real files through the importer, each timed."""
    from blueprints.statistics.imports import import_file

    timings = {}
    with app.app_context():
        for path in sorted(DATA_DIR.glob("statistikdatabasen-*.xlsx")):
            started = time.perf_counter()
            import_file(filename=path.name, content=path.read_bytes())
            db.session.commit()
            timings[path.name] = time.perf_counter() - started
    return timings


def replicate(app) -> int:
    """The real rows copied into the nine years before, with their IDs and keys made new, topped up with more
    copies to PROCUREMENTS in all; the lots and their winners likewise for every year."""
    from blueprints.statistics.models import LotAward, Procurement, ProcurementLot

    rng = random.Random(2021)
    with app.app_context():
        columns = [c for c in Procurement.__table__.columns if c.name not in ("id", "imported_at")]
        rows = [dict(r._mapping) for r in db.session.execute(sa.select(*columns))]
        per_year = (PROCUREMENTS - len(rows)) // (YEARS - 1)
        serial = 0
        for back in range(1, YEARS):
            copies = rows + rng.sample(rows, max(0, per_year - len(rows)))
            batch = []
            for row in copies:
                serial += 1
                batch.append(
                    {
                        **row,
                        "record_key": _key(row["record_key"], back, serial),
                        "procurement_key": f"{row['procurement_key']}-{serial}"[:80],
                        "year": row["year"] - back,
                        "published_on": _shifted(row["published_on"], back),
                    }
                )
            for start in range(0, len(batch), 5000):
                db.session.execute(sa.insert(Procurement), batch[start : start + 5000])
        for model in (ProcurementLot, LotAward):
            columns = [c for c in model.__table__.columns if c.name != "id"]
            originals = [dict(r._mapping) for r in db.session.execute(sa.select(*columns))]
            for back in range(1, YEARS):
                batch = [
                    {**row, "lot_key": f"{row['lot_key']}-{back}", "year": row["year"] - back} for row in originals
                ]
                for start in range(0, len(batch), 5000):
                    db.session.execute(sa.insert(model), batch[start : start + 5000])
        db.session.commit()
        return db.session.scalar(sa.select(sa.func.count()).select_from(Procurement)) or 0


def popular_groups(limit: int = 60) -> list[str]:
    """The CPV groups (as their group codes, 60100000) with most procurements."""
    from blueprints.statistics.models import Procurement
    from blueprints.vocabulary.models import CpvCode

    group = sa.func.substr(Procurement.cpv_code, 1, 3)  # 452: group 45200000
    query = (
        sa.select(group)
        .where(Procurement.cpv_code.is_not(None))
        .group_by(group)
        .order_by(sa.func.count().desc())
        .limit(limit * 2)
    )
    codes = [prefix + "00000" for prefix in db.session.scalars(query)]
    groups = set(db.session.scalars(sa.select(CpvCode.code).where(CpvCode.code.in_(codes), CpvCode.level == 2)))
    return [code for code in codes if code in groups][:limit]  # groups only (45000000 is a whole division)


def make_networks(app) -> list[int]:
    """Networks in popular CPV groups (one to three each), ten members each among the organisations that bought
    there: the pooled purchasing power has something to add up."""
    from blueprints.networks.models import Network, NetworkMember
    from blueprints.statistics.models import Procurement
    from blueprints.vocabulary.models import CpvCode

    rng = random.Random(400)
    joined = datetime.now(UTC) - timedelta(days=200)  # members since before the dashboard's last 12 months end
    with app.app_context():
        groups = popular_groups()
        ids = []
        for number in range(NETWORKS):
            codes = rng.sample(groups, rng.randint(1, 3))
            prefixes = [code[:3] for code in codes]
            buyers = db.session.scalars(
                sa.select(Procurement.organisation_id)
                .where(sa.or_(*(Procurement.cpv_code.startswith(prefix) for prefix in prefixes)))
                .distinct()
            ).all()
            network = Network(name=f"Nätverk {number}", common_challenge="Gemensam upphandling", phase="driva")
            network.cpv_codes = [db.session.get(CpvCode, code) for code in codes]
            members = rng.sample(buyers, min(MEMBERS, len(buyers)))
            network.members = [
                NetworkMember(
                    organisation_id=org, role="vard" if i == 0 else "medlem", status="aktiv", answered_at=joined
                )
                for i, org in enumerate(members)
            ]
            network.host_organisation_id = members[0]
            db.session.add(network)
            db.session.flush()
            ids.append(network.id)
        db.session.commit()
        maintenance = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(maintenance)
        return ids


def pages_to_measure(app, network_ids: list[int]) -> list[tuple[str, list[str]]]:
    """Each kind of page with several questions or objects, asked in turn."""
    from blueprints.organisations.regions import COUNTIES
    from blueprints.statistics.models import Procurement

    rng = random.Random(24)
    with app.app_context():
        groups = popular_groups(QUESTIONS)
        buyers = db.session.scalars(
            sa.select(Procurement.organisation_id)
            .group_by(Procurement.organisation_id)
            .order_by(sa.func.count().desc())
            .limit(QUESTIONS)
        ).all()
    counties = list(COUNTIES)
    filtered = [
        f"/statistik/?cpv={code}&year_from=2017&year_to=2021&kind=kommun&county={rng.choice(counties)}&flag=miljo"
        for code in groups
    ]
    return [
        ("discovery: CPV group + years, län, kind, flag (partial)", filtered),
        ("discovery: CPV group, ten years (partial)", [f"/statistik/?cpv={code}" for code in groups]),
        ("discovery: CPV group, whole page", [f"/statistik/?cpv={code}&year_from=2019" for code in groups]),
        (
            "discovery: words in titles (partial)",
            [f"/statistik/?q={w}" for w in ("skolskjuts", "städ", "livsmedel", "bygg", "konsult", "fordon")],
        ),
        ("discovery API, k=50", [f"/api/v1/discovery?cpv={code}&from=2020&to=2021&k=50" for code in groups]),
        ("network page with pooled power", [f"/natverk/{i}" for i in network_ids[:QUESTIONS]]),
        ("organisation page with history", [f"/organisationer/{i}" for i in buyers]),
        ("dashboard (last 12 months)", ["/oversikt/"]),
    ]


def pooled_power_figure_ms(app) -> dict[str, float]:
    """The dashboard's pooled-power figure, its statement timed alone (it is one subquery of the totals)."""
    from blueprints.dashboards.forms import DashboardFilter
    from blueprints.dashboards.queries import _pooled_power

    with app.test_request_context():
        flt, _errors = DashboardFilter.from_args({"period": "12man"}, set())
        scope = flt.scope(date.today())
        statement = _pooled_power(scope)
        times = []
        for _ in range(30):
            started = time.perf_counter()
            db.session.execute(statement).one()
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        return {"p50_ms": statistics.median(times), "p95_ms": times[int(len(times) * 0.95)]}


def main() -> None:
    if not any(DATA_DIR.glob("statistikdatabasen-*.xlsx")):
        sys.exit(f"No Statistikdatabasen files in {DATA_DIR} (set STATISTICS_DIR): nothing to measure.")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    url = bench.database_url(out, "discovery")
    app = bench.bench_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        from blueprints.core.demo import seed_demo

        upgrade()
        seed_demo()
        db.session.commit()
        from blueprints.accounts.models import User
        from blueprints.accounts.passwords import hash_password

        admin = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
        admin.password_hash = hash_password(bench.PASSWORD)
        db.session.commit()
    imports = import_real_files(app)
    started = time.perf_counter()
    total = replicate(app)
    network_ids = make_networks(app)
    took = time.perf_counter() - started
    print(f"data: {total} procurements over {YEARS} years, {len(network_ids)} networks ({took:.0f} s)")
    pages = pages_to_measure(app, network_ids)
    statements = bench.count_statements(app, [(name, paths[0]) for name, paths in pages])
    figure = pooled_power_figure_ms(app)
    with bench.gunicorn(url) as base:
        results = bench.measure(base, pages, statements)
    backend = bench.print_table(url, results)
    print(f"dashboard's pooled-power figure alone: p50 {figure['p50_ms']:.1f} ms, p95 {figure['p95_ms']:.1f} ms")
    print("real files imported: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in imports.items()))
    (out / "discovery.json").write_text(
        json.dumps(
            {"backend": backend, "procurements": total, "pages": results, "pooled_power_figure": figure,
             "imports_s": imports},
            indent=2,
        )
    )  # fmt: skip


if __name__ == "__main__":
    main()
