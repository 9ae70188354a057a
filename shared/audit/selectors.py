"""Reads of the audit log of the current schema: a union's own log on its host, the public one elsewhere."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet


def audited_models() -> list[tuple[str, str]]:
    """(app_label.model, verbose name) of every tracked model, for the log's filter."""
    labels = [
        entry if isinstance(entry, str) else entry["model"] for entry in settings.AUDITLOG_INCLUDE_TRACKING_MODELS
    ]
    result = []
    for label in labels:
        from django.apps import apps

        model = apps.get_model(label)
        result.append((label.lower(), str(model._meta.verbose_name)))
    return result


def audit_log(*, filters: dict | None = None) -> QuerySet[LogEntry]:
    """Newest first. filters: actor (user id), model (app_label.model), object (the object's id)."""
    filters = filters or {}
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if filters.get("actor"):
        entries = entries.filter(actor_id=filters["actor"])
    if filters.get("model"):
        app_label, _dot, model = filters["model"].partition(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        entries = entries.filter(content_type=content_type) if content_type else entries.none()
    if filters.get("object"):
        entries = entries.filter(object_pk=str(filters["object"]))
    return entries


def audit_actors() -> QuerySet:
    """Everyone who appears in the current schema's log, for the log's filter."""
    from django.contrib.auth import get_user_model

    actor_ids = LogEntry.objects.exclude(actor__isnull=True).values("actor_id").distinct()
    return get_user_model().objects.filter(pk__in=actor_ids).order_by("username")
