"""The roll-up: rows equal union_year_stats run in the union's schema; committed changes refresh them
(debounced, on commit); the nightly task and the command recompute everything."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from oversight.rollup.models import UnionYearStats
from oversight.rollup.services import rollup_refresh, rollup_refresh_all
from oversight.rollup.tasks import DEBOUNCE_KEY_TTL, debounce_key, rollup_refresh_all_task, rollup_schedule_refresh
from shared.unions.models import Union
from tenants.cases.services import case_refer
from tenants.enterprises.services import enterprise_create
from tenants.events.services import event_update
from tenants.stats.selectors import STAT_KEYS, union_year_stats

from .conftest import broker_client
from .helpers import cancelled_event, case_at, department, held_event, planned_event, referred_case, solved_case

Y = 2024


def row(world, code: str, year: int = Y) -> UnionYearStats | None:
    return UnionYearStats.objects.filter(union=world.union(code), year=year).first()


def direct(in_union, code: str, year: int = Y) -> dict:
    with in_union(code):
        return union_year_stats(year=year)


def some_activity(year: int = Y):
    first = held_event(held_date=datetime.date(year, 3, 12), attendance=120, unregistered=7)
    held_event(held_date=datetime.date(year, 9, 2), attendance=80)
    planned_event(planned_date=datetime.date(year, 12, 20))
    cancelled_event(planned_date=datetime.date(year, 6, 1))
    solved_case(first)
    solved_case(first)
    referred_case(first, deadline=datetime.date(year, 4, 30), resolved=True)
    referred_case(first, deadline=datetime.date(year, 4, 1))
    case_at(first)
    return first


def test_the_table_has_one_column_per_stat_key():
    columns = {field.name for field in UnionYearStats._meta.get_fields()}
    assert set(STAT_KEYS) <= columns
    assert {"union", "year", "events_held_by_month", "computed_at"} <= columns


def test_refresh_copies_the_stats_selector(world, in_union):
    with in_union("tcounty1"):
        some_activity()
    [stats] = rollup_refresh(union=world.union("tcounty1"), year=Y)
    truth = direct(in_union, "tcounty1")
    assert stats.as_stats() == truth
    assert truth["events_held"] == 2 and truth["events_planned"] == 1 and truth["events_cancelled"] == 1
    assert truth["cases_raised"] == 5 and truth["cases_solved_on_site"] == 2 and truth["cases_overdue"] == 1
    assert truth["events_held_by_month"][2] == 1 and truth["events_held_by_month"][8] == 1
    # The other unions keep no row: the figures of one union never land on another.
    assert row(world, "tcounty2") is None


def test_refresh_is_idempotent_and_without_a_year_covers_every_year_with_data(world, in_union):
    with in_union("tcounty1"):
        some_activity(2023)
        planned_event(planned_date=datetime.date(2025, 5, 5))
    union = world.union("tcounty1")
    first = {r.year: r.as_stats() for r in rollup_refresh(union=union)}
    again = {r.year: r.as_stats() for r in rollup_refresh(union=union)}
    assert first == again
    assert set(first) == {2023, 2025, timezone.localdate().year}
    assert UnionYearStats.objects.filter(union=union).count() == 3
    assert first[2023] == direct(in_union, "tcounty1", 2023)
    assert first[2025]["events_planned"] == 1


def test_committed_change_refreshes_the_row_through_the_task(
    world, in_union, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), in_union("tcounty1"):
        event = held_event(held_date=datetime.date(Y, 5, 6), attendance=33)
    assert row(world, "tcounty1").events_held == 1
    assert row(world, "tcounty1").worker_attendance == 33
    with django_capture_on_commit_callbacks(execute=True), in_union("tcounty1"):
        solved_case(event)
    assert row(world, "tcounty1").cases_solved_on_site == 1
    assert row(world, "tcounty1").as_stats() == direct(in_union, "tcounty1")


def test_moving_an_event_to_another_year_refreshes_both_years(
    world, in_union, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), in_union("tcounty2"):
        event = planned_event(planned_date=datetime.date(2025, 10, 1))
    assert row(world, "tcounty2", 2025).events_planned == 1
    with django_capture_on_commit_callbacks(execute=True), in_union("tcounty2"):
        event_update(event=event, actor=None, planned_date=datetime.date(2026, 2, 1))
    assert row(world, "tcounty2", 2025).events_planned == 0
    assert row(world, "tcounty2", 2026).events_planned == 1


def test_linking_an_enterprise_from_its_side_refreshes_the_event_year(
    world, in_union, eager, django_capture_on_commit_callbacks
):
    with in_union("tcounty1"):
        event = held_event(held_date=datetime.date(Y, 7, 7), unregistered=0)
        enterprise = enterprise_create(name="衢州某制造有限公司")
    rollup_refresh(union=world.union("tcounty1"), year=Y)
    assert row(world, "tcounty1").enterprises_reached == 0
    with django_capture_on_commit_callbacks(execute=True), in_union("tcounty1"):
        enterprise.events.add(event)
    assert row(world, "tcounty1").enterprises_reached == 1


def test_a_rolled_back_change_schedules_nothing(world, in_union, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, in_union("tcounty1"):
        with pytest.raises(RuntimeError), transaction.atomic():
            held_event(held_date=datetime.date(Y, 5, 6))
            raise RuntimeError("abandon")
    assert callbacks == []
    assert row(world, "tcounty1") is None


def test_a_burst_of_edits_sends_one_message_to_the_broker(
    world, in_union, private_queue, django_capture_on_commit_callbacks
):
    """Not eager: the real broker receives the messages. Six committed edits, one refresh message."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks, in_union("tcounty1"):
        event = held_event(held_date=datetime.date(Y, 4, 4))
        for _ in range(3):
            solved_case(event)
    assert len(callbacks) > 6  # every save asked for a refresh …
    connection, client = broker_client()
    try:
        assert client.llen(private_queue) == 1  # … and one message went out
    finally:
        connection.release()
    # The pending key is what holds back the rest; it expires on its own if the message is ever lost.
    key = cache.make_key(debounce_key(schema_name="tcounty1", year=Y))
    assert 0 < cache._cache.get_client(key).ttl(key) <= DEBOUNCE_KEY_TTL


