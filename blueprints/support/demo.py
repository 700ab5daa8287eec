"""Demo support data: two facilitators with working weeks, requests in every status, sessions past and future
(idempotent: nothing is added once any request exists)."""

from datetime import date, time, timedelta

import sqlalchemy as sa

from blueprints.accounts.models import User
from blueprints.core.db import db, utcnow
from blueprints.core.formatting import STOCKHOLM, swedish_time_to_utc
from blueprints.support.constants import ASSESSING, CLOSED, DECLINED, DONE, GRANTED, ONGOING, RECEIVED
from blueprints.support.diary import format_diary_number
from blueprints.support.models import (
    AvailabilityWindow,
    Booking,
    FacilitatorProfile,
    Feedback,
    SupportRequest,
    SupportRequestEvent,
)
from blueprints.support.queries import hash_token
from blueprints.support.services import next_diary_serial
from blueprints.support.workdays import add_working_days
from blueprints.vocabulary.models import NeedArea

# title, buyer e-mail, status, facilitator e-mail, kinds, phase
DEMO_REQUESTS = [
    ("Fossilfria arbetsmaskiner", "buyer@example.org", RECEIVED, None, ["workshop"], "behovsanalys"),
    ("Skolmåltider med mer närodlat", "buyer2@example.org", ASSESSING, None, ["dialogmote"], "marknadsanalys"),
    (
        "Digital signering av avtal",
        "buyer@example.org",
        GRANTED,
        "facilitator@example.org",
        ["bollplank", "workshop"],
        "upphandlingsdokument",
    ),
    ("Möbler till nya skolan", "buyer2@example.org", DECLINED, None, ["processgranskning"], "annonsering"),
    (
        "Laddinfrastruktur för kommunens fordon",
        "buyer@example.org",
        ONGOING,
        "facilitator@example.org",
        ["dialogmote", "workshop"],
        "marknadsanalys",
    ),
    ("Återbrukade kontorsmöbler", "buyer2@example.org", CLOSED, "facilitator2@example.org", ["workshop"], "avtal"),
]


def _people() -> dict[str, User]:
    return {u.email: u for u in db.session.scalars(sa.select(User))}


def _working_weeks(people: dict[str, User]) -> None:
    areas = list(db.session.scalars(sa.select(NeedArea).order_by(NeedArea.id)))
    for email, days, start, end, expertise in (
        ("facilitator@example.org", range(5), time(8, 30), time(16, 30), areas[:3]),
        ("facilitator2@example.org", range(4), time(9), time(15), areas[3:]),
    ):
        facilitator = people[email]
        db.session.add(FacilitatorProfile(user_id=facilitator.id, need_areas=expertise))
        for weekday in days:
            db.session.add(
                AvailabilityWindow(facilitator_id=facilitator.id, weekday=weekday, start_time=start, end_time=end)
            )


def _session(request: SupportRequest, day: date, at: time, hours: int, kind: str) -> Booking:
    starts_at = swedish_time_to_utc(day, at)
    ends_at = starts_at + timedelta(hours=hours)
    assert request.facilitator_id is not None
    return Booking(
        request=request,
        facilitator_id=request.facilitator_id,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at + timedelta(minutes=15),
        video_link="https://meet.example.org/kopkraft",
        booked_by_id=request.requester_id,
    )


def _sessions(requests: dict[str, SupportRequest]) -> None:
    today = utcnow().astimezone(STOCKHOLM).date()
    ongoing, closed = requests["Laddinfrastruktur för kommunens fordon"], requests["Återbrukade kontorsmöbler"]
    past = _session(ongoing, today - timedelta(days=14), time(9), 2, "dialogmote")
    past.status, past.outcome = DONE, "Tre leverantörer presenterade laddlösningar; kravbilden är tydligare."
    past.feedback = Feedback(
        token_hash=hash_token("demo-used"),
        expires_at=utcnow() + timedelta(days=16),
        answered_at=utcnow(),
        rating=5,
        comment="Mycket givande!",
    )
    upcoming = _session(ongoing, add_working_days(today, 5), time(10), 3, "workshop")
    held = _session(closed, today - timedelta(days=30), time(13), 3, "workshop")
    held.status, held.outcome = DONE, "Kravspecifikation för återbruk klar."
    db.session.add_all([past, upcoming, held])


def seed_demo_support() -> int:
    """Add the demo requests and sessions unless there are requests already; return how many rows."""
    if db.session.scalar(sa.select(SupportRequest.id).limit(1)) is not None:
        return 0
    people = _people()
    if "facilitator2@example.org" not in people:
        return 0
    _working_weeks(people)
    year = utcnow().astimezone(STOCKHOLM).year
    requests: dict[str, SupportRequest] = {}
    for index, (title, buyer, status, facilitator, kinds, phase) in enumerate(DEMO_REQUESTS):
        requester = people[buyer]
        assert requester.organisation_id is not None
        serial = next_diary_serial(year)
        request = SupportRequest(
            diary_number=format_diary_number(year, serial),
            diary_year=year,
            diary_serial=serial,
            organisation_id=requester.organisation_id,
            requester_id=requester.id,
            title=title,
            description=f"{title}: vi vill ha stöd av myndigheten i upphandlingen.",
            phase=phase,
            format="digitalt",
            status=status,
            facilitator_id=people[facilitator].id if facilitator else None,
            submitted_at=utcnow() - timedelta(days=3 + 4 * index),
        )
        request.support_kinds = kinds
        request.events.append(SupportRequestEvent(status=RECEIVED, actor_id=requester.id, at=request.submitted_at))
        if status != RECEIVED:
            request.first_response_at = request.submitted_at + timedelta(days=1)
            request.events.append(SupportRequestEvent(status=status, at=request.first_response_at))
        if status == DECLINED:
            request.decision_reason = "Projektet ligger utanför programmets inriktning; se vår vägledning om möbler."
        if status == CLOSED:
            request.closing_summary = "Workshopen gav en kravspecifikation för återbrukade möbler."
            request.closed_at = utcnow() - timedelta(days=20)
        db.session.add(request)
        requests[title] = request
    db.session.flush()
    _sessions(requests)
    db.session.flush()
    return len(requests) + 3
