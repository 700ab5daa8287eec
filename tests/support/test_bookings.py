"""Booking sessions: the week view, calendar invitations, the database's no-overlap guarantee, rescheduling,
cancelling, reminders, follow-up, feedback links and the private calendar feed."""

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from blueprints.core.db import db, utcnow
from blueprints.core.models import OutboxEmail
from blueprints.support.models import Booking, Feedback
from tests.conftest import csrf_token, deliver_outbox, link_in, page_text, text_body
from tests.support.conftest import get_request

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}
SLOT = re.compile(r'name="start" value="([^"]+)"')


def _slots(client, path):
    return SLOT.findall(client.get(path).get_data(as_text=True))


CONFIRMED = {"confirm": "1"}  # the second step: the person has seen the summary and books


def _book(client, request_id, start, kind="workshop"):
    token = csrf_token(client)
    return client.post(
        f"/stod/{request_id}/boka",
        data={"csrf_token": token, "kind": kind, "start": start, "place": "Stadshuset", "video_link": "", **CONFIRMED},
    )


def _calendar_emails(app):
    with app.app_context():
        return db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.calendar_ics.is_not(None)).order_by(OutboxEmail.id)
        ).all()


def _event(email):
    calendar = icalendar.Calendar.from_ical(email.calendar_ics)
    assert str(calendar["METHOD"]) == email.calendar_method
    (event,) = calendar.walk("VEVENT")
    return event


def _booking(app, booking_id):
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        db.session.expunge_all()
        return booking


@pytest.fixture
def granted(make_request, working_week):
    return make_request(granted=True)


def test_buyer_books_a_free_slot_and_both_sides_get_an_invitation(app, client, auth, people, granted):
    auth.login("buyer@example.org")
    page = client.get(f"/stod/{granted}/boka")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Boka tid med Fredrik Facilitator" in html and "Vecka " in html
    starts = SLOT.findall(html)
    assert starts, "the first bookable week has free times"
    response = _book(client, granted, starts[0])
    assert response.status_code == 303
    booking_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    booking = _booking(app, booking_id)
    assert booking.status == "bokad" and booking.ends_at - booking.starts_at == timedelta(hours=3)
    assert booking.blocked_until - booking.ends_at == timedelta(minutes=15)
    assert get_request(app, granted).status == "pagar"
    emails = _calendar_emails(app)
    assert sorted(e.recipient for e in emails) == ["buyer@example.org", "facilitator@example.org"]
    for email in emails:
        event = _event(email)
        assert email.calendar_method == "REQUEST" and event["SEQUENCE"] == 0
        assert str(event["UID"]) == f"support-booking-{booking_id}@localhost"
        assert event.decoded("DTSTART") == booking.starts_at
        assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
        assert "Workshop: Upphandling av skolskjuts" in str(event["SUMMARY"])
    detail = client.get(f"/stod/sessioner/{booking_id}").get_data(as_text=True)
    assert "Bokad" in detail and "Stadshuset" in detail


def test_the_week_view_moves_by_week_and_answers_partials(app, client, auth, people, granted):
    auth.login("facilitator@example.org")
    first = client.get(f"/stod/{granted}/boka").get_data(as_text=True)
    following = re.search(r'hx-get="([^"]*vecka=[^"]*)"[^>]*rel="next"', first).group(1).replace("&amp;", "&")
    partial = client.get(following, headers=PARTIAL)
    html = partial.get_data(as_text=True)
    assert partial.status_code == 200 and "<html" not in html and "Vecka " in html
    assert SLOT.findall(html) and SLOT.findall(html)[0] not in SLOT.findall(first)
    assert client.get(f"/stod/{granted}/boka?vecka=2026-W99").status_code == 200
    bollplank = SLOT.findall(client.get(f"/stod/{granted}/boka?kind=bollplank").get_data(as_text=True))
    assert len(bollplank) > len(SLOT.findall(first))  # one-hour sessions fit more often than three-hour ones


