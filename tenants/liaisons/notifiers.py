"""How a liaison is told: one interface, several senders, chosen by the LIAISON_NOTIFIERS setting (dotted
paths); tenants.liaisons.services.liaison_message_deliver sends through them and retries a passing failure.
Email goes through Django's email backend; the default text-message sender only writes the message
to the log, where an SMS or WeChat gateway's sender would call its API instead."""

from __future__ import annotations

import logging
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Notifier(Protocol):
    def send(self, *, liaison, subject: str, body: str) -> bool:
        """Deliver the message to the liaison if this channel can reach them; True when it was sent."""


class EmailNotifier:
    def send(self, *, liaison, subject: str, body: str) -> bool:
        if not liaison.email:
            return False
        return send_mail(subject=subject, message=body, from_email=None, recipient_list=[liaison.email]) > 0


class LogTextNotifier:
    """Stands in for an SMS / WeChat gateway: the text a phone would receive, written to the log."""

    def send(self, *, liaison, subject: str, body: str) -> bool:
        if not liaison.phone:
            return False
        logger.info("Text message to %s (%s): %s\n%s", liaison.name, liaison.phone, subject, body)
        return True


@cache
def _load(paths: tuple[str, ...]) -> tuple[Notifier, ...]:
    return tuple(import_string(path)() for path in paths)


def notifiers() -> tuple[Notifier, ...]:
    return _load(tuple(settings.LIAISON_NOTIFIERS))
