"""Reads for events (the union's own schema: the Host chose it)."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from shared.core.filtering import filtered
from tenants.cases.models import Case

from .filters import EventFilter
from .models import QR_OPEN_STATUSES, Event, MediaReport


def _count(queryset, group: str):
    """A correlated COUNT subquery (no joins multiplied into the outer query); 0 when nothing matches."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def event_queryset() -> QuerySet[Event]:
    """Events with the figures a list shows, in a fixed number of queries whatever the page size."""
    links = Event.enterprises.through.objects.filter(event=OuterRef("pk"))
    return (
        Event.objects.select_related("topic")
        .prefetch_related("departments", Prefetch("media_reports", queryset=MediaReport.objects.order_by("id")))
        .annotate(
            case_count=_count(Case.objects.filter(event=OuterRef("pk")), "event"),
            linked_enterprise_count=_count(links, "event"),
        )
        .annotate(enterprise_count=F("linked_enterprise_count") + F("unregistered_enterprise_count"))
    )


def event_list(*, filters: dict | None = None) -> QuerySet[Event]:
    """Events of the current union, annotated with case_count and enterprise_count (linked enterprises plus
    unregistered ones); filters: status, topic, date_from, date_to (planned date)."""
    queryset = event_queryset()
    return filtered(EventFilter, filters=filters, queryset=queryset)


def event_get(*, event_id) -> Event:
    return event_queryset().prefetch_related("enterprises", "invited_unions").get(pk=event_id)


def event_open_for_qr(*, event_id) -> Event | None:
    """The event a QR code names, while it takes workers' cases (not cancelled); None otherwise."""
    return Event.objects.filter(pk=event_id, status__in=QR_OPEN_STATUSES).first()
