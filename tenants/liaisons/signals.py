"""A committed referral (a case's history row "→ referred", whoever made it: a page, the API, the on-site
record) enqueues the message to the department's liaisons. Hooked on the history row rather than called
from tenants.cases.services, so the cases app does not depend on this one."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import RedisError

from tenants.cases.models import CaseStatus, CaseTransition

logger = logging.getLogger(__name__)


def _enqueue(case_id: int, transition_id: int) -> None:
    from .tasks import liaison_referral_notify_task

    try:
        liaison_referral_notify_task.apply_async(args=[case_id, transition_id], retry=False)
    except (RedisError, BrokerUnavailable, OSError) as error:
        # The referral is committed; the nightly reminder still reaches the liaison before the deadline.
        logger.warning("Referral message for case %s not queued: %s", case_id, error)


@receiver(post_save, sender=CaseTransition, dispatch_uid="liaisons_referral_saved")
def _referred(sender, instance: CaseTransition, created: bool, raw: bool = False, **kwargs):
    if created and not raw and instance.to_status == CaseStatus.REFERRED:
        case_id, transition_id = instance.case_id, instance.pk
        transaction.on_commit(lambda: _enqueue(case_id, transition_id), robust=True)
