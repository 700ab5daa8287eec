"""A small reporting data set whose every figure can be checked by hand (see each test's arithmetic).

The period under test is 2025 (custom dates); the previous period is 2024. Times are Swedish local times."""

from datetime import date, datetime, time, timedelta

import pytest

from blueprints.challenges.models import Challenge, ChallengeEvent
from blueprints.core.db import db
from blueprints.core.formatting import STOCKHOLM, swedish_time_to_utc
from blueprints.networks.models import Network, NetworkActivity, NetworkEvent, NetworkMember
from blueprints.organisations.models import Organisation
from blueprints.statistics.models import Procurement
from blueprints.support.models import AvailabilityWindow, Booking, Feedback, SupportRequest
from blueprints.vocabulary.models import CpvCode
from tests.challenges.conftest import areas  # noqa: F401 (fixture)

YEAR_2025 = "/oversikt/?period=egen&start=2025-01-01&end=2025-12-31"


def local(day: str, clock: str = "10:00") -> datetime:
    """A Swedish wall-clock time as UTC."""
    return swedish_time_to_utc(date.fromisoformat(day), time.fromisoformat(clock))


def _purchases(home: int, other: int) -> None:
    """The procurement statistics behind the pooled purchasing power. The window is the statistics' last three
    years, 2019-2021, of which 2020 and 2021 hold procurements: two years. In the first network's branches
    (6013 school transport, 3414491 buses) Göteborg bought 4 000 000 + 2 000 000 in 2021 and Malmö 3 000 000
    in 2020 (and once more in 2021 without a known value). Outside: Göteborg's group-601 purchase (not class
    6013), its 2018 purchase (before the window) and its meals (the second network's branch, where Göteborg is
    only invited)."""
    serial = iter(range(1, 100))

    def bought(organisation: int, cpv: str, year: int, value: int | None) -> None:
        number = next(serial)
        db.session.add(
            Procurement(
                record_key=f"report-{number}",
                procurement_key=f"R{number}",
                year=year,
                organisation_id=organisation,
                buyer_name="KÖPARE",
                buyer_org_number=str(organisation),
                cpv_code=cpv,
                title=f"Upphandling {number}",
                contracted_value_sek=value,
            )
        )

    bought(home, "60130000", 2021, 4_000_000)
    bought(home, "34144910", 2021, 2_000_000)
    bought(other, "60130000", 2020, 3_000_000)
    bought(other, "60130000", 2021, None)
    bought(home, "60112000", 2021, 500_000)
    bought(home, "60130000", 2018, 1_000_000)
    bought(home, "15894210", 2021, 7_000_000)


