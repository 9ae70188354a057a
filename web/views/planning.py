"""Topic planning (年度选题): suggestions, topics ranked by suggestions, the year's plan and its adjustments."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from oversight.rollup.selectors import quota_for
from shared.core.exceptions import ApplicationError
from tenants.planning.models import PlanItem
from tenants.planning.selectors import (
    plan_adjustment_list,
    plan_item_get,
    plan_item_list,
    suggestion_list,
    topic_ranking,
)
from tenants.planning.services import plan_item_adjust, plan_item_create, plan_item_delete, suggestion_create
from web.access import member_required
from web.forms import PlanAdjustForm, PlanItemForm, SuggestionForm, apply_error

from .common import year_param

# The plan's form and the suggestion form both ask for a topic: the prefix keeps their ids apart.
PLAN_ITEM_PREFIX = "item"


def _planning_url(year: int) -> str:
    return f"{reverse('web:planning')}?year={year}"


@member_required
def planning_view(request):
    year = year_param(request)
    return render(request, "web/planning/index.html", _context(request, year))


def _context(request, year, suggestion_form=None, item_form=None):
    items = list(plan_item_list(year=year))
    by_month = {item.month: item for item in items}
    return {
        "year": year,
        "planned_count": len(items),
        "quota": quota_for(year=year, level=request.tenant.level),
        "years": [year - 1, year, year + 1],
        "suggestions": suggestion_list(filters={"year": year})[:30],
        "suggestion_count": suggestion_list(filters={"year": year}).count(),
        "ranking": topic_ranking(year=year),
        "months": [{"month": month, "item": by_month.get(month)} for month in range(1, 13)],
        "adjustments": plan_adjustment_list(year=year).order_by("-at")[:30],
        "suggestion_form": suggestion_form or SuggestionForm(),
        "item_form": item_form or PlanItemForm(prefix=PLAN_ITEM_PREFIX),
    }


@member_required(write=True)
def suggestion_add_view(request):
    year = year_param(request)
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion_create(actor=request.user, year=year, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The suggestion was recorded."))
            return redirect(_planning_url(year))
    return render(request, "web/planning/index.html", _context(request, year, suggestion_form=form))


@member_required(write=True)
def plan_item_add_view(request):
    year = year_param(request)
    form = PlanItemForm(request.POST or None, prefix=PLAN_ITEM_PREFIX)
    if request.method == "POST" and form.is_valid():
        try:
            plan_item_create(actor=request.user, year=year, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The month was added to the plan."))
            return redirect(_planning_url(year))
    return render(request, "web/planning/index.html", _context(request, year, item_form=form))


def _item_or_404(item_id) -> PlanItem:
    try:
        return plan_item_get(item_id=item_id)
    except PlanItem.DoesNotExist:
        raise Http404(_("No such plan item.")) from None


@member_required(write=True)
def plan_item_delete_view(request, item_id):
    item = _item_or_404(item_id)
    if request.method == "POST":
        plan_item_delete(item=item, actor=request.user)
        messages.success(request, _("Month %(month)d was taken out of the plan.") % {"month": item.month})
    return redirect(_planning_url(item.year))


@member_required(write=True)
def plan_item_adjust_view(request, item_id):
    item = _item_or_404(item_id)
    initial = {
        "month": item.month,
        "theme": item.theme,
        "topic": item.topic_id,
        "departments": [d.pk for d in item.departments.all()],
    }
    form = PlanAdjustForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        reason = changes.pop("reason")
        try:
            plan_item_adjust(item=item, actor=request.user, reason=reason, **changes)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The change and its reason were recorded."))
            return redirect(_planning_url(item.year))
    return render(
        request,
        "web/planning/adjust.html",
        {"form": form, "item": item, "adjustments": plan_adjustment_list(item_id=item.pk)},
    )
