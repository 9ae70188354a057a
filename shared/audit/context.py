"""Whose change a log entry records.

In a request the actor is the signed-in user (AuditActorMiddleware). A service that is handed an ``actor``
(also from a Celery task, a command or the demo loader) records that actor instead, through ``records_actor``.
"""

from __future__ import annotations

from functools import wraps

from auditlog.context import auditlog_value, set_actor
from auditlog.middleware import AuditlogMiddleware
from django.utils.functional import SimpleLazyObject


def _authenticated(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def records_actor(service):
    """Decorate a service that takes ``actor=``: the changes it makes are logged as that actor's."""

    @wraps(service)
    def wrapper(*args, **kwargs):
        actor = _authenticated(kwargs.get("actor"))
        if actor is None:
            return service(*args, **kwargs)
        # auditlog's context manager does not restore an enclosing context (the request's) on exit: keep it.
        enclosing = auditlog_value.get(None)
        try:
            with set_actor(actor):
                return service(*args, **kwargs)
        finally:
            if enclosing is not None:
                auditlog_value.set(enclosing)

    return wrapper


class AuditActorMiddleware(AuditlogMiddleware):
    """auditlog's middleware, with two changes: the user is read when an entry is written, not when the request
    arrives (the API authenticates its token inside the view, after every middleware has run); and the client
    address is REMOTE_ADDR alone, since anyone can forge X-Forwarded-For (behind nginx the proxy sets it)."""

    @staticmethod
    def _get_remote_addr(request):
        return request.META.get("REMOTE_ADDR")

    @staticmethod
    def _get_remote_port(request):
        return None

    def get_extra_data(self, request):
        return {
            "remote_addr": self._get_remote_addr(request),
            "remote_port": None,
            "actor": SimpleLazyObject(lambda: _authenticated(getattr(request, "user", None))),
        }
