"""Reads for events (the union's own schema: the Host chose it)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Count, F, IntegerField, JSONField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from shared.catalogues.models import Department
from shared.core.filtering import filtered
from shared.unions.models import DEFAULT_EVENT_RECORD_DAYS, Union
from tenants.cases.models import Case, CaseStatus

from .filters import EventFilter
from .models import QR_OPEN_STATUSES, Event, EventStatus, MediaReport


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


def _q(model, column: str | None = None) -> str:
    """A model's table (or table.column), quoted, for the list's hand-written subqueries."""
    table = connection.ops.quote_name(model._meta.db_table)
    return f"{table}.{connection.ops.quote_name(column)}" if column else table


def event_list_rows(*, filters: dict | None = None) -> QuerySet[Event]:
    """The API's event list, one query for the page whatever its size: event_list's figures plus
    media_report_count, and the partner departments as `department_refs` (dicts {id, name}, in the
    catalogue's order).

    The per-row figures are correlated subqueries written as SQL: built with the ORM, making and compiling
    the four subqueries cost more than the rest of the request's Python work. Table names resolve through the
    union's search_path like the ORM's own."""
    event_id = _q(Event, "id")
    links = _q(Event.enterprises.through)
    departments = _q(Event.departments.through)
    department = _q(Department)
    linked = f"(SELECT COUNT(*) FROM {links} WHERE {links}.event_id = {event_id})"
    queryset = Event.objects.select_related("topic").annotate(
        case_count=RawSQL(
            f"SELECT COUNT(*) FROM {_q(Case)} WHERE {_q(Case)}.event_id = {event_id}", (), IntegerField()
        ),
        enterprise_count=RawSQL(f"{linked} + {_q(Event, 'unregistered_enterprise_count')}", (), IntegerField()),
        media_report_count=RawSQL(
            f"SELECT COUNT(*) FROM {_q(MediaReport)} WHERE {_q(MediaReport)}.event_id = {event_id}", (), IntegerField()
        ),
        department_refs=RawSQL(
            f"SELECT COALESCE(jsonb_agg(jsonb_build_object('id', d.id, 'name', d.name) ORDER BY d.sort_order, d.id),"
            f" '[]') FROM {departments} JOIN {department} d ON d.id = {departments}.department_id"
            f" WHERE {departments}.event_id = {event_id}",
            (),
            JSONField(),
        ),
    )
    return filtered(EventFilter, filters=filters, queryset=queryset)


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


# --- the event's record and its timeliness (活动记录按期完成) ------------------------------------------

RECORD_PARTS = ("attendance", "enterprises", "summary", "cases")  # what a complete record has, in page order
ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"


def event_record_missing_parts(*, event: Event) -> list[str]:
    """What the held event's record still lacks, in RECORD_PARTS order (empty: complete): the worker
    attendance, the enterprises reached (linked or unregistered), the summary, and every case raised there
    taken past "raised" (solved on site, referred, resolved or closed)."""
    missing = []
    if not event.worker_attendance:
        missing.append("attendance")
    if not event.unregistered_enterprise_count and not event.enterprises.exists():
        missing.append("enterprises")
    if not (event.summary or "").strip():
        missing.append("summary")
    if Case.objects.filter(event=event, status=CaseStatus.RAISED).exists():
        missing.append("cases")
    return missing


def event_record_due(*, held_date: datetime.date, days: int) -> datetime.date:
    """The last day the record of an event held on `held_date` counts as on time."""
    return held_date + datetime.timedelta(days=days)


def event_record_timeliness(
    *, held_date: datetime.date, completed_on: datetime.date | None, days: int, today: datetime.date
) -> str:
    """on_time: complete by the held date + `days`; late: complete after that; missing: still incomplete
    after that; pending: incomplete, but there is time left (counted neither way, like a report not yet due)."""
    due = event_record_due(held_date=held_date, days=days)
    if completed_on is not None:
        return ON_TIME if completed_on <= due else LATE
    return MISSING if today > due else PENDING


def event_record_days() -> int:
    """The current union's days to complete a held event's record (Union.record_days: its own exception, its
    level's days set by its parent, or 7)."""
    union = Union.objects.select_related("parent").filter(schema_name=connection.schema_name).first()
    return union.record_days if union is not None else DEFAULT_EVENT_RECORD_DAYS


def event_record_counts(*, year: int, today: datetime.date, days: int) -> dict[str, int]:
    """How many events held in `year` had their record complete on time, late, or are missing it as of
    `today` (events still within their days are not counted)."""
    counts = dict.fromkeys((ON_TIME, LATE, MISSING, PENDING), 0)
    held = Event.objects.filter(status=EventStatus.HELD, held_date__year=year)
    for held_date, completed_on in held.values_list("held_date", "record_completed_on"):
        counts[event_record_timeliness(held_date=held_date, completed_on=completed_on, days=days, today=today)] += 1
    return counts


def event_records_late_or_missing(*, today: datetime.date, days: int, since: datetime.date) -> list[Event]:
    """Held events since `since` whose record came late or is missing as of `today`, oldest first, each
    with ``timeliness``, ``record_due`` and (when missing) ``missing_parts``: the county home page's list."""
    late_or_missing = []
    held = Event.objects.filter(status=EventStatus.HELD, held_date__gte=since).order_by("held_date", "number")
    for event in held:
        timeliness = event_record_timeliness(
            held_date=event.held_date, completed_on=event.record_completed_on, days=days, today=today
        )
        if timeliness in (LATE, MISSING):
            event.timeliness = timeliness
            event.record_due = event_record_due(held_date=event.held_date, days=days)
            event.missing_parts = event_record_missing_parts(event=event) if timeliness == MISSING else []
            late_or_missing.append(event)
    return late_or_missing
