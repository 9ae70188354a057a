"""A union's statistics for a year: the one place they are computed.

Served at GET /api/v1/stats/ and used by the city's roll-up, so the two can never disagree. Runs in
the current schema (the union's), in a fixed number of queries.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from tenants.cases.models import Case, CaseStatus, CaseTransition
from tenants.cases.selectors import case_overdue_condition
from tenants.events.models import NOT_YET_HELD_STATUSES, Event, EventStatus, MediaReport
from tenants.events.selectors import LATE, MISSING, ON_TIME, event_record_counts, event_record_days

STAT_KEYS = (
    "events_planned",  # not yet held, not cancelled, planned for the year
    "events_held",
    "events_cancelled",
    "enterprises_reached",  # linked enterprises + unregistered ones, over the events held
    "worker_attendance",  # 人次, over the events held
    "cases_raised",
    "cases_solved_on_site",
    "cases_referred",  # ever referred to a department
    "cases_resolved_on_time",  # referred, then resolved or closed by the deadline
    "cases_overdue",  # past the deadline and not finished, as of `today`
    "departments_engaged",  # distinct departments at held events or receiving referred cases
    "media_reports",
    "events_closed_on_time",  # held events whose record was complete within the union's days (活动记录按期完成)
    "events_closed_late",  # ... complete, but after those days
    "events_record_missing",  # ... still incomplete after those days, as of `today`
)


def union_year_stats(*, year: int, today: datetime.date | None = None, record_days: int | None = None) -> dict:
    """Figures of the current union for `year`: every key of STAT_KEYS (ints) plus
    ``events_held_by_month`` (12 ints, January first) and ``cases_overdue_by_department`` ({department id as
    a string: overdue cases}, only departments with some: which departments answer late). `record_days` is the
    union's days to complete an event's record (read from the union when not given)."""
    today = today or timezone.localdate()
    records = event_record_counts(
        year=year, today=today, days=record_days if record_days is not None else event_record_days()
    )

    events = Event.objects.filter(
        Q(status=EventStatus.HELD, held_date__year=year) | (~Q(status=EventStatus.HELD) & Q(planned_date__year=year))
    )
    event_counts = events.aggregate(
        held=Count("id", filter=Q(status=EventStatus.HELD)),
        planned=Count("id", filter=Q(status__in=NOT_YET_HELD_STATUSES)),
        cancelled=Count("id", filter=Q(status=EventStatus.CANCELLED)),
        unregistered=Sum("unregistered_enterprise_count", filter=Q(status=EventStatus.HELD), default=0),
        attendance=Sum("worker_attendance", filter=Q(status=EventStatus.HELD), default=0),
    )
    held = Event.objects.filter(status=EventStatus.HELD, held_date__year=year)
    linked_enterprises = Event.enterprises.through.objects.filter(event__in=held).count()
    by_month = dict(
        held.annotate(month=ExtractMonth("held_date"))
        .values_list("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    media = MediaReport.objects.filter(event__in=held).count()

    cases = Case.objects.filter(raised_on__year=year).annotate(
        was_referred=Exists(CaseTransition.objects.filter(case=OuterRef("pk"), to_status=CaseStatus.REFERRED))
    )
    case_counts = cases.aggregate(
        raised=Count("id"),
        solved_on_site=Count("id", filter=Q(status=CaseStatus.SOLVED_ON_SITE)),
        referred=Count("id", filter=Q(was_referred=True)),
        on_time=Count(
            "id",
            filter=Q(
                was_referred=True,
                status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED],
                finished_on__isnull=False,
                deadline__isnull=False,
                finished_on__lte=F("deadline"),
            ),
        ),
        overdue=Count("id", filter=case_overdue_condition(today=today)),
    )

    overdue_by_department = dict(
        cases.filter(case_overdue_condition(today=today), department__isnull=False)
        .values_list("department_id")
        .annotate(n=Count("id"))
        .values_list("department_id", "n")
    )

    event_departments = set(
        Event.departments.through.objects.filter(event__in=held).values_list("department_id", flat=True).distinct()
    )
    case_departments = set(
        cases.filter(was_referred=True, department__isnull=False).values_list("department_id", flat=True).distinct()
    )

    return {
        "events_planned": event_counts["planned"],
        "events_held": event_counts["held"],
        "events_cancelled": event_counts["cancelled"],
        "enterprises_reached": linked_enterprises + event_counts["unregistered"],
        "worker_attendance": event_counts["attendance"],
        "cases_raised": case_counts["raised"],
        "cases_solved_on_site": case_counts["solved_on_site"],
        "cases_referred": case_counts["referred"],
        "cases_resolved_on_time": case_counts["on_time"],
        "cases_overdue": case_counts["overdue"],
        "departments_engaged": len(event_departments | case_departments),
        "media_reports": media,
        "events_closed_on_time": records[ON_TIME],
        "events_closed_late": records[LATE],
        "events_record_missing": records[MISSING],
        "events_held_by_month": [by_month.get(month, 0) for month in range(1, 13)],
        "cases_overdue_by_department": {str(pk): n for pk, n in sorted(overdue_by_department.items())},
    }
