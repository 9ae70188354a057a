"""/healthz: does each service the product needs answer? nginx, systemd and compose ask it.

200 with every check "ok", or 503 naming the one that failed (the reason's class only: the page is public).
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

BROKER_TIMEOUT = 3  # seconds


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("unexpected answer")


def _redis() -> None:
    """The cache's Redis (rate limits, debouncing): a real write and read."""
    nonce = uuid.uuid4().hex
    key = f"healthz:{nonce}"  # one key per call: concurrent checks never read each other's value
    cache.set(key, nonce, timeout=10)
    try:
        if cache.get(key) != nonce:
            raise RuntimeError("wrote and read back something else")
    finally:
        cache.delete(key)


def _broker() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        # For Redis, connecting opens a channel, which PINGs the server: the broker really answered.
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)


CHECKS = {"database": _database, "redis": _redis, "broker": _broker}


def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure is an answer of this page, never a 500
            results[name] = f"error: {type(error).__name__}"
        else:
            results[name] = "ok"
    healthy = all(result == "ok" for result in results.values())
    response = JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
