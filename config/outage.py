"""The database is down (restarting, failing over, unreachable): answer 503 with Retry-After, not 500.

Django turns an exception raised anywhere in the middleware chain or the view into a 500 response inside
the layer where it happened, so an outer middleware never sees the exception itself, only that 500. The
`got_request_exception` signal is sent while the exception is being handled, wherever it was raised: its
receiver marks the request, and the middleware replaces the 500 of a marked request with a 503 — a page in
the visitor's language for pages, the API's one error shape for /api/. Nothing here touches the database.
After the outage the same processes serve again: Django drops a connection that failed
(`close_if_unusable_or_obsolete` at the end of the request) and, with CONN_HEALTH_CHECKS, checks a kept one
(CONN_MAX_AGE) before reusing it.
"""

from __future__ import annotations

import logging
import sys

import psycopg2
from django.conf import settings
from django.core.signals import got_request_exception
from django.db.utils import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger("gongqing.outage")

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError, psycopg2.OperationalError, psycopg2.InterfaceError)
MARK = "_database_unavailable"


@receiver(got_request_exception, dispatch_uid="config.outage.mark_database_unavailable")
def mark_database_unavailable(sender, request=None, **kwargs) -> None:
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        setattr(request, MARK, True)


def _page_language(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def unavailable_response(request) -> HttpResponse:
    """503 that says the service is briefly down and when to try again; built without the database."""
    if request.path_info.startswith("/api/"):
        message = _("The service is briefly unavailable (database). Please try again in a moment.")
        body = {"error": {"code": "service_unavailable", "message": message, "fields": {}}}
        response = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        with translation.override(_page_language(request)):
            response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Outermost but for the request log: a request that failed because the database is unreachable
    answers 503 (with Retry-After) instead of the 500 error page or Django's debug page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, MARK, False):
            logger.warning("database unavailable: %s %s answered 503", request.method, request.path)
            return unavailable_response(request)
        return response