def test_a_taken_slot_gets_409_and_fresh_slots(app, client, auth, people, granted, make_request):
    other = make_request(title="Annat projekt", granted=True)
    auth.login("facilitator@example.org")
    starts = _slots(client, f"/stod/{granted}/boka")
    assert _book(client, other, starts[0]).status_code == 303
    response = _book(client, granted, starts[0])
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Tiden är inte längre ledig" in html
    assert starts[0] not in SLOT.findall(html) and SLOT.findall(html)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 1


def test_the_database_itself_refuses_overlapping_bookings(app, people, granted):
    with app.app_context():
        start = utcnow() + timedelta(days=10)
        common = {"request_id": granted, "facilitator_id": people["facilitator"], "kind": "workshop"}
        db.session.add(
            Booking(
                **common,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                blocked_until=start + timedelta(hours=1, minutes=15),
            )
        )
        db.session.commit()
        db.session.add(
            Booking(
                **common,
                starts_at=start + timedelta(minutes=70),
                ends_at=start + timedelta(hours=2),
                blocked_until=start + timedelta(hours=2),
            )
        )
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()
        # A cancelled booking blocks nothing, and other facilitators are free.
        db.session.add(
            Booking(
                **common,
                status="avbokad",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                blocked_until=start + timedelta(hours=1),
            )
        )
        db.session.add(
            Booking(
                **{**common, "facilitator_id": people["admin"]},
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                blocked_until=start + timedelta(hours=1),
            )
        )
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 3


def test_reschedule_then_cancel_updates_the_same_invitation(app, client, auth, people, granted):
    auth.login("buyer@example.org")
    starts = _slots(client, f"/stod/{granted}/boka")
    booking_id = int(_book(client, granted, starts[0]).headers["Location"].rsplit("/", 1)[-1])
    new_starts = _slots(client, f"/stod/sessioner/{booking_id}/omboka")
    target = new_starts[-1]
    token = csrf_token(client)
    response = client.post(
        f"/stod/sessioner/{booking_id}/omboka", data={"csrf_token": token, "start": target, **CONFIRMED}
    )
    assert response.status_code == 303
    moved = _booking(app, booking_id)
    assert moved.starts_at.isoformat() == target and moved.sequence == 1
    token = csrf_token(client)
    empty = client.post(f"/stod/sessioner/{booking_id}/avboka", data={"csrf_token": token, "reason": ""})
    assert empty.status_code == 422 and "Skriv varför sessionen avbokas." in empty.get_data(as_text=True)
    response = client.post(f"/stod/sessioner/{booking_id}/avboka", data={"csrf_token": token, "reason": "Sjukdom"})
    assert response.status_code == 303 and _booking(app, booking_id).status == "avbokad"
    emails = [e for e in _calendar_emails(app) if e.recipient == "facilitator@example.org"]
    assert [(e.calendar_method, _event(e)["SEQUENCE"]) for e in emails] == [
        ("REQUEST", 0),
        ("REQUEST", 1),
        ("CANCEL", 2),
    ]
    assert len({str(_event(e)["UID"]) for e in emails}) == 1
    assert str(_event(emails[-1])["STATUS"]) == "CANCELLED"
    assert "Sjukdom" in emails[-1].body_text


def test_buyers_cannot_change_a_session_inside_the_notice(app, client, auth, people, granted, make_session):
    booking_id = make_session(granted, timedelta(hours=30))
    auth.login("buyer@example.org")
    page = client.get(f"/stod/sessioner/{booking_id}").get_data(as_text=True)
    assert "för nära i tid" in page and "Avboka sessionen" not in page
    token = csrf_token(client)
    response = client.post(f"/stod/sessioner/{booking_id}/avboka", data={"csrf_token": token, "reason": "x"})
    assert response.status_code == 422 and _booking(app, booking_id).status == "bokad"
    assert client.get(f"/stod/sessioner/{booking_id}/omboka").status_code == 404
    auth.logout()
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    response = client.post(f"/stod/sessioner/{booking_id}/avboka", data={"csrf_token": token, "reason": "Krock"})
    assert response.status_code == 303 and _booking(app, booking_id).status == "avbokad"


