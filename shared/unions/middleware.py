from django.conf import settings
from django.http import Http404
from django_tenants.middleware.main import TenantMainMiddleware


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
