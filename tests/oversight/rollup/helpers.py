"""Data for the roll-up tests, made through the county services (tenants.events / tenants.cases)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from oversight.rollup.models import UnionYearStats
from shared.catalogues.models import Department
from tenants.cases.services import case_raise, case_refer, case_resolve, case_solve_on_site
from tenants.events.services import event_cancel, event_create, event_record_held


def department():
    return Department.objects.order_by("pk").first()


def held_event(*, held_date: datetime.date, attendance: int = 50, unregistered: int = 3, title: str = "工情直通车"):
    event = event_create(actor=None, title=title, planned_date=held_date, venue_kind="enterprise")
    return event_record_held(
        event=event,
        actor=None,
        held_date=held_date,
        worker_attendance=attendance,
        unregistered_enterprise_count=unregistered,
    )


def planned_event(*, planned_date: datetime.date, title: str = "计划中的活动"):
    return event_create(actor=None, title=title, planned_date=planned_date, venue_kind="park")


def cancelled_event(*, planned_date: datetime.date):
    event = event_create(actor=None, title="取消的活动", planned_date=planned_date, venue_kind="other")
    return event_cancel(event=event, actor=None, reason="天气原因")


def case_at(event, *, title: str = "工资拖欠", **kwargs):
    return case_raise(actor=None, kind="request", title=title, event=event, **kwargs)


def solved_case(event):
    return case_solve_on_site(case=case_at(event, title="现场解答"), actor=None, outcome="当场答复")


def referred_case(event, *, deadline: datetime.date, resolved: bool = False):
    case = case_refer(case=case_at(event, title="转办事项"), actor=None, department=department(), deadline=deadline)
    if resolved:
        case = case_resolve(case=case, actor=None, outcome="已解决")
    return case


# --- the province (tests/conftest.py's tprov) ---

Y = 2024
PROVINCE_BELOW = ["pcity", "pcounty1", "pcounty2", "qcity", "qcounty"]

# Hand-made roll-up rows for Y: (events_held, cases_solved_on_site, worker_attendance).
FIGURES = {
    "pcity": (0, 2, 100),
    "pcounty1": (5, 10, 300),
    "pcounty2": (5, 4, 200),
    "qcity": (4, 6, 150),
    "qcounty": (6, 13, 400),
    # Outside the province: must never count, however large.
    "tcounty1": (90, 90, 9000),
    "oprovcity": (80, 80, 8000),
}


def province_figures(world):
    """Roll-up rows for Y of the province's unions (FIGURES), and of two unions outside it."""
    now = timezone.now()
    for code, (held, solved, attendance) in FIGURES.items():
        UnionYearStats.objects.create(
            union=world.union(code),
            year=Y,
            events_held=held,
            events_planned=held + 1,
            cases_raised=solved + 1,
            cases_solved_on_site=solved,
            worker_attendance=attendance,
            computed_at=now,
        )
