"""The dashboard's summary tables: changed with every write in the same transaction, and always equal to a count
from scratch of the rows they summarise."""

from datetime import date

import sqlalchemy as sa

from blueprints.challenges.models import Challenge, ChallengeEvent
from blueprints.core.db import db
from blueprints.dashboards.models import MONTH, ChallengeSummary, SummaryLock
from blueprints.dashboards.periods import Period
from blueprints.dashboards.queries import REVIEWED_CHALLENGES, Scope, period_totals
from blueprints.dashboards.summaries import SUMMARIES, rebuild
from blueprints.organisations.models import Organisation
from blueprints.support.models import Booking, Feedback, SupportRequest
from tests.challenges.test_import import GOOD_ROWS, HEADER, _confirm, _upload
from tests.dashboards.conftest import local

YEAR_2025 = Scope(Period(date(2025, 1, 1), date(2025, 12, 31)))


def _stored() -> dict[str, set[tuple]]:
    """Every summary row, hours rounded (sums of floats in another order differ in the last digits)."""
    rows = {}
    for name, summary in SUMMARIES.items():
        table = summary.model.__table__
        rows[name] = {
            tuple(round(value, 6) if isinstance(value, float) else value for value in row)
            for row in db.session.execute(sa.select(table)).tuples()
        }
    return rows


def _assert_equal_to_a_recount() -> None:
    """The rows kept by the writes so far are the rows a count from scratch gives."""
    kept = _stored()
    rebuild(db.session.connection)
    assert _stored() == kept


def _challenge(title: str) -> Challenge:
    return db.session.scalar(sa.select(Challenge).where(Challenge.title == title))


def test_every_kind_of_change_keeps_the_summaries_equal_to_a_recount(app, reporting, people):
    with app.app_context():
        assert sum(len(rows) for rows in _stored().values()) > 100  # the data set is summarised
        _assert_equal_to_a_recount()
        # Reviewed again, twice on one day and once the year after; history moved to another need area.
        c2 = _challenge("C2")
        c2.events += [ChallengeEvent(to_status="reviewed", at=local("2025-08-01", h)) for h in ("09:00", "11:00")]
        c2.events.append(ChallengeEvent(to_status="reviewed", at=local("2026-02-01")))
        _challenge("C1").need_area_id = reporting["area_b"]
        db.session.commit()
        _assert_equal_to_a_recount()
        # The first of those reviews is deleted: the next one becomes the first in 2025.
        db.session.delete(next(e for e in c2.events if e.at == local("2025-06-15")))
        db.session.commit()
        _assert_equal_to_a_recount()
        # An organisation moves to another län and becomes a region: all its rows move with it.
        other = db.session.get(Organisation, people["other"].id)
        other.county_code, other.kind = "01", "region"
        db.session.commit()
        _assert_equal_to_a_recount()
        # Sessions rescheduled to another month, cancelled, deleted; feedback answered; a request answered late
        # and another moved to a need area; a challenge with its history deleted.
        bookings = {b.starts_at: b for b in db.session.scalars(sa.select(Booking))}
        bookings[local("2025-03-10")].feedback.rating = 2  # feedback changed alone
        db.session.commit()
        _assert_equal_to_a_recount()
        moved = bookings[local("2025-04-02")]
        moved.starts_at, moved.ends_at = local("2025-07-15"), local("2025-07-15", "13:00")
        moved.blocked_until = moved.ends_at
        moved.feedback.answered_at, moved.feedback.rating = local("2025-07-16"), 3
        bookings[local("2025-03-12")].status = "avbokad"
        db.session.delete(bookings[local("2024-11-04")])
        waiting = db.session.scalar(sa.select(SupportRequest).where(SupportRequest.first_response_at.is_(None)))
        waiting.first_response_at = local("2026-01-20")
        db.session.scalar(sa.select(SupportRequest).where(SupportRequest.title == "Förfrågan 1")).need_area_id = None
        db.session.delete(_challenge("C3"))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback).where(Feedback.rating == 3)) == 1
        _assert_equal_to_a_recount()


def test_a_challenge_reviewed_again_counts_once_per_period(app, reporting):
    with app.app_context():
        before = period_totals(YEAR_2025)[REVIEWED_CHALLENGES]
        assert before == (0, 3)  # C1, C2 and C3 in 2025
        c2 = _challenge("C2")
        c2.events += [
            ChallengeEvent(to_status="reviewed", at=local("2025-08-01")),
            ChallengeEvent(to_status="reviewed", at=local("2024-03-01")),
        ]
        db.session.commit()
        assert period_totals(YEAR_2025)[REVIEWED_CHALLENGES] == (1, 3)


def test_a_rolled_back_change_leaves_the_summaries_as_they_were(app, reporting, people):
    with app.app_context():
        kept = _stored()
        db.session.add(
            Challenge(
                title="Ångrad", organisation_id=people["home"].id, status="submitted", submitted_at=local("2025-05-05")
            )
        )
        db.session.flush()
        db.session.rollback()
        db.session.commit()  # the day marked by the rolled-back flush is counted again: still the same rows
        assert _stored() == kept


def test_imported_challenges_are_counted_in_the_same_transaction(app, client, auth, people, areas):
    auth.login("facilitator@example.org")
    _confirm(client, _upload(client, (HEADER + GOOD_ROWS).encode()).get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Challenge)) == 3
        total = sa.select(sa.func.sum(ChallengeSummary.count)).where(
            ChallengeSummary.grouping == 0, ChallengeSummary.span == MONTH
        )
        assert db.session.scalar(total) == 3
        _assert_equal_to_a_recount()


def test_the_rebuild_command_counts_everything_again(app, reporting):
    with app.app_context():
        db.session.execute(sa.delete(ChallengeSummary))  # as a plain SQL write would leave them
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["dashboards", "rebuild"])
    assert result.exit_code == 0 and "summary rows: challenges" in result.output
    with app.app_context():
        assert period_totals(YEAR_2025)["submitted"] == (1, 2)


def test_a_change_to_what_no_summary_counts_counts_nothing_again(app, reporting):
    def recounts() -> int:
        return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(SummaryLock.changes), 0)))

    with app.app_context():
        before = recounts()
        c1 = _challenge("C1")
        c1.title = "C1, ny titel"
        db.session.scalar(sa.select(Booking).limit(1)).place = "Stadshuset"
        db.session.commit()
        assert recounts() == before
        c1.need_area_id = reporting["area_b"]
        db.session.commit()
        assert recounts() > before
        _assert_equal_to_a_recount()
