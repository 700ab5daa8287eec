"""Load test with the real data: the 17,932 real 2021 procurements as challenges (about 4,000 organisations),
served by gunicorn with the project's own gunicorn.conf.py and 4 workers, driven by 64 clients for 60 seconds
over a mix of pages. Reports errors, throughput, latency percentiles and the server's CPU time per request.

    .venv/bin/python bench/load.py
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/load.py
    LOAD_CLIENTS=64 LOAD_SECONDS=60 LOAD_WORKERS=4 ...   (the defaults)
"""

import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pages import bench_app, database_url, load_challenges, load_people, signed_in_session  # noqa: E402

from blueprints.core.db import db  # noqa: E402

CLIENTS = int(os.environ.get("LOAD_CLIENTS", 64))
SECONDS = float(os.environ.get("LOAD_SECONDS", 60))
WORKERS = os.environ.get("LOAD_WORKERS", "4")
PORT = 5098


def page_mix(app) -> list[str]:
    """What people do most: the start page, the challenge list (searched, filtered, sorted), challenges with
    their match suggestions, networks, support, the review queue and the dashboard."""
    from blueprints.challenges.models import Challenge

    with app.app_context():
        ids = db.session.scalars(sa.select(Challenge.id).order_by(sa.func.random()).limit(200)).all()
    rng = random.Random(7)
    details = [f"/utmaningar/{i}" for i in rng.sample(ids, 40)]
    matches = [f"/utmaningar/{i}/forslag" for i in rng.sample(ids, 40)]
    return [
        "/",
        "/utmaningar/",
        "/utmaningar/?q=skolskjuts",
        "/utmaningar/?q=livsmedel&sort=newest",
        "/utmaningar/?county=01&page=3",
        "/utmaningar/granskning",
        "/natverk/",
        "/stod/",
        "/oversikt/",
        *details,
        *matches,
    ]


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its children that are still running (gunicorn's workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    for process in [str(pid), *children]:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def main() -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    url = database_url(out, "load")
    app = bench_app(url)
    load_people(app)
    load_challenges(app)
    paths = page_mix(app)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": "0"}
    env.update(BIND=f"127.0.0.1:{PORT}", WEB_CONCURRENCY=WORKERS, ACCESS_LOG="/dev/null", LOG_LEVEL="WARNING")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"], cwd=ROOT, env=env
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        started = time.monotonic()
        while time.monotonic() - started < 600:
            try:
                if requests.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        print(f"gunicorn ready in {time.monotonic() - started:.0f} s (the master builds the matching index)")
        sessions = [signed_in_session(base) for _ in range(CLIENTS)]
        for path in paths:  # each page once, so that no figure includes a first-request cost
            assert sessions[0].get(base + path).status_code == 200, path
        results: list[tuple[str, int, float]] = []
        stop = threading.Event()

        def client(number: int) -> None:
            rng = random.Random(number)
            session = sessions[number]
            while not stop.is_set():
                path = rng.choice(paths)
                began = time.perf_counter()
                try:
                    status = session.get(base + path, timeout=60).status_code
                except requests.RequestException:
                    status = 0
                results.append((path, status, time.perf_counter() - began))

        cpu_before = cpu_seconds(server.pid)
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        load_started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(SECONDS)
        stop.set()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - load_started
        cpu = cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait()
    latencies = sorted(elapsed for _path, _status, elapsed in results)
    errors = [(path, status) for path, status, _elapsed in results if status != 200]
    report = {
        "backend": url.split(":", 1)[0],
        "clients": CLIENTS,
        "workers": int(WORKERS),
        "seconds": round(wall, 1),
        "requests": len(results),
        "errors": len(errors),
        "requests_per_s": round(len(results) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
        "server_cpu_ms_per_request": round(cpu * 1000 / max(1, len(results)), 1),
        "error_examples": errors[:10],
    }
    print(json.dumps(report, indent=2))
    (out / f"load-{report['backend']}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
