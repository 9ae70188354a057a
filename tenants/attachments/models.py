"""Photos and files (照片和材料) of a union's events and cases: the one home of uploads in a union's schema."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Links to public tables (accounts, topics, departments, unions) have no database constraint
# (db_constraint=False): see shared.core.public_references for why and what keeps them sound.


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Photo")
    DOCUMENT = "document", _("File")


def _stored_name(prefix: str, extension: str) -> str:
    """Where a file lives in the storage: under the union's schema, never named after what the uploader
    called it (a name chosen by a stranger is no path), and never guessable."""
    today = timezone.localdate()
    return f"unions/{connection.schema_name}/{prefix}/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    return _stored_name("attachments", instance.extension)


def thumbnail_upload_to(instance: Attachment, filename: str) -> str:
    return _stored_name("thumbnails", "jpg")


class Attachment(models.Model):
    """One uploaded file of exactly one event or one case. Its type is what its content says (checked at
    upload), and it is served only through a view that checks the caller may see its event or case."""

    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="files", verbose_name=_("event")
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="files", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    thumbnail = models.FileField(_("thumbnail"), upload_to=thumbnail_upload_to, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, case__isnull=True) | Q(event__isnull=True, case__isnull=False),
                name="attachment_of_one_event_or_case",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == AttachmentKind.IMAGE
