"""E-mail outbox: queue in the caller's transaction, deliver later over SMTP with retries and backoff."""

import contextlib
import logging
import re
import secrets
import smtplib
import socket
from collections.abc import Callable, Iterable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, gettext

from blueprints.core.db import db, utcnow
from blueprints.core.models import OutboxEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=15)
# Line breaks and other control characters end a header line: a subject made from what a user typed never
# carries them (forms refuse them too; this holds for rows stored before that, and for any other source).
HEADER_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_text(text: str) -> str:
    """``text`` as one header line: every run of control characters becomes one space."""
    return HEADER_UNSAFE.sub(" ", text).strip()


def queue_email(
    *,
    recipient: str,
    language: str,
    template: str,
    subject: str,
    calendar: tuple[str, str] | None = None,
    **context: Any,
) -> OutboxEmail:
    """Render ``email/<template>.txt`` and ``.html`` in the recipient's language and add them to the outbox.

    ``subject`` is a msgid, translated in the recipient's language as well. ``calendar`` is an iCalendar
    invitation sent along, as (METHOD, text).
    """
    with force_locale(language):
        translated_subject = gettext(subject, **context)
        body_text = render_template(f"email/{template}.txt", **context)
        body_html = render_template(f"email/{template}.html", subject=translated_subject, **context)
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].strip(">") or "kopkraft.example"
    email = OutboxEmail(
        message_id=make_msgid(domain=domain),
        recipient=recipient,
        subject=header_text(translated_subject),
        body_text=body_text,
        body_html=body_html,
        calendar_method=calendar[0] if calendar else None,
        calendar_ics=calendar[1] if calendar else None,
    )
    db.session.add(email)
    return email


def queue_notice(people: Iterable[Any], *, subject: str, message: Callable[[], str], link: str, **values: Any) -> None:
    """A short notice to each person (active ones), in their own language: ``subject`` is a msgid formatted
    with ``values``; ``message()`` is called in the person's language and gives the text; ``link`` leads there."""
    for person in people:
        if not person.is_active:
            continue
        with force_locale(person.language):
            text = message()
        queue_email(
            recipient=person.email,
            language=person.language,
            template="notice",
            subject=subject,
            name=person.name,
            message=text,
            link=link,
            **values,
        )


def _claim_batch(worker: str, limit: int) -> list[int]:
    """Mark up to ``limit`` due e-mails as ours; concurrent senders never claim the same row."""
    now = utcnow()
    # A sender that died mid-batch leaves rows in 'sending'; give them back after a while.
    db.session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.status == "sending", OutboxEmail.next_attempt_at < now - STALE_CLAIM)
        .values(status="pending", claimed_by=None)
    )
    due = (
        sa.select(OutboxEmail.id)
        .where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(due))
    if ids:
        # The status condition makes the claim atomic on SQLite too (its writer lock serialises this UPDATE).
        db.session.execute(
            sa.update(OutboxEmail)
            .where(OutboxEmail.id.in_(ids), OutboxEmail.status == "pending")
            .values(status="sending", claimed_by=worker, next_attempt_at=now)
        )
    db.session.commit()
    return list(
        db.session.scalars(
            sa.select(OutboxEmail.id).where(OutboxEmail.claimed_by == worker, OutboxEmail.status == "sending")
        )
    )


def _build_message(email: OutboxEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = header_text(email.recipient)
    message["Subject"] = header_text(email.subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = email.message_id
    message.set_content(email.body_text)
    message.add_alternative(email.body_html, subtype="html")
    if email.calendar_ics:
        # Calendar programs read the text/calendar part (with its METHOD); the .ics file is for everyone else.
        message.add_alternative(email.calendar_ics, subtype="calendar", params={"method": email.calendar_method})
        message.add_attachment(
            email.calendar_ics.encode(), maintype="application", subtype="ics", filename="inbjudan.ics"
        )
    return message


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    if config["MAIL_USE_TLS"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return smtp


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most six hours."""
    return min(timedelta(minutes=2 ** (attempts - 1)), timedelta(hours=6))


def _record_failure(email: OutboxEmail, error: Exception) -> None:
    email.attempts += 1
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    email.claimed_by = None
    if email.attempts >= MAX_ATTEMPTS:
        email.status = "failed"
    else:
        email.status = "pending"
        email.next_attempt_at = utcnow() + _backoff(email.attempts)


def _record_unsendable(email: OutboxEmail, error: Exception) -> None:
    """A message that cannot even be built will not build next time either: failed at once, for an admin."""
    log.error("E-mail %s cannot be built: %s", email.id, error)
    email.attempts += 1
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    email.status, email.claimed_by = "failed", None


def send_outbox(*, limit: int = 100) -> dict[str, int]:
    """Deliver due e-mails once each; return how many were sent, retried later, and given up.

    One message never holds back the others: whatever goes wrong with it is recorded on its row (failed at
    once when the message cannot be built, retried with backoff when delivery failed) and the batch goes on.
    """
    worker = f"{socket.gethostname()}-{secrets.token_hex(6)}"
    ids = _claim_batch(worker, limit)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not ids:
        return counts
    smtp: smtplib.SMTP | None = None
    try:
        for email_id in ids:
            email = db.session.get_one(OutboxEmail, email_id)
            try:
                message = _build_message(email)
            except Exception as error:  # any fault in the stored row: it must not stop the batch
                _record_unsendable(email, error)
                counts["failed"] += 1
                db.session.commit()
                continue
            try:
                smtp = smtp or _connect()
                smtp.send_message(message)
            except Exception as error:  # the relay's or the connection's fault: retried later
                log.warning("E-mail %s not delivered: %s", email.id, error)
                _record_failure(email, error)
                counts["failed" if email.status == "failed" else "retry"] += 1
                if not isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
                    smtp = None  # no clear answer from the relay: a fresh connection for the next message
            else:
                email.status, email.sent_at, email.claimed_by = "sent", utcnow(), None
                email.attempts += 1
                counts["sent"] += 1
            db.session.commit()
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return counts


def retry_failed_email(*, email: OutboxEmail) -> None:
    """Give a failed e-mail a fresh set of attempts (an admin action)."""
    email.status, email.attempts, email.next_attempt_at, email.claimed_by = "pending", 0, utcnow(), None
