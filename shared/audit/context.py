"""Whose change a log entry records.

In a request the actor is the signed-in user (web.audit_middleware.AuditActorMiddleware). A service that is
handed an ``actor`` (also from a Celery task, a command or the demo loader) records that actor instead, through
``records_actor``.
"""

from __future__ import annotations

from functools import wraps

from auditlog.context import auditlog_value, set_actor


def authenticated_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def records_actor(service):
    """Decorate a service that takes ``actor=``: the changes it makes are logged as that actor's."""

    @wraps(service)
    def wrapper(*args, **kwargs):
        actor = authenticated_or_none(kwargs.get("actor"))
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
