"""A held event's record (attendance, enterprises, summary, every case past "raised") is complete within the
union's days (default 7): when it became complete is stamped once, and the union's figures count it on time,
late or missing, at the boundary days exactly."""

import datetime

import pytest
from django.utils import timezone

from shared.unions.models import DEFAULT_EVENT_RECORD_DAYS, Union
from tenants.cases.services import case_refer, case_reopen, case_solve_on_site
from tenants.events.models import Event
from tenants.events.selectors import (
    LATE,
    MISSING,
    ON_TIME,
    PENDING,
    event_record_missing_parts,
    event_record_timeliness,
    event_records_late_or_missing,
)
from tenants.events.services import event_record_held
from tenants.stats.selectors import union_year_stats
from tests.tenants.events.factories import CaseFactory, EnterpriseFactory, EventFactory, department

D = datetime.date
HELD = D(2025, 3, 10)


def complete_event(*, held_date=HELD, summary="走访三家企业，收集问题两个。", enterprises=1, attendance=50):
    event = EventFactory(planned_date=held_date)
    return event_record_held(
        event=event, actor=None, held_date=held_date, enterprises=EnterpriseFactory.create_batch(enterprises),
        worker_attendance=attendance, summary=summary,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("completed_on", "today", "expected"),
    [
        (HELD, HELD, ON_TIME),
        (HELD + datetime.timedelta(days=7), HELD + datetime.timedelta(days=30), ON_TIME),  # the last day
        (HELD + datetime.timedelta(days=8), HELD + datetime.timedelta(days=30), LATE),  # the day after
        (None, HELD + datetime.timedelta(days=7), PENDING),  # still time on the last day
        (None, HELD + datetime.timedelta(days=8), MISSING),  # the day after: missing
    ],
)
def test_timeliness_at_the_boundary_days(completed_on, today, expected):
    assert event_record_timeliness(held_date=HELD, completed_on=completed_on, days=7, today=today) == expected


def test_a_complete_record_is_stamped_today_and_each_missing_part_is_named(world, in_union):
    today = timezone.localdate()
    with in_union("tcounty1"):
        done = complete_event()
        assert done.record_completed_on == today and event_record_missing_parts(event=done) == []
        bare = EventFactory(planned_date=HELD)
        bare = event_record_held(event=bare, actor=None, held_date=HELD)
        assert bare.record_completed_on is None
        assert event_record_missing_parts(event=bare) == ["attendance", "enterprises", "summary"]
        # Unregistered enterprises count as enterprises reached.
        bare = event_record_held(
            event=bare, actor=None, held_date=HELD, unregistered_enterprise_count=2, worker_attendance=30,
            summary="小结",
        )  # fmt: skip
        assert bare.record_completed_on == today


def test_the_last_case_past_raised_completes_the_record_and_a_reopen_does_not_undo_it(world, in_union):
    today = timezone.localdate()
    with in_union("tcounty1"):
        event = EventFactory(planned_date=HELD)
        first = CaseFactory(event=event, source="event", raised_on=HELD)
        second = CaseFactory(event=event, source="event", raised_on=HELD)
        event = event_record_held(
            event=event, actor=None, held_date=HELD, unregistered_enterprise_count=1, worker_attendance=10,
            summary="小结",
        )  # fmt: skip
        assert event.record_completed_on is None and event_record_missing_parts(event=event) == ["cases"]
        case_solve_on_site(case=first, actor=None, outcome="当场答复")
        assert Event.objects.get(pk=event.pk).record_completed_on is None
        case_refer(case=second, actor=None, department=department(), deadline=today)
        assert Event.objects.get(pk=event.pk).record_completed_on == today
        # Reopening a case later is the case's business: the record's day stays.
        case_reopen(case=fresh(first), actor=None, reason="职工不满意")
        assert Event.objects.get(pk=event.pk).record_completed_on == today


def fresh(case):
    return type(case).objects.get(pk=case.pk)


def stamp(event, completed_on):
    Event.objects.filter(pk=event.pk).update(record_completed_on=completed_on)


def test_the_years_figures_count_on_time_late_and_missing_at_the_boundary(world, in_union):
    with in_union("tcounty1"):
        stamp(complete_event(), HELD + datetime.timedelta(days=7))  # on time: the last day
        stamp(complete_event(), HELD + datetime.timedelta(days=8))  # late: the day after
        stamp(complete_event(), None)  # not complete
        figures = {
            days_after: union_year_stats(year=2025, today=HELD + datetime.timedelta(days=days_after))
            for days_after in (7, 8)
        }
    assert [figures[7][key] for key in ("events_closed_on_time", "events_closed_late", "events_record_missing")] == [
        1,
        1,
        0,  # the incomplete one still has its last day
    ]
    assert figures[8]["events_record_missing"] == 1


def test_the_unions_own_days_are_used(world, in_union):
    union = world.union("tcounty1")
    assert union.record_days == DEFAULT_EVENT_RECORD_DAYS == 7
    with in_union("tcounty1"):
        stamp(complete_event(), HELD + datetime.timedelta(days=5))
    Union.objects.filter(pk=union.pk).update(event_record_days=3)
    with in_union("tcounty1"):
        stats = union_year_stats(year=2025, today=HELD + datetime.timedelta(days=30))
        explicit = union_year_stats(year=2025, today=HELD + datetime.timedelta(days=30), record_days=7)
    assert (stats["events_closed_on_time"], stats["events_closed_late"]) == (0, 1)
    assert (explicit["events_closed_on_time"], explicit["events_closed_late"]) == (1, 0)


def test_the_home_page_list_has_late_and_missing_events_only(world, in_union):
    with in_union("tcounty1"):
        on_time = complete_event()
        stamp(on_time, HELD + datetime.timedelta(days=1))
        late = complete_event()
        stamp(late, HELD + datetime.timedelta(days=9))
        missing = event_record_held(event=EventFactory(planned_date=HELD), actor=None, held_date=HELD)
        listed = event_records_late_or_missing(
            today=HELD + datetime.timedelta(days=20), days=7, since=HELD - datetime.timedelta(days=1)
        )
    assert [(e.pk, e.timeliness) for e in listed] == [(late.pk, LATE), (missing.pk, MISSING)]
    assert listed[1].missing_parts == ["attendance", "enterprises", "summary"]
    assert listed[0].record_due == HELD + datetime.timedelta(days=7)
