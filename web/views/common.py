"""Small helpers shared by the page views."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils import timezone

from shared.core.years import MAX_YEAR, MIN_YEAR


def year_param(request) -> int:
    """?year=YYYY within the one year range (shared.core) and at most five years ahead; this year otherwise."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except (TypeError, ValueError):
        return this_year
    return year if MIN_YEAR <= year <= min(MAX_YEAR, this_year + 5) else this_year


def filter_params(request, names) -> dict:
    """The non-empty query parameters of a list's filters, as strings (the selectors' filtersets parse them)."""
    return {name: request.GET[name] for name in names if request.GET.get(name, "").strip()}


def paginate(request, queryset, per_page: int = 25):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
