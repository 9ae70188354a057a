from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tenants.middleware.main import TenantMainMiddleware

from shared.core.exceptions import ApplicationError


class UnionMiddleware(TenantMainMiddleware):
    """Selects the union's schema from the Host header.

    The bare base domain (e.g. ``localhost``) serves the public site; any other host that names no
    union is a 404, so a forged Host header never falls back to some other union's data.
    """

    def get_tenant(self, domain_model, hostname):
        from .host_cache import union_for_host

        return union_for_host(hostname=hostname)

    def no_tenant_found(self, request, hostname):
        if hostname == settings.UNION_BASE_DOMAIN or hostname == "testserver":
            self.setup_url_routing(request=request, force_public=True)
            return None
        raise Http404(f'No union for host "{hostname}"')


class ArchivedUnionMiddleware:
    """An archived union's hosts answer 410 Gone to everything but static files: a page saying so, or the API's
    one error shape. Nobody signs in there; the data stays in the schema until the union is restored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        union = getattr(request, "tenant", None)
        if getattr(union, "archived_on", None) is None or request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        message = _("%(union)s has been archived since %(date)s: its pages and API are closed.") % {
            "union": union.name,
            "date": date_format(union.archived_on, "Y年n月j日"),
        }
        if request.path.startswith("/api/"):
            error = ApplicationError(message, code="union_archived", status=410)
            return JsonResponse({"error": error.as_dict()}, status=410)
        return render(request, "unions/archived.html", {"union": union, "message": message}, status=410)
