"""Event numbers (第N期) under concurrency: real PostgreSQL connections creating events at the same moment
get distinct, consecutive numbers.

The test's own connection sits in a transaction that is rolled back, which other connections cannot see.
So the concurrent part runs in a schema made for it (a copy of the event tables of tcounty1), committed by
worker threads, each with its own database connection, and dropped afterwards: the shared test world is
never touched."""

import datetime
import threading
import time
import uuid

from django.db import connection, transaction

from tenants.events.models import Event, EventCounter
from tenants.events.services import event_create

TABLES = ("events_eventcounter", "events_event", "events_event_departments", "events_event_invited_unions")
WORKERS = 6
PER_WORKER = 5


def _in_own_connection(function):
    """Run function in a new thread, hence on a new (autocommit) Django connection; re-raise its error."""
    errors = []

    def run():
        try:
            function()
        except BaseException as error:  # handed back to the test
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if errors:
        raise errors[0]


def _make_schema(schema: str, template: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
        for table in TABLES:
            cursor.execute(f'CREATE TABLE "{schema}"."{table}" (LIKE "{template}"."{table}" INCLUDING ALL)')
        cursor.execute(f'INSERT INTO "{schema}"."events_eventcounter" (id, last_number) VALUES (1, 0)')


def _drop_schema(schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_concurrent_creation_gets_distinct_consecutive_numbers(world):
    schema = f"concurrency_{uuid.uuid4().hex[:10]}"
    template = world.union("tcounty1").schema_name
    _in_own_connection(lambda: _make_schema(schema, template))
    try:
        barrier = threading.Barrier(WORKERS)
        numbers: list[int] = []
        errors: list[BaseException] = []

        def worker(n: int) -> None:
            try:
                connection.set_schema(schema)
                barrier.wait(timeout=30)
                for i in range(PER_WORKER):
                    with transaction.atomic():
                        event = event_create(
                            actor=None,
                            title=f"并发创建 {n}-{i}",
                            planned_date=datetime.date(2026, 5, 1),
                            venue_kind="other",
                        )
                        time.sleep(0.005)  # hold the counter lock a moment, so the others queue behind it
                    numbers.append(event.number)
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        assert sorted(numbers) == list(range(1, WORKERS * PER_WORKER + 1))

        def check() -> None:
            connection.set_schema(schema)
            assert EventCounter.objects.get(pk=1).last_number == WORKERS * PER_WORKER
            assert sorted(Event.objects.values_list("number", flat=True)) == sorted(numbers)

        _in_own_connection(check)
    finally:
        _in_own_connection(lambda: _drop_schema(schema))
    with connection.cursor() as cursor:  # nothing left behind
        cursor.execute("SELECT count(*) FROM information_schema.schemata WHERE schema_name = %s", [schema])
        assert cursor.fetchone()[0] == 0
