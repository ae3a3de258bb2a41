"""The business calendar: hand-worked SLA clocks, deadlines and working-day reminders.

Dates are in June 2026 unless they test daylight saving: Mon 1 June ... Fri 5, Sat 6, Sun 7,
Mon 8. The EU clocks change on Sun 29 March (to CEST) and Sun 25 October 2026 (back to CET).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from services.domain.calendar import Calendar, parse_duration

HOUR = 3600.0
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
OFFICE = Calendar()  # UTC, Monday to Friday, 09:00-17:00
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def utc(day: int, hour: int = 0, minute: int = 0, month: int = 6) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def ams(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=AMSTERDAM)


# --- business_seconds ------------------------------------------------------------------------


def test_a_span_inside_one_working_day_counts_in_full():
    assert OFFICE.business_seconds(utc(1, 10), utc(1, 12, 30)) == 2.5 * HOUR


def test_a_span_from_before_opening_to_after_closing_counts_the_working_hours_only():
    assert OFFICE.business_seconds(utc(1, 7), utc(1, 20)) == 8 * HOUR


def test_friday_afternoon_to_monday_morning_counts_two_hours():
    assert OFFICE.business_seconds(utc(5, 16), utc(8, 10)) == 2 * HOUR


def test_a_holiday_has_no_working_hours():
    with_holiday = Calendar(holidays=(date(2026, 6, 2),))
    assert OFFICE.business_seconds(utc(1, 16), utc(3, 10)) == 10 * HOUR
    assert with_holiday.business_seconds(utc(1, 16), utc(3, 10)) == 2 * HOUR


def test_a_span_within_a_weekend_counts_nothing():
    assert OFFICE.business_seconds(utc(6, 8), utc(7, 18)) == 0.0


def test_a_whole_week_counts_five_working_days():
    assert OFFICE.business_seconds(utc(6, 12), utc(13, 12)) == 40 * HOUR


def test_an_end_at_or_before_the_start_counts_nothing():
    assert OFFICE.business_seconds(utc(1, 12), utc(1, 12)) == 0.0
    assert OFFICE.business_seconds(utc(1, 12), utc(1, 10)) == 0.0


def test_a_year_counts_every_weekday_of_it():
    # 2026 has 261 weekdays; the loop runs per day, so this is quick.
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = datetime(2027, 1, 1, tzinfo=UTC)
    assert OFFICE.business_seconds(start, end) == 261 * 8 * HOUR


def test_working_hours_are_local_time_in_the_calendars_zone():
    tokyo = Calendar(timezone="Asia/Tokyo")  # 09:00-17:00 JST is 00:00-08:00 UTC
    assert tokyo.business_seconds(utc(1, 0), utc(1, 8)) == 8 * HOUR
    assert tokyo.business_seconds(utc(1, 8), utc(1, 23, 59)) == 0.0


def test_datetimes_in_any_offset_are_the_same_instants():
    plus_two = datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("Europe/Amsterdam"))  # 10:00 UTC
    assert OFFICE.business_seconds(plus_two, utc(1, 11)) == 1 * HOUR


# --- daylight saving -------------------------------------------------------------------------


def test_a_working_day_on_the_spring_forward_sunday_still_has_eight_hours():
    every_day = Calendar(timezone="Europe/Amsterdam", working_days=ALL_DAYS)
    midnight, next_midnight = ams(3, 29, 0), ams(3, 30, 0)
    assert (next_midnight - midnight.astimezone(UTC)).total_seconds() == 23 * HOUR
    assert every_day.business_seconds(midnight, next_midnight) == 8 * HOUR


def test_a_working_day_on_the_fall_back_sunday_still_has_eight_hours():
    every_day = Calendar(timezone="Europe/Amsterdam", working_days=ALL_DAYS)
    midnight, next_midnight = ams(10, 25, 0), ams(10, 26, 0)
    assert (next_midnight - midnight.astimezone(UTC)).total_seconds() == 25 * HOUR
    assert every_day.business_seconds(midnight, next_midnight) == 8 * HOUR


def test_hours_that_span_the_clock_change_count_real_elapsed_time():
    # 00:00-05:00 local: the skipped hour 02:00-03:00 is not worked, the repeated one is worked twice.
    nights = Calendar(
        timezone="Europe/Amsterdam", working_days=("sun",), start=time(0), end=time(5)
    )
    assert nights.working_seconds_per_day == 5 * HOUR  # nominal
    assert nights.business_seconds(ams(3, 28, 12), ams(3, 29, 12)) == 4 * HOUR
    assert nights.business_seconds(ams(10, 24, 12), ams(10, 25, 12)) == 6 * HOUR
    assert nights.add_business_seconds(ams(3, 29, 0), 3 * HOUR) == ams(3, 29, 4)


def test_the_clock_change_weekend_moves_the_utc_opening_hours_not_their_length():
    amsterdam = Calendar(timezone="Europe/Amsterdam")
    # Fri 27 March 12:00 UTC is 13:00 CET (4 h left); Mon 30 March 12:00 UTC is 14:00 CEST (5 h in).
    assert amsterdam.business_seconds(utc(27, 12, month=3), utc(30, 12, month=3)) == 9 * HOUR
    # Fri 23 October 12:00 UTC is 14:00 CEST (3 h left); Mon 26 October 12:00 UTC is 13:00 CET.
    assert amsterdam.business_seconds(utc(23, 12, month=10), utc(26, 12, month=10)) == 7 * HOUR
    monday = amsterdam.business_seconds(ams(3, 30, 0), ams(3, 31, 0))
    assert monday == amsterdam.working_seconds_per_day == 8 * HOUR


def test_a_deadline_across_the_clock_change_lands_on_local_office_time():
    amsterdam = Calendar(timezone="Europe/Amsterdam")
    spring = amsterdam.add_business_seconds(ams(3, 27, 16), 2 * HOUR)
    assert spring == ams(3, 30, 10) == utc(30, 8, month=3)
    autumn = amsterdam.add_business_seconds(ams(10, 23, 16), 2 * HOUR)
    assert autumn == ams(10, 26, 10) == utc(26, 9, month=10)


def test_a_reminder_across_the_clock_change_keeps_the_local_time_of_day():
    amsterdam = Calendar(timezone="Europe/Amsterdam")
    assert amsterdam.add_working_days(ams(3, 27, 10), 1) == utc(30, 8, month=3)
    assert amsterdam.add_working_days(ams(10, 23, 10), 1) == utc(26, 9, month=10)


# --- add_business_seconds --------------------------------------------------------------------


def test_an_hour_from_friday_half_past_four_is_monday_half_past_nine():
    assert OFFICE.add_business_seconds(utc(5, 16, 30), HOUR) == utc(8, 9, 30)


def test_counting_from_a_saturday_begins_at_monday_opening():
    assert OFFICE.add_business_seconds(utc(6, 11), 2 * HOUR) == utc(8, 11)
    assert OFFICE.add_business_seconds(utc(6, 11), 1) == utc(8, 9) + timedelta(seconds=1)


def test_a_full_days_budget_from_opening_ends_at_closing_that_day():
    assert OFFICE.add_business_seconds(utc(1, 9), 8 * HOUR) == utc(1, 17)


def test_a_deadline_skips_holidays():
    with_holiday = Calendar(holidays=(date(2026, 6, 8),))
    assert with_holiday.add_business_seconds(utc(5, 16), 2 * HOUR) == utc(9, 10)


def test_zero_seconds_is_the_start_itself_even_outside_working_hours():
    saturday = utc(6, 11)
    assert OFFICE.add_business_seconds(saturday, 0) == saturday


def test_deadlines_are_aware_utc():
    deadline = OFFICE.add_business_seconds(ams(6, 1, 12), HOUR)
    assert deadline.tzinfo is UTC
    assert deadline == utc(1, 11)
    assert OFFICE.add_business_seconds(ams(6, 1, 12), 0).tzinfo is UTC


def test_a_negative_or_infinite_budget_is_refused():
    for bad in (-1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="finite number >= 0"):
            OFFICE.add_business_seconds(utc(1, 9), bad)


_INVERSE_CALENDARS = (
    OFFICE,
    Calendar(
        timezone="Europe/Amsterdam",
        holidays=(date(2026, 4, 6), date(2026, 12, 25), date(2026, 12, 28)),
    ),
    Calendar(
        timezone="America/New_York",
        working_days=("tue", "wed", "sat"),
        start=time(8, 30),
        end=time(12, 15, 30),
    ),
    Calendar(timezone="Australia/Sydney", working_days=("mon", "tue", "wed", "thu", "fri", "sun")),
)


@pytest.mark.parametrize("calendar", _INVERSE_CALENDARS, ids=lambda c: c.timezone)
def test_add_business_seconds_is_the_inverse_of_business_seconds(calendar):
    rng = random.Random(42)
    year_start = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    for _ in range(400):
        start = datetime.fromtimestamp(year_start + rng.uniform(0, 366 * 86_400), tz=UTC)
        budget = rng.choice((rng.uniform(0, 30 * HOUR), float(rng.randrange(0, 200)) * 900))
        deadline = calendar.add_business_seconds(start, budget)
        assert deadline >= start
        assert deadline.tzinfo is UTC
        assert calendar.business_seconds(start, deadline) == pytest.approx(budget, abs=1e-6)


# --- add_working_days ------------------------------------------------------------------------


def test_working_days_skip_the_weekend():
    assert OFFICE.add_working_days(utc(4, 14), 3) == utc(9, 14)


def test_working_days_skip_holidays_too():
    with_holiday = Calendar(holidays=(date(2026, 6, 8),))
    # Thu 4 -> Fri 5 (1), Tue 9 (2), Wed 10 (3): the weekend and Monday's holiday don't count.
    assert with_holiday.add_working_days(utc(4, 14), 3) == utc(10, 14)


def test_one_working_day_from_a_saturday_is_monday_at_the_same_time():
    assert OFFICE.add_working_days(utc(6, 20, 15), 1) == utc(8, 20, 15)


def test_zero_working_days_is_the_start_itself():
    assert OFFICE.add_working_days(utc(6, 11), 0) == utc(6, 11)


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError, match="days must be >= 0"):
        OFFICE.add_working_days(utc(1, 9), -1)


# --- naive datetimes -------------------------------------------------------------------------


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 6, 1, 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.business_seconds(naive, utc(1, 12))
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.business_seconds(utc(1, 9), naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.add_business_seconds(naive, HOUR)
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.add_working_days(naive, 1)


# --- the model -------------------------------------------------------------------------------


def test_the_defaults_are_monday_to_friday_nine_to_five_utc():
    assert OFFICE.timezone == "UTC"
    assert OFFICE.working_days == ("mon", "tue", "wed", "thu", "fri")
    assert OFFICE.working_seconds_per_day == 8 * HOUR
    assert Calendar(start=time(8, 30), end=time(12, 0)).working_seconds_per_day == 3.5 * HOUR


def test_a_calendar_reads_from_plain_config_values():
    calendar = Calendar.model_validate(
        {
            "timezone": "Europe/Amsterdam",
            "working_days": ["mon", "tue"],
            "start": "08:30",
            "end": "16:00",
            "holidays": ["2026-12-25"],
        }
    )
    assert calendar.start == time(8, 30)
    assert calendar.holidays == (date(2026, 12, 25),)


def test_an_unknown_time_zone_is_refused():
    for name in ("Mars/Olympus", "Europe", "", "../etc/passwd"):
        with pytest.raises(ValidationError, match=f"unknown time zone '{name}'"):
            Calendar(timezone=name)


def test_working_days_must_be_known_distinct_and_not_empty():
    with pytest.raises(ValidationError, match="unknown day name.*'monday'"):
        Calendar(working_days=("monday",))
    with pytest.raises(ValidationError, match="at least one working day"):
        Calendar(working_days=())
    with pytest.raises(ValidationError, match="listed twice"):
        Calendar(working_days=("mon", "mon"))


def test_working_hours_must_start_before_they_end():
    with pytest.raises(ValidationError, match="start before they end"):
        Calendar(start=time(17), end=time(9))
    with pytest.raises(ValidationError, match="start before they end"):
        Calendar(start=time(9), end=time(9))


def test_working_hours_are_local_times_without_a_zone():
    with pytest.raises(ValidationError, match="without a time zone"):
        Calendar(start=time(9, tzinfo=UTC))


def test_a_calendar_is_frozen_and_strict():
    with pytest.raises(ValidationError):
        Calendar(weekends=("sat",))
    with pytest.raises(ValidationError):
        OFFICE.timezone = "Europe/Amsterdam"


# --- parse_duration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("45m", 45 * 60),
        ("4h", 4 * HOUR),
        ("2d", 48 * HOUR),
        ("1d 4h", 28 * HOUR),
        ("1d4h", 28 * HOUR),
        (" 1h 30m ", 1.5 * HOUR),
        ("1w", 7 * 24 * HOUR),
        ("0m", 0),
    ],
)
def test_a_duration_without_a_calendar_is_wall_clock_time(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("4h", 4 * HOUR),
        ("1d", 8 * HOUR),
        ("2d", 16 * HOUR),
        ("1d 4h", 12 * HOUR),
        ("1w", 40 * HOUR),
    ],
)
def test_a_duration_with_a_calendar_counts_days_as_working_days(text, seconds):
    assert parse_duration(text, OFFICE) == seconds


def test_a_working_day_is_as_long_as_the_calendars_hours():
    mornings = Calendar(start=time(8, 30), end=time(12, 0))
    assert parse_duration("2d", mornings) == 7 * HOUR
    assert parse_duration("1w", mornings) == 5 * 3.5 * HOUR


@pytest.mark.parametrize(
    "text", ["3x", "", "   ", "h", "4", "-1h", "1.5h", "4H", "1h,30m", "4 hours"]
)
def test_something_that_is_not_a_duration_is_refused_with_a_hint(text):
    with pytest.raises(ValueError, match=r"is not a duration: use e\.g\. 30m, 4h, 2d"):
        parse_duration(text)


def test_the_refusal_quotes_the_input():
    with pytest.raises(ValueError) as raised:
        parse_duration("3x")
    assert str(raised.value) == "'3x' is not a duration: use e.g. 30m, 4h, 2d"


def test_a_unit_given_twice_is_refused():
    with pytest.raises(ValueError, match="gives 'h' twice"):
        parse_duration("1h 2h")
