"""Redis down (cache and broker): a write still answers what it did, and the roll-up is healed later: by the
outbox's drain a minute after Redis is back (PendingRefresh, `rollup.drain_pending`), at the latest by the
nightly run."""

from __future__ import annotations

import socket

import pytest
from django.core.cache import cache
from django.test import override_settings
from kombu.exceptions import OperationalError as BrokerUnavailable

from oversight.rollup.models import PendingRefresh, UnionYearStats
from oversight.rollup.services import rollup_refresh_all
from oversight.rollup.tasks import debounce_key, rollup_drain_pending_task, rollup_refresh_union_task
from tenants.cases.models import Case
from tests.tenants.events.factories import held_event

pytestmark = pytest.mark.fault


def _closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down():
    location = f"redis://127.0.0.1:{_closed_port()}/0"
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    ):
        yield


def test_raising_a_case_answers_201_when_redis_is_down_and_the_nightly_run_counts_it(
    api, world, in_union, redis_down, django_capture_on_commit_callbacks
):
    with in_union("tcounty1"):
        event = held_event()
        before = Case.objects.count()
    staff = api("tcounty1-staff", "tcounty1")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff.post("/api/v1/cases/", {"kind": "consultation", "title": "社保断缴", "event": event.pk})
    assert response.status_code == 201, response.content
    assert callbacks, "the roll-up refresh was queued on commit"
    with in_union("tcounty1"):
        assert Case.objects.count() == before + 1  # saved once: nothing invites a second submission

    year = event.held_date.year
    rollup_refresh_all(year=year)  # what the nightly task runs once the outage is over
    row = UnionYearStats.objects.get(union=world.union("tcounty1"), year=year)
    with in_union("tcounty1"):
        assert row.cases_raised == Case.objects.filter(raised_on__year=year).count()


def test_a_write_while_redis_is_down_waits_in_the_outbox_and_reaches_the_city_once_redis_is_back(
    api, world, in_union, django_capture_on_commit_callbacks
):
    county, other = world.union("tcounty1"), world.union("tcounty2")
    with in_union("tcounty1"):
        event = held_event()
    year = event.held_date.year
    rollup_refresh_all(year=year)
    counted = UnionYearStats.objects.get(union=county, year=year).cases_raised
    other_before = UnionYearStats.objects.get(union=other, year=year).as_stats()

    staff = api("tcounty1-staff", "tcounty1")
    location = f"redis://127.0.0.1:{_closed_port()}/0"
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post("/api/v1/cases/", {"kind": "consultation", "title": "工资拖欠", "event": event.pk})
        assert response.status_code == 201, response.content  # the write answers what it did, no 500
    assert list(PendingRefresh.objects.values_list("union__code", "year")) == [("tcounty1", year)]
    assert UnionYearStats.objects.get(union=county, year=year).cases_raised == counted  # not yet at the city

    # Redis is back: the beat's drain (run here directly, as the worker would) refreshes and empties the outbox.
    assert rollup_drain_pending_task() == 1
    assert UnionYearStats.objects.get(union=county, year=year).cases_raised == counted + 1
    assert not PendingRefresh.objects.exists()
    assert UnionYearStats.objects.get(union=other, year=year).as_stats() == other_before  # only that union
    assert rollup_drain_pending_task() == 0  # idempotent: nothing left to do


def test_with_the_broker_down_and_the_cache_up_every_change_of_the_window_reaches_the_outbox(
    world, in_union, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise BrokerUnavailable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(rollup_refresh_union_task, "apply_async", broker_down)
    county = world.union("tcounty1")
    with in_union("tcounty1"):
        with django_capture_on_commit_callbacks(execute=True):
            event = held_event()
        year = event.held_date.year
        key = debounce_key(schema_name=county.schema_name, year=year)
        assert cache.get(key) is None  # the key is given back, so the next change is not swallowed
        PendingRefresh.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            Case.objects.create(kind="consultation", title="再一次", event=event, raised_on=event.held_date)
    assert PendingRefresh.objects.filter(union=county, year=year).count() == 1
    rollup_drain_pending_task()
    with in_union("tcounty1"):
        assert (
            UnionYearStats.objects.get(union=county, year=year).cases_raised
            == Case.objects.filter(raised_on__year=year).count()
        )
