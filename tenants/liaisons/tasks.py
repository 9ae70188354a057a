"""Celery tasks of department liaisons (tenant-schemas-celery runs them in the union that sent them)."""

from __future__ import annotations

from celery import shared_task

from .services import TRANSIENT_SEND_ERRORS, liaison_message_deliver, liaison_referral_notify

# A message the mail server did not take is tried again after about 1, 2, 4, 8 and 16 seconds (with jitter,
# at most 5 minutes apart), then given up; the row stays "not delivered" and is never counted as sent.
RETRY = {"autoretry_for": TRANSIENT_SEND_ERRORS, "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(name="liaisons.notify_referral")
def liaison_referral_notify_task(case_id: int, transition_id: int) -> int:
    """Tell the department's liaisons about a referral; idempotent (once per referral and liaison)."""
    return liaison_referral_notify(case_id=case_id, transition_id=transition_id)


@shared_task(name="liaisons.deliver_message", **RETRY)
def liaison_message_deliver_task(message_id: int) -> bool:
    """Send one recorded liaison message that failed before; retried with backoff on a passing failure, and
    never sent again once delivered."""
    return liaison_message_deliver(message_id=message_id)
