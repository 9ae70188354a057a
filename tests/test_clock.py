"""The test clock (tests/clock.py): held on the run's day at noon in Shanghai, whatever the hour outside."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tests.clock import TODAY, held_lately


def test_on_today_holds_the_services_date_on_the_runs_day_at_noon_in_shanghai(on_today):
    assert on_today == TODAY == timezone.localdate()
    local = timezone.localtime()
    assert (local.date(), local.hour) == (TODAY, 12) and str(local.tzinfo) == "Asia/Shanghai"


def test_on_day_moves_to_another_day_even_across_a_year(on_day):
    assert on_day(datetime.date(2027, 1, 1)) == timezone.localdate() == datetime.date(2027, 1, 1)
    # noon in Shanghai is 04:00 UTC the same day: nothing reading UTC sees another date either
    assert timezone.now().astimezone(datetime.UTC).date() == datetime.date(2027, 1, 1)


def test_held_lately_stays_in_the_year():
    assert held_lately(datetime.date(2027, 1, 1)) == datetime.date(2027, 1, 1)
    assert held_lately(datetime.date(2028, 3, 1)) == datetime.date(2028, 2, 29)
