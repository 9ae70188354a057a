"""Reads for attachments (the union's own schema: the Host chose it)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Attachment


def attachment_list(*, event=None, case=None) -> QuerySet[Attachment]:
    """The files of one event or one case (both None: every file of the union)."""
    files = Attachment.objects.select_related("uploaded_by").order_by("uploaded_at", "id")
    if event is not None:
        files = files.filter(event=event)
    if case is not None:
        files = files.filter(case=case)
    return files


def attachment_get(*, attachment_id: int) -> Attachment:
    return Attachment.objects.select_related("event", "case").get(pk=attachment_id)
