"""Matching that learns, in the app: training from the database (command, job after an import, admin page),
CPV codes proposed as a challenge is written (with and without JavaScript), codes to check in review, and
suggestions that use the model, with what happens when the model is missing or damaged."""

import random
import re
from pathlib import Path

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.core.models import Job
from blueprints.networks.training import TRAIN_JOB
from blueprints.organisations.models import Organisation
from blueprints.statistics.models import Procurement
from tests.conftest import csrf_token, page_text
from tests.networks.test_cpv_model import VOCABULARY
from tests.statistics.conftest import procurement, xlsx


def _store_statistics(app, rows: int = 600) -> None:
    """``rows`` procurements by 30 organisations, titles drawn from the words of six CPV groups."""
    rng = random.Random(5)
    with app.app_context():
        buyers = [
            Organisation(name=f"Köpare {n}", org_number=f"30200{n:05d}", kind="kommun", search_text="", sort_key="")
            for n in range(30)
        ]
        db.session.add_all(buyers)
        db.session.flush()
        for n in range(rows):
            code = list(VOCABULARY)[n % len(VOCABULARY)]
            buyer = buyers[rng.randrange(len(buyers))]
            db.session.add(
                Procurement(
                    record_key=f"learn-{n}",
                    procurement_key=f"LEARN-{n}",
                    year=2021,
                    organisation_id=buyer.id,
                    buyer_name=buyer.name,
                    buyer_org_number=buyer.org_number,
                    cpv_code=code,
                    title=" ".join(rng.sample(VOCABULARY[code], 3)),
                )
            )
        db.session.commit()


def _train(app):
    return app.test_cli_runner().invoke(args=["matching", "train"])


def test_the_command_learns_from_the_statistics_and_admins_see_what_it_learnt(app, client, auth, people):
    _store_statistics(app)
    result = _train(app)
    assert result.exit_code == 0, result.output
    assert "tränad på 600 texter (6 CPV-grupper)" in result.output
    assert "group_top1" in result.output
    assert list(Path(app.config["MATCHING_DIR"]).glob("model-*/manifest.json"))
    auth.login("admin@example.org")
    text = page_text(client.get("/admin/matchningsmodell").get_data(as_text=True))
    assert "600 (600 upphandlingar, 0 utmaningar)" in text
    assert "CPV-grupp" in text and "Bland de fem första" in text


def test_too_little_to_learn_from_is_said_and_nothing_is_saved(app):
    result = _train(app)
    assert result.exit_code == 1
    assert "För lite att lära av: 0 labelled texts in 0 CPV groups" in result.output
    assert not Path(app.config["MATCHING_DIR"]).exists()


def test_an_import_that_changes_procurements_queues_training_and_the_worker_does_it(
    app, client, auth, people, tmp_path
):
    from blueprints.core.jobs import run_next_job

    rng = random.Random(2)
    rows = []
    for n in range(360):
        code = list(VOCABULARY)[n % 6]
        title = " ".join(rng.sample(VOCABULARY[code], 3))
        rows.append(procurement(f"IMP-{n}", **{"Huvudsaklig CPV-kod": f"{code} X", "Upphandlingens titel": title}))
    export = tmp_path / "antal.xlsx"
    export.write_bytes(xlsx("procurements", rows))
    assert app.test_cli_runner().invoke(args=["statistics", "import", str(export)]).exit_code == 0
    with app.app_context():
        assert db.session.scalars(sa.select(Job.status).where(Job.kind == TRAIN_JOB)).all() == ["queued"]
    again = app.test_cli_runner().invoke(args=["statistics", "import", str(export)])  # nothing changes: no job
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(Job.kind == TRAIN_JOB)) == 1
    job_id = run_next_job(app, worker="test-worker", heartbeat=False)
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.status == "done", job.error
        assert job.result["rows"] == 360
    auth.login("admin@example.org")
    assert "Modellen tränades på 360 texter." in page_text(client.get(f"/jobb/{job_id}").get_data(as_text=True))


