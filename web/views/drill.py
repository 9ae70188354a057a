"""The read-only drill-down of a city into one of its counties, or of a province into one of its cities or
their counties: the union's events and cases with the same filters as its own lists, and each event and case
opened read-only (submitters' contact masked).

The union's schema is read only after checking it lies below the union whose host was called (union_below), and
every page is rendered inside that schema so that lazy relations (history, enterprises) read the county's
rows, never the city's.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from shared.core.exceptions import ApplicationError
from shared.unions.models import Union
from shared.unions.selectors import union_below
from tenants.attachments.models import Attachment
from tenants.attachments.selectors import attachment_get, attachment_list
from tenants.cases.models import Case
from tenants.cases.selectors import case_get, case_list
from tenants.events.models import Event
from tenants.events.selectors import event_get, event_list
from web.access import member_required
from web.forms import CaseFilterForm, EventFilterForm

from .attachments import stream_attachment
from .cases import FILTERS as CASE_FILTERS
from .common import filter_params, paginate, querystring_without_page

EVENT_FILTERS = ("status", "topic", "date_from", "date_to")


def _child_or_404(request, code) -> Union:
    return get_object_or_404(union_below(union=request.tenant), code=code)


def _filtered(request, selector, names):
    try:
        return selector(filters=filter_params(request, names))
    except ApplicationError as error:
        messages.error(request, error.message)
        return selector()


@member_required(oversees=True)
def drill_event_list_view(request, code):
    child = _child_or_404(request, code)
    with schema_context(child.schema_name):
        page = paginate(request, _filtered(request, event_list, EVENT_FILTERS).order_by("-planned_date", "-number"))
        return render(
            request,
            "web/city/drill_events.html",
            {
                "child": child,
                "form": EventFilterForm(request.GET or None),
                "page": page,
                "querystring": querystring_without_page(request),
            },
        )


@member_required(oversees=True)
def drill_case_list_view(request, code):
    child = _child_or_404(request, code)
    with schema_context(child.schema_name):
        cases = _filtered(request, case_list, CASE_FILTERS).select_related("department")
        page = paginate(request, cases)
        return render(
            request,
            "web/city/drill_cases.html",
            {
                "child": child,
                "form": CaseFilterForm(request.GET or None),
                "page": page,
                "cases": page,
                "querystring": querystring_without_page(request),
            },
        )


@member_required(oversees=True)
def drill_event_view(request, code, event_id):
    child = _child_or_404(request, code)
    with schema_context(child.schema_name):
        try:
            event = event_get(event_id=event_id)
        except Event.DoesNotExist:
            raise Http404(_("No such event.")) from None
        cases = case_list(filters={"event": str(event.pk)}).select_related("department")
        files = list(attachment_list(event=event))
        return render(
            request,
            "web/city/drill_event.html",
            {"child": child, "event": event, "cases": cases, "attachments": files},
        )


@member_required(oversees=True)
def drill_case_view(request, code, case_id):
    child = _child_or_404(request, code)
    with schema_context(child.schema_name):
        try:
            case = case_get(case_id=case_id)
        except Case.DoesNotExist:
            raise Http404(_("No such case.")) from None
        files = list(attachment_list(case=case))
        return render(request, "web/city/drill_case.html", {"child": child, "case": case, "attachments": files})


def _drill_attachment(request, code, attachment_id):
    """A county's file for the city, read in the county's schema after checking it is the city's child."""
    child = _child_or_404(request, code)
    with schema_context(child.schema_name):
        try:
            return attachment_get(attachment_id=attachment_id)
        except Attachment.DoesNotExist:
            raise Http404(_("No such file.")) from None


@member_required(city=True)
def drill_file_view(request, code, attachment_id):
    attachment = _drill_attachment(request, code, attachment_id)
    return stream_attachment(attachment)


@member_required(city=True)
def drill_thumbnail_view(request, code, attachment_id):
    attachment = _drill_attachment(request, code, attachment_id)
    return stream_attachment(attachment, thumbnail=True)
