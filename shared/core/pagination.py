"""The one pagination class of the API: every list pages the same way."""

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from rest_framework.pagination import PageNumberPagination

TOTAL = "_page_total"
MAX_OFFSET = 2**62  # far beyond any list, and within PostgreSQL's bigint OFFSET


class OneQueryPaginator(Paginator):
    """Reads a page and the list's total in one statement instead of a COUNT and then the page: one round
    trip less on every list request. The total is an uncorrelated scalar subquery (the same COUNT Django
    would run; PostgreSQL evaluates it once), so the page keeps its LIMIT plan. (COUNT(*) OVER () would
    make PostgreSQL join every row of the list before the LIMIT: 20 times slower for 600 cases.)

    Falls back to Django's COUNT-then-page when this cannot give the total: a page past the end (no rows to
    carry it), orphans, a DISTINCT or sliced queryset, or a list that is not a queryset."""

    def _windowed(self) -> bool:
        object_list = self.object_list
        return (
            isinstance(object_list, QuerySet)
            and not self.orphans
            and not object_list.query.distinct
            and not object_list.query.is_sliced
        )

    def page(self, number):
        if "count" in self.__dict__ or not self._windowed():
            return super().page(number)
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            return super().page(number)  # Django's own error for a page that is not a number
        if wanted < 1 or (wanted - 1) * self.per_page > MAX_OFFSET:
            # Below 1, or an offset PostgreSQL cannot take (a bigint): Django's count decides (EmptyPage, a 404).
            return super().page(number)
        bottom = (wanted - 1) * self.per_page
        # Grouped by a constant, which Django leaves out of GROUP BY: one row, the count of the whole list.
        total = self.object_list.order_by().annotate(_one=Value(1)).values("_one").annotate(n=Count("*")).values("n")
        page = self.object_list.annotate(**{TOTAL: Subquery(total, output_field=IntegerField())})
        rows = list(page[bottom : bottom + self.per_page])
        if not rows:
            return super().page(number)  # past the end, or an empty list: Django decides (page 1 may be empty)
        self.__dict__["count"] = getattr(rows[0], TOTAL)
        self.validate_number(wanted)
        return self._get_page(rows, wanted, self)


class ListPagination(PageNumberPagination):
    """50 a page by default; ?page_size= up to 200."""

    django_paginator_class = OneQueryPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
