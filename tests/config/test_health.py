"""/healthz answers for the database, Redis and the Celery broker, and names the one that is down."""

import pytest
from django.test import Client


@pytest.fixture
def public_client(db):
    return Client(HTTP_HOST="localhost")


def test_healthz_reports_every_service(public_client):
    response = public_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok", "broker": "ok"}}
    assert response["Cache-Control"] == "no-store"


def test_healthz_names_a_broker_that_does_not_answer(public_client, monkeypatch):
    # Celery reads the broker's URL from the environment first, at every connection.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    response = public_client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok" and body["checks"]["redis"] == "ok"
    assert body["checks"]["broker"].startswith("error: ")


def test_healthz_names_a_redis_that_does_not_answer(public_client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = public_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("error: ")
    assert response.json()["checks"]["database"] == "ok"
