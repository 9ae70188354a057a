from django.apps import AppConfig
from django.conf import settings
from django.core import checks
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
        checks.register(translations_compiled, "translations")


def translations_compiled(app_configs=None, **kwargs):
    """Pages would show English msgids if a catalogue is not compiled: refuse check, migrate and start-up."""
    from web.translations import stale_catalogues

    return [
        checks.Error(
            f"{po} is not compiled, or changed since: pages would show English.",
            hint="Run: python manage.py compile_translations",
            id="web.E001",
        )
        for po in stale_catalogues(settings.LOCALE_PATHS)
    ]
