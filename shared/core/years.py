"""The years the product knows: one range and one message for the API, the pages and the services."""

from __future__ import annotations

from django.utils.translation import gettext as _

MIN_YEAR, MAX_YEAR = 2000, 2100


def year_error(year) -> str | None:
    """Why `year` is not a year the product accepts, or None when it is (a whole number in the range)."""
    if isinstance(year, bool):
        return _("A year such as 2024 is required.")
    try:
        value = int(year)
    except (TypeError, ValueError):
        return _("A year such as 2024 is required.")
    if str(value) != str(year).strip() or not MIN_YEAR <= value <= MAX_YEAR:
        return _("The year must be between %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}
    return None
