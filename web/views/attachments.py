"""Photos and files of events and cases: upload (also from the phone's camera on site), download, delete.

Files are served only here, to members of the union whose host was called (the same people who see the
event or case), streamed from the storage; there is no public media URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from shared.core.exceptions import ApplicationError
from tenants.attachments.models import Attachment
from tenants.attachments.selectors import attachment_get
from tenants.attachments.services import attachment_add, attachment_delete
from web.access import member_required
from web.forms import AttachmentForm, OnSitePhotoForm, apply_error

from .cases import _case_or_404, _detail_context
from .events import _event_detail_context, _event_or_404, _onsite_context


def _attachment_or_404(attachment_id) -> Attachment:
    try:
        return attachment_get(attachment_id=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404(_("No such file.")) from None


def _upload(request, form, **owner):
    """(the saved attachment, None) or (None, the form with the reason on it)."""
    if not form.is_valid():
        return None, form
    try:
        saved = attachment_add(
            actor=request.user,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
            **owner,
        )
    except ApplicationError as error:
        apply_error(form, error)
        return None, form
    return saved, None


@member_required(write=True)
def event_attachment_add_view(request, event_id):
    """From the event's page, or (on_site=1) from the on-site recording on a phone."""
    event = _event_or_404(event_id)
    if request.method != "POST":
        return redirect("web:event-detail", event_id=event.pk)
    on_site = request.POST.get("on_site") == "1"
    form = (OnSitePhotoForm if on_site else AttachmentForm)(request.POST, request.FILES)
    saved, failed = _upload(request, form, event=event)
    if saved is not None:
        messages.success(request, _("Uploaded: %(name)s") % {"name": saved.original_name})
        return redirect("web:event-record" if on_site else "web:event-detail", event_id=event.pk)
    # Refused: the same page again, with the reason and what else was typed.
    if on_site:
        context = _onsite_context(request, event)
        context["photo_form"] = failed
        return render(request, "web/events/record.html", context, status=400)
    context = _event_detail_context(request, event)
    context["attachment_form"] = failed
    return render(request, "web/events/detail.html", context, status=400)


@member_required(write=True)
def case_attachment_add_view(request, case_id):
    case = _case_or_404(case_id)
    if request.method != "POST":
        return redirect("web:case-detail", case_id=case.pk)
    saved, failed = _upload(request, AttachmentForm(request.POST, request.FILES), case=case)
    if saved is not None:
        messages.success(request, _("Uploaded: %(name)s") % {"name": saved.original_name})
        return redirect("web:case-detail", case_id=case.pk)
    context = _detail_context(request, case)
    context["attachment_form"] = failed
    return render(request, "web/cases/detail.html", context, status=400)


def _stream(field, *, content_type: str, filename: str, inline: bool) -> FileResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("No such file.")) from None
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    # Never let a browser reinterpret a file as a page of this site, and never keep it in shared caches.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def stream_attachment(attachment: Attachment, *, thumbnail: bool = False) -> FileResponse:
    """The file (photos and PDFs shown in the browser, the others downloaded) or an image's thumbnail."""
    if thumbnail:
        if not attachment.thumbnail:
            raise Http404(_("No such file."))
        return _stream(attachment.thumbnail, content_type="image/jpeg", filename="thumbnail.jpg", inline=True)
    inline = attachment.is_image or attachment.extension == "pdf"
    return _stream(
        attachment.file, content_type=attachment.content_type, filename=attachment.original_name, inline=inline
    )


@member_required
def attachment_file_view(request, attachment_id):
    return stream_attachment(_attachment_or_404(attachment_id))


@member_required
def attachment_thumbnail_view(request, attachment_id):
    return stream_attachment(_attachment_or_404(attachment_id), thumbnail=True)


@member_required(write=True)
def attachment_delete_view(request, attachment_id):
    attachment = _attachment_or_404(attachment_id)
    back = (
        ("web:event-detail", {"event_id": attachment.event_id})
        if attachment.event_id
        else ("web:case-detail", {"case_id": attachment.case_id})
    )
    if request.method == "POST":
        attachment_delete(attachment=attachment, actor=request.user)
        messages.success(request, _("The file was removed: %(name)s") % {"name": attachment.original_name})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(back[0], **back[1])
