from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Who changed what, when: django-auditlog's LogEntry, kept in each union's own schema for the work done on
    that union's host (and in the public schema for what is done on the base domain or outside any union).
    Which models are tracked is configuration (AUDITLOG_INCLUDE_TRACKING_MODELS in the settings)."""

    name = "shared.audit"
    label = "audit"
    verbose_name = _("Audit log")