@pytest.fixture
def reporting(app, people, areas):  # noqa: F811 (the imported fixture)
    """Requests, sessions, networks and challenges in 2024, 2025 and 2026; returns names → ids."""
    area_a, area_b = areas["Fossilfria transporter"], areas["Livsmedel och måltider"]
    home, other = people["home"].id, people["other"].id
    with app.app_context():
        # Budgets: never part of the pooled purchasing power (which comes from the procurement statistics).
        db.session.get(Organisation, home).annual_volume_sek = 10_000_000
        db.session.get(Organisation, other).annual_volume_sek = 5_000_000
        _purchases(home, other)
        for weekday in range(5):
            db.session.add(
                AvailabilityWindow(
                    facilitator_id=people["facilitator"], weekday=weekday, start_time=time(8), end_time=time(17)
                )
            )
        serial = iter(range(1, 100))

        def request(submitted: datetime, answered: datetime | None, organisation=home, need_area=area_a):
            number, year = next(serial), submitted.astimezone(STOCKHOLM).year
            row = SupportRequest(
                diary_number=f"UM {year}/{number:04d}",
                diary_year=year,
                diary_serial=number,
                organisation_id=organisation,
                title=f"Förfrågan {number}",
                description="Beskrivning",
                need_area_id=need_area,
                phase="behovsanalys",
                format="digitalt",
                submitted_at=submitted,
                first_response_at=answered,
                status="beviljad" if answered else "inkommen",
            )
            db.session.add(row)
            db.session.flush()
            return row

        r1 = request(local("2025-03-05", "09:00"), local("2025-03-06"))  # 1 working day
        request(local("2025-04-17"), local("2025-04-22", "08:00"))  # Thu → Tue after Easter: 1 working day
        request(local("2025-12-19"), local("2025-12-29"))  # over Christmas: 3 working days
        request(local("2025-09-01"), local("2025-09-10"))  # 7 working days: late
        request(local("2025-10-01"), None)  # never answered, long past the target: late
        request(local("2025-02-03"), local("2025-02-03", "15:00"), organisation=other, need_area=area_b)  # 0
        request(local("2024-05-06"), local("2024-05-07"))  # previous period: 1 working day
        request(local("2025-12-31", "23:30"), local("2026-01-02"))  # still 2025 in Sweden; 1 working day
        request(local("2026-01-01", "00:30"), None)  # 2026 in Sweden (still 2025 in UTC)

        def session(day: str, hours: int, status: str, kind="workshop", rating=None, feedback=False):
            start = local(day)
            booking = Booking(
                request_id=r1.id,
                facilitator_id=people["facilitator"],
                kind=kind,
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                blocked_until=start + timedelta(hours=hours),
                status=status,
            )
            if feedback or rating:
                booking.feedback = Feedback(
                    token_hash=f"{day}-{kind}".ljust(64, "x"),
                    expires_at=start,
                    answered_at=start if rating else None,
                    rating=rating,
                )
            db.session.add(booking)

        session("2025-03-10", 2, "genomford", rating=4)
        session("2025-03-12", 1, "genomford", kind="dialogmote", rating=5)
        session("2025-04-02", 3, "genomford", feedback=True)
        session("2025-05-05", 2, "avbokad")
        session("2025-06-02", 1, "uteblev")
        session("2024-11-04", 1, "genomford")

        n1 = Network(
            name="Fossilfria transporter Väst", need_area_id=area_a, phase="driva", created_at=local("2024-06-01")
        )
        n1.events = [
            NetworkEvent(kind="created", at=local("2024-06-01")),
            NetworkEvent(kind="phase", detail="starta", at=local("2025-02-01")),
            NetworkEvent(kind="phase", detail="driva", at=local("2025-09-01")),
        ]
        n1.members = [
            NetworkMember(organisation_id=home, role="vard", status="aktiv", answered_at=local("2025-02-10")),
            NetworkMember(organisation_id=other, role="medlem", status="aktiv", answered_at=local("2024-07-01")),
        ]
        n1.activities = [
            NetworkActivity(
                kind="marknadsdialog",
                title="Dialog",
                starts_at=local("2025-03-20"),
                ends_at=local("2025-03-20", "12:00"),
            ),
            NetworkActivity(
                kind="natverksmote", title="Möte", starts_at=local("2025-10-01"), ends_at=local("2025-10-01", "12:00")
            ),
            NetworkActivity(
                kind="workshop", title="Senare", starts_at=local("2026-02-01"), ends_at=local("2026-02-01", "12:00")
            ),
        ]
        n2 = Network(name="Måltider Syd", need_area_id=area_b, created_at=local("2025-05-01"))
        n2.members = [NetworkMember(organisation_id=home, role="medlem", status="inbjuden")]
        n3 = Network(name="Senare nätverk", need_area_id=area_a, created_at=local("2026-01-10"))
        n1.cpv_codes = [db.session.get(CpvCode, "60130000"), db.session.get(CpvCode, "34144910")]
        n2.cpv_codes = [db.session.get(CpvCode, "15894210")]
        db.session.add_all([n1, n2, n3])

        def challenge(title, organisation, need_area, submitted, *steps):
            row = Challenge(
                title=title,
                organisation_id=organisation,
                need_area_id=need_area,
                status=steps[-1][0] if steps else ("submitted" if submitted else "draft"),
                submitted_at=local(submitted) if submitted else None,
            )
            row.events = [ChallengeEvent(to_status=status, at=local(day)) for status, day in steps]
            db.session.add(row)

        challenge("C1", home, area_a, "2025-02-01", ("reviewed", "2025-02-10"), ("matched", "2025-03-01"))
        challenge("C2", other, area_b, "2025-06-01", ("reviewed", "2025-06-15"))
        challenge("C3", home, area_a, "2024-12-20", ("reviewed", "2025-01-05"))
        challenge("C4", home, area_a, None)
        db.session.commit()
    return {"area_a": area_a, "area_b": area_b}
