"""Fixtures for support: a facilitator's working week, requests in a chosen status, real documents."""

import io
import zipfile
from datetime import time, timedelta

import pytest

from blueprints.core.db import db, utcnow
from blueprints.support.models import AvailabilityWindow, Booking, FacilitatorProfile, Feedback, SupportRequest
from blueprints.support.queries import hash_token
from tests.challenges.conftest import areas  # noqa: F401 (fixture)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


def docx_bytes() -> bytes:
    """A minimal but real Word document (the parts filetype and Word look for)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>',
        )
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """A real workbook written by openpyxl."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Behov"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def working_week(app, people):
    """The facilitator works Monday to Friday 08:00-17:00 and knows the first need area (if any)."""
    with app.app_context():
        for weekday in range(5):
            db.session.add(
                AvailabilityWindow(
                    facilitator_id=people["facilitator"], weekday=weekday, start_time=time(8), end_time=time(17)
                )
            )
        db.session.add(FacilitatorProfile(user_id=people["facilitator"]))
        db.session.commit()


@pytest.fixture
def make_request(app, people):
    """Submit a request for the home organisation through the service; optionally grant it."""

    def make(title="Upphandling av skolskjuts", kinds=("workshop", "bollplank"), granted=False, **fields):
        from blueprints.accounts.models import User
        from blueprints.support.services import RequestData, grant_request, submit_support_request

        with app.test_request_context():
            buyer = db.session.get(User, people["buyer"])
            data = RequestData(
                title=title,
                description=fields.pop("description", "Vi vill ha en workshop om behovsanalys."),
                need_area_id=fields.pop("need_area_id", None),
                cpv_codes=[],
                estimated_value_sek=fields.pop("estimated_value_sek", 2_000_000),
                phase=fields.pop("phase", "behovsanalys"),
                support_kinds=list(kinds),
                preferred_from=None,
                preferred_to=None,
                format="digitalt",
                place="",
            )
            request = submit_support_request(data=data, uploads=[], user=buyer)
            if granted:
                facilitator = db.session.get(User, people["facilitator"])
                grant_request(request=request, facilitator_id=facilitator.id, comment="", actor=facilitator)
            for name, value in fields.items():
                setattr(request, name, value)
            db.session.commit()
            return request.id

    return make


@pytest.fixture
def make_session(app, people):
    """Put a session straight into the database (no booking rules applied), starting ``starts_in`` from now;
    returns its id. ``feedback_token`` adds an unanswered feedback link with that token."""

    def make(request_id, starts_in, *, hours=1, facilitator="facilitator", status="bokad", feedback_token=None):
        with app.app_context():
            start = utcnow() + starts_in
            end = start + timedelta(hours=hours)
            booking = Booking(
                request_id=request_id,
                facilitator_id=people[facilitator],
                kind="workshop",
                starts_at=start,
                ends_at=end,
                blocked_until=end,
                status=status,
            )
            if feedback_token:
                booking.feedback = Feedback(
                    token_hash=hash_token(feedback_token), expires_at=utcnow() + timedelta(days=30)
                )
            db.session.add(booking)
            db.session.commit()
            return booking.id

    return make


def get_request(app, request_id: int) -> SupportRequest:
    """A request read back in a fresh session (detached, with what tests look at loaded)."""
    with app.app_context():
        request = db.session.get(SupportRequest, request_id)
        assert request is not None
        _ = (request.attachments, request.events, request.bookings, request.notes)
        db.session.expunge_all()
        return request
