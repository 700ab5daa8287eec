"""Retention: the hourly purges delete what is older than its documented period and nothing younger."""

from datetime import timedelta

import sqlalchemy as sa

from blueprints.accounts.models import AccountToken, LoginFailure, LoginLockout, UserSession
from blueprints.challenges.models import ChallengeImport
from blueprints.core.db import db, utcnow
from blueprints.core.models import AuditEvent, Job, OutboxEmail

PURGES = ["tasks", "run", "purge.core", "purge.accounts", "purge.challenge-uploads"]


def _email(tag, status, age, **fields):
    at = utcnow() - age
    return OutboxEmail(
        message_id=f"<{tag}@test>", recipient=f"{tag}@example.org", subject=tag, body_text="", body_html="",
        status=status, created_at=at, next_attempt_at=at, sent_at=at if status == "sent" else None, **fields,
    )  # fmt: skip


def _left(app, model, column):
    with app.app_context():
        return sorted(db.session.scalars(sa.select(column)))


def test_old_mail_jobs_and_audit_events_go_and_recent_ones_stay(app):
    days = timedelta(days=1)
    with app.app_context():
        db.session.add_all(
            [
                _email("old-sent", "sent", 31 * days),
                _email("new-sent", "sent", 29 * days),
                _email("old-failed", "failed", 91 * days),
                _email("new-failed", "failed", 89 * days),
                _email("waiting", "pending", 0 * days),
                Job(kind="old", status="done", finished_at=utcnow() - 31 * days),
                Job(kind="new", status="failed", finished_at=utcnow() - 29 * days),
                Job(kind="queued", status="queued"),
                AuditEvent(action="old", at=utcnow() - 731 * days),
                AuditEvent(action="new", at=utcnow() - 729 * days),
            ]
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=PURGES)
    assert "purge.core: deleted 1 sent and 1 undelivered e-mails, 1 jobs, 1 audit events" in result.output
    assert _left(app, OutboxEmail, OutboxEmail.subject) == ["new-failed", "new-sent", "waiting"]
    assert _left(app, Job, Job.kind) == ["new", "queued"]
    assert "old" not in _left(app, AuditEvent, AuditEvent.action)


def test_ended_sign_ins_spent_links_and_old_throttling_rows_go(app, people):
    now, days = utcnow(), timedelta(days=1)
    user = people["buyer"]
    with app.app_context():
        db.session.add_all(
            [
                UserSession(key_hash="ended", user_id=user, ended_at=now - 31 * days, last_seen_at=now - 31 * days),
                UserSession(key_hash="idle", user_id=user, last_seen_at=now - 31 * days),
                UserSession(key_hash="live", user_id=user, last_seen_at=now),
                UserSession(key_hash="recently-ended", user_id=user, ended_at=now - days, last_seen_at=now - days),
                AccountToken(token_hash="expired", user_id=user, purpose="reset", expires_at=now - 31 * days),
                AccountToken(token_hash="valid", user_id=user, purpose="invitation", expires_at=now + days),
                LoginFailure(email="a@example.org", at=now - timedelta(minutes=16)),
                LoginFailure(email="b@example.org", at=now - timedelta(minutes=1)),
                LoginLockout(email="a@example.org", ip_address="10.0.0.1", locked_until=now - timedelta(seconds=1)),
                LoginLockout(email="b@example.org", ip_address="10.0.0.1", locked_until=now + timedelta(minutes=5)),
            ]
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=PURGES)
    assert "deleted 2 sessions, 1 links, 1 failed sign-ins, 1 lockouts" in result.output
    assert _left(app, UserSession, UserSession.key_hash) == ["live", "recently-ended"]
    assert _left(app, AccountToken, AccountToken.token_hash) == ["valid"]
    assert _left(app, LoginFailure, LoginFailure.email) == ["b@example.org"]
    assert _left(app, LoginLockout, LoginLockout.email) == ["b@example.org"]


def test_uploads_never_confirmed_are_forgotten_after_a_day(app, people):
    now = utcnow()
    with app.app_context():
        db.session.add_all(
            [
                ChallengeImport(filename="old.csv", content=b"x", created_at=now - timedelta(days=1, minutes=1)),
                ChallengeImport(filename="new.csv", content=b"x", created_at=now - timedelta(hours=1)),
                ChallengeImport(filename="done.csv", content=b"", created_at=now - timedelta(days=9), imported_at=now),
            ]
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=PURGES)
    assert "purge.challenge-uploads: deleted 1 unconfirmed uploads" in result.output
    assert _left(app, ChallengeImport, ChallengeImport.filename) == ["done.csv", "new.csv"]
