"""Celery tasks of department liaisons (tenant-schemas-celery runs them in the union that sent them)."""

from __future__ import annotations

from celery import shared_task

from .services import liaison_referral_notify


@shared_task(name="liaisons.notify_referral")
def liaison_referral_notify_task(case_id: int, transition_id: int) -> int:
    """Tell the department's liaisons about a referral; idempotent (once per referral and liaison)."""
    return liaison_referral_notify(case_id=case_id, transition_id=transition_id)
