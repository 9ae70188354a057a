"""Fault (issue 14): Redis down while a union records its work, then back. The writes commit and the refreshes
they could not enqueue wait in the outbox (PendingRefresh); once Redis is back a real Celery worker runs the
beat's `rollup.drain_pending` and the union's roll-up row shows the changes, without the nightly run.

Committed data in a throwaway union of its own (removed in `finally`), as in test_worker.py."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test import override_settings

from oversight.rollup.models import PendingRefresh, UnionYearStats
from oversight.rollup.tasks import rollup_drain_pending_task
from shared.unions.services import union_create

from .helpers import case_at, held_event
from .test_redis_down import _closed_port
from .test_worker import start_worker, stop_and_discard, wait_for

pytestmark = [pytest.mark.fault, pytest.mark.celery_worker]

Y = 2025


@pytest.fixture
def drain_queue():
    """The drain task goes to a queue of this test only, so no other worker (e.g. a demo) takes it."""
    from .conftest import broker_client

    name = f"rollup-drain-test-{uuid.uuid4().hex[:10]}"
    yield name
    conn, client = broker_client()
    try:
        client.delete(name)
    finally:
        conn.release()


def test_changes_made_while_redis_is_down_reach_the_city_through_the_outbox_and_a_real_worker(
    committed_db, django_db_blocker, drain_queue, tmp_path
):
    log = tmp_path / "worker.log"
    code = f"ob{uuid.uuid4().hex[:8]}"
    worker = None
    with django_db_blocker.unblock():
        try:
            union = union_create(
                code=code, name="发件箱测试", level="city", region_code="339600", domain=f"{code}.localhost"
            )
            redis_down = {"BACKEND": "django.core.cache.backends.redis.RedisCache"}
            redis_down["LOCATION"] = f"redis://127.0.0.1:{_closed_port()}/0"
            with override_settings(CACHES={"default": redis_down}):
                # Each service call commits on its own (autocommit); none raises although Redis is unreachable.
                connection.set_schema(union.schema_name)
                event = held_event(held_date=datetime.date(Y, 4, 4), attendance=37)
                case_at(event)
                case_at(event, title="社保断缴")
                connection.set_schema_to_public()
            assert list(PendingRefresh.objects.filter(union=union).values_list("year", flat=True)) == [Y]
            assert not UnionYearStats.objects.filter(union=union, year=Y).exists()  # not at the city yet

            # Redis is back: the beat sends the drain every minute; here it is sent once, to a real worker.
            worker = start_worker(drain_queue, log)
            rollup_drain_pending_task.apply_async(queue=drain_queue)
            row = wait_for(
                lambda: UnionYearStats.objects.filter(union=union, year=Y, cases_raised=2).first(),
                timeout=90,
                what="the roll-up row from the drained outbox",
                log=log,
            )
            assert (row.events_held, row.worker_attendance) == (1, 37)
            wait_for(lambda: "succeeded" in log.read_text(), timeout=10, what="the task's log line", log=log)
            assert not PendingRefresh.objects.filter(union=union).exists()
        finally:
            stop_and_discard(worker, code=code)
