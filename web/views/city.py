"""Oversight pages: the year's dashboard (a city's, or a province's), the city's assessment, and the read-only
drill-down into a union below (a city's county; a province's city or county).

Everything about the unions below comes from the roll-up (oversight.rollup) and the assessment
(oversight.assessment); only the drill-down reads a union's own schema, after checking it lies below this one.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tenants.utils import schema_context

from oversight.assessment.models import Export, ExportFormat, ExportStatus
from oversight.assessment.scoring import metric_label
from oversight.assessment.selectors import adjustment_list, assessment_view, export_list, publication_list
from oversight.assessment.services import adjustment_add, assessment_publish, assessment_reopen, export_request
from oversight.rollup.record_days import level_record_days_set
from oversight.rollup.selectors import (
    RANKING_METRICS,
    compliance_for_city,
    compliance_for_union,
    overdue_by_department_for_city,
    rankings_for_province,
    rollup_for_city,
)
from shared.core.exceptions import ApplicationError
from shared.unions.archiving import (
    union_below_left_out,
    union_children_counted,
    union_children_left_out,
    union_counted_in,
)
from shared.unions.models import Union
from shared.unions.selectors import union_below, union_children
from tenants.cases.selectors import case_list
from tenants.events.selectors import event_list
from web.access import member_required
from web.forms import apply_error

from .common import filter_params, year_param

TOTAL_KEYS = (
    ("events_held", gettext_lazy("Events held")),
    ("enterprises_reached", gettext_lazy("Enterprises reached")),
    ("worker_attendance", gettext_lazy("Worker attendances")),
    ("cases_solved_on_site", gettext_lazy("Cases solved on site")),
)


def _years(year):
    this_year = timezone.localdate().year
    return [y for y in range(year - 2, year + 2) if y <= this_year]


class RecordDaysForm(forms.Form):
    # No bounds here: the service says what is allowed (1–60), in the same words as the API.
    days = forms.IntegerField(label=gettext_lazy("Days to complete a held event's record (empty: 7)"), required=False)


def _record_days_context(request, union, form=None) -> dict:
    return {
        "level_record_days": union.level_record_days,
        "record_days_exceptions": [c for c in union_children(union=union) if c.event_record_days is not None],
        "record_days_form": form or RecordDaysForm(initial={"days": union.record_days_below}),
        "is_admin": request.membership.is_admin,
    }


@member_required(oversees=True)
def city_dashboard_view(request):
    """The city's dashboard of its counties, or the province's of its cities and counties (the same page)."""
    return _dashboard(request)


@require_POST
@member_required(oversees=True, admin=True)
def city_record_days_view(request):
    """The days the unions below have to complete a held event's record (a city's counties, a province's
    cities): set by the union's administrators; the roll-up of those unions is refreshed after it is saved."""
    form = RecordDaysForm(request.POST)
    if form.is_valid():
        try:
            level_record_days_set(union=request.tenant, days=form.cleaned_data["days"], actor=request.user)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("Held events below this union now have %(days)d days to complete their record.")
                % {"days": request.tenant.level_record_days},
            )
            return redirect(f"{reverse('web:city-dashboard')}#record-days")
    return _dashboard(request, record_days_form=form, status=400)


def _dashboard(request, *, record_days_form=None, status=200):
    union = request.tenant
    year = year_param(request)
    compliance = compliance_for_city(city=union, year=year)
    rows = list(rollup_for_city(city=union, year=year))
    totals = [{"key": key, "label": label, "value": sum(getattr(r, key) for r in rows)} for key, label in TOTAL_KEYS]
    months = [sum((r.events_held_by_month or [0] * 12)[m] for r in rows) for m in range(12)]
    computed = [r.computed_at for r in rows if r.computed_at]
    by_union = {row.union_id: row for row in rows}
    records = [by_union[row["union"].pk] for row in compliance if row["union"].pk in by_union]
    context = {
        "records": records,
        "year": year,
        "years": _years(year),
        "compliance": compliance,
        "totals": totals,
        "months": months,
        "computed_at": max(computed) if computed else None,
        "left_out": union_below_left_out(union=union, year=year),
        "province": union.is_province,
        "late_departments": overdue_by_department_for_city(city=union, year=year),
    }
    if union.is_province:
        rankings = _province_rankings(request, union, year)
        context["rankings"] = rankings
        context["ranking_tables"] = [
            (_("Cities"), "cities", rankings["cities"]),
            (_("Counties province-wide"), "counties", rankings["counties"]),
        ]
        context["ranking_metrics"] = [(metric, metric_label(metric)) for metric in RANKING_METRICS]
    else:
        view = assessment_view(city=union, year=year)
        context.update({"ranking": view["rows"], "scheme": view["scheme"], "published": view["published"]})
    context.update(_record_days_context(request, union, record_days_form))
    return render(request, "web/city/dashboard.html", context, status=status)