def test_other_organisations_cannot_see_or_book(app, client, auth, people, granted):
    auth.login("buyer2@example.org")
    assert client.get(f"/stod/{granted}/boka").status_code == 404
    token = csrf_token(client)
    response = client.post(
        f"/stod/{granted}/boka",
        data={"csrf_token": token, "kind": "workshop", "start": "2030-01-07T08:00:00+00:00", **CONFIRMED},
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 0


def test_a_malformed_slot_is_a_clear_422(app, client, auth, people, granted):
    auth.login("buyer@example.org")
    response = _book(client, granted, "nästa tisdag")
    assert response.status_code == 422 and "Välj en av de lediga tiderna." in response.get_data(as_text=True)


def test_reminders_are_sent_once_for_sessions_within_a_day(app, people, granted, make_session):
    soon = make_session(granted, timedelta(hours=20))
    make_session(granted, timedelta(hours=30))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "send"])
    assert first.exit_code == 0 and "reminders sent for 1 sessions" in first.output
    second = runner.invoke(args=["reminders", "send"])
    assert "reminders sent for 0 sessions" in second.output
    with app.app_context():
        reminders = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.subject.like("Påminnelse%"))).all()
        assert sorted(e.recipient for e in reminders) == ["buyer@example.org", "facilitator@example.org"]
        assert db.session.get(Booking, soon).reminder_sent_at is not None


def test_follow_up_sends_a_one_time_feedback_link(app, client, auth, people, granted, smtp, make_session):
    held = make_session(granted, -timedelta(hours=2))
    auth.login("facilitator@example.org")
    sessions = client.get("/stod/sessioner/").get_data(as_text=True)
    assert "Att följa upp" in sessions and f"/stod/sessioner/{held}" in sessions
    token = csrf_token(client)
    response = client.post(
        f"/stod/sessioner/{held}/uppfoljning",
        data={
            "csrf_token": token,
            "status": "genomford",
            "outcome": "Behovsanalysen klar",
            "lessons": "Boka två timmar",
        },
    )
    assert response.status_code == 303 and _booking(app, held).status == "genomford"
    auth.logout()
    deliver_outbox(app)
    (message,) = [m for m in smtp.messages if "Hur var sessionen" in m["Subject"]]
    assert message["To"] == "buyer@example.org"
    link = link_in(message)
    anonymous = app.test_client()
    form = anonymous.get(link)
    assert form.status_code == 200 and "Hur nöjd är du med sessionen?" in form.get_data(as_text=True)
    token = csrf_token(anonymous)
    bad = anonymous.post(link, data={"csrf_token": token, "rating": "9"})
    assert bad.status_code == 422
    answered = anonymous.post(link, data={"csrf_token": token, "rating": "5", "comment": "Mycket bra"})
    assert answered.status_code == 200 and "Tack för din återkoppling!" in answered.get_data(as_text=True)
    assert anonymous.get(link).status_code == 410
    assert anonymous.post(link, data={"csrf_token": token, "rating": "1"}).status_code == 410
    with app.app_context():
        feedback = db.session.scalar(sa.select(Feedback))
        assert (feedback.rating, feedback.comment) == (5, "Mycket bra")
    assert anonymous.get("/aterkoppling/felskriven").status_code == 404
    assert "30 dagar" in text_body(message)


