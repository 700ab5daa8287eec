"""The e-mail outbox: written with its cause, delivered once over SMTP, retried with backoff."""

import os
import re
import subprocess
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from blueprints.core.db import db, utcnow
from blueprints.core.models import OutboxEmail
from blueprints.core.outbox import MAX_ATTEMPTS, send_outbox
from tests.conftest import PROJECT_ROOT, deliver_outbox, queue_reset_email, text_body


def _queue(app, count=1, language="sv"):
    with app.test_request_context():
        for n in range(count):
            queue_reset_email(f"person{n}@example.org", language)
        db.session.commit()


def _rows(app):
    with app.app_context():
        return db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)).all()


def test_delivers_plain_text_and_html(app, smtp):
    _queue(app)
    assert deliver_outbox(app) == {"sent": 1, "retry": 0, "failed": 0, "unsure": 0}
    [message] = smtp.messages
    assert message.get_content_type() == "multipart/alternative"
    assert "Hej Person!" in text_body(message)
    assert '<a href="http://localhost/x">' in message.get_body(preferencelist=("html",)).get_content()
    assert message["Message-ID"] == _rows(app)[0].message_id
    assert _rows(app)[0].status == "sent"


def test_sent_mail_is_not_sent_again(app, smtp):
    _queue(app)
    deliver_outbox(app)
    assert deliver_outbox(app)["sent"] == 0
    assert len(smtp.messages) == 1


def test_rolled_back_change_leaves_no_email(app):
    with app.test_request_context():
        queue_reset_email("x@example.org")
        db.session.rollback()
    assert _rows(app) == []


def test_server_down_means_retry_later_with_backoff(app, smtp):
    _queue(app)
    smtp.stop()
    assert deliver_outbox(app) == {"sent": 0, "retry": 1, "failed": 0, "unsure": 0}
    [row] = _rows(app)
    assert row.status == "pending" and row.attempts == 1 and row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=50)
    # Not due yet: nothing happens.
    assert deliver_outbox(app)["retry"] == 0


def test_temporary_refusal_then_success(app, smtp):
    _queue(app)
    smtp.refuse = True
    assert deliver_outbox(app)["retry"] == 1
    smtp.refuse = False
    with app.app_context():
        db.session.execute(sa.update(OutboxEmail).values(next_attempt_at=utcnow()))
        db.session.commit()
    assert deliver_outbox(app)["sent"] == 1
    assert len(smtp.messages) == 1


def test_gives_up_after_max_attempts_and_admin_sees_it(app, client, auth, people, smtp):
    _queue(app)
    smtp.refuse = True
    for _ in range(MAX_ATTEMPTS):
        with app.app_context():
            db.session.execute(sa.update(OutboxEmail).values(next_attempt_at=utcnow()))
            db.session.commit()
        deliver_outbox(app)
    [row] = _rows(app)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    auth.login("admin@example.org")
    page = client.get("/admin/e-post").get_data(as_text=True)
    assert "person0@example.org" in page and "Misslyckad" in page and "451" in page
    from tests.conftest import csrf_token

    client.post(f"/admin/e-post/{row.id}/forsok-igen", data={"csrf_token": csrf_token(client)})
    smtp.refuse = False
    assert deliver_outbox(app)["sent"] == 1


@pytest.mark.commits  # the senders run in threads, each with its own connection
def test_concurrent_senders_deliver_each_email_exactly_once(app, smtp):
    _queue(app, count=30)
    results = []

    def run():
        with app.app_context():
            results.append(send_outbox(limit=10))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    while deliver_outbox(app)["sent"]:
        pass
    recipients = sorted(m["To"] for m in smtp.messages)
    assert recipients == sorted(f"person{n}@example.org" for n in range(30))
    assert all(row.status == "sent" for row in _rows(app))


def test_cli_command_sends(app, smtp):
    _queue(app, count=2)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert "sent 2" in result.output
    assert len(smtp.messages) == 2


def test_a_subject_stored_with_line_breaks_is_sent_as_one_line_without_extra_recipients(app, smtp):
    _queue(app, count=1)
    with app.app_context():
        db.session.execute(sa.update(OutboxEmail).values(subject="Bokad session: Projekt\r\nBcc: x@example.org"))
        db.session.commit()
    assert deliver_outbox(app)["sent"] == 1
    [message] = smtp.messages
    assert message["Subject"] == "Bokad session: Projekt Bcc: x@example.org"
    assert message["Bcc"] is None and smtp.envelope_recipients == [["person0@example.org"]]