def _province_rankings(request, province, year):
    try:
        return rankings_for_province(province=province, year=year, by=request.GET.get("by"))
    except ApplicationError as error:  # an unknown figure in ?by=: say which ones exist, rank by the default
        messages.error(request, " ".join(str(reason) for reasons in error.fields.values() for reason in reasons))
        return rankings_for_province(province=province, year=year)


class AdjustmentForm(forms.Form):
    union = forms.ChoiceField(label=gettext_lazy("Union"))
    points = forms.DecimalField(label=gettext_lazy("Points (±)"), max_digits=6, decimal_places=2)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, unions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].choices = [(u.code, u.name) for u in unions]


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 2}))


def _assessment_context(request, year, adjustment_form=None, reopen_form=None):
    city = request.tenant
    view = assessment_view(city=city, year=year)
    children = list(union_children_counted(union=city, year=year))
    return {
        "year": year,
        "left_out": union_children_left_out(union=city, year=year),
        "years": _years(year),
        "view": view,
        "adjustments": adjustment_list(city=city, year=year).order_by("-created_at"),
        "publications": publication_list(city=city, year=year).order_by("-published_at"),
        "exports": export_list(city=city).filter(year=year)[:10],
        "formats": ExportFormat.choices,
        "adjustment_form": adjustment_form or AdjustmentForm(unions=children),
        "reopen_form": reopen_form or ReopenForm(),
        "is_admin": request.membership.is_admin,
    }


def _assessment_url(year):
    return f"{reverse('web:city-assessment')}?year={year}"


@member_required(city=True)
def city_assessment_view(request):
    return render(request, "web/city/assessment.html", _assessment_context(request, year_param(request)))


@member_required(city=True, admin=True)
def city_adjustment_add_view(request):
    year = year_param(request)
    children = list(union_children(union=request.tenant))
    form = AdjustmentForm(request.POST or None, unions=children)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            adjustment_add(
                city=request.tenant,
                year=year,
                union_code=data["union"],
                points=data["points"],
                reason=data["reason"],
                actor=request.user,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The adjustment and its reason were recorded."))
            return redirect(_assessment_url(year))
    return render(
        request, "web/city/assessment.html", _assessment_context(request, year, adjustment_form=form), status=400
    )


@member_required(city=True, admin=True)
def city_publish_view(request):
    year = year_param(request)
    if request.method == "POST":
        try:
            assessment_publish(city=request.tenant, year=year, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The assessment of %(year)d is published and frozen.") % {"year": year})
    return redirect(_assessment_url(year))


@member_required(city=True, admin=True)
def city_reopen_view(request):
    year = year_param(request)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment_reopen(city=request.tenant, year=year, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The assessment of %(year)d is open again.") % {"year": year})
            return redirect(_assessment_url(year))
    return render(request, "web/city/assessment.html", _assessment_context(request, year, reopen_form=form), status=400)


@member_required(city=True)
def city_export_request_view(request):
    """Any member of the city may ask for an export file (a read of the published or live scores)."""
    year = year_param(request)
    if request.method == "POST":
        try:
            export_request(city=request.tenant, year=year, format=request.POST.get("format", ""), actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The export is being prepared; it appears below when ready."))
    return redirect(_assessment_url(year))


def _export_or_404(request, export_id) -> Export:
    return get_object_or_404(export_list(city=request.tenant), pk=export_id)


@member_required(city=True)
def city_export_status_view(request, export_id):
    """The export's line, polled by htmx every two seconds while the file is being built."""
    return render(request, "web/city/_export.html", {"export": _export_or_404(request, export_id)})


@member_required(city=True)
def city_export_download_view(request, export_id):
    export = _export_or_404(request, export_id)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404(_("The file is not ready."))
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1])


def _child_or_404(request, code) -> Union:
    return get_object_or_404(union_below(union=request.tenant), code=code)


@member_required(oversees=True)
def city_drill_view(request, code):
    """A union's events and cases, read-only, as the union itself records them (a city's county; a
    province's city or county)."""
    child = _child_or_404(request, code)
    year = year_param(request)
    event_filters = {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}
    event_filters.update(filter_params(request, ("status",)))
    case_filters = {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}
    case_filters.update(filter_params(request, ("overdue",)))
    try:
        with schema_context(child.schema_name):
            events = list(event_list(filters=event_filters).order_by("-planned_date", "-number")[:100])
            cases = list(case_list(filters=case_filters).select_related("department")[:100])
    except ApplicationError as error:
        messages.error(request, error.message)
        events, cases = [], []
    # The child's own row (what the dashboard's list shows for it), without reading every union below: a
    # province's drill-down would otherwise read a thousand roll-up rows to show one.
    compliance = compliance_for_union(union=child, year=year) if union_counted_in(child, year=year) else None
    return render(
        request,
        "web/city/drill.html",
        {"child": child, "year": year, "years": _years(year), "events": events, "cases": cases, "progress": compliance},
    )
