"""A real Celery worker process, the real broker (Redis) and committed data: after a committed change to a
union's events the worker refreshes that union's roll-up row, once for the whole burst.

This test cannot use the rolled-back `db` transaction (the worker would never see the data), nor
`transactional_db` (its flush would wipe the session's test world). It commits in a throwaway union of its
own and removes that union, schema and all, in `finally`.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from deploy import live
from oversight.rollup.models import UnionYearStats
from oversight.rollup.tasks import debounce_key
from shared.unions.models import Union
from shared.unions.services import union_create, union_discard

from .conftest import broker_client
from .helpers import case_at, held_event, planned_event

ROOT = Path(__file__).resolve().parents[3]
Y = 2025


def test_database_url() -> str:
    """The project's DATABASE_URL, pointing at the database this test session really uses."""
    url = urlsplit(settings.DATABASE_URL)
    return urlunsplit(url._replace(path=f"/{connection.settings_dict['NAME']}"))


test_database_url.__test__ = False  # a helper, not a test


def start_worker(queue: str, log: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=test_database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.pop("TEST_DATABASE_NAME", None)
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--queues", queue]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def stop_and_discard(worker: subprocess.Popen | None, *, code: str) -> None:
    """The `finally` of a real-worker test: its worker stopped (deploy.live.stop: terminate, then kill if it
    lingers) and its committed throwaway union removed, schema and all."""
    live.stop(worker)
    connection.set_schema_to_public()
    leftover = Union.objects.filter(code=code).first()
    if leftover is not None:
        union_discard(union=leftover)


def wait_for(predicate, *, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


@pytest.mark.celery_worker
def test_a_real_worker_refreshes_the_rollup_after_a_committed_burst(
    committed_db, django_db_blocker, private_queue, tmp_path
):
    log = tmp_path / "worker.log"
    code = f"wk{uuid.uuid4().hex[:8]}"
    worker = None
    with django_db_blocker.unblock():
        try:
            union = union_create(
                code=code, name="工人进程测试", level="city", region_code="339700", domain=f"{code}.localhost"
            )
            worker = start_worker(private_queue, log)
            # Every service call below commits on its own (autocommit), and each commit asks for a refresh.
            connection.set_schema(union.schema_name)
            event = held_event(held_date=datetime.date(Y, 3, 3), attendance=41)
            planned_event(planned_date=datetime.date(Y, 10, 10))
            case_at(event)
            connection.set_schema_to_public()
            conn, client = broker_client()
            try:  # a burst of five commits, one message (until the worker takes it)
                queued = client.llen(private_queue)
            finally:
                conn.release()
            assert queued <= 1

            row = wait_for(
                lambda: UnionYearStats.objects.filter(union=union, year=Y, cases_raised=1).first(),
                timeout=90,
                what="the roll-up row",
                log=log,
            )
            assert (row.events_held, row.events_planned, row.worker_attendance) == (1, 1, 41)
            assert "rollup.refresh_union" in log.read_text()
            # The task's "succeeded" line is written just after its commit made the row visible.
            wait_for(lambda: "succeeded" in log.read_text(), timeout=10, what="the task's log line", log=log)
            assert log.read_text().count("succeeded") == 1  # one refresh for the burst

            # A later change, after the worker cleared the pending key, is refreshed again.
            connection.set_schema(union.schema_name)
            held_event(held_date=datetime.date(Y, 6, 6), attendance=9)
            connection.set_schema_to_public()
            row = wait_for(
                lambda: UnionYearStats.objects.filter(union=union, year=Y, events_held=2).first(),
                timeout=60,
                what="the second refresh",
                log=log,
            )
            assert row.worker_attendance == 50
        finally:
            stop_and_discard(worker, code=code)
            cache.delete_many([debounce_key(schema_name=code, year=year) for year in (Y, Y + 1)])