def test_a_message_that_cannot_be_built_is_failed_at_once_and_the_others_are_sent(app, client, auth, people, smtp):
    _queue(app, count=3)
    broken = _rows(app)[0].id
    with app.app_context():
        db.session.execute(
            sa.update(OutboxEmail).where(OutboxEmail.id == broken).values(message_id="<a\r\nb@kopkraft.example>")
        )
        db.session.commit()
    assert deliver_outbox(app) == {"sent": 2, "retry": 0, "failed": 1, "unsure": 0}
    assert sorted(m["To"] for m in smtp.messages) == ["person1@example.org", "person2@example.org"]
    row = next(r for r in _rows(app) if r.id == broken)
    assert row.status == "failed" and "ValueError" in row.last_error and row.claimed_by is None
    auth.login("admin@example.org")
    page = client.get("/admin/e-post").get_data(as_text=True)
    assert "person0@example.org" in page and "ValueError" in page
    # Nothing is left in 'sending' to come back and crash the next run.
    assert deliver_outbox(app) == {"sent": 0, "retry": 0, "failed": 0, "unsure": 0}


def test_admins_read_any_email_as_its_recipient_gets_it(app, client, auth, people, smtp):
    _queue(app, count=2)
    deliver_outbox(app)
    _queue(app, count=1)  # one still waiting
    auth.login("admin@example.org")
    page = client.get("/admin/e-post").get_data(as_text=True)
    assert "Senast levererad e-post" in page
    links = re.findall(r'href="(/admin/e-post/\d+)"', page)
    assert len(links) == 3  # the waiting one and the two delivered
    message = client.get(links[0]).get_data(as_text=True)
    assert "Återställ ditt lösenord i Köpkraft" in message and "person0@example.org" in message
    assert "Hej Person!" in message and "http://localhost/x" in message  # the text version, with its link
    html = client.get(links[0] + "/html")
    assert html.status_code == 200 and '<a href="http://localhost/x">' in html.get_data(as_text=True)
    policy = html.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox") and "script-src" not in policy and "default-src 'none'" in policy


def test_make_run_points_links_at_the_port_it_serves():
    """What `make run`'s commands (the server, the worker, seeding) get as BASE_URL, for PORT=8080."""
    show = "show-base-url:\n\t@echo $$BASE_URL\n"
    env = {k: v for k, v in os.environ.items() if k != "BASE_URL"}
    result = subprocess.run(
        ["make", "-s", "PORT=8080", "-f", "Makefile", "-f", "-", "show-base-url"],
        input=show,
        text=True,
        capture_output=True,
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
    )
    assert result.stdout.strip() == "http://127.0.0.1:8080"


def _due_now(app):
    with app.app_context():
        db.session.execute(sa.update(OutboxEmail).values(next_attempt_at=utcnow()))
        db.session.commit()


def test_a_slow_relay_gets_each_message_once(app, smtp):
    app.config["MAIL_TIMEOUT_SECONDS"] = 2
    smtp.answer_after = 0.5
    _queue(app, count=3)
    assert deliver_outbox(app)["sent"] == 3
    assert deliver_outbox(app)["sent"] == 0
    assert sorted(m["To"] for m in smtp.messages) == [f"person{n}@example.org" for n in range(3)]


def test_a_relay_that_answers_after_the_timeout_is_not_sent_the_message_again(app, client, auth, people, smtp):
    """The relay took the whole message and answered too late: it may well have delivered it, so the message
    waits for an admin instead of going out twice."""
    app.config["MAIL_TIMEOUT_SECONDS"] = 0.5
    smtp.answer_after = 1.5
    _queue(app)
    assert deliver_outbox(app) == {"sent": 0, "retry": 0, "failed": 0, "unsure": 1}
    _due_now(app)
    assert deliver_outbox(app)["sent"] == 0
    assert len(smtp.messages) == 1  # delivered once, by the relay that answered late
    [row] = _rows(app)
    assert row.status == "unsure" and row.attempts == 1
    auth.login("admin@example.org")
    page = client.get("/admin/e-post").get_data(as_text=True)
    assert "Osäker (kan ha levererats)" in page and "Försök igen" in page


