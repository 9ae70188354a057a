"""union_year_stats: every figure against a small history whose answers are known."""

import datetime

import pytest

from tenants.cases.models import Case
from tenants.cases.services import case_close, case_refer, case_reopen, case_resolve, case_solve_on_site
from tenants.events.services import event_cancel, event_record_held, media_report_add
from tenants.stats.selectors import STAT_KEYS, union_year_stats
from tests.tenants.events.factories import CaseFactory, EnterpriseFactory, EventFactory, department, held_event

D = datetime.date
TODAY = D(2026, 6, 30)


@pytest.fixture
def history(world, in_union):
    """2025 and 2026 events and cases of tcounty1."""
    with in_union("tcounty1"):
        court, health, hr = department("法院"), department("卫健委"), department("人力社保局")
        firms = EnterpriseFactory.create_batch(3)
        # 2026: two held (Feb, Mar), one held in Jan 2026 though planned in Dec 2025, one planned, one prepared
        # later in the year, one cancelled; one 2025 held event that must not count.
        feb = held_event(planned_date=D(2026, 2, 10), held_date=D(2026, 2, 12), departments=[court, health])
        event_record_held(
            event=feb, actor=None, held_date=D(2026, 2, 12), enterprises=firms[:2], unregistered_enterprise_count=5,
            worker_attendance=120,
        )  # fmt: skip
        mar = held_event(planned_date=D(2026, 3, 10), held_date=D(2026, 3, 11), departments=[court])
        event_record_held(event=mar, actor=None, held_date=D(2026, 3, 11), enterprises=firms, worker_attendance=80)
        held_event(planned_date=D(2025, 12, 20), held_date=D(2026, 1, 5))
        EventFactory(planned_date=D(2026, 9, 1))
        EventFactory(planned_date=D(2026, 10, 1))
        event_cancel(event=EventFactory(planned_date=D(2026, 4, 1)), actor=None, reason="雨")
        old = held_event(planned_date=D(2025, 5, 1), held_date=D(2025, 5, 1))
        for event in (feb, feb, mar):
            media_report_add(event=event, actor=None, outlet="衢州日报", title="t", published_on=D(2026, 3, 20))
        media_report_add(event=old, actor=None, outlet="衢州日报", title="t", published_on=D(2025, 5, 2))

        # 2026 cases: 2 solved on site; referred: one resolved on time, one resolved late (today's date is
        # the finish date), one closed on time, one overdue, one not yet due; one raised, untouched.
        for _ in range(2):
            case_solve_on_site(case=CaseFactory(event=feb, source="event", raised_on=D(2026, 2, 12)), actor=None,
                               outcome="ok")  # fmt: skip
        referred = [
            case_refer(case=CaseFactory(raised_on=D(2026, 2, 1)), actor=None, department=hr, deadline=deadline)
            for deadline in (D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 1), D(2026, 4, 1), D(2026, 12, 1))
        ]
        case_resolve(case=referred[0], actor=None, outcome="ok")
        Case.objects.filter(pk=referred[0].pk).update(finished_on=D(2026, 2, 20))
        case_resolve(case=referred[1], actor=None, outcome="ok")
        Case.objects.filter(pk=referred[1].pk).update(finished_on=D(2026, 3, 15))
        case_close(case=referred[2], actor=None, explanation="x")
        Case.objects.filter(pk=referred[2].pk).update(finished_on=D(2026, 2, 25))
        CaseFactory(raised_on=D(2026, 5, 5))
        # A 2025 case, overdue, referred to the court: not a 2026 figure.
        case_refer(case=CaseFactory(raised_on=D(2025, 6, 1)), actor=None, department=court, deadline=D(2025, 7, 1))
        # A case referred once, then reopened and closed: it still counts as referred.
        reopened = case_solve_on_site(
            case=CaseFactory(event=mar, source="event", raised_on=D(2026, 3, 11)), actor=None, outcome="ok"
        )
        reopened = case_reopen(case=reopened, actor=None, reason="again")
        reopened = case_refer(case=reopened, actor=None, department=health, deadline=D(2026, 3, 20))
        case_close(case=reopened, actor=None, explanation="x")
        Case.objects.filter(pk=reopened.pk).update(finished_on=D(2026, 3, 19))
        yield


def test_figures_for_the_year(history, in_union, django_assert_max_num_queries):
    with in_union("tcounty1"):
        with django_assert_max_num_queries(20):  # 10 statements, each after a SET search_path
            stats = union_year_stats(year=2026, today=TODAY)
    assert set(stats) == set(STAT_KEYS) | {"events_held_by_month", "cases_overdue_by_department"}
    assert {key: stats[key] for key in STAT_KEYS} == {
        "events_planned": 2,
        "events_held": 3,
        "events_cancelled": 1,
        "enterprises_reached": 2 + 5 + 3,
        "worker_attendance": 120 + 80 + 100,
        "cases_raised": 2 + 5 + 1 + 1,
        "cases_solved_on_site": 2,
        "cases_referred": 6,
        "cases_resolved_on_time": 3,  # referred[0], referred[2], the reopened one
        "cases_overdue": 1,
        "departments_engaged": 3,  # court and health at events, hr and health for cases
        "media_reports": 3,
        # No summary on any of the three held events, and TODAY is past their 7 days: each record is missing.
        "events_closed_on_time": 0,
        "events_closed_late": 0,
        "events_record_missing": 3,
    }
    assert stats["events_held_by_month"] == [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]


def test_other_year_and_empty_year(history, in_union):
    with in_union("tcounty1"):
        stats_2025 = union_year_stats(year=2025, today=TODAY)
        empty = union_year_stats(year=2019, today=TODAY)
    assert stats_2025["events_held"] == 1 and stats_2025["media_reports"] == 1
    assert stats_2025["events_planned"] == 0  # the December event was held in January 2026
    assert stats_2025["cases_raised"] == 1 and stats_2025["cases_overdue"] == 1
    assert stats_2025["departments_engaged"] == 1
    assert all(empty[key] == 0 for key in STAT_KEYS) and empty["events_held_by_month"] == [0] * 12


def test_another_union_sees_none_of_it(history, in_union):
    with in_union("tcounty2"):
        stats = union_year_stats(year=2026, today=TODAY)
    assert all(stats[key] == 0 for key in STAT_KEYS)
