"""Redis down (cache and broker): a write still answers what it did, and the roll-up is healed later."""

from __future__ import annotations

import socket

import pytest
from django.test import override_settings

from oversight.rollup.models import UnionYearStats
from oversight.rollup.services import rollup_refresh_all
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
