"""Cases (问题/诉求): list with filters, a case's page with its history and only the actions allowed next."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shared.core.exceptions import ApplicationError
from tenants.attachments.selectors import attachment_list
from tenants.cases.exports import case_list_xlsx
from tenants.cases.masking import may_see_contact
from tenants.cases.models import Case
from tenants.cases.selectors import case_get, case_list, case_table
from tenants.cases.services import case_correct, case_raise
from tenants.cases.workflow import STEPS, case_allowed_actions
from tenants.enterprises.selectors import enterprise_list
from tenants.events.models import EventStatus
from tenants.events.selectors import event_list
from web.access import member_required
from web.forms import (
    CORRECTION_DISPUTE_FIELDS,
    DISPUTE_FIELDS,
    AttachmentForm,
    CaseCorrectForm,
    CaseFilterForm,
    CaseForm,
    apply_error,
    case_step_form,
    refresh_version,
)

from .common import filter_params, paginate, querystring_without_page

FILTERS = ("q", "status", "kind", "topic", "department", "overdue", "event", "date_from", "date_to")


def _case_or_404(case_id) -> Case:
    try:
        return case_get(case_id=case_id)
    except (Case.DoesNotExist, ValueError):
        raise Http404(_("No such case.")) from None


def _filtered_cases(request, selector=case_list):
    try:
        return selector(filters=filter_params(request, FILTERS))
    except ApplicationError:
        messages.error(request, _("Some filters are not valid; showing all cases."))
        return selector()


@member_required
def case_list_view(request):
    form = CaseFilterForm(request.GET or None)
    page = paginate(request, _filtered_cases(request, selector=case_table))
    return render(
        request,
        "web/cases/list.html",
        {"form": form, "page": page, "cases": page, "querystring": querystring_without_page(request)},
    )


@member_required
def case_export_view(request):
    """The filtered list as .xlsx; submitters' contact data whole only for those who may see it."""
    title = _("Cases of %(union)s, exported %(when)s") % {
        "union": request.tenant.name,
        "when": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    content = case_list_xlsx(
        cases=_filtered_cases(request), show_contact=may_see_contact(request.membership), title=title
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="cases-{request.tenant.code}-{stamp}.xlsx"'
    return response


def _action_forms(case, failed=None, failed_form=None):
    """The forms of the steps allowed next (tenants.cases.workflow), each carrying the case's version; a
    refused one keeps its input and errors, shown even when the case (changed by someone else meanwhile) no
    longer allows it, so what was typed is not lost."""
    names = case_allowed_actions(case=case)
    if failed_form is not None and failed not in names:
        names.append(failed)
    return [
        {
            "name": name,
            "label": STEPS[name].label,
            "form": failed_form if name == failed else case_step_form(STEPS[name], case=case),
            "open": name == failed,
        }
        for name in names
    ]


@member_required
def case_detail_view(request, case_id):
    case = _case_or_404(case_id)
    return render(request, "web/cases/detail.html", _detail_context(request, case))


def _detail_context(request, case, failed=None, failed_form=None):
    return {
        "case": case,
        "actions": _action_forms(case, failed=failed, failed_form=failed_form) if request.membership.can_write else [],
        "show_contact": may_see_contact(request.membership),
        "attachments": attachment_list(case=case),
        "attachment_form": AttachmentForm(),
    }


@member_required(write=True)
def case_action_view(request, case_id, action):
    case = _case_or_404(case_id)
    step = STEPS.get(action)
    if step is None:
        raise Http404(_("No such action."))
    if request.method != "POST":
        return redirect("web:case-detail", case_id=case.pk)
    form = case_step_form(step, request.POST)
    valid = form.is_valid()
    version = form.cleaned_data.get("updated_at") if valid else None
    stale = version is not None and version != case.updated_at
    if not step.allows(case) and not stale:  # a stale form is answered with the conflict below, input kept
        messages.error(request, _("This step is not possible for the case as it stands."))
        return redirect("web:case-detail", case_id=case.pk)
    if valid:
        try:
            step.perform(case=case, actor=request.user, data=form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
            if error.code == "conflict":
                return _step_conflict(request, case_id, action, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:case-detail", case_id=case.pk)
    return render(
        request, "web/cases/detail.html", _detail_context(request, case, failed=action, failed_form=form), status=400
    )


def _step_conflict(request, case_id, action, form):
    """Someone changed the case since the page was read: show the case as it is now, with the step's form
    as it was typed, based on the current version (submitting again applies it, if the step still fits)."""
    case = _case_or_404(case_id)
    refresh_version(form, case, field="updated_at")
    context = _detail_context(request, case, failed=action, failed_form=form)
    return render(request, "web/cases/detail.html", context, status=409)


@member_required(write=True)
def case_create_view(request):
    events = event_list().exclude(status=EventStatus.CANCELLED).order_by("-number")[:50]
    initial = {"raised_on": timezone.localdate()}
    if request.GET.get("event", "").isdigit():
        initial.update(event=request.GET["event"], source="event")
    form = CaseForm(request.POST or None, initial=initial, events=events, enterprises=enterprise_list())
    if request.method == "POST" and form.is_valid():
        try:
            case = case_raise(actor=request.user, **form.service_input())
        except ApplicationError as error:
            apply_error(form, error, field_map=DISPUTE_FIELDS)
        else:
            messages.success(request, _("Case saved: %(title)s") % {"title": case.title})
            return redirect("web:case-detail", case_id=case.pk)
    return render(request, "web/cases/form.html", {"form": form})


@member_required(write=True)
def case_correct_view(request, case_id):
    """Correct a saved case (and a dispute's agreed amount and mediation outcome); the history records it."""
    case = _case_or_404(case_id)
    form = CaseCorrectForm(request.POST or None, case=case, enterprises=enterprise_list())
    if request.method == "POST" and form.is_valid():
        try:
            case_correct(case=case, actor=request.user, **form.service_input())
        except ApplicationError as error:
            apply_error(form, error, field_map=CORRECTION_DISPUTE_FIELDS)
            if error.code == "conflict":
                refresh_version(form, _case_or_404(case_id))
                return render(request, "web/cases/correct.html", {"form": form, "case": case}, status=409)
        else:
            messages.success(request, _("The correction was saved and recorded in the history."))
            return redirect("web:case-detail", case_id=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/cases/correct.html", {"form": form, "case": case}, status=status)
