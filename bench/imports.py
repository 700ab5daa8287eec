"""The imports as an operator runs them: `flask db upgrade` on a fresh database, then `flask statistics import`
of the real Statistikdatabasen files and `flask challenges import` of a 20,000-row CSV, each a process of its
own, timed from outside. See bench/README.md."""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pages as bench  # noqa: E402 (bench/pages.py: the benchmark database)

DATA_DIR = Path(os.environ.get("STATISTICS_DIR", ROOT.parent / "shared" / "data"))
CHALLENGE_ROWS = 20_000
HEADER = "titel,beskrivning,organisationsnummer,organisation,cpv,behovsområde\n"


def challenges_csv(directory: Path) -> Path:
    """CHALLENGE_ROWS challenges of two organisations, each with two CPV codes."""
    path = directory / "utmaningar.csv"
    rows = [HEADER]
    for n in range(CHALLENGE_ROWS):
        number, name = ("2120001355", "Göteborgs kommun") if n % 2 else ("2120000837", "Malmö kommun")
        rows.append(f"Behov nummer {n},Beskrivning {n},{number},{name},60130000 34144910,\n")
    path.write_text("".join(rows), encoding="utf-8")
    return path


def timed_command(url: str, *args: str) -> float:
    """Seconds `flask --app app ARGS` takes, as its own process (start-up included)."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-imports"}
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).with_name("flask")), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return round(time.perf_counter() - started, 2)


def main() -> None:
    files = sorted(str(path) for path in DATA_DIR.glob("*.xlsx"))
    if not files:
        sys.exit(f"No Statistikdatabasen files in {DATA_DIR} (set STATISTICS_DIR): nothing to measure.")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    url = bench.database_url(out, "imports")
    with tempfile.TemporaryDirectory() as directory:
        csv_file = challenges_csv(Path(directory))
        seconds = {
            "migrate": timed_command(url, "db", "upgrade"),
            "statistics_import": timed_command(url, "statistics", "import", *files),
            "challenges_import": timed_command(url, "challenges", "import", str(csv_file)),
        }
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    for step, value in seconds.items():
        print(f"{backend:10s} {step:18s} {value:6.2f} s")
    result = {"backend": backend, "files": [Path(f).name for f in files], "rows": CHALLENGE_ROWS, "seconds": seconds}
    (out / f"imports-{backend}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