def test_the_task_clears_its_key_so_the_next_change_enqueues_again(world, in_union, eager):
    assert rollup_schedule_refresh(schema_name="tcounty1", year=Y) is True
    assert rollup_schedule_refresh(schema_name="tcounty1", year=Y) is True  # eager: the task ran and cleared it
    assert row(world, "tcounty1") is not None


def test_pending_refresh_suppresses_a_second_enqueue(world, private_queue):
    assert rollup_schedule_refresh(schema_name="tcounty2", year=Y) is True
    assert rollup_schedule_refresh(schema_name="tcounty2", year=Y) is False
    assert rollup_schedule_refresh(schema_name="tcounty2", year=Y + 1) is True  # another year: its own window


def test_nightly_task_and_command_recompute_every_row(world, in_union, eager):
    with in_union("tcounty1"):
        held_event(held_date=datetime.date(Y, 2, 2))
    with in_union("ocounty"):
        held_event(held_date=datetime.date(Y, 3, 3))
        held_event(held_date=datetime.date(Y, 4, 4))
    rollup_refresh_all_task.delay()
    assert row(world, "tcounty1").events_held == 1
    assert row(world, "ocounty").events_held == 2
    assert row(world, "tcity", timezone.localdate().year).events_held == 0
    assert row(world, "tcity") is None  # no data that year, no row

    UnionYearStats.objects.filter(union=world.union("ocounty")).update(events_held=99)
    call_command("refresh_rollup", "--union", "ocounty", "--year", str(Y), stdout=StringIO())
    assert row(world, "ocounty").events_held == 2

    UnionYearStats.objects.update(events_held=77)
    call_command("refresh_rollup", "--year", str(Y), stdout=StringIO())
    assert row(world, "tcounty1").events_held == 1 and row(world, "ocounty").events_held == 2


