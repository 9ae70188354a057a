"""Writes for attachments: the one way a photo or file enters (pages, API and later features call it) and
leaves. The content decides the type; a refused upload leaves nothing behind, in the database or the storage."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shared.audit.context import records_actor
from shared.core.exceptions import ApplicationError
from tenants.cases.models import Case
from tenants.events.models import Event

from .content import ALLOWED, MAX_PIXELS, detect, image_pixels, name_extension, thumbnail_jpeg
from .models import Attachment, AttachmentKind

ACCEPTED_TYPES = "JPEG, PNG, PDF, Excel (.xlsx), Word (.docx)"


def _refuse(message, *, code: str = "invalid_file") -> ApplicationError:
    return ApplicationError(message, code=code, fields={"file": [message]})


def attachment_max_bytes() -> int:
    return settings.ATTACHMENT_MAX_MB * 1024 * 1024


def _check(upload):
    """The upload's detected type, or ApplicationError saying in plain words why it is refused."""
    if upload is None:
        raise _refuse(_("Choose a file to upload."), code="required")
    size = upload.size or 0
    if size == 0:
        raise _refuse(_("The file is empty."))
    if size > attachment_max_bytes():
        raise _refuse(
            _("The file is %(size).1f MB; at most %(max)s MB are accepted.")
            % {"size": size / 1024 / 1024, "max": settings.ATTACHMENT_MAX_MB},
            code="too_large",
        )
    claimed = name_extension(upload.name or "")
    if claimed is None:
        raise _refuse(_("Only these types are accepted: %(types)s.") % {"types": ACCEPTED_TYPES}, code="wrong_type")
    detected = detect(upload)
    if detected is None or detected.extension != claimed:
        raise _refuse(
            _("The file's content is not what its name says (%(name)s). Only these types are accepted: %(types)s.")
            % {"name": upload.name, "types": ACCEPTED_TYPES},
            code="wrong_type",
        )
    if detected.is_image:
        width, height = image_pixels(upload)
        if width * height > MAX_PIXELS:
            raise _refuse(
                _("The photo has %(width)s×%(height)s pixels; at most %(max)s million are accepted.")
                % {"width": width, "height": height, "max": MAX_PIXELS // 1_000_000},
                code="too_large",
            )
    return detected


def _owner(*, event: Event | None, case: Case | None) -> None:
    if (event is None) == (case is None):
        raise ApplicationError(_("A file belongs to one event or one case."))


@records_actor
def attachment_add(
    *, actor, upload, event: Event | None = None, case: Case | None = None, description: str = ""
) -> Attachment:
    """Store a photo or file of an event or a case. Images get a thumbnail. Refused (ApplicationError on
    the field ``file``) when the content is not JPEG/PNG/PDF/xlsx/docx, differs from the name's type, or is
    larger than ATTACHMENT_MAX_MB; then nothing is saved."""
    _owner(event=event, case=case)
    detected = _check(upload)
    description = (description or "").strip()
    if len(description) > 200:
        raise ApplicationError(_("Some fields are not valid."), fields={"description": [_("At most 200 characters.")]})
    attachment = Attachment(
        event=event,
        case=case,
        kind=AttachmentKind.IMAGE if detected.is_image else AttachmentKind.DOCUMENT,
        original_name=(upload.name or "")[-255:],
        extension=detected.extension,
        content_type=ALLOWED[detected.extension],
        size=upload.size,
        description=description,
        uploaded_by=actor,
    )
    thumbnail = ContentFile(thumbnail_jpeg(upload)) if detected.is_image else None
    upload.seek(0)
    # The storage is not transactional: files are written first and removed again if the row is not saved.
    # (An enclosing transaction that rolls back later would leave them unreferenced; no caller opens one.)
    try:
        attachment.file.save("upload", upload, save=False)
        if thumbnail is not None:
            attachment.thumbnail.save("thumbnail", thumbnail, save=False)
        attachment.save()
    except Exception:
        _delete_files(attachment)
        raise
    return attachment


def _delete_files(attachment: Attachment) -> None:
    for field in (attachment.file, attachment.thumbnail):
        if field and field.name:
            field.storage.delete(field.name)


@transaction.atomic
@records_actor
def attachment_delete(*, attachment: Attachment, actor) -> None:
    """Remove the file and its thumbnail (from the storage once the deletion is committed)."""
    names = [(f.storage, f.name) for f in (attachment.file, attachment.thumbnail) if f and f.name]
    attachment.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])