def test_feedback_links_expire(app, people, granted, make_session):
    held = make_session(granted, -timedelta(hours=2))
    with app.app_context():
        from blueprints.support.queries import hash_token

        db.session.add(
            Feedback(booking_id=held, token_hash=hash_token("gammal"), expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    assert app.test_client().get("/aterkoppling/gammal").status_code == 410


def test_delivered_invitations_carry_a_calendar_part_and_an_ics_file(app, client, auth, people, granted, smtp):
    auth.login("buyer@example.org")
    _book(client, granted, _slots(client, f"/stod/{granted}/boka")[0])
    deliver_outbox(app)
    invitations = [m for m in smtp.messages if m["Subject"].startswith("Bokad session")]
    assert len(invitations) == 2
    for message in invitations:
        parts = {part.get_content_type(): part for part in message.walk()}
        assert parts["text/calendar"].get_param("method") == "REQUEST"
        attached = parts["application/ics"]
        assert attached.get_filename() == "inbjudan.ics"
        calendar = icalendar.Calendar.from_ical(attached.get_content())
        assert len(calendar.walk("VEVENT")) == 1 and calendar.walk("VTIMEZONE")


def test_the_private_calendar_feed_can_be_made_and_revoked(app, client, auth, people, granted, make_session):
    make_session(granted, timedelta(days=5))
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    page = client.post("/stod/tillganglighet/kalender", data={"csrf_token": token, "action": "new"}).get_data(
        as_text=True
    )
    feed_url = re.search(r'value="(http://localhost/kalender/[^"]+\.ics)"', page).group(1)
    path = feed_url.removeprefix("http://localhost")
    auth.logout()
    response = app.test_client().get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert len(icalendar.Calendar.from_ical(response.data).walk("VEVENT")) == 1
    auth.login("facilitator@example.org")
    client.post(
        "/stod/tillganglighet/kalender",
        data={"csrf_token": csrf_token(client), "action": "revoke"},
    )
    assert app.test_client().get(path).status_code == 404


def test_facilitators_keep_their_windows_exceptions_and_rules(app, client, auth, people, areas):
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    assert (
        client.post(
            "/stod/tillganglighet/arbetstider",
            data={"csrf_token": token, "weekday": "0", "start_time": "09:00", "end_time": "12:00"},
        ).status_code
        == 303
    )
    clash = client.post(
        "/stod/tillganglighet/arbetstider",
        data={"csrf_token": token, "weekday": "0", "start_time": "11:00", "end_time": "13:00"},
    )
    assert clash.status_code == 422 and "överlappar" in clash.get_data(as_text=True)
    backwards = client.post(
        "/stod/tillganglighet/arbetstider",
        data={"csrf_token": token, "weekday": "1", "start_time": "13:00", "end_time": "09:00"},
    )
    assert backwards.status_code == 422 and "Sluttiden måste vara efter starttiden." in backwards.get_data(as_text=True)
    absence = {
        "csrf_token": token,
        "kind": "franvaro",
        "start_day": "2030-03-04",
        "start_time": "08:00",
        "end_day": "2030-03-08",
        "end_time": "17:00",
        "note": "Semester",
    }
    assert client.post("/stod/tillganglighet/undantag", data=absence).status_code == 303
    rules = {
        "csrf_token": token,
        "buffer_minutes": "30",
        "notice_working_days": "3",
        "horizon_days": "60",
        "need_area_ids": [str(areas["Fossilfria transporter"])],
    }
    rules |= {
        f"minutes_{kind}": "90" for kind in ("workshop", "dialogmote", "processgranskning", "projektmote", "bollplank")
    }
    assert client.post("/stod/tillganglighet/regler", data=rules).status_code == 303
    bad = client.post("/stod/tillganglighet/regler", data={**rules, "buffer_minutes": "-5"})
    assert bad.status_code == 422 and "Mellan 0 och 240 minuter." in bad.get_data(as_text=True)
    page = client.get("/stod/tillganglighet").get_data(as_text=True)
    assert "Måndag 09:00–12:00" in page and "Semester" in page and 'value="30"' in page


def test_bad_booking_input_gets_clear_messages(app, client, auth, people, granted):
    auth.login("buyer@example.org")
    start = _slots(client, f"/stod/{granted}/boka")[0]
    token = csrf_token(client)
    wrong_kind = client.post(
        f"/stod/{granted}/boka", data={"csrf_token": token, "kind": "processgranskning", "start": start, **CONFIRMED}
    )
    assert wrong_kind.status_code == 422  # not one of the kinds the request asked for
    http_link = client.post(
        f"/stod/{granted}/boka",
        data={
            "csrf_token": token,
            "kind": "workshop",
            "start": start,
            "video_link": "http://meet.example.org",
            **CONFIRMED,
        },
    )
    assert http_link.status_code == 422 and "Länken måste börja med https://" in http_link.get_data(as_text=True)
    saturday_night = "2030-01-05T22:00:00+00:00"
    outside = client.post(
        f"/stod/{granted}/boka", data={"csrf_token": token, "kind": "workshop", "start": saturday_night, **CONFIRMED}
    )
    assert outside.status_code == 409 and "Tiden är inte längre ledig" in outside.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 0


def test_rescheduling_sends_a_new_reminder(app, client, auth, people, granted, make_session):
    soon = make_session(granted, timedelta(hours=20))
    app.test_cli_runner().invoke(args=["reminders", "send"])
    assert _booking(app, soon).reminder_sent_at is not None
    auth.login("facilitator@example.org")
    target = _slots(client, f"/stod/sessioner/{soon}/omboka")[0]
    token = csrf_token(client)
    assert (
        client.post(
            f"/stod/sessioner/{soon}/omboka", data={"csrf_token": token, "start": target, **CONFIRMED}
        ).status_code
        == 303
    )
    assert _booking(app, soon).reminder_sent_at is None


def test_the_week_view_names_holidays(app, client, auth, people, granted, pinned_clock):
    pinned_clock.move_to(datetime(2026, 12, 1, 9, tzinfo=UTC))  # Christmas week within the booking horizon
    auth.login("buyer@example.org")
    christmas = client.get(f"/stod/{granted}/boka?vecka=2026-W52").get_data(as_text=True)
    assert "Juldagen: helgdag, ingen bokning" in christmas and "Julafton: helgdag, ingen bokning" in christmas


def test_cancelled_sessions_leave_the_calendar_feed(app, client, auth, people, granted, make_session):
    kept = make_session(granted, timedelta(days=5))
    cancelled = make_session(granted, timedelta(days=9))
    with app.app_context():
        db.session.get(Booking, cancelled).status = "avbokad"
        db.session.commit()
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    page = client.post("/stod/tillganglighet/kalender", data={"csrf_token": token, "action": "new"}).get_data(
        as_text=True
    )
    path = re.search(r'value="http://localhost(/kalender/[^"]+\.ics)"', page).group(1)
    events = icalendar.Calendar.from_ical(app.test_client().get(path).data).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"support-booking-{kept}@localhost"]


def test_bad_availability_input_is_refused(app, client, auth, people):
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    backwards = {
        "csrf_token": token,
        "kind": "extra",
        "start_day": "2030-03-04",
        "start_time": "12:00",
        "end_day": "2030-03-04",
        "end_time": "09:00",
    }
    response = client.post("/stod/tillganglighet/undantag", data=backwards)
    assert response.status_code == 422 and "Slutet måste vara efter början." in response.get_data(as_text=True)
    no_such_day = client.post(
        "/stod/tillganglighet/arbetstider",
        data={"csrf_token": token, "weekday": "9", "start_time": "09:00", "end_time": "12:00"},
    )
    assert no_such_day.status_code == 422
    with app.app_context():
        from blueprints.support.models import AvailabilityException, AvailabilityWindow

        assert db.session.scalar(sa.select(sa.func.count()).select_from(AvailabilityException)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AvailabilityWindow)) == 0


