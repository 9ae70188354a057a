"""Celery tasks of the assessment: they take ids and call a service."""

from celery import shared_task

from .exports import export_run


@shared_task(name="assessment.export")
def assessment_export_task(export_id: int) -> str | None:
    """Build an export's file (idempotent: an export already built is left alone)."""
    export = export_run(export_id=export_id)
    return export.status if export is not None else None
