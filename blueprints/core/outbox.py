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
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, gettext

from blueprints.core.db import DomainError, db, rows_changed, utcnow
from blueprints.core.models import OutboxEmail

if TYPE_CHECKING:
    from typing_extensions import Buffer

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A sender holds a message for at most one SMTP exchange (each step waits at most MAIL_TIMEOUT_SECONDS, 20 by
# default); a claim older than this belongs to a sender that died.
STALE_CLAIM = timedelta(minutes=10)
PENDING, SENDING, SENT, FAILED, HELD, UNSURE = "pending", "sending", "sent", "failed", "held", "unsure"
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


def _release_dead_claims() -> None:
    """A sender that died holding a message (killed, host lost) never finished it: after ``STALE_CLAIM``, far
    longer than a delivery may take, the message is due again (with its Message-ID, so a relay or mailbox that
    got it already can tell the copy)."""
    rows_changed(
        sa.update(OutboxEmail)
        .where(
            OutboxEmail.status == SENDING,
            sa.or_(OutboxEmail.claimed_at.is_(None), OutboxEmail.claimed_at < utcnow() - STALE_CLAIM),
        )
        .values(status=PENDING, claimed_by=None)
    )
    db.session.commit()


def _hold_old_mail() -> int:
    """Mail due for longer than ``OUTBOX_MAX_AGE_HOURS`` (a database restored from an old backup, a sender that
    did not run for days) is held for an admin instead of sent: it may have gone out already, or no longer be
    true. (Retries are never due that long: their waits end within hours.)"""
    too_old = utcnow() - timedelta(hours=current_app.config["OUTBOX_MAX_AGE_HOURS"])
    held = rows_changed(
        sa.update(OutboxEmail)
        .where(OutboxEmail.status == PENDING, OutboxEmail.next_attempt_at < too_old)
        .values(status=HELD, last_error="Äldre än den tid e-post får vänta; en administratör avgör om den ska skickas.")
    )
    db.session.commit()
    if held:
        log.warning(
            "%s e-mails older than %s hours held for an admin", held, current_app.config["OUTBOX_MAX_AGE_HOURS"]
        )
    return held


def _claim_next(sender: str) -> int | None:
    """Take the next due e-mail for ``sender`` and record the attempt, committed before anything is sent; two
    senders never take the same message."""
    now = utcnow()
    due = (
        sa.select(OutboxEmail.id)
        .where(OutboxEmail.status == PENDING, OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(1)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    for _ in range(5):  # another sender may take the one we saw; look again
        email_id = db.session.scalar(due)
        if email_id is None:
            db.session.commit()
            return None
        # The status condition makes the claim atomic on SQLite too (its writer lock serialises this UPDATE).
        taken = rows_changed(
            sa.update(OutboxEmail)
            .where(OutboxEmail.id == email_id, OutboxEmail.status == PENDING)
            .values(status=SENDING, claimed_by=sender, claimed_at=now, attempts=OutboxEmail.attempts + 1)
        )
        db.session.commit()
        if taken:
            return email_id
    return None


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


def _connect() -> "_Relay":
    config = current_app.config
    smtp = _Relay(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"])
    if config["MAIL_USE_TLS"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return smtp


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most six hours."""
    return min(timedelta(minutes=2 ** (attempts - 1)), timedelta(hours=6))


def _record_failure(email: OutboxEmail, error: Exception) -> None:
    email.last_error = _error_text(error)
    email.claimed_by = None
    if email.attempts >= MAX_ATTEMPTS:
        email.status = FAILED
    else:
        email.status = PENDING
        email.next_attempt_at = utcnow() + _backoff(email.attempts)


def _record_unsure(email: OutboxEmail, error: Exception) -> None:
    """The whole message went to the relay but its answer never came: it may well be delivered. Sending it
    again would make a second copy when it was, so an admin decides (the e-mail queue lists these)."""
    log.error("E-mail %s may or may not have been delivered: %s", email.id, error)
    email.status, email.claimed_by, email.last_error = UNSURE, None, _error_text(error)


def _record_unsendable(email: OutboxEmail, error: Exception) -> None:
    """A message that cannot even be built will not build next time either: failed at once, for an admin."""
    log.error("E-mail %s cannot be built: %s", email.id, error)
    email.last_error = _error_text(error)
    email.status, email.claimed_by = FAILED, None


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


class _Relay(smtplib.SMTP):
    """An SMTP connection that knows whether the relay was handed the whole message (DATA's final dot)."""

    handed_over = False

    def send(self, s: "Buffer | str") -> None:
        """Send, noting when what is sent is the end of a message."""
        super().send(s)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.handed_over = True


def send_outbox(*, limit: int = 100) -> dict[str, int]:
    """Deliver due e-mails once each; return how many were sent, retried later, given up or left unsure.

    Each message is claimed (and its attempt recorded) just before it is sent, so a slow relay never lets
    another sender take it again; one message never holds back the others: whatever goes wrong with it is
    recorded on its row (failed at once when the message cannot be built, retried with backoff when delivery
    failed, unsure when the relay had it and then went silent) and the run goes on.
    """
    sender = f"{socket.gethostname()}-{secrets.token_hex(6)}"
    counts = {"sent": 0, "retry": 0, "failed": 0, "unsure": 0}
    _release_dead_claims()
    _hold_old_mail()
    smtp: _Relay | None = None
    try:
        for _ in range(limit):
            email_id = _claim_next(sender)
            if email_id is None:
                break
            smtp = _send_one(db.session.get_one(OutboxEmail, email_id), smtp, counts)
            db.session.commit()
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return counts


def _send_one(email: OutboxEmail, smtp: "_Relay | None", counts: dict[str, int]) -> "_Relay | None":
    """Send one claimed e-mail on ``smtp`` (connecting if need be); return the connection if still usable."""
    try:
        message = _build_message(email)
    except Exception as error:  # any fault in the stored row: it must not stop the run
        _record_unsendable(email, error)
        counts["failed"] += 1
        return smtp
    try:
        smtp = smtp or _connect()
        smtp.handed_over = False
        smtp.send_message(message)
    except Exception as error:
        clear_answer = isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)
        if not clear_answer and smtp is not None and smtp.handed_over:  # it had it all, then went silent
            _record_unsure(email, error)
            counts["unsure"] += 1
            return None
        log.warning("E-mail %s not delivered: %s", email.id, error)  # refused, or never had it: retried
        _record_failure(email, error)
        counts["failed" if email.status == FAILED else "retry"] += 1
        return smtp if clear_answer else None  # no clear answer: a fresh connection for the next message
    email.status, email.sent_at, email.claimed_by = SENT, utcnow(), None
    counts["sent"] += 1
    return smtp


def delivery_summary(counts: dict[str, int]) -> str:
    """What a run of ``send_outbox`` did, in one line ("sent 3, retry 0, failed 0, unsure 0")."""
    return ", ".join(f"{what} {count}" for what, count in counts.items())


def hold_unsent() -> int:
    """Hold every e-mail not yet sent, for an admin to release (after restoring a backup: some of them were
    delivered after the backup was taken); return how many."""
    held = rows_changed(
        sa.update(OutboxEmail)
        .where(OutboxEmail.status.in_((PENDING, SENDING)))
        .values(status=HELD, claimed_by=None, last_error="Hållen efter återläsning; en administratör avgör.")
    )
    db.session.commit()
    return held


def retry_failed_email(*, email: OutboxEmail) -> None:
    """Send a failed, held or unsure e-mail again, with a fresh set of attempts (an admin action)."""
    if email.status not in (FAILED, HELD, UNSURE):
        raise DomainError(gettext("E-posten väntar redan på att skickas eller är levererad."))
    email.status, email.attempts, email.next_attempt_at, email.claimed_by = PENDING, 0, utcnow(), None
