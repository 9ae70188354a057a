from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


class WebConfig(AppConfig):
    """Server-rendered pages for union staff, and the public QR intake page."""

    name = "web"
    label = "web"
    verbose_name = _("Web pages")

    def ready(self):
        # Union staff work in the pages; the Django admin (public host only) is for superusers alone,
        # whatever is_staff says.
        from django.contrib import admin

        admin.site.has_permission = superuser_only
