"""Department liaisons: the union's pages to keep the contacts, see and revoke the links sent to them and set
when an overdue case is escalated; and the liaison's own page, opened from a signed link without an account,
to answer the cases referred to their department."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from shared.catalogues.selectors import department_list
from shared.core.exceptions import ApplicationError
from shared.unions.services import union_escalation_days_set
from tenants.cases.masking import mask_name, mask_phone
from tenants.liaisons.selectors import department_cases, liaison_get, liaison_list, link_list
from tenants.liaisons.services import (
    liaison_create,
    liaison_delete,
    liaison_reply,
    liaison_update,
    link_open,
    link_revoke,
)
from web.access import member_required, request_union
from web.forms import apply_error


class LiaisonForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=department_list(), label=gettext_lazy("Department"), empty_label=gettext_lazy("— choose —")
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False)
    email = forms.CharField(label=gettext_lazy("Email"), max_length=254, required=False)


class LiaisonEditForm(LiaisonForm):
    active = forms.BooleanField(label=gettext_lazy("Active (receives referred cases)"), required=False)


class EscalationForm(forms.Form):
    escalation_days = forms.IntegerField(
        label=gettext_lazy("Escalate to the administrators after this many days overdue"), min_value=1, max_value=90
    )


def _page(request, *, form=None, escalation_form=None, status=200):
    union = request.tenant
    context = {
        "liaisons": liaison_list(),
        "links": link_list(live_only=True)[:100],
        "form": form or LiaisonForm(),
        "escalation_form": escalation_form or EscalationForm(initial={"escalation_days": union.escalation_days}),
    }
    return render(request, "web/liaisons/list.html", context, status=status)


@member_required
def liaison_list_view(request):
    return _page(request)


@require_POST
@member_required(write=True)
def liaison_create_view(request):
    form = LiaisonForm(request.POST)
    if form.is_valid():
        try:
            liaison = liaison_create(**form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Liaison %(name)s added.") % {"name": liaison.name})
            return redirect("web:liaison-list")
    return _page(request, form=form, status=400)


@member_required(write=True)
def liaison_edit_view(request, liaison_id):
    liaison = liaison_get(liaison_id=liaison_id)
    if liaison is None:
        raise Http404(_("No such liaison."))
    if request.method == "POST":
        form = LiaisonEditForm(request.POST)
        if form.is_valid():
            try:
                liaison_update(liaison=liaison, **form.cleaned_data)
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Liaison %(name)s saved.") % {"name": liaison.name})
                return redirect("web:liaison-list")
        status = 400
    else:
        form = LiaisonEditForm(
            initial={
                "department": liaison.department_id,
                "name": liaison.name,
                "phone": liaison.phone,
                "email": liaison.email,
                "active": liaison.active,
            }
        )
        status = 200
    return render(request, "web/liaisons/edit.html", {"form": form, "liaison": liaison}, status=status)


@require_POST
@member_required(write=True)
def liaison_delete_view(request, liaison_id):
    liaison = liaison_get(liaison_id=liaison_id)
    if liaison is None:
        raise Http404(_("No such liaison."))
    liaison_delete(liaison=liaison)
    messages.success(request, _("Liaison %(name)s removed; their links no longer work.") % {"name": liaison.name})
    return redirect("web:liaison-list")


@require_POST
@member_required(write=True)
def liaison_link_revoke_view(request, link_id):
    link = get_object_or_404(link_list(), pk=link_id)
    link_revoke(link=link)
    messages.success(request, _("The link of %(name)s is revoked.") % {"name": link.liaison.name})
    return redirect("web:liaison-list")


@require_POST
@member_required(admin=True)
def liaison_escalation_view(request):
    form = EscalationForm(request.POST)
    if form.is_valid():
        try:
            union_escalation_days_set(union=request.tenant, days=form.cleaned_data["escalation_days"])
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Escalation setting saved."))
            return redirect("web:liaison-list")
    return _page(request, escalation_form=form, status=400)


# --- The liaison's page (no account) -------------------------------------------------------------------

REFUSED = {
    "invalid": (403, gettext_lazy("This link is not valid. Please use the link in the message you received.")),
    "revoked": (410, gettext_lazy("This link has been withdrawn by the union. Please ask the union for a new one.")),
    "expired": (
        410,
        gettext_lazy(
            "This link has expired. You will receive a new link with the next referred case, or ask the union for one."
        ),
    ),  # fmt: skip
}


class ReplyForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Reply"),
        choices=[("progress", gettext_lazy("Progress (still in hand)")), ("resolve", gettext_lazy("Resolved"))],
        widget=forms.RadioSelect,
        initial="progress",
    )
    text = forms.CharField(
        label=gettext_lazy("Progress note or outcome"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    file = forms.FileField(
        label=gettext_lazy("Photo or file (optional)"),
        required=False,
        help_text=gettext_lazy("JPEG, PNG, PDF, Excel or Word, up to 10 MB."),
    )


def _department_page(request, link, token, *, forms_by_case=None, status=200):
    cases = department_cases(department_id=link.liaison.department_id)
    forms_by_case = forms_by_case or {}
    for case in cases["open"]:
        case.reply_form = forms_by_case.get(case.pk) or ReplyForm(prefix=f"c{case.pk}")
        case.masked_submitter = mask_name(case.submitter_name)
        case.masked_phone = mask_phone(case.submitter_phone)
    context = {"link": link, "link_token": token, "liaison": link.liaison, "union": request_union(request), **cases}
    return render(request, "web/liaisons/department.html", context, status=status)


def _opened(request, token):
    if request_union(request) is None:
        return None, render(request, "web/liaisons/refused.html", {"message": REFUSED["invalid"][1]}, status=404)
    link, reason = link_open(token=token)
    if link is None:
        code, message = REFUSED[reason]
        return None, render(request, "web/liaisons/refused.html", {"message": message}, status=code)
    return link, None


@csrf_protect
@require_http_methods(["GET", "HEAD"])
def department_view(request, token):
    link, refusal = _opened(request, token)
    return refusal or _department_page(request, link, token)


@csrf_protect
@require_POST
def department_reply_view(request, token, case_id):
    link, refusal = _opened(request, token)
    if refusal:
        return refusal
    form = ReplyForm(request.POST, request.FILES, prefix=f"c{case_id}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = liaison_reply(
                link=link, case_id=case_id, action=data["action"], text=data["text"], upload=data["file"]
            )
        except ApplicationError as error:
            if error.status == 404:
                return render(request, "web/liaisons/refused.html", {"message": error.message}, status=404)
            apply_error(form, error, field_map={"note": "text", "outcome": "text"})
        else:
            messages.success(request, _("Thank you: your reply to “%(title)s” is recorded.") % {"title": case.title})
            return redirect("web:liaison-department", token=token)
    return _department_page(request, link, token, forms_by_case={case_id: form}, status=400)
