"""Documents' files and rows agree: a file takes its name only when its row is committed, a full or read-only
disk gives a Swedish message (507) and keeps what the buyer typed, a missing file answers 404 with a message,
and the hourly purge finishes interrupted moves and removes files that no row names."""

import os
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.support.models import SupportRequest
from tests.conftest import page_text
from tests.support.conftest import PDF, get_request
from tests.support.test_requests import _requests, _submit

REFUSED = "Dokumenten kunde inte sparas just nu (lagringen är full eller skrivskyddad)."


def _can_mount() -> bool:
    return os.geteuid() == 0 and subprocess.run(["mount", "--version"], capture_output=True).returncode == 0


@pytest.fixture
def small_disk(app, tmp_path):
    """UPLOAD_DIR on a file system of 64 KB of its own (a tmpfs), to fill or make read-only."""
    if not _can_mount():
        pytest.skip("needs root to mount a small tmpfs")
    folder = tmp_path / "uploads"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    app.config["UPLOAD_DIR"] = str(folder)
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def _refused_and_kept(response):
    assert response.status_code == 507
    text = page_text(response.get_data(as_text=True))
    assert REFUSED in text
    assert 'value="Upphandling av skolmåltider"' in response.get_data(as_text=True)  # what was typed is kept


def test_a_full_disk_refuses_the_request_with_a_message_and_leaves_nothing(app, client, auth, people, small_disk):
    auth.login("buyer@example.org")
    big = PDF + b"0" * (100 * 1024)  # more than the disk holds
    _refused_and_kept(_submit(client, files=[("stor.pdf", big)]))
    assert _requests(app) == []
    assert list(small_disk.iterdir()) == []  # no partial file


def test_a_read_only_disk_refuses_the_request_with_a_message(app, client, auth, people, small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    auth.login("buyer@example.org")
    _refused_and_kept(_submit(client, files=[("behov.pdf", PDF)]))
    assert _requests(app) == []


def test_the_file_takes_its_name_when_the_row_is_committed(app, client, auth, people):
    auth.login("buyer@example.org")
    request_id = int(_submit(client, files=[("behov.pdf", PDF)]).headers["Location"].rsplit("/", 1)[-1])
    (attachment,) = get_request(app, request_id).attachments
    folder = Path(app.config["UPLOAD_DIR"])
    assert (folder / attachment.storage_key).read_bytes() == PDF
    assert not (folder / f"{attachment.storage_key}.part").exists()


def test_a_missing_file_answers_404_with_a_message(app, client, auth, people):
    auth.login("buyer@example.org")
    request_id = int(_submit(client, files=[("behov.pdf", PDF)]).headers["Location"].rsplit("/", 1)[-1])
    (attachment,) = get_request(app, request_id).attachments
    (Path(app.config["UPLOAD_DIR"]) / attachment.storage_key).unlink()
    response = client.get(f"/stod/{request_id}/bilagor/{attachment.id}")
    assert response.status_code == 404
    assert "Filen till dokumentet saknas." in page_text(response.get_data(as_text=True))


def test_the_purge_finishes_interrupted_moves_and_removes_files_without_a_row(app, client, auth, people, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    auth.login("buyer@example.org")
    request_id = int(_submit(client, files=[("behov.pdf", PDF)]).headers["Location"].rsplit("/", 1)[-1])
    (attachment,) = get_request(app, request_id).attachments
    committed = tmp_path / attachment.storage_key
    interrupted = committed.rename(tmp_path / f"{attachment.storage_key}.part")  # killed after the commit
    orphan = tmp_path / "0123456789abcdef.part"  # killed before the commit
    orphan.write_bytes(PDF)
    stray = tmp_path / "fedcba9876543210"
    stray.write_bytes(PDF)
    fresh = tmp_path / "aaaaaaaaaaaaaaaa.part"  # being written right now
    fresh.write_bytes(PDF)
    an_hour_ago = time.time() - 3601
    for path in (interrupted, orphan, stray):
        os.utime(path, (an_hour_ago, an_hour_ago))
    result = app.test_cli_runner().invoke(args=["tasks", "run", "purge.documents"])
    assert "moved 1 documents into place, deleted 2 files without a row" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([attachment.storage_key, fresh.name])
    assert client.get(f"/stod/{request_id}/bilagor/{attachment.id}").data == PDF
    with app.app_context():
        assert db.session.get(SupportRequest, request_id) is not None


def test_documents_verify_finds_missing_and_changed_files(app, client, auth, people):
    auth.login("buyer@example.org")
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        _submit(client, files=[(name, PDF)])
    runner = app.test_cli_runner()
    assert "3 documents, 0 with a missing or changed file" in runner.invoke(args=["documents", "verify"]).output
    with app.app_context():
        from blueprints.support.models import SupportAttachment

        first, second, _third = db.session.scalars(sa.select(SupportAttachment).order_by(SupportAttachment.id)).all()
    folder = Path(app.config["UPLOAD_DIR"])
    (folder / first.storage_key).unlink()
    (folder / second.storage_key).write_bytes(PDF + b"tampered")
    result = runner.invoke(args=["documents", "verify"])
    assert result.exit_code == 1
    assert "a.pdf): file" in result.output and "missing" in result.output and "b.pdf): file" in result.output
    assert "3 documents, 2 with a missing or changed file" in result.output
