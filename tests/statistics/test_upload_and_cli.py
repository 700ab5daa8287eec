"""The two ways in: an admin's upload, imported by the worker while the browser follows it, and the command
``flask statistics import`` with its progress, report and exit code."""

import io
import re

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.core.models import Job
from blueprints.statistics.models import Procurement, StatisticsImport
from tests.conftest import csrf_token, page_text
from tests.statistics.conftest import csv_export, procurement, xlsx

ROWS = [procurement("MT1"), procurement("MT2", **{"Upphandlingens titel": "Skolmat"})]


def _upload(client, content, filename="antal-upphandlingar.xlsx"):
    token = csrf_token(client)
    return client.post(
        "/statistik/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def _count(app, model=Procurement):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_an_upload_is_imported_by_the_worker_and_followed_on_its_page(app, client, auth, people, run_jobs):
    auth.login("admin@example.org")
    response = _upload(client, xlsx("procurements", ROWS))
    assert response.status_code == 303
    job_url = response.headers["Location"]
    assert re.fullmatch(r"/jobb/\d+", job_url)
    assert _count(app) == 0  # nothing is read in the request

    queued = client.get(job_url)
    assert queued.status_code == 200
    assert "I kö: arbetet börjar så snart en bakgrundsprocess är ledig." in page_text(queued.get_data(as_text=True))
    assert 'hx-trigger="every 1s"' in queued.get_data(as_text=True)  # htmx polls while it waits

    assert len(run_jobs()) == 2  # the import, and the training of the matching model that it queued
    assert _count(app) == 2
    done = client.get(job_url, headers={"HX-Request": "true", "HX-Request-Type": "partial"})
    text = page_text(done.get_data(as_text=True))
    assert done.status_code == 200 and "<html" not in done.get_data(as_text=True)  # the status block alone
    assert "Klart" in text and "Rader 2" in text and "Nya 2" in text and "Nya organisationer 1" in text
    assert "every 1s" not in done.get_data(as_text=True)  # polling stops
    with app.app_context():
        job = db.session.scalar(sa.select(Job).where(Job.kind == "statistics.import"))
        assert job.status == "done" and job.payload is None  # the file is not kept once imported
        assert db.session.scalar(sa.select(StatisticsImport)).imported_by_id == people["admin"]

    overview = page_text(client.get("/statistik/import").get_data(as_text=True))
    assert "antal-upphandlingar.xlsx" in overview and "2021 2 0" in overview


def test_a_refused_upload_shows_its_rows_and_answers_422(app, client, auth, people, run_jobs):
    auth.login("admin@example.org")
    rows = [*ROWS, procurement("MT1"), procurement("MT3", **{"Upphandlingens titel": ""})]
    job_url = _upload(client, xlsx("procurements", rows)).headers["Location"]
    run_jobs()
    failed = client.get(job_url)
    text = page_text(failed.get_data(as_text=True))
    assert failed.status_code == 422
    assert "2 av 4 rader kunde inte läsas; inget har sparats." in text
    assert "4 samma upphandling som rad 2" in text and "5 titeln saknas" in text
    assert _count(app) == 0 and _count(app, StatisticsImport) == 0


def test_what_can_be_told_at_once_is_told_in_the_form(app, client, auth, people):
    auth.login("admin@example.org")
    wrong_type = _upload(client, b"%PDF-1.4", filename="statistik.pdf")
    assert wrong_type.status_code == 422 and "Filen ska vara XLSX eller CSV." in wrong_type.get_data(as_text=True)
    other_layout = _upload(client, b"titel;beskrivning\nSkolskjuts;Elbussar\n", filename="utmaningar.csv")
    assert other_layout.status_code == 422
    assert "Filen är inte en export ur Statistikdatabasen" in other_layout.get_data(as_text=True)
    broken = _upload(client, xlsx("procurements", ROWS)[:500])
    assert broken.status_code == 422 and "den verkar vara skadad" in broken.get_data(as_text=True)
    with_formula = _upload(client, xlsx("values", [procurement("MT1", **{"Kontrakterat värde, Summa": "=1+1"})]))
    assert with_formula.status_code == 422 and "Cell AG2 innehåller en formel." in with_formula.get_data(as_text=True)
    too_large = _upload(client, b"x" * (41 * 1024 * 1024), filename="stor.csv")
    assert too_large.status_code == 413 and "Filen är för stor (högst 40 MB)." in too_large.get_data(as_text=True)
    assert _count(app, Job) == 0


def test_a_csv_upload_in_windows_1252_is_imported(app, client, auth, people, run_jobs):
    auth.login("admin@example.org")
    rows = [procurement("MT1", **{"Upphandlingens titel": "Snöröjning i Höör"})]
    assert _upload(client, csv_export("procurements", rows, encoding="cp1252"), "antal.csv").status_code == 303
    run_jobs()
    with app.app_context():
        assert db.session.scalar(sa.select(Procurement.title)) == "Snöröjning i Höör"


def test_only_its_starter_and_admins_follow_a_job(app, client, auth, people, run_jobs):
    auth.login("admin@example.org")
    job_url = _upload(client, xlsx("procurements", ROWS)).headers["Location"]
    auth.logout()
    auth.login("manager@example.org")
    assert client.get(job_url).status_code == 404


def test_the_command_imports_files_with_progress_and_a_report(app, tmp_path):
    count_file = tmp_path / "antal.xlsx"
    count_file.write_bytes(xlsx("procurements", [*ROWS, procurement("MT9", **{"Huvudsaklig CPV-kod": ""})]))
    value_file = tmp_path / "varde.csv"
    value_file.write_bytes(csv_export("values", [dict(ROWS[0], **{"Kontrakterat värde, Summa": 1200})]))
    result = app.test_cli_runner().invoke(args=["statistics", "import", str(count_file), str(value_file)])
    assert result.exit_code == 0, result.output
    assert "antal.xlsx (Antal upphandlingar, 2021): 3 rader, 3 nya, 0 ändrade, 0 oförändrade" in result.stdout
    assert "1 rader: cpv-kod saknas (sparade, markerade som ej verifierade)" in result.stdout
    assert "varde.csv (Kontrakterat värde, 2021): 1 rader, 0 nya, 1 ändrade" in result.stdout
    assert "Läser rad 1 av 3" in result.stderr  # progress
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.sum(Procurement.contracted_value_sek))) == 1200

    again = app.test_cli_runner().invoke(args=["statistics", "import", "--skip-known", str(count_file)])
    assert again.exit_code == 0 and "antal.xlsx: redan importerad, hoppas över." in again.output


def test_the_command_names_refused_rows_and_exits_non_zero(app, tmp_path):
    bad = tmp_path / "antal.xlsx"
    bad.write_bytes(xlsx("procurements", [*ROWS, procurement("MT2", **{"Upphandlingens titel": "Skolmat"})]))
    result = app.test_cli_runner().invoke(args=["statistics", "import", str(bad)])
    assert result.exit_code == 1
    assert "1 av 3 rader kunde inte läsas; inget har sparats." in result.stderr
    assert "rad 4: samma upphandling som rad 3" in result.stderr
    assert _count(app) == 0
    other = tmp_path / "utmaningar.csv"
    other.write_text("titel;cpv\nSkolskjuts;60130000\n")
    result = app.test_cli_runner().invoke(args=["statistics", "import", str(other)])
    assert result.exit_code == 1 and "utmaningar.csv: Filen är inte en export ur Statistikdatabasen" in result.stderr
