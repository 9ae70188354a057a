"""Celery tasks of the assessment: they take ids and call a service."""

from celery import shared_task

from .exports import ExportBusy, export_run, exports_reap


@shared_task(
    name="assessment.export",
    bind=True,
    autoretry_for=(ExportBusy,),
    retry_backoff=5,
    retry_backoff_max=60,
    max_retries=12,
)
def assessment_export_task(self, export_id: int) -> str | None:
    """Build an export's file (idempotent: an export already built is left alone). Busy (another delivery
    holds the build lock, or a dead builder's connection is not yet closed): tried again shortly; what is
    still running after that is left to `assessment_exports_reap`."""
    export = export_run(export_id=export_id)
    return export.status if export is not None else None


@shared_task(name="assessment.exports_reap")
def assessment_exports_reap_task() -> dict:
    """Fail exports whose worker died, resend those whose message was lost (beat, every few minutes)."""
    return exports_reap()