def test_a_relay_that_never_greets_is_tried_again_later_and_the_message_arrives_once(app, smtp):
    import socket

    app.config["MAIL_TIMEOUT_SECONDS"] = 0.5
    silent = socket.create_server(("127.0.0.1", 0))  # accepts connections, never says a word
    try:
        app.config["MAIL_PORT"] = silent.getsockname()[1]
        _queue(app)
        assert deliver_outbox(app) == {"sent": 0, "retry": 1, "failed": 0, "unsure": 0}
        [row] = _rows(app)
        assert row.status == "pending" and "timed out" in row.last_error
    finally:
        silent.close()
    app.config["MAIL_PORT"] = smtp.port
    _due_now(app)
    assert deliver_outbox(app)["sent"] == 1
    assert len(smtp.messages) == 1 and smtp.messages[0]["Message-ID"] == _rows(app)[0].message_id


def test_each_attempt_is_recorded_before_the_message_is_sent(app, smtp):
    """A sender killed mid-send leaves the attempt counted and the message claimed; after the claim's time it
    is due again, with the same Message-ID."""
    from blueprints.core.outbox import STALE_CLAIM, _claim_next

    _queue(app)
    with app.app_context():
        assert _claim_next("killed-sender") is not None
    [row] = _rows(app)
    assert (row.status, row.attempts, row.claimed_by) == ("sending", 1, "killed-sender")
    assert deliver_outbox(app)["sent"] == 0  # still held by the sender (it might be sending right now)
    with app.app_context():
        db.session.execute(sa.update(OutboxEmail).values(claimed_at=utcnow() - STALE_CLAIM - timedelta(seconds=1)))
        db.session.commit()
    assert deliver_outbox(app)["sent"] == 1
    assert smtp.messages[0]["Message-ID"] == row.message_id
    assert _rows(app)[0].attempts == 2


def test_mail_due_for_more_than_a_day_is_held_until_an_admin_releases_it(app, client, auth, people, smtp, pinned_clock):
    _queue(app)
    pinned_clock.shift(timedelta(hours=25))
    assert deliver_outbox(app)["sent"] == 0
    [row] = _rows(app)
    assert row.status == "held" and smtp.messages == []
    auth.login("admin@example.org")
    page = client.get(f"/admin/e-post/{row.id}").get_data(as_text=True)
    assert "Hållen (väntade för länge)" in page
    from tests.conftest import csrf_token

    client.post(f"/admin/e-post/{row.id}/forsok-igen", data={"csrf_token": csrf_token(client)})
    assert deliver_outbox(app)["sent"] == 1


def test_outbox_hold_after_a_restore_holds_every_unsent_message(app, smtp):
    _queue(app, count=2)
    result = app.test_cli_runner().invoke(args=["outbox", "hold"])
    assert "held 2 e-mails" in result.output
    assert deliver_outbox(app)["sent"] == 0 and [row.status for row in _rows(app)] == ["held", "held"]


def test_a_delivered_message_cannot_be_sent_again_by_an_admin(app, client, auth, people, smtp):
    _queue(app)
    deliver_outbox(app)
    auth.login("admin@example.org")
    from tests.conftest import csrf_token

    row = _rows(app)[0]
    answer = client.post(f"/admin/e-post/{row.id}/forsok-igen", data={"csrf_token": csrf_token(client)})
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/e-post"
    followed = client.get("/admin/e-post").get_data(as_text=True)
    assert "E-posten väntar redan på att skickas eller är levererad." in followed
    assert deliver_outbox(app)["sent"] == 0 and len(smtp.messages) == 1


def test_the_admins_queue_comes_a_page_at_a_time(app, client, auth, people):
    with app.app_context():
        for n in range(60):
            db.session.add(
                OutboxEmail(
                    message_id=f"<{n}@test>", recipient=f"person{n:02d}@example.org", subject="Hej", body_text="",
                    body_html="", status="failed" if n < 5 else "pending",
                )
            )  # fmt: skip
        db.session.commit()
    auth.login("admin@example.org")
    first = client.get("/admin/e-post").get_data(as_text=True)
    assert "60 träffar" in first and "person00@example.org" in first and "person50@example.org" not in first
    second = client.get("/admin/e-post?page=2", headers={"HX-Request": "true", "HX-Request-Type": "partial"})
    text = second.get_data(as_text=True)
    assert "person59@example.org" in text and "person05@example.org" not in text and "<h1>" not in text
