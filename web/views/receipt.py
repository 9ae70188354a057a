"""A worker follows their case without an account (/r/ on the union's host): the receipt code and the last
4 digits of the phone they left show the case's status and outcome, nothing else; a finished case can be
rated once (the 回访), through the same service as staff use, attributed to the worker.

Wrong code or phone: one neutral message, whichever was wrong. Failed look-ups are limited per device (a
signed cookie given on the first visit) and per client address (through trusted proxies only), like the QR
intake. The rating form carries a short-lived signed token of the case found, never its id in the clear.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from shared.core.exceptions import ApplicationError
from tenants.cases.models import Case
from tenants.cases.selectors import case_for_receipt
from tenants.cases.services import case_rate
from web.access import request_union
from web.forms import RatingForm, ReceiptForm, apply_error
from web.qr import device_id, ensure_device_cookie, limit_count, limit_refusal

COOKIE_PATH = "/r/"
LIMIT_PREFIX = "web:receipt:"
RATE_SALT = "web.receipt.rate"
RATE_TOKEN_AGE = 3600  # seconds a found case's rating form stays valid
NOT_FOUND = _lazy("No case matches this receipt code and phone number. Please check both and try again.")
REFUSALS = {
    "device": _lazy("Too many attempts from this device. Please wait ten minutes and try again."),
    "address": _lazy("Too many attempts from this network. Please wait ten minutes and try again."),
}


def _page(request, template, context, *, status=200):
    response = render(request, f"web/receipt/{template}", {"union": request_union(request), **context}, status=status)
    ensure_device_cookie(request, response, path=COOKIE_PATH)
    return response


def _no_union(request):
    return render(request, "web/intake/refused.html", {"message": _("This page is not available here.")}, status=404)


def _status_page(request, case: Case, *, rating_form=None, status=200, rated=False):
    token = signing.dumps({"u": request_union(request).code, "c": case.pk}, salt=RATE_SALT)
    context = {
        "case": case,
        "token": token,
        "can_rate": case.is_finished and case.satisfaction is None,
        "rating_form": rating_form or RatingForm(),
        "rated": rated,
    }
    return _page(request, "status.html", context, status=status)


def _limits(request, device):
    return {
        "prefix": LIMIT_PREFIX,
        "device": device,
        "scope": request_union(request).schema_name,
    }


@csrf_protect
@require_http_methods(["GET", "POST"])
def receipt_view(request):
    if request_union(request) is None:
        return _no_union(request)
    if request.method == "GET":
        return _page(request, "form.html", {"form": ReceiptForm()})
    form = ReceiptForm(request.POST)
    device = device_id(request)
    if device is None:
        # No cookie yet (cookies cleared, or a script): keep what was typed and ask to send it again.
        form.is_valid()
        form.add_error(None, _("Please press Check once more."))
        return _page(request, "form.html", {"form": form}, status=400)
    refusal = limit_refusal(
        request,
        **_limits(request, device),
        device_limit=settings.RECEIPT_DEVICE_LIMIT,
        address_limit=settings.RECEIPT_ADDRESS_LIMIT,
    )
    if refusal:
        form.is_valid()
        form.add_error(None, str(REFUSALS[refusal]))
        return _page(request, "form.html", {"form": form}, status=429)
    if not form.is_valid():
        return _page(request, "form.html", {"form": form}, status=400)
    case = case_for_receipt(
        receipt_code=form.cleaned_data["receipt_code"], phone_last4=form.cleaned_data["phone_last4"]
    )
    if case is None:
        # Only failed look-ups count: a worker checking their case again and again is never stopped.
        limit_count(request, **_limits(request, device))
        form.add_error(None, str(NOT_FOUND))
        return _page(request, "form.html", {"form": form}, status=404)
    return _status_page(request, case)


def _case_of_token(request, token: str) -> Case | None:
    try:
        payload = signing.loads(token or "", salt=RATE_SALT, max_age=RATE_TOKEN_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("u") != request_union(request).code:
        return None
    return Case.objects.filter(pk=payload.get("c")).exclude(receipt_code="").first()


@csrf_protect
@require_POST
def receipt_rate_view(request):
    if request_union(request) is None:
        return _no_union(request)
    case = _case_of_token(request, request.POST.get("token", ""))
    if case is None:
        message = _("This page has expired. Please enter your receipt code again.")
        return _page(request, "form.html", {"form": ReceiptForm(), "message": message}, status=400)
    rating_form = RatingForm(request.POST)
    if not rating_form.is_valid():
        return _status_page(request, case, rating_form=rating_form, status=400)
    try:
        case = case_rate(
            case=case,
            actor=None,
            satisfaction=rating_form.cleaned_data["satisfaction"],
            comment=rating_form.cleaned_data["comment"],
            by_submitter=True,
        )
    except ApplicationError as error:
        apply_error(rating_form, error)
        case.refresh_from_db()
        return _status_page(request, case, rating_form=rating_form, status=400)
    return _status_page(request, case, rated=True)