def test_admins_queue_training_from_the_page_and_others_may_not(app, client, auth, people):
    auth.login("admin@example.org")
    page = client.get("/admin/matchningsmodell").get_data(as_text=True)
    assert "Ingen modell är tränad ännu." in page_text(page)
    response = client.post("/admin/matchningsmodell", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303 and "/jobb/" in response.headers["Location"]
    client.post("/admin/matchningsmodell", data={"csrf_token": csrf_token(client)})
    with app.app_context():  # a second press while one waits queues nothing more
        assert db.session.scalar(sa.select(sa.func.count()).where(Job.kind == TRAIN_JOB)) == 1
    auth.logout()
    auth.login("facilitator@example.org")
    assert client.get("/admin/matchningsmodell").status_code == 403


def _propose(client, title, description=""):
    token = csrf_token(client)
    return client.post(
        "/utmaningar/cpv-forslag",
        data={"title": title, "description": description},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )


def test_buyers_get_cpv_codes_proposed_for_what_they_write(app, client, auth, people):
    _store_statistics(app)
    auth.login("buyer@example.org")
    assert "Föreslagna koder" not in _propose(client, "Lokalvård och fönsterputs").get_data(as_text=True)  # no model
    assert _train(app).exit_code == 0
    response = _propose(client, "Lokalvård och fönsterputs", "Golvvård i våra lokaler")
    text = page_text(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Föreslagna koder" in text
    first = text.split("Föreslagna koder")[1]
    assert first.index("90900000") < first.index("%")  # the likeliest first, with its probability
    assert "Mycket trolig" in text
    assert 'data-cpv-add="90900000"' in response.get_data(as_text=True)  # a button, never chosen for them
    assert "Föreslagna koder" not in _propose(client, "x").get_data(as_text=True)


def test_without_javascript_the_proposals_come_back_with_the_form(app, client, auth, people):
    _store_statistics(app)
    assert _train(app).exit_code == 0
    auth.login("buyer@example.org")
    token = csrf_token(client)
    response = client.post(
        "/utmaningar/ny", data={"csrf_token": token, "title": "Skolbuss för elever", "action": "submit"}
    )
    assert response.status_code == 422
    text = page_text(response.get_data(as_text=True))
    assert "Föreslagna koder" in text and "60100000" in text


def test_staff_see_challenges_whose_codes_disagree_with_their_text(app, client, auth, people, make_challenge):
    _store_statistics(app)
    assert _train(app).exit_code == 0
    odd = make_challenge(title="Lokalvård och storstäd av skolor", codes=("60130000",))
    make_challenge(title="Skolbuss för elever", codes=("60130000",))
    auth.login("facilitator@example.org")
    queue = page_text(client.get("/utmaningar/granskning").get_data(as_text=True))
    assert "CPV-koder att se över" in queue
    assert re.search(r"Lokalvård och storstäd av skolor ?: texten tyder på 90900000 Städning", queue)
    assert not re.search(r"Skolbuss för elever ?: texten", queue)
    detail = page_text(client.get(f"/utmaningar/{odd}").get_data(as_text=True))
    assert "Texten tyder på 90900000" in detail
    auth.logout()
    auth.login("buyer@example.org")
    assert "CPV-koder att se över" not in client.get(f"/utmaningar/{odd}").get_data(as_text=True)


def test_suggestions_use_the_model_and_say_so(app, client, auth, people, make_challenge):
    _store_statistics(app)
    assert _train(app).exit_code == 0
    mine = make_challenge(title="Färdtjänst", codes=())
    theirs = make_challenge(title="Skolbuss och elevtransport", organisation="other", codes=())
    auth.login("facilitator@example.org")
    page = client.get(f"/utmaningar/{mine}/forslag", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f"/utmaningar/{theirs}" in page
    assert "Troligen samma CPV-grupp: 601" in page_text(page)


def test_a_damaged_model_is_reported_to_admins_and_matching_goes_on_without_it(
    app, client, auth, people, make_challenge
):
    _store_statistics(app)
    assert _train(app).exit_code == 0
    for weights in Path(app.config["MATCHING_DIR"]).glob("model-*/weights_data.npy"):
        weights.write_bytes(weights.read_bytes()[:-8])
    mine = make_challenge(title="Skolbuss för elever")
    theirs = make_challenge(title="Skolbuss och elevtransport", organisation="other")
    auth.login("admin@example.org")
    text = page_text(client.get("/admin/matchningsmodell").get_data(as_text=True))
    assert "Modellen används inte: Modellen model-" in text and "är skadad: weights_data.npy" in text
    response = client.get(f"/utmaningar/{mine}/forslag", headers={"HX-Request": "true"})
    assert response.status_code == 200 and f"/utmaningar/{theirs}" in response.get_data(as_text=True)
    assert "Föreslagna koder" not in _propose(client, "Skolbuss för elever").get_data(as_text=True)
