"""The one year rule that the planning services, the assessment and the pages share."""

import pytest
from django.utils import translation

from shared.core.years import MAX_YEAR, MIN_YEAR, year_error


@pytest.mark.parametrize("year", [MIN_YEAR, 2026, MAX_YEAR, "2024", " 2024 "])
def test_years_in_the_range_are_accepted(year):
    assert year_error(year) is None


@pytest.mark.parametrize("year", [MIN_YEAR - 1, MAX_YEAR + 1, "1999", "20.5", 2024.5])
def test_years_outside_the_range_name_it(year):
    with translation.override("en"):
        assert year_error(year) in ("The year must be between 2000 and 2100.", "A year such as 2024 is required.")


@pytest.mark.parametrize("year", [None, "", "abc", True])
def test_what_is_not_a_year_says_so_in_chinese(year):
    with translation.override("zh-hans"):
        message = year_error(year)
    assert message and "2024" in message and "year" not in message