def _follow_up(client, booking_id, status="genomford"):
    token = csrf_token(client)
    return client.post(f"/stod/sessioner/{booking_id}/uppfoljning", data={"csrf_token": token, "status": status})


def test_a_session_not_yet_started_cannot_be_followed_up_and_sends_no_feedback_link(
    app, client, auth, people, granted, make_session
):
    ahead = make_session(granted, timedelta(days=3))
    auth.login("facilitator@example.org")
    assert "Följ upp sessionen" not in client.get(f"/stod/sessioner/{ahead}").get_data(as_text=True)
    for status in ("genomford", "uteblev"):
        response = _follow_up(client, ahead, status)
        assert response.status_code == 422
        assert "En session kan följas upp först när den har börjat." in response.get_data(as_text=True)
    assert _booking(app, ahead).status == "bokad"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == 0
        assert db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.subject.like("Hur var sessionen%"))) is None


def test_only_the_sessions_own_facilitator_or_an_admin_follows_it_up(
    app, client, auth, people, granted, make_session, make_user
):
    held = make_session(granted, -timedelta(hours=2))
    make_user("facilitator2@example.org", ("facilitator",), name="Frida Facilitator")
    auth.login("facilitator2@example.org")
    assert "Följ upp sessionen" not in client.get(f"/stod/sessioner/{held}").get_data(as_text=True)
    refused = _follow_up(client, held)
    assert refused.status_code == 403
    assert "Bara sessionens facilitator eller en administratör kan följa upp den." in refused.get_data(as_text=True)
    assert _booking(app, held).status == "bokad"
    auth.logout()
    auth.login("admin@example.org")
    assert _follow_up(client, held, "uteblev").status_code == 303
    assert _booking(app, held).status == "uteblev"


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2026-W00", "²⁰²⁶-W01", "2026-W5x"])
def test_a_week_far_off_or_malformed_shows_the_first_bookable_week(app, client, auth, people, granted, week):
    auth.login("buyer@example.org")
    response = client.get(f"/stod/{granted}/boka", query_string={"vecka": week})
    assert response.status_code == 200 and "Boka tid med Fredrik Facilitator" in response.get_data(as_text=True)


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00+01:00", "2027-01-01T09:00:00"])
def test_a_slot_far_off_or_without_offset_is_refused_with_a_message(app, client, auth, people, granted, start):
    auth.login("buyer@example.org")
    response = _book(client, granted, start)
    assert response.status_code == 422 and "Välj en av de lediga tiderna." in response.get_data(as_text=True)


