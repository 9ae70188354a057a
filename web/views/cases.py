"""Cases (问题/诉求): list with filters, a case's page with its history and only the actions allowed next."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shared.core.exceptions import ApplicationError
from tenants.cases.models import Case
from tenants.cases.selectors import case_allowed_actions, case_get, case_list
from tenants.cases.services import (
    case_close,
    case_mark_progress,
    case_raise,
    case_rate,
    case_refer,
    case_reopen,
    case_resolve,
    case_solve_on_site,
)
from tenants.enterprises.selectors import enterprise_list
from tenants.events.models import EventStatus
from tenants.events.selectors import event_list
from web.access import member_required
from web.forms import CASE_ACTION_FORMS, CaseFilterForm, CaseForm, apply_error
from web.views.events import DISPUTE_FIELDS

from .common import filter_params, paginate, querystring_without_page

FILTERS = ("status", "kind", "topic", "department", "overdue", "event", "date_from", "date_to")


# action name -> the service call, given the case, the actor and the action form's cleaned data
ACTIONS = {
    "solve_on_site": lambda case, actor, data: case_solve_on_site(case=case, actor=actor, outcome=data["outcome"]),
    "refer": lambda case, actor, data: case_refer(
        case=case, actor=actor, department=data["department"], deadline=data["deadline"], note=data["note"]
    ),
    "progress": lambda case, actor, data: case_mark_progress(case=case, actor=actor, note=data["note"]),
    "resolve": lambda case, actor, data: case_resolve(case=case, actor=actor, outcome=data["outcome"]),
    "close": lambda case, actor, data: case_close(case=case, actor=actor, explanation=data["explanation"]),
    "reopen": lambda case, actor, data: case_reopen(case=case, actor=actor, reason=data["reason"]),
    "rate": lambda case, actor, data: case_rate(case=case, actor=actor, satisfaction=data["satisfaction"]),
}


def _case_or_404(case_id) -> Case:
    try:
        return case_get(case_id=case_id)
    except (Case.DoesNotExist, ValueError):
        raise Http404(_("No such case.")) from None


@member_required
def case_list_view(request):
    form = CaseFilterForm(request.GET or None)
    filters = filter_params(request, FILTERS)
    try:
        cases = case_list(filters=filters)
    except ApplicationError:
        messages.error(request, _("Some filters are not valid; showing all cases."))
        cases = case_list()
    page = paginate(request, cases)
    return render(
        request,
        "web/cases/list.html",
        {"form": form, "page": page, "cases": page, "querystring": querystring_without_page(request)},
    )


def _action_forms(case, data=None, failed=None, failed_form=None):
    forms = []
    for name in case_allowed_actions(case=case):
        form_class, label = CASE_ACTION_FORMS[name]
        form = failed_form if name == failed else form_class(prefix=name)
        forms.append({"name": name, "label": label, "form": form, "open": name == failed})
    return forms


@member_required
def case_detail_view(request, case_id):
    case = _case_or_404(case_id)
    return render(request, "web/cases/detail.html", _detail_context(request, case))


def _detail_context(request, case, failed=None, failed_form=None):
    return {
        "case": case,
        "actions": _action_forms(case, failed=failed, failed_form=failed_form) if request.membership.can_write else [],
        "show_contact": request.membership.can_write,
    }


@member_required(write=True)
def case_action_view(request, case_id, action):
    case = _case_or_404(case_id)
    if action not in ACTIONS:
        raise Http404(_("No such action."))
    if request.method != "POST":
        return redirect("web:case-detail", case_id=case.pk)
    form_class, _label = CASE_ACTION_FORMS[action]
    form = form_class(request.POST, prefix=action)
    if action not in case_allowed_actions(case=case):
        messages.error(request, _("This step is not possible for the case as it stands."))
        return redirect("web:case-detail", case_id=case.pk)
    if form.is_valid():
        try:
            ACTIONS[action](case, request.user, form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:case-detail", case_id=case.pk)
    return render(
        request, "web/cases/detail.html", _detail_context(request, case, failed=action, failed_form=form), status=400
    )


@member_required(write=True)
def case_create_view(request):
    events = event_list().exclude(status=EventStatus.CANCELLED).order_by("-number")[:50]
    initial = {"raised_on": timezone.localdate()}
    if request.GET.get("event", "").isdigit():
        initial.update(event=request.GET["event"], source="event")
    form = CaseForm(request.POST or None, initial=initial, events=events, enterprises=enterprise_list())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_raise(
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                event=int(data["event"]) if data["event"] else None,
                source=data["source"],
                submitter_name=data["submitter_name"],
                submitter_phone=data["submitter_phone"],
                enterprise=data["enterprise"],
                topic=data["topic"],
                raised_on=data["raised_on"],
                dispute=form.dispute(),
            )
        except ApplicationError as error:
            apply_error(form, error, field_map=DISPUTE_FIELDS)
        else:
            messages.success(request, _("Case saved: %(title)s") % {"title": case.title})
            return redirect("web:case-detail", case_id=case.pk)
    return render(request, "web/cases/form.html", {"form": form})
