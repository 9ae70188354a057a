"""Who made each change of a request, for the audit log (django-auditlog; see shared.audit)."""

from __future__ import annotations

from auditlog.middleware import AuditlogMiddleware
from django.utils.functional import SimpleLazyObject

from shared.audit.context import authenticated_or_none
from web.client_ip import client_ip


class AuditActorMiddleware(AuditlogMiddleware):
    """auditlog's middleware, with two changes: the user is read when an entry is written, not when the request
    arrives (the API authenticates its token inside the view, after every middleware has run); and the client
    address is the one the trusted proxies vouch for (web.client_ip), never a forgeable X-Forwarded-For."""

    def get_extra_data(self, request):
        return {
            "remote_addr": client_ip(request),
            "remote_port": None,
            "actor": SimpleLazyObject(lambda: authenticated_or_none(getattr(request, "user", None))),
        }