def test_each_label_on_the_availability_page_finds_its_own_field(client, auth, people):
    auth.login("facilitator@example.org")
    html = client.get("/stod/tillganglighet").get_data(as_text=True)
    for label, field_name in (("Från", "start_time"), ("Från klockan", "start_time"), ("Till klockan", "end_time")):
        target = re.search(rf'<label[^>]*for="([^"]+)"[^>]*>\s*{label}\s*<', html)
        assert target, label
        field = re.search(rf'<input[^>]*id="{target[1]}"[^>]*>', html)[0]
        assert f'name="{field_name}"' in field
    assert html.count('id="start_time"') == 1 and html.count('id="exception_start_time"') == 1


def test_a_chosen_time_is_confirmed_before_it_is_booked(app, client, auth, people, granted):
    auth.login("buyer@example.org")
    starts = _slots(client, f"/stod/{granted}/boka")
    token = csrf_token(client)
    data = {"csrf_token": token, "kind": "workshop", "start": starts[0], "place": "Stadshuset", "video_link": ""}
    summary = client.post(f"/stod/{granted}/boka", data=data)
    text = page_text(summary.get_data(as_text=True))
    assert summary.status_code == 200 and "Bekräfta bokningen" in text
    assert "Fredrik Facilitator" in text and "Stadshuset" in text and "Workshop" in text and "kalenderinbjudan" in text
    assert "Välj en annan tid" in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0  # nothing booked yet
    booked = client.post(f"/stod/{granted}/boka", data={**data, **CONFIRMED})
    assert booked.status_code == 303