def test_full_refresh_heals_a_row_whose_year_lost_all_its_data(world, in_union):
    with in_union("tcounty2"):
        event = planned_event(planned_date=datetime.date(2022, 6, 6))
    rollup_refresh(union=world.union("tcounty2"))
    assert row(world, "tcounty2", 2022).events_planned == 1
    with in_union("tcounty2"):
        event.delete()  # the refresh this would schedule is never run here (rolled-back test transaction)
    rollup_refresh_all()
    assert row(world, "tcounty2", 2022).events_planned == 0


def test_command_refuses_an_unknown_union_or_a_silly_year(world):
    with pytest.raises(CommandError, match="No union"):
        call_command("refresh_rollup", "--union", "nowhere")
    with pytest.raises(CommandError, match="--year"):
        call_command("refresh_rollup", "--year", "1066")


def test_refresh_all_counts_the_rows_it_wrote(world):
    written = rollup_refresh_all(year=Y)
    assert written == Union.objects.count() == UnionYearStats.objects.filter(year=Y).count()


def test_one_service_call_queues_one_refresh_per_year(world, in_union, django_capture_on_commit_callbacks):
    """Referring a case saves the case and a transition in one atomic block: one callback, not two."""
    with in_union("tcounty1"):
        case = case_at(held_event(held_date=datetime.date(2025, 3, 3)), raised_on=datetime.date(2025, 3, 3))
        with django_capture_on_commit_callbacks() as callbacks:
            case_refer(case=case, actor=None, department=department(), deadline=datetime.date(2025, 4, 1))
    # (The referral also queues the message to the department's liaisons: not a refresh.)
    refreshes = [c for c in callbacks if getattr(c, "func", None) is rollup_schedule_refresh]
    assert len(refreshes) == 1 and len(callbacks) == 2


def test_event_record_timeliness_rolls_up_as_computed_directly_with_the_unions_days(world, in_union):
    from tenants.events.models import Event

    held = datetime.date(Y, 5, 6)
    with in_union("tcounty1"):
        events = [held_event(held_date=held) for _ in range(4)]
        # The helper's events lack a summary: stamp the days their records were complete by hand.
        for event, days in zip(events, (0, 3, 7, 8), strict=True):
            Event.objects.filter(pk=event.pk).update(record_completed_on=held + datetime.timedelta(days=days))
        held_event(held_date=held)  # never complete: missing
    [default] = rollup_refresh(union=world.union("tcounty1"), year=Y)
    assert default.as_stats() == direct(in_union, "tcounty1")
    assert (default.events_closed_on_time, default.events_closed_late, default.events_record_missing) == (3, 1, 1)
    Union.objects.filter(code="tcounty1").update(event_record_days=3)
    [strict] = rollup_refresh(union=Union.objects.get(code="tcounty1"), year=Y)
    assert strict.as_stats() == direct(in_union, "tcounty1")
    assert (strict.events_closed_on_time, strict.events_closed_late, strict.events_record_missing) == (2, 2, 1)


def test_the_command_sets_a_unions_record_days_and_refreshes_its_rows(world, in_union):
    held = datetime.date(Y, 5, 6)
    with in_union("tcounty1"):
        from tenants.events.models import Event

        event = held_event(held_date=held)
        Event.objects.filter(pk=event.pk).update(record_completed_on=held + datetime.timedelta(days=5))
    rollup_refresh(union=world.union("tcounty1"), year=Y)
    assert row(world, "tcounty1").events_closed_on_time == 1
    out = StringIO()
    call_command("set_event_record_days", "tcounty1", "3", stdout=out)
    assert Union.objects.get(code="tcounty1").event_record_days == 3 and "3" in out.getvalue()
    assert (row(world, "tcounty1").events_closed_on_time, row(world, "tcounty1").events_closed_late) == (0, 1)
    call_command("set_event_record_days", "tcounty1", "default", stdout=StringIO())
    assert Union.objects.get(code="tcounty1").event_record_days is None
    assert row(world, "tcounty1").events_closed_on_time == 1
    for bad in ("0", "91", "seven"):
        with pytest.raises(CommandError):
            call_command("set_event_record_days", "tcounty1", bad, stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("set_event_record_days", "nosuch", "5", stdout=StringIO())
