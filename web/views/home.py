"""The home page: what to do next — upcoming events, overdue cases, this year's quota progress."""

from __future__ import annotations

import datetime

from django.shortcuts import render
from django.utils import timezone

from oversight.rollup.selectors import compliance_for_city, compliance_from_stats, quota_for
from tenants.cases.selectors import case_list
from tenants.events.models import NOT_YET_HELD_STATUSES
from tenants.events.selectors import event_list, event_records_late_or_missing
from tenants.stats.selectors import union_year_stats
from web.access import member_required


@member_required
def home_view(request):
    union = request.tenant
    today = timezone.localdate()
    year = today.year
    # The union's own figures come straight from its schema (always current); the city's view of its
    # counties comes from the roll-up (see the dashboard).
    record_days = union.record_days
    stats = union_year_stats(year=year, today=today, record_days=record_days)
    quota = quota_for(year=year, level=union.level)
    progress = compliance_from_stats(union=union, year=year, stats=stats, today=today, quota=quota)
    upcoming = (
        event_list(filters={"date_from": (today - datetime.timedelta(days=7)).isoformat()})
        .filter(status__in=NOT_YET_HELD_STATUSES)
        .order_by("planned_date", "number")[:6]
    )
    overdue = case_list(filters={"overdue": True}).select_related("department").order_by("deadline", "id")
    context = {
        "year": year,
        "today": today,
        "stats": stats,
        "progress": progress,
        "upcoming": upcoming,
        "overdue": overdue[:8],
        "overdue_count": overdue.count(),
        "to_record": event_list(filters={"date_to": today.isoformat()})
        .filter(status__in=NOT_YET_HELD_STATUSES)
        .order_by("planned_date")[:5],
        "record_days": record_days,
        # A year back, so an event held in late December whose record is still missing shows in January.
        "records_late_or_missing": event_records_late_or_missing(
            today=today, days=record_days, since=today - datetime.timedelta(days=365)
        ),
        "counties": compliance_for_city(city=union, year=year, today=today) if union.oversees else None,
    }
    return render(request, "web/home.html", context)
