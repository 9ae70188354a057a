"""Celery tasks of the union registry."""

from celery import shared_task
from django.conf import settings

from .provisioning import spare_schemas_fill


@shared_task(name="unions.spare_schemas_fill", ignore_result=True)
def spare_schemas_fill_task() -> int:
    """Top the spare schemas up to UNION_SPARE_SCHEMAS (idempotent: a second run finds them there)."""
    return spare_schemas_fill(count=settings.UNION_SPARE_SCHEMAS, template=settings.TENANT_BASE_SCHEMA)
