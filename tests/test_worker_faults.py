"""The job worker killed (SIGKILL) in the middle of a large import: nothing of it is stored, and the next worker
takes the job up again once the dead one's heart has stopped, and imports the file whole."""

import os
import signal
import subprocess
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PROJECT_ROOT
from tests.test_production import BIN

pytestmark = [pytest.mark.commits, pytest.mark.slow, pytest.mark.one_database]
ROWS = 20_000


def _queue_large_import(app, people) -> int:
    from blueprints.accounts.models import User
    from blueprints.challenges.imports import start_import, store_upload
    from blueprints.core.db import db

    header = "titel,beskrivning,organisationsnummer,organisation,cpv,behovsområde\n"
    rows = "".join(f"Behov nummer {n},Beskrivning {n},2120001355,Göteborgs kommun,60130000,\n" for n in range(ROWS))
    with app.test_request_context():
        actor = db.session.get(User, people["facilitator"])
        _preview, stored = store_upload(filename="stor.csv", content=(header + rows).encode(), actor=actor)
        job = start_import(stored=stored, actor=actor)
        db.session.commit()
        return job.id


def _job_and_count(app, job_id):
    from blueprints.challenges.models import Challenge
    from blueprints.core.db import db
    from blueprints.core.models import Job

    with app.app_context():
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        count = db.session.scalar(sa.select(sa.func.count(Challenge.id)))
        return job.status, job.attempts, count


def test_a_worker_killed_mid_import_leaves_nothing_and_the_next_one_imports_it_whole(app, people, database_url):
    from blueprints.core.db import db, utcnow
    from blueprints.core.models import Job

    job_id = _queue_large_import(app, people)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "worker-fault-test-secret-key"}
    worker = subprocess.Popen([str(BIN / "flask"), "--app", "app", "worker", "--no-tasks"], cwd=PROJECT_ROOT, env=env)
    try:
        for _ in range(600):
            if _job_and_count(app, job_id)[0] == "running":
                break
            time.sleep(0.05)
        time.sleep(1.0)  # well into the import: the file is checked, the rows are being written
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    status, attempts, count = _job_and_count(app, job_id)
    assert (status, attempts, count) == ("running", 1, 0), "the killed worker's writes were rolled back"
    with app.app_context():  # two minutes pass: the dead worker's heart has stopped
        db.session.execute(sa.update(Job).values(heartbeat_at=utcnow() - timedelta(minutes=3)))
        db.session.commit()
    again = subprocess.run(
        [str(BIN / "flask"), "--app", "app", "worker", "--once", "--no-tasks"], cwd=PROJECT_ROOT, env=env, timeout=300
    )
    assert again.returncode == 0
    assert _job_and_count(app, job_id) == ("done", 2, ROWS)
