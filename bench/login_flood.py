"""A flood of failed sign-ins from one client address, and what it does to everyone else: /healthz latency
from another client while four threads post wrong passwords as fast as they can, with the per-address ceiling
on (the default, 50 failures in 15 minutes) and off. 2 sync gunicorn workers, production password hashing
(argon2id, 64 MiB, 3 passes). See bench/README.md."""

import json
import re
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import bench_app, database_url, gunicorn, new_session  # noqa: E402

FLOODERS = 4
FLOOD_SECONDS = 20
PROBE_EVERY = 0.05


def prepare(url: str) -> None:
    """The schema and one account (the flood guesses addresses that mostly do not exist)."""
    from flask_migrate import upgrade

    from blueprints.accounts.models import User
    from blueprints.accounts.passwords import hash_password
    from blueprints.core.db import db

    app = bench_app(url)
    with app.app_context():
        upgrade()
        user = User(email="admin@example.org", name="Admin", password_hash=hash_password("bench-password-1"))
        user.set_roles({"admin"})
        db.session.add(user)
        db.session.commit()


def _flood(base: str, stop: threading.Event, statuses: Counter, number: int) -> None:
    session = new_session()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', session.get(f"{base}/login").text)[1]
    attempt = 0
    while not stop.is_set():
        attempt += 1
        response = session.post(
            f"{base}/login",
            data={"email": f"gissning{number}-{attempt}@example.org", "password": "fel lösenord", "csrf_token": token},
            allow_redirects=False,
            timeout=60,
        )
        statuses[response.status_code] += 1


def _probe(base: str, seconds: float) -> list[float]:
    """/healthz from a client of its own, every PROBE_EVERY seconds, for ``seconds``: the latencies in ms."""
    session = new_session()
    latencies: list[float] = []
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        began = time.perf_counter()
        session.get(f"{base}/healthz", timeout=60)
        latencies.append((time.perf_counter() - began) * 1000)
        time.sleep(PROBE_EVERY)
    return latencies


def _summary(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 1),
        "max_ms": round(ordered[-1], 1),
    }


def run(url: str, ceiling: int) -> dict[str, object]:
    """Baseline /healthz, then /healthz during the flood, with the per-address ceiling at ``ceiling``."""
    with gunicorn(url, LOGIN_MAX_FAILURES_PER_CLIENT=str(ceiling)) as base:
        quiet = _probe(base, 5)
        stop, statuses = threading.Event(), Counter()
        flooders = [threading.Thread(target=_flood, args=(base, stop, statuses, n)) for n in range(FLOODERS)]
        for thread in flooders:
            thread.start()
        flooded = _probe(base, FLOOD_SECONDS)
        stop.set()
        for thread in flooders:
            thread.join()
    return {
        "ceiling": ceiling,
        "healthz_quiet": _summary(quiet),
        "healthz_during_flood": _summary(flooded),
        "flood_answers": dict(statuses),
        "password_checks": statuses[422],
    }


def main() -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    results = []
    for ceiling in (50, 1_000_000):
        url = database_url(out, "login_flood")
        prepare(url)
        results.append(run(url, ceiling))
    for result in results:
        label = "ceiling 50" if result["ceiling"] == 50 else "no ceiling"
        quiet, flooded = result["healthz_quiet"], result["healthz_during_flood"]
        print(
            f"{label:11} /healthz quiet p50 {quiet['p50_ms']} p95 {quiet['p95_ms']} ms; during the flood "
            f"p50 {flooded['p50_ms']} p95 {flooded['p95_ms']} max {flooded['max_ms']} ms; "
            f"flood answers {result['flood_answers']} ({result['password_checks']} passwords checked)"
        )
    (out / "login_flood.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
