"""What a locked-out login sees (django-axes calls this): the sign-in page or the API's error shape, with a
clear message in the user's language and status 429."""

from __future__ import annotations

from django.conf import settings
from django.forms.utils import ErrorDict
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from web.access import request_union
from web.views.auth import UnionAuthenticationForm


def lockout_message() -> str:
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return _(
        "Too many failed sign-ins for this account from this address. Signing in is blocked for %(minutes)d "
        "minutes; ask your union's administrator if you forgot the password."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "locked_out", "message": message, "fields": {}}}, status=429)
    form = UnionAuthenticationForm(request, data=request.POST or None)
    form._errors, form.cleaned_data = ErrorDict(), {}  # show the message without validating (and counting) again
    form.add_error(None, message)
    context = {"form": form, "union": request_union(request), "next": request.POST.get("next", "")}
    return render(request, "web/login.html", context, status=429)
