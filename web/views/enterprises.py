"""Enterprises: list with search, create/edit, and the .xlsx import with its row-by-row report."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shared.core.exceptions import ApplicationError
from tenants.cases.selectors import case_list
from tenants.enterprises.imports import COLUMN_LABELS, enterprise_import_xlsx
from tenants.enterprises.models import Enterprise
from tenants.enterprises.selectors import enterprise_get, enterprise_list
from tenants.enterprises.services import enterprise_create, enterprise_update
from tenants.events.selectors import event_list
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


@member_required
def enterprise_detail_view(request, enterprise_id):
    """An enterprise with the events that reached it and the cases raised about it."""
    try:
        enterprise = enterprise_get(enterprise_id=enterprise_id)
    except Enterprise.DoesNotExist:
        raise Http404(_("No such enterprise.")) from None
    events = event_list().filter(enterprises=enterprise).order_by("-planned_date", "-number")
    cases = case_list().filter(enterprise=enterprise).select_related("department")
    return render(
        request,
        "web/enterprises/detail.html",
        {"enterprise": enterprise, "events": events[:100], "cases": cases[:100], "case_total": cases.count()},
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
            report["rejected"] = [_rejected_row(row) for row in report["rejected"]]
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("Import finished: %(created)d created, %(updated)d updated, %(rejected)d rejected.")
                % {"created": report["created"], "updated": report["updated"], "rejected": len(report["rejected"])},
            )
    return render(request, "web/enterprises/import.html", {"form": form, "report": report})


def _column(field: str) -> str:
    """A field as the sheet's users name it: the column's Chinese heading (the template sheet's)."""
    return COLUMN_LABELS[field][0] if field in COLUMN_LABELS else field


def _rejected_row(row: dict) -> dict:
    return dict(row, errors={_column(field): reasons for field, reasons in row["errors"].items()})


# The example's credit code is deliberately not a valid one (its check character is wrong): an example row left
# in the sheet is refused with that reason instead of being imported as a real enterprise.
TEMPLATE_EXAMPLE = ["衢州市某某制造有限公司", "91330800MA2DXXXX0X", "制造业", "衢州智造新城", 120, "是", "市级"]


@member_required(write=True)
def enterprise_import_template_view(request):
    """An empty sheet with the column headings the import reads, and one example row to overwrite."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Enterprises")
    sheet.append([labels[0] for labels in COLUMN_LABELS.values()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(TEMPLATE_EXAMPLE)
    for column, width in zip("ABCDEFG", (32, 24, 14, 20, 10, 10, 14), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="enterprise-import-template.xlsx"'
    return response
