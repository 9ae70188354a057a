"""Reads for topic planning (the union's own schema)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from shared.catalogues.models import Topic

from .models import PlanAdjustment, PlanItem, Suggestion


def suggestion_list(*, filters: dict | None = None) -> QuerySet[Suggestion]:
    """Filters: year, topic (id), source."""
    filters = filters or {}
    queryset = Suggestion.objects.select_related("topic", "created_by")
    if filters.get("year") is not None:
        queryset = queryset.filter(year=filters["year"])
    if filters.get("topic") is not None:
        queryset = queryset.filter(topic_id=filters["topic"])
    if filters.get("source"):
        queryset = queryset.filter(source=filters["source"])
    return queryset


def topic_ranking(*, year: int) -> list[dict]:
    """Topics ranked by how many suggestions of the year name them: [{rank, topic, count}], most first.

    Standard competition ranking (1, 2, 2, 4): topics with the same count share a rank and are listed in the
    catalogue's sort order. Topics without suggestions are not listed.
    """
    rows = list(
        Suggestion.objects.filter(year=year)
        .values("topic")
        .annotate(count=Count("id"))
        .order_by("-count", "topic__sort_order", "topic__id")
    )
    topics = Topic.objects.in_bulk([row["topic"] for row in rows])
    ranking = []
    previous_count, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row["count"] != previous_count:
            rank, previous_count = position, row["count"]
        ranking.append({"rank": rank, "topic": topics[row["topic"]], "count": row["count"]})
    return ranking


def plan_item_list(*, year: int | None = None) -> QuerySet[PlanItem]:
    queryset = PlanItem.objects.select_related("topic").prefetch_related("departments")
    if year is not None:
        queryset = queryset.filter(year=year)
    return queryset


def plan_item_list_counted(*, year: int | None = None) -> QuerySet[PlanItem]:
    """The plan's items, each with `adjustment_count`."""
    # Meta.ordering is not applied to GROUP BY queries: order explicitly.
    return plan_item_list(year=year).annotate(adjustment_count=Count("adjustments")).order_by("year", "month")


def plan_item_get(*, item_id: int) -> PlanItem:
    return plan_item_list().get(pk=item_id)


def plan_adjustment_list(*, year: int | None = None, item_id: int | None = None) -> QuerySet[PlanAdjustment]:
    queryset = PlanAdjustment.objects.select_related("actor", "item")
    if year is not None:
        queryset = queryset.filter(item__year=year)
    if item_id is not None:
        queryset = queryset.filter(item_id=item_id)
    return queryset
