"""The day the test run began, and a clock held on it.

A test that works out "today" when its module is imported and then asks a service for the date races midnight in
Asia/Shanghai (16:00 UTC): a run collected at 15:59 UTC and reaching the test at 16:01 sees the service answer
tomorrow. Modules that keep a `TODAY` import it from here and use the `on_today` fixture (tests/conftest.py), which
holds the clock at noon of that day, Shanghai time, for the length of each test.

`TEST_TODAY=2027-01-01 make test` runs those modules on another day, e.g. the first or last of a year.
"""

from __future__ import annotations

import datetime
import os
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def _today() -> datetime.date:
    chosen = os.environ.get("TEST_TODAY", "").strip()
    return datetime.date.fromisoformat(chosen) if chosen else timezone.localdate()


TODAY = _today()
# A day of TODAY's year with months behind it, for tests that need events held or cases overdue earlier in the
# same year (the first days of January have none): they move the clock there with `on_day(MIDYEAR)`.
MIDYEAR = datetime.date(TODAY.year, 7, 20)


def noon(day: datetime.date) -> datetime.datetime:
    """Noon of `day` in the product's zone, as UTC: a naive or zoned destination would make time-machine change
    the process's own zone too."""
    local = datetime.datetime.combine(day, datetime.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return local.astimezone(datetime.UTC)


def held_lately(today: datetime.date | None = None) -> datetime.date:
    """Yesterday, or today on 1 January: an event recorded as held on it counts in this year's figures whatever
    the day the run falls on (yesterday, on 1 January, is last year's)."""
    today = today or timezone.localdate()
    return max(today - datetime.timedelta(days=1), today.replace(month=1, day=1))
