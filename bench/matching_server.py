"""The matching index in production: 100,000 challenges served by gunicorn with the project's gunicorn.conf.py.

1. Builds a database: the demo, the real 2021 statistics from ../shared/data (the count and value files, through
   the real import), and 100,000 submitted challenges of the statistics' buyers (real titles recombined, each
   with its title's real CPV code), inserted in bulk; then trains the CPV model from it (timed; generated
   challenges are indexed but not learnt from: only reviewed ones are).
2. Starts gunicorn with gunicorn.conf.py (2 workers): the master builds the index before the first worker;
   reports how long until the site answers.
3. The first ranking through the API on each worker after the restart (cold), then 16 concurrent clients
   asking the API for rankings of different challenges (server p50/p95 from Server-Timing, client p95).
4. Memory per process from /proc/<pid>/smaps_rollup: resident (RSS), proportional (PSS, shared pages divided
   among the processes that share them) and private (USS, what the worker holds alone) — before and after the
   load; and whether gunicorn killed any worker (WORKER TIMEOUT in its log).

    .venv/bin/python bench/matching_server.py                       # SQLite in bench/results
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/matching_server.py
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pages as bench  # noqa: E402

from blueprints.core.db import db  # noqa: E402

DATA_DIR = Path(os.environ.get("STATISTICS_DIR", ROOT.parent / "shared" / "data"))
CHALLENGES = 100_000
CLIENTS = 16
REQUESTS = 800
PORT = 5097


def load(app) -> dict[str, float]:
    """The demo, the real statistics and 100,000 challenges; the model trained. Returns timings."""
    from flask_migrate import upgrade

    from blueprints.accounts.models import User
    from blueprints.accounts.passwords import hash_password
    from blueprints.challenges.models import Challenge, challenge_cpv
    from blueprints.core.demo import seed_demo
    from blueprints.networks.training import train_and_save
    from blueprints.statistics.imports import import_file
    from blueprints.statistics.models import Procurement
    from blueprints.vocabulary.models import CpvCode

    timings: dict[str, float] = {}
    with app.app_context():
        upgrade()
        seed_demo()
        admin = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
        admin.password_hash = hash_password(bench.PASSWORD)
        db.session.commit()
        for path in sorted(DATA_DIR.glob("statistikdatabasen-*-antal-upphandlingar.xlsx")) + sorted(
            DATA_DIR.glob("statistikdatabasen-*-kontrakterat-varde.xlsx")
        ):
            import_file(filename=path.name, content=path.read_bytes())
            db.session.commit()
        rows = db.session.execute(
            sa.select(Procurement.title, Procurement.cpv_code, Procurement.organisation_id).where(
                Procurement.cpv_code.in_(sa.select(CpvCode.code))
            )
        ).all()
        rng = random.Random(1)
        started = time.perf_counter()
        for start in range(0, CHALLENGES, 5000):
            batch = []
            for _n in range(start, min(CHALLENGES, start + 5000)):
                title, code, organisation_id = rng.choice(rows)
                words = title.split() + rng.choice(rows)[0].split()[:3]
                batch.append(
                    {
                        "title": " ".join(words)[:200],
                        "description": "",
                        "organisation_id": organisation_id,
                        "status": "submitted",  # indexed, but not learnt from (they are generated)
                        "visibility": "all",
                        "search_text": " ".join(words).casefold()[:1000],
                        "code": code,
                    }
                )
            values = [{k: v for k, v in b.items() if k != "code"} for b in batch]
            ids = db.session.scalars(sa.insert(Challenge).returning(Challenge.id), values).all()
            db.session.execute(
                sa.insert(challenge_cpv),
                [{"challenge_id": i, "cpv_code": b["code"]} for i, b in zip(ids, batch, strict=True)],
            )
            db.session.commit()
        timings["challenges_s"] = time.perf_counter() - started
        started = time.perf_counter()
        info = train_and_save()
        timings["training_s"] = time.perf_counter() - started
        timings["model_rows"] = info.rows
        timings["model_mib"] = info.size_bytes / 2**20
        timings["challenge_ids"] = db.session.scalars(sa.select(Challenge.id).order_by(Challenge.id)).all()
    return timings


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private) of a process, in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) / 1024
    return {
        "rss": fields["Rss"],
        "pss": fields["Pss"],
        "uss": fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0),
    }


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def main() -> None:
    if not any(DATA_DIR.glob("statistikdatabasen-*.xlsx")):
        sys.exit(f"No Statistikdatabasen files in {DATA_DIR} (set STATISTICS_DIR): nothing to measure.")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    url = bench.database_url(out, "matching")
    matching_dir = out / "matching-model"
    os.environ["MATCHING_DIR"] = str(matching_dir)
    app = bench.bench_app(url)
    app.config["MATCHING_DIR"] = str(matching_dir)
    started = time.perf_counter()
    loaded = load(app)
    ids = loaded.pop("challenge_ids")
    print(
        f"data: {len(ids)} challenges ({loaded['challenges_s']:.0f} s), model trained on {loaded['model_rows']:.0f} "
        f"texts in {loaded['training_s']:.0f} s ({loaded['model_mib']:.1f} MiB); loading took "
        f"{time.perf_counter() - started:.0f} s"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "SESSION_COOKIE_SECURE": "0",
        "SERVER_TIMING": "1",
        "WEB_CONCURRENCY": "2",
        "BIND": f"127.0.0.1:{PORT}",
        "ACCESS_LOG": "/dev/null",
        "MATCHING_DIR": str(matching_dir),
    }
    log = (out / "matching_server.log").open("w")
    launched = time.perf_counter()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stderr=log,
        stdout=log,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        while True:
            try:
                requests.get(base + "/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        ready_s = time.perf_counter() - launched
        before = {pid: memory(pid) for pid in workers_of(server.pid)}
        master_before = memory(server.pid)
        rng = random.Random(3)
        cold = []
        for _n in range(4):  # fresh connections: the two workers' first rankings
            session = bench.signed_in_session(base)
            session.headers["Connection"] = "close"
            began = time.perf_counter()
            response = session.get(f"{base}/api/v1/challenges/{rng.choice(ids)}/matches?k=10")
            assert response.status_code == 200, response.text[:300]
            cold.append(time.perf_counter() - began)
        sessions = [bench.signed_in_session(base) for _ in range(CLIENTS)]
        paths = [f"/api/v1/challenges/{rng.choice(ids)}/matches?k=10" for _ in range(REQUESTS)]

        def one(i: int) -> tuple[float, float]:
            began = time.perf_counter()
            response = sessions[i % CLIENTS].get(base + paths[i])
            assert response.status_code == 200, (response.status_code, response.text[:300])
            return time.perf_counter() - began, float(response.headers["Server-Timing"].split("dur=")[1]) / 1000

        began = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            pairs = list(pool.map(one, range(REQUESTS)))
        wall = time.perf_counter() - began
        after = {pid: memory(pid) for pid in workers_of(server.pid)}
    finally:
        server.terminate()
        server.wait()
        log.close()
    killed = (out / "matching_server.log").read_text().count("WORKER TIMEOUT")
    client = sorted(p[0] for p in pairs)
    server_times = sorted(p[1] for p in pairs)
    results = {
        **loaded,
        "ready_s": ready_s,
        "first_ranking_s": max(cold),
        "cold_rankings_s": cold,
        "server_p50_ms": statistics.median(server_times) * 1000,
        "server_p95_ms": server_times[int(len(server_times) * 0.95)] * 1000,
        "client_p95_ms": client[int(len(client) * 0.95)] * 1000,
        "requests_per_s": REQUESTS / wall,
        "master": master_before,
        "workers_before": list(before.values()),
        "workers_after": list(after.values()),
        "worker_timeouts": killed,
    }
    backend = url.split(":", 1)[0]
    print(f"\nbackend: {backend}; gunicorn.conf.py with 2 workers; {CLIENTS} clients, {REQUESTS} API rankings")
    print(f"site answering {ready_s:.0f} s after launch (the master built the index first)")
    print("first ranking after the restart: " + ", ".join(f"{s * 1000:.0f} ms" for s in cold))
    print(
        f"API ranking: server p50 {results['server_p50_ms']:.1f} ms, p95 {results['server_p95_ms']:.1f} ms; "
        f"client p95 {results['client_p95_ms']:.1f} ms; {results['requests_per_s']:.0f} req/s"
    )
    print(f"master: RSS {master_before['rss']:.0f} MiB, PSS {master_before['pss']:.0f}, USS {master_before['uss']:.0f}")
    for name, rows in (("workers at start", before.values()), ("workers after the load", after.values())):
        print(f"{name}: " + "; ".join(f"RSS {m['rss']:.0f} MiB, PSS {m['pss']:.0f}, USS {m['uss']:.0f}" for m in rows))
    print(f"workers killed by the timeout: {killed}")
    (out / f"matching_server-{backend}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
