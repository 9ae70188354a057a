"""Enterprises: list with search, create/edit, and the .xlsx import with its row-by-row report."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shared.core.exceptions import ApplicationError
from tenants.enterprises.imports import enterprise_import_xlsx
from tenants.enterprises.models import Enterprise
from tenants.enterprises.selectors import enterprise_get, enterprise_list
from tenants.enterprises.services import enterprise_create, enterprise_update
from web.access import member_required
from web.forms import EnterpriseForm, ImportForm, apply_error

from .common import paginate, querystring_without_page


@member_required
def enterprise_list_view(request):
    term = request.GET.get("q", "").strip()[:100]
    enterprises = enterprise_list(filters={"search": term} if term else None)
    page = paginate(request, enterprises, per_page=30)
    return render(
        request,
        "web/enterprises/list.html",
        {"page": page, "q": term, "querystring": querystring_without_page(request), "total": page.paginator.count},
    )


@member_required(write=True)
def enterprise_create_view(request):
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Saved: %(name)s") % {"name": enterprise.name})
            return redirect("web:enterprise-list")
    return render(request, "web/enterprises/form.html", {"form": form, "enterprise": None})


@member_required(write=True)
def enterprise_edit_view(request, enterprise_id):
    try:
        enterprise = enterprise_get(enterprise_id=enterprise_id)
    except Enterprise.DoesNotExist:
        raise Http404(_("No such enterprise.")) from None
    initial = {name: getattr(enterprise, name) for name in EnterpriseForm.base_fields}
    form = EnterpriseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise_update(enterprise=enterprise, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Saved: %(name)s") % {"name": enterprise.name})
            return redirect("web:enterprise-list")
    return render(request, "web/enterprises/form.html", {"form": form, "enterprise": enterprise})


@member_required(write=True)
def enterprise_import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = enterprise_import_xlsx(file=form.cleaned_data["file"], actor=request.user)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("Import finished: %(created)d created, %(updated)d updated, %(rejected)d rejected.")
                % {"created": report["created"], "updated": report["updated"], "rejected": len(report["rejected"])},
            )
    return render(request, "web/enterprises/import.html", {"form": form, "report": report})
