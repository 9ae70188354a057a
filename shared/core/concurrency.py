"""Optimistic concurrency: a write says which version of a record it was based on (the record's
`updated_at` as it was read), and is refused with 409 when someone saved the record in between, instead of
silently overwriting their change. The check runs under the row lock the service already takes."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from .exceptions import ApplicationError

CONFLICT_MESSAGE = _(
    "Someone else saved this record while you were editing it. Your changes were not saved: "
    "look at the current version, then make your changes again."
)


def ensure_unchanged(*, current: datetime.datetime, expected: datetime.datetime | None) -> None:
    """Refuse (409, code "conflict") when the record was saved after the version the caller read.
    `expected` None: the caller sent no version (older clients); the write goes ahead as before."""
    if expected is not None and current != expected:
        raise ApplicationError(CONFLICT_MESSAGE, code="conflict", status=409)
