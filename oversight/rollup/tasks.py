"""Celery tasks of the roll-up and the reminders (tenant-schemas-celery carries the schema of the sender).

Debouncing: a committed change to a union's events or cases calls `rollup_schedule_refresh`, which
enqueues one refresh of that union and year only if no refresh is already pending: `cache.add` on a key
per (database, schema, year) succeeds for the first change of a burst only, and that change enqueues the
task with a countdown of DEBOUNCE_SECONDS. The task deletes the key *before* it reads the union's data,
so a change committed after that moment enqueues a new refresh, and a change committed before it is seen
by this one: a burst of edits within the window costs one refresh, and the last edit is never missed.
The key expires after DEBOUNCE_KEY_TTL seconds, so even a lost message holds back refreshes for at most
that long; the nightly full refresh (and `manage.py refresh_rollup`) corrects whatever a lost message left.

Outbox: when the enqueue itself fails (Redis or the broker down), the union and year are written to
PendingRefresh (public schema) instead, and the beat task `rollup.drain_pending` refreshes and deletes those
rows every minute: changes made during an outage reach the city a minute after Redis is back.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache
from django.db import DatabaseError, connection
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import RedisError

from shared.core.mail import TRANSIENT_SEND_ERRORS
from shared.unions.models import Union

from .services import (
    notice_email_deliver,
    reminders_send,
    rollup_pending_add,
    rollup_pending_drain,
    rollup_refresh,
    rollup_refresh_all,
)

logger = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 5  # the refresh runs this long after the first change of a burst
DEBOUNCE_KEY_TTL = 60  # upper bound on how long a lost message can hold back the next refresh


def debounce_key(*, schema_name: str, year: int) -> str:
    # The database name keeps deployments (and parallel test databases) sharing one Redis apart.
    return f"rollup:pending:{connection.settings_dict['NAME']}:{schema_name}:{year}"


def rollup_schedule_refresh(*, schema_name: str, year: int) -> bool:
    """Enqueue a refresh of this union's row for `year` unless one is already pending. Call it after commit.
    Returns True when a task was enqueued."""
    # The change is already committed when this runs. With Redis (cache or broker) down, raising would turn
    # the user's successful write into an error page and a second, duplicate submission; the refresh goes to
    # the outbox (PendingRefresh) instead, drained every minute by `rollup.drain_pending` once Redis is back.
    union_id = None
    try:
        if not cache.add(debounce_key(schema_name=schema_name, year=year), 1, timeout=DEBOUNCE_KEY_TTL):
            return False
        union_id = _union_id(schema_name)
        if union_id is None:
            return False
        rollup_refresh_union_task.apply_async(args=[union_id, year], countdown=DEBOUNCE_SECONDS, retry=False)
    except (RedisError, BrokerUnavailable, OSError) as error:
        _keep_pending(schema_name=schema_name, year=year, union_id=union_id, error=error)
        return False
    return True


def _union_id(schema_name: str) -> int | None:
    return Union.objects.filter(schema_name=schema_name).values_list("pk", flat=True).first()


def _keep_pending(*, schema_name: str, year: int, union_id: int | None, error: Exception) -> None:
    try:  # the cache may be up with the broker down: let the next change of the window reach the outbox too
        cache.delete(debounce_key(schema_name=schema_name, year=year))
    except (RedisError, OSError):
        pass
    try:
        union_id = union_id if union_id is not None else _union_id(schema_name)
        if union_id is not None:
            rollup_pending_add(union_id=union_id, year=year)
    except DatabaseError as db_error:  # the database went too: the nightly run recomputes the row
        logger.warning("Roll-up refresh of %s/%s left to the nightly run: %s; %s", schema_name, year, error, db_error)
        return
    logger.warning("Roll-up refresh of %s/%s kept in the outbox until Redis is back: %s", schema_name, year, error)


@shared_task(name="rollup.refresh_union")
def rollup_refresh_union_task(union_id: int, year: int) -> None:
    """Recompute one union's roll-up row for one year from whatever is committed now. Idempotent."""
    union = Union.objects.filter(pk=union_id).first()
    if union is None:  # the union was removed meanwhile: nothing to do
        return
    cache.delete(debounce_key(schema_name=union.schema_name, year=year))
    rollup_refresh(union=union, year=year)
    connection.set_schema_to_public()


@shared_task(name="rollup.drain_pending")
def rollup_drain_pending_task() -> int:
    """Every minute (beat): refresh the unions' years whose refresh could not be enqueued (the outbox)."""
    return rollup_pending_drain()


@shared_task(name="rollup.refresh_all")
def rollup_refresh_all_task(year: int | None = None) -> int:
    """The nightly full recomputation: every union, every year with data (or just `year`)."""
    return rollup_refresh_all(year=year)


@shared_task(
    name="rollup.deliver_notice_email",
    autoretry_for=TRANSIENT_SEND_ERRORS,
    retry_backoff=True,  # about 1, 2, 4, 8 and 16 s apart (with jitter), at most 5 minutes
    retry_backoff_max=300,
    max_retries=5,
)
def notice_email_deliver_task(notice_id: int) -> bool:
    """Email one notice; retried on a passing failure, never sent twice (the nightly run enqueues again what
    every retry failed to send)."""
    return notice_email_deliver(notice_id=notice_id)


@shared_task(name="rollup.send_reminders")
def reminders_send_task() -> dict:
    """The nightly reminders: counties behind pace, unions with overdue cases; once per condition."""
    return reminders_send()
