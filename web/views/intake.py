"""The public QR intake page: a worker at an event submits a problem or suggestion without an account.

The URL carries a signed token (web.qr), never a bare event id. Accepted submissions are limited per device
(a signed cookie given on the first visit) and per client address (through trusted proxies only, with a
ceiling that fits hundreds of workers behind one venue's NAT); they are size-checked before the body is
parsed, CSRF-protected, and the page shows nothing of other cases.
"""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from shared.core.exceptions import ApplicationError
from tenants.cases.services import case_raise
from tenants.events.selectors import event_open_for_qr
from web.access import request_union
from web.forms import IntakeForm, apply_error
from web.qr import (
    MAX_BODY_BYTES,
    device_id,
    ensure_device_cookie,
    intake_event_id,
    submission_count,
    submission_refusal,
)

TITLE_LENGTH = 40
RECEIPT_SALT = "web.intake.receipt"
REFUSALS = {
    "device": _lazy("Too many submissions from this device. Please wait ten minutes and try again."),
    "address": _lazy("Too many submissions from this network. Please wait ten minutes and try again."),
}


def _refuse(request, message, status):
    return render(request, "web/intake/refused.html", {"message": message}, status=status)


def _try_later(request, *, event, union):
    """The limits cannot be checked (Redis down): nothing is saved; the form comes back with what was typed."""
    form = IntakeForm(request.POST)
    form.is_valid()
    form.add_error(
        None, _("Submissions are paused for a moment. What you typed is kept: please press Submit again in a minute.")
    )
    response = render(request, "web/intake/form.html", {"form": form, "event": event, "union": union}, status=503)
    response["Retry-After"] = "60"
    return response


def _over_limit(request, *, device, event, union):
    """The answer when this submission may not be taken now (an allowance used up, or the limits cannot
    be read), else None."""
    refusal = submission_refusal(request, device=device, union=union, event_id=event.pk)
    if refusal == "unavailable":
        return _try_later(request, event=event, union=union)
    if refusal:
        return _refuse(request, REFUSALS[refusal], 429)
    return None


def _event_for(request, token):
    union = request_union(request)
    if union is None:
        return None, None
    event_id = intake_event_id(union=union, token=token)
    if event_id is None:
        return union, None
    return union, event_open_for_qr(event_id=event_id)


def _title(description: str) -> str:
    first_line = description.strip().splitlines()[0].strip()
    return first_line if len(first_line) <= TITLE_LENGTH else first_line[: TITLE_LENGTH - 1] + "…"


def _too_long(request, *, event, union):
    """The form again, with what the worker typed, saying it is too long: nothing is saved or counted.
    (Django itself refuses bodies above DATA_UPLOAD_MAX_MEMORY_SIZE before this, and nginx above its limit.)"""
    form = IntakeForm(request.POST)
    form.is_valid()
    form.add_error(None, _("What you sent is too long. Please shorten it and try again."))
    return render(request, "web/intake/form.html", {"form": form, "event": event, "union": union}, status=413)


@csrf_protect
@require_http_methods(["GET", "POST"])
def intake_view(request, token):
    union, event = _event_for(request, token)
    if event is None:
        return _refuse(request, _("This QR code is not valid, or its event is closed."), 404)
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = MAX_BODY_BYTES + 1
        if length > MAX_BODY_BYTES:
            return _too_long(request, event=event, union=union)
        device = device_id(request)
        refused = device and _over_limit(request, device=device, event=event, union=union)
        if refused:
            return refused
        form = IntakeForm(request.POST)
        if device is None:
            # No cookie yet (a first visit straight to POST, or cookies cleared): keep what was typed and ask
            # to send it again; the answer gives the phone its device id.
            form.is_valid()
            form.add_error(None, _("Please press Submit once more to send your message."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    case = case_raise(
                        actor=None,
                        kind=data["kind"],
                        title=_title(data["description"]),
                        description=data["description"].strip(),
                        event=event,
                        source="qr",
                        submitter_name=data["submitter_name"].strip(),
                        submitter_phone=data["submitter_phone"].strip(),
                        raised_on=timezone.localdate(),
                    )
            except ApplicationError as error:
                apply_error(form, error)
            else:
                # Only accepted submissions count: a typo or a refused one never uses up the allowance.
                submission_count(request, device=device, union=union, event_id=event.pk)
                receipt = signing.dumps(case.receipt_code, salt=RECEIPT_SALT)
                return redirect(f"{reverse('web:intake-thanks', kwargs={'token': token})}?receipt={receipt}")
        status = 400
    else:
        form = IntakeForm()
        status = 200
    response = render(request, "web/intake/form.html", {"form": form, "event": event, "union": union}, status=status)
    ensure_device_cookie(request, response)
    return response


def intake_thanks_view(request, token):
    union, event = _event_for(request, token)
    if event is None:
        return _refuse(request, _("This QR code is not valid, or its event is closed."), 404)
    try:  # signed, so the page never shows a code nobody was given
        receipt_code = signing.loads(request.GET.get("receipt", ""), salt=RECEIPT_SALT, max_age=3600)
    except signing.BadSignature:
        receipt_code = ""
    context = {"event": event, "union": union, "token": token, "receipt_code": receipt_code}
    return render(request, "web/intake/thanks.html", context)
