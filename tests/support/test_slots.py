"""The pure slot computation: windows, holidays, buffers, notice, horizon and the days the clocks change."""

from datetime import UTC, date, datetime, time, timedelta

from blueprints.core.formatting import swedish_time_to_utc
from blueprints.support.slots import Availability, Interval, Rules, Window, free_slots, is_free

WEEKDAYS_9_TO_12 = tuple(Window(day, time(9), time(12)) for day in range(5))
HOUR = timedelta(hours=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def swedish(slots: list[Interval]) -> list[str]:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Stockholm")
    return [s.start.astimezone(zone).strftime("%Y-%m-%d %H:%M") for s in slots]


def compute(availability: Availability, first: date, last: date, now: datetime, length=HOUR, rules=None):
    return free_slots(
        availability, length=length, rules=rules or Rules(step=HOUR), now=now, first_day=first, last_day=last
    )


def test_slots_fill_the_windows_on_the_step():
    slots = compute(
        Availability(windows=WEEKDAYS_9_TO_12), date(2026, 11, 30), date(2026, 11, 30), utc(2026, 11, 20, 8)
    )
    assert swedish(slots) == ["2026-11-30 09:00", "2026-11-30 10:00", "2026-11-30 11:00"]
    assert all(s.end - s.start == HOUR for s in slots)


def test_holidays_are_never_bookable_even_with_extra_time():
    # 2026-12-24 (julafton, de facto holiday) and 2026-12-25 (juldagen) fall on Thursday and Friday.
    extra = Interval(utc(2026, 12, 25, 8), utc(2026, 12, 25, 12))
    slots = compute(
        Availability(windows=WEEKDAYS_9_TO_12, extras=(extra,)),
        date(2026, 12, 21),
        date(2026, 12, 27),
        utc(2026, 12, 1),
    )
    days = {s[:10] for s in swedish(slots)}
    assert days == {"2026-12-21", "2026-12-22", "2026-12-23"}


def test_midsummer_eve_and_national_day_are_closed():
    slots = compute(Availability(windows=WEEKDAYS_9_TO_12), date(2026, 6, 19), date(2026, 6, 19), utc(2026, 6, 1))
    assert slots == []  # midsommarafton, a Friday


def test_buffer_keeps_distance_from_booked_sessions():
    day = date(2026, 11, 30)
    busy = Interval(swedish_time_to_utc(day, time(10)), swedish_time_to_utc(day, time(11)))
    rules = Rules(buffer=timedelta(minutes=15), step=timedelta(minutes=15))
    monday_8_to_13 = (Window(0, time(8), time(13)),)
    slots = compute(Availability(windows=monday_8_to_13, busy=(busy,)), day, day, utc(2026, 11, 20), rules=rules)
    # A one-hour session must end by 09:45 or start from 11:15.
    assert [s[11:] for s in swedish(slots)] == ["08:00", "08:15", "08:30", "08:45", "11:15", "11:30", "11:45", "12:00"]


def test_minimum_notice_counts_working_days():
    # Friday 2026-11-27 at 15:00: two working days on is Tuesday 2026-12-01 (the weekend does not count).
    now = swedish_time_to_utc(date(2026, 11, 27), time(15))
    slots = compute(Availability(windows=WEEKDAYS_9_TO_12), date(2026, 11, 27), date(2026, 12, 4), now)
    assert swedish(slots)[0] == "2026-12-01 09:00"


def test_notice_skips_holidays():
    # Wednesday 2026-12-23: working days after it are 28 and 29 December (24-27 are holidays or weekend).
    now = swedish_time_to_utc(date(2026, 12, 23), time(8))
    slots = compute(Availability(windows=WEEKDAYS_9_TO_12), date(2026, 12, 23), date(2027, 1, 8), now)
    assert swedish(slots)[0] == "2026-12-29 09:00"


def test_horizon_limits_how_far_ahead():
    now = swedish_time_to_utc(date(2026, 11, 2), time(8))
    rules = Rules(horizon_days=10, step=HOUR)
    slots = compute(Availability(windows=WEEKDAYS_9_TO_12), date(2026, 11, 2), date(2026, 12, 31), now, rules=rules)
    assert swedish(slots)[-1].startswith("2026-11-12")


def test_absence_removes_time_and_extra_time_adds_it():
    day = date(2026, 11, 30)
    absence = Interval(swedish_time_to_utc(day, time(9)), swedish_time_to_utc(day, time(11)))
    saturday = date(2026, 12, 5)
    extra = Interval(swedish_time_to_utc(saturday, time(10)), swedish_time_to_utc(saturday, time(12)))
    slots = compute(
        Availability(windows=WEEKDAYS_9_TO_12, absences=(absence,), extras=(extra,)), day, saturday, utc(2026, 11, 20)
    )
    listed = swedish(slots)
    assert "2026-11-30 09:00" not in listed and "2026-11-30 10:00" not in listed and "2026-11-30 11:00" in listed
    assert "2026-12-05 10:00" in listed and "2026-12-05 11:00" in listed


def test_winter_and_summer_time_keep_wall_clock_windows():
    before = compute(Availability(windows=WEEKDAYS_9_TO_12), date(2026, 3, 27), date(2026, 3, 27), utc(2026, 3, 1))
    after = compute(Availability(windows=WEEKDAYS_9_TO_12), date(2026, 3, 30), date(2026, 3, 30), utc(2026, 3, 1))
    assert before[0].start == utc(2026, 3, 27, 8)  # 09:00 CET
    assert after[0].start == utc(2026, 3, 30, 7)  # 09:00 CEST
    assert swedish(before)[0][11:] == swedish(after)[0][11:] == "09:00"


def test_spring_forward_day_has_an_hour_less():
    # 2026-03-29: 02:00 becomes 03:00. A Sunday window 01:00-05:00 holds three real hours.
    sunday = Window(6, time(1), time(5))
    slots = compute(Availability(windows=(sunday,)), date(2026, 3, 29), date(2026, 3, 29), utc(2026, 3, 1))
    assert swedish(slots) == ["2026-03-29 01:00", "2026-03-29 03:00", "2026-03-29 04:00"]
    assert all(s.end - s.start == HOUR for s in slots)


def test_fall_back_day_has_an_hour_more():
    # 2026-10-25: 03:00 becomes 02:00 again. A Sunday window 01:00-05:00 holds five real hours.
    sunday = Window(6, time(1), time(5))
    slots = compute(Availability(windows=(sunday,)), date(2026, 10, 25), date(2026, 10, 25), utc(2026, 10, 1))
    assert len(slots) == 5
    assert slots[0].start == utc(2026, 10, 24, 23) and slots[-1].end == utc(2026, 10, 25, 4)


def test_a_session_across_the_change_is_measured_in_real_time():
    sunday = Window(6, time(1), time(5))
    three_hours = timedelta(hours=3)
    slots = compute(
        Availability(windows=(sunday,)), date(2026, 3, 29), date(2026, 3, 29), utc(2026, 3, 1), length=three_hours
    )
    assert len(slots) == 1 and slots[0].start == utc(2026, 3, 29, 0) and slots[0].end == utc(2026, 3, 29, 3)


def test_is_free_accepts_only_offered_slots():
    availability = Availability(windows=WEEKDAYS_9_TO_12)
    now = utc(2026, 11, 20)
    good = Interval(
        swedish_time_to_utc(date(2026, 11, 30), time(10)), swedish_time_to_utc(date(2026, 11, 30), time(11))
    )
    assert is_free(good, availability, rules=Rules(step=HOUR), now=now)
    odd = Interval(good.start + timedelta(minutes=7), good.end + timedelta(minutes=7))
    assert not is_free(odd, availability, rules=Rules(step=HOUR), now=now)
    late = Interval(
        swedish_time_to_utc(date(2026, 11, 30), time(11, 30)), swedish_time_to_utc(date(2026, 11, 30), time(12, 30))
    )
    assert not is_free(late, availability, rules=Rules(step=timedelta(minutes=30)), now=now)