def test_without_javascript_another_week_keeps_what_was_typed_and_no_token_travels_in_an_address(
    app, client, auth, people, granted
):
    auth.login("buyer@example.org")
    first = client.get(f"/stod/{granted}/boka").get_data(as_text=True)
    assert 'formmethod="get"' not in first  # "Visa tider" posts: the CSRF token never lands in an address
    token = csrf_token(client)
    week = re.findall(r'name="vecka" value="([^"]+)"', first)[-1]  # the last week button: "Nästa vecka"
    page = client.post(
        f"/stod/{granted}/boka", data={"csrf_token": token, "kind": "workshop", "place": "Rådhuset", "vecka": week}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'value="Rådhuset"' in html
    assert f"Vecka {int(week.split('-W')[1])}," in page_text(html)


def test_rescheduling_shows_the_current_time_and_confirms_the_new_one(app, client, auth, people, granted):
    auth.login("buyer@example.org")
    starts = _slots(client, f"/stod/{granted}/boka")
    booking_id = int(_book(client, granted, starts[0]).headers["Location"].rsplit("/", 1)[-1])
    page = client.get(f"/stod/sessioner/{booking_id}/omboka").get_data(as_text=True)
    assert "Nuvarande tid" in page
    target = _slots(client, f"/stod/sessioner/{booking_id}/omboka")[-1]
    token = csrf_token(client)
    summary = client.post(f"/stod/sessioner/{booking_id}/omboka", data={"csrf_token": token, "start": target})
    assert summary.status_code == 200 and "Bekräfta den nya tiden" in summary.get_data(as_text=True)
    assert _booking(app, booking_id).starts_at.isoformat() != target


def test_the_week_opens_at_the_period_the_request_asked_for(app, client, auth, people, make_request, working_week):
    from datetime import date

    wanted = make_request(granted=True, preferred_from=date(2026, 11, 2), preferred_to=date(2026, 11, 27))
    auth.login("buyer@example.org")
    text = page_text(client.get(f"/stod/{wanted}/boka").get_data(as_text=True))
    assert "Vecka 45, 2026" in text and "veckan visas därifrån" in text


def test_a_facilitator_who_starts_on_the_hour_offers_fewer_overlapping_times(app, client, auth, people, granted):
    auth.login("facilitator@example.org")
    every_half_hour = _slots(client, f"/stod/{granted}/boka?kind=bollplank")
    token = csrf_token(client)
    rules = {"csrf_token": token, "buffer_minutes": "15", "notice_working_days": "2", "horizon_days": "90"}
    rules |= {"start_every_minutes": "60"} | {
        f"minutes_{kind}": "60" for kind in ("workshop", "dialogmote", "processgranskning", "projektmote", "bollplank")
    }
    assert client.post("/stod/tillganglighet/regler", data=rules).status_code == 303
    on_the_hour = _slots(client, f"/stod/{granted}/boka?kind=bollplank")
    assert on_the_hour and all(":00:00" in start for start in on_the_hour)
    assert len(on_the_hour) < len(every_half_hour)
    refused = client.post("/stod/tillganglighet/regler", data={**rules, "start_every_minutes": "45"})
    assert refused.status_code == 422


def test_empty_days_say_why_and_empty_weekends_fold_away(app, client, auth, people, granted):
    auth.login("buyer@example.org")
    # Tuesday 8 September 2026 with two working days' notice: the first bookable day is Thursday the 10th.
    text = page_text(client.get(f"/stod/{granted}/boka?vecka=2026-W37").get_data(as_text=True))
    assert text.count("Tidigast bokningsbar 10 september") == 3  # Monday to Wednesday
    assert "lördag" not in text.lower() and "söndag" not in text.lower()  # no times at weekends: folded
    far = page_text(client.get(f"/stod/{granted}/boka?vecka=2027-W30").get_data(as_text=True))
    assert "Längre fram än det går att boka" in far  # beyond the 90-day horizon
