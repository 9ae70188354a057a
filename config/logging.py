"""Every log line of a request or a Celery task names the union it ran for.

The union is read from the database connection's schema (one schema per union, named by the union's code):
django-tenants sets it for each request, tenant-schemas-celery for each task. Lines outside any union show
``-`` (the public schema, start-up, the broker)."""

from __future__ import annotations

import logging
import time

PUBLIC = "-"
request_logger = logging.getLogger("gongqing.request")


def current_union_code() -> str:
    try:
        from django.db import connection

        schema = getattr(connection, "schema_name", None)
    except Exception:  # settings not configured yet (process start-up)
        return PUBLIC
    return PUBLIC if not schema or schema == "public" else schema


class UnionFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.union = current_union_code()
        return True


class RequestLogMiddleware:
    """One access line per request (gunicorn's own access log is off, it cannot know the union)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        request_logger.info(
            "%s %s %s %s %.0fms",
            request.method,
            request.META.get("HTTP_HOST", "-")[:100],
            request.get_full_path()[:300],
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        return response
