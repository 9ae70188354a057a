"""Fixtures for the city oversight tests: eager Celery, a private broker queue, and data helpers."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.db import connection

from config.celery import app as celery_app
from oversight.rollup.tasks import debounce_key, rollup_refresh_union_task
from tests.conftest import WORLD

YEARS = range(2015, 2031)
# The test database's name, known before pytest-django switches the connection over to it.
TEST_DATABASE_NAME = connection.creation._get_test_db_name()


@pytest.fixture
def eager(celery_eager):
    """Tasks run in the calling process, at enqueue time (after commit)."""
    return celery_eager


@pytest.fixture(autouse=True)
def _no_pending_refreshes():
    """Debounce keys live in Redis, outside the rolled-back transaction: clear them between tests."""
    keys = [debounce_key(schema_name=code, year=year) for code, *_rest in WORLD for year in YEARS]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


def broker_client():
    """The Redis client behind the Celery broker (the same server the app sends to)."""
    connection = celery_app.connection_for_write()
    return connection, connection.default_channel.client


@pytest.fixture
def private_queue(monkeypatch):
    """Route the refresh task to a queue of this test only, so no other worker (e.g. a demo) can take it."""
    name = f"rollup-test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setattr(rollup_refresh_union_task, "queue", name, raising=False)
    monkeypatch.setattr(rollup_refresh_union_task, "_exec_options", None)
    yield name
    connection, client = broker_client()
    try:
        client.delete(name)
    finally:
        connection.release()


def take_messages(queue: str) -> list[tuple[str, list]]:
    """Pop every message Celery sent to `queue` on the real broker: (task name, args) each."""
    import base64
    import json

    connection, client = broker_client()
    taken = []
    try:
        while (raw := client.rpop(queue)) is not None:
            envelope = json.loads(raw)
            args, _kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
            taken.append((envelope["headers"]["task"], args))
    finally:
        connection.release()
    return taken


@pytest.fixture(scope="session")
def committed_db(django_db_setup, django_db_blocker):
    """The test database, for a test that commits outside the per-test transaction (and cleans up itself).

    pytest-django sets the test database up only when some test of the run asks for `db`; when this one
    runs alone, set it up here, so nothing is ever written to the development database."""
    from django.test.utils import setup_databases

    if connection.settings_dict["NAME"] != TEST_DATABASE_NAME:
        with django_db_blocker.unblock():
            setup_databases(verbosity=0, interactive=False, keepdb=True, aliases={"default"})
    assert connection.settings_dict["NAME"] == TEST_DATABASE_NAME
