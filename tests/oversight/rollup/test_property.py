"""Property: after any series of edits in one union, running the refresh messages that reached the broker
makes the roll-up equal a direct union_year_stats computation; if the messages are lost instead, the
nightly task or the command heals it."""

from __future__ import annotations

import datetime
from io import StringIO

from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.rollup.models import UnionYearStats
from oversight.rollup.tasks import debounce_key, rollup_refresh_all_task, rollup_refresh_union_task
from shared.core.exceptions import ApplicationError
from tenants.cases.models import Case
from tenants.cases.services import case_raise, case_refer, case_resolve, case_solve_on_site
from tenants.events.models import Event
from tenants.events.services import event_cancel, event_create, event_record_held, event_update
from tenants.stats.selectors import union_year_stats

from .conftest import take_messages
from .helpers import department

Y = 2025
YEARS = (Y, Y + 1)


def day(year: int, n: int) -> datetime.date:
    return datetime.date(year, 1, 1) + datetime.timedelta(days=n % 300)


pick = st.integers(min_value=0, max_value=30)
OPERATIONS = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 299)),
    st.tuples(st.just("hold"), pick, st.integers(0, 299)),
    st.tuples(st.just("cancel"), pick),
    st.tuples(st.just("move"), pick, st.integers(0, 299)),  # to next year's plan
    st.tuples(st.just("raise"), pick, st.integers(0, 299)),
    st.tuples(st.just("solve"), pick),
    st.tuples(st.just("refer"), pick, st.integers(0, 500)),
    st.tuples(st.just("resolve"), pick),
)


def nth(model, index: int):
    objects = list(model.objects.order_by("pk"))
    return objects[index % len(objects)] if objects else None


def apply(operation) -> None:
    kind, *args = operation
    event = nth(Event, args[0]) if kind in ("hold", "cancel", "move", "raise") else None
    case = nth(Case, args[0]) if kind in ("solve", "refer", "resolve") else None
    if kind == "create":
        event_create(actor=None, title="活动", planned_date=day(Y, args[0]), venue_kind="enterprise")
    elif event is None and case is None:
        return
    elif kind == "hold":
        event_record_held(event=event, actor=None, held_date=day(Y, args[1]), worker_attendance=args[1])
    elif kind == "cancel":
        event_cancel(event=event, actor=None, reason="改期")
    elif kind == "move":
        event_update(event=event, actor=None, planned_date=day(Y + 1, args[1]))
    elif kind == "raise":
        case_raise(actor=None, kind="request", title="诉求", event=event, raised_on=day(Y, args[1]))
    elif kind == "solve":
        case_solve_on_site(case=case, actor=None, outcome="当场解决")
    elif kind == "refer":
        deadline = case.raised_on + datetime.timedelta(days=args[1])
        case_refer(case=case, actor=None, department=department(), deadline=deadline)
    elif kind == "resolve":
        case_resolve(case=case, actor=None, outcome="已办结")


def assert_rollup_is_the_truth(world, in_union) -> None:
    union = world.union("tcounty1")
    for year in YEARS:
        with in_union("tcounty1"):
            truth = union_year_stats(year=year)
        row = UnionYearStats.objects.filter(union=union, year=year).first()
        if row is None:  # never touched: the truth must be all zeros
            assert not any(truth[key] for key in truth if key != "events_held_by_month"), (year, truth)
            assert truth["events_held_by_month"] == [0] * 12
        else:
            assert row.as_stats() == truth, year


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    bursts=st.lists(st.lists(OPERATIONS, min_size=1, max_size=6), min_size=1, max_size=4),
    lost=st.integers(min_value=-1, max_value=3),  # the burst whose refresh messages are lost (-1: none)
    heal_with=st.sampled_from(["nightly", "command"]),
)
def test_rollup_equals_direct_computation_and_heals_after_a_lost_message(
    world, in_union, private_queue, django_capture_on_commit_callbacks, bursts, lost, heal_with
):
    with transaction.atomic():
        try:
            # A first committed burst gives the random ones something to work on: three events, two held.
            bursts = [[("create", 10), ("create", 100), ("create", 200), ("hold", 0, 20), ("hold", 1, 120)]] + bursts
            lost += 1 if lost >= 0 else 0
            for number, burst in enumerate(bursts):
                with django_capture_on_commit_callbacks(execute=True), in_union("tcounty1"):
                    for operation in burst:
                        try:
                            apply(operation)
                        except ApplicationError:
                            pass  # not allowed in this state (e.g. hold a cancelled event): nothing changed
                messages = take_messages(private_queue)
                # Debounced: at most one message per touched year, however many edits.
                assert len(messages) == len({tuple(args) for _name, args in messages}) <= len(YEARS)
                if number == lost:
                    continue  # lost: nothing runs, and the pending keys hold back refreshes for a while
                for name, args in messages:  # what the worker does with them
                    assert name == rollup_refresh_union_task.name
                    rollup_refresh_union_task.apply(args=args).get(timeout=30)
                if lost < 0 or number < lost:
                    assert_rollup_is_the_truth(world, in_union)
            if 0 <= lost < len(bursts):  # a refresh heals whatever the lost message left behind
                if heal_with == "nightly":
                    rollup_refresh_all_task.apply().get(timeout=30)
                else:
                    call_command("refresh_rollup", "--union", "tcounty1", stdout=StringIO())
            assert_rollup_is_the_truth(world, in_union)
        finally:
            cache.delete_many([debounce_key(schema_name="tcounty1", year=year) for year in YEARS])
            transaction.set_rollback(True)
