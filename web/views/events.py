"""Events (期): list, month calendar, create/edit, the event's page, and the phone-first on-site recording."""

from __future__ import annotations

import calendar
import datetime

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.campaigns.selectors import campaigns_of_event
from shared.core.exceptions import ApplicationError
from shared.unions.selectors import union_invitable
from tenants.attachments.selectors import attachment_list
from tenants.cases.selectors import case_list
from tenants.cases.services import case_record_on_site
from tenants.enterprises.selectors import enterprise_list
from tenants.events.models import Event, EventStatus
from tenants.events.selectors import event_get, event_list
from tenants.events.services import (
    event_cancel,
    event_create,
    event_record_held,
    event_tick_preparation,
    event_update,
    media_report_add,
)
from tenants.planning.selectors import plan_item_list
from web.access import member_required
from web.forms import (
    DISPUTE_FIELDS,
    AttachmentForm,
    CancelForm,
    EventFilterForm,
    EventForm,
    MediaReportForm,
    OnSiteCaseForm,
    OnSitePhotoForm,
    PreparationForm,
    RecordHeldForm,
    apply_error,
    refresh_version,
    version_of,
)
from web.qr import intake_token, qr_svg

from .common import filter_params, is_htmx, paginate, querystring_without_page


def _event_or_404(event_id) -> Event:
    try:
        return event_get(event_id=event_id)
    except Event.DoesNotExist:
        raise Http404(_("No such event.")) from None


def _invitable(union):
    """The pages ask for invited unions on a city's (demonstration) events only."""
    return union_invitable(union=union) if union.is_city else None


@member_required
def event_list_view(request):
    form = EventFilterForm(request.GET or None)
    filters = filter_params(request, ("status", "topic", "date_from", "date_to"))
    try:
        events = event_list(filters=filters)
    except ApplicationError as error:
        messages.error(request, error.message)
        events = event_list()
    page = paginate(request, events)
    return render(
        request,
        "web/events/list.html",
        {"form": form, "page": page, "querystring": querystring_without_page(request)},
    )


@member_required
def event_calendar_view(request):
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        first = datetime.date(year, month, 1)
    except (TypeError, ValueError):
        first = today.replace(day=1)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start, end = weeks[0][0], weeks[-1][-1]
    events = event_list().filter(Q(planned_date__range=(start, end)) | Q(held_date__range=(start, end)))
    by_day: dict[datetime.date, list] = {}
    for event in events:
        day = event.held_date if event.status == EventStatus.HELD and event.held_date else event.planned_date
        by_day.setdefault(day, []).append(event)
    grid = [
        [{"date": day, "events": by_day.get(day, []), "other": day.month != first.month} for day in w] for w in weeks
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "web/events/calendar.html",
        {
            "first": first,
            "grid": grid,
            "today": today,
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
            "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        },
    )


def _initial_from_plan(request) -> dict:
    """?plan=<item id>: the new event takes the plan item's theme, topic, departments and month (mid-month,
    or today when that has passed in the month itself)."""
    plan_id = request.GET.get("plan", "")
    if not plan_id.isdigit():
        return {}
    item = plan_item_list().filter(pk=plan_id).first()
    if item is None:
        return {}
    day = datetime.date(item.year, item.month, 15)
    today = timezone.localdate()
    if day < today and (day.year, day.month) == (today.year, today.month):
        day = today
    return {
        "title": item.theme,
        "topic": item.topic_id,
        "departments": [d.pk for d in item.departments.all()],
        "planned_date": day,
    }


@member_required(write=True)
def event_create_view(request):
    union = request.tenant
    form = EventForm(request.POST or None, invitable=_invitable(union), initial=_initial_from_plan(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = event_create(
                actor=request.user,
                title=data["title"],
                planned_date=data["planned_date"],
                venue_kind=data["venue_kind"],
                venue_name=data["venue_name"],
                topic=data["topic"],
                departments=data["departments"],
                invited_unions=data.get("invited_unions") or (),
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Event no. %(number)s was created.") % {"number": event.number})
            return redirect("web:event-detail", event_id=event.pk)
    return render(request, "web/events/form.html", {"form": form, "event": None})


@member_required(write=True)
def event_edit_view(request, event_id):
    event = _event_or_404(event_id)
    union = request.tenant
    initial = {
        "title": event.title,
        "topic": event.topic_id,
        "planned_date": event.planned_date,
        "venue_kind": event.venue_kind,
        "venue_name": event.venue_name,
        "departments": [d.pk for d in event.departments.all()],
        "invited_unions": [u.pk for u in event.invited_unions.all()],
        "version": version_of(event),
    }
    form = EventForm(request.POST or None, initial=initial, invitable=_invitable(union))
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if "invited_unions" not in form.fields:
            fields.pop("invited_unions", None)
        expected = fields.pop("version")
        try:
            event_update(event=event, actor=request.user, expected_updated_at=expected, **fields)
        except ApplicationError as error:
            apply_error(form, error)
            if error.code == "conflict":
                refresh_version(form, _event_or_404(event_id))
                return render(request, "web/events/form.html", {"form": form, "event": event}, status=409)
        else:
            messages.success(request, _("The event was saved."))
            return redirect("web:event-detail", event_id=event.pk)
    return render(request, "web/events/form.html", {"form": form, "event": event})


@member_required
def event_detail_view(request, event_id):
    event = _event_or_404(event_id)
    return render(request, "web/events/detail.html", _event_detail_context(request, event))


def _event_detail_context(request, event) -> dict:
    cases = case_list(filters={"event": event.pk}).select_related("department")
    context = {
        "event": event,
        "cases": cases,
        "prep_form": PreparationForm(initial={name: getattr(event, name) for name in Event.PREPARATION_FIELDS}),
        "media_form": MediaReportForm(),
        "cancel_form": CancelForm(),
        "attachments": attachment_list(event=event),
        "attachment_form": AttachmentForm(),
        "campaigns": campaigns_of_event(union=request.tenant, event_id=event.pk),
        "qr": None,
    }
    if event.is_open_for_qr:
        url = request.build_absolute_uri(
            reverse("web:intake", kwargs={"token": intake_token(union=request.tenant, event=event)})
        )
        context["qr"] = {"url": url, "svg": qr_svg(url, scale=4)}
    return context


@member_required(write=True)
def event_prepare_view(request, event_id):
    event = _event_or_404(event_id)
    if request.method == "POST":
        form = PreparationForm(request.POST)
        form.is_valid()
        try:
            event_tick_preparation(event=event, actor=request.user, items=form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The preparation checklist was saved."))
    return redirect("web:event-detail", event_id=event.pk)


@member_required(write=True)
def event_cancel_view(request, event_id):
    event = _event_or_404(event_id)
    if request.method == "POST":
        form = CancelForm(request.POST)
        form.is_valid()  # one optional text field: always valid
        try:
            event_cancel(event=event, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The event was cancelled."))
    return redirect("web:event-detail", event_id=event.pk)


@member_required(write=True)
def media_report_add_view(request, event_id):
    event = _event_or_404(event_id)
    form = MediaReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            media_report_add(event=event, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The media report was added."))
            return redirect("web:event-detail", event_id=event.pk)
    return render(request, "web/events/media_form.html", {"form": form, "event": event})


def _error_text(error: ApplicationError) -> str:
    reasons = [str(reason) for values in (error.fields or {}).values() for reason in values]
    return " ".join([str(error.message), *reasons]) if reasons else str(error.message)


def _record_form(request, event, data=None):
    initial = {
        "held_date": event.held_date or timezone.localdate(),
        "worker_attendance": event.worker_attendance,
        "unregistered_enterprise_count": event.unregistered_enterprise_count,
        "enterprises": [e.pk for e in event.enterprises.all()],
        "summary": event.summary,
    }
    return RecordHeldForm(data, initial=initial, enterprises=enterprise_list())


def _onsite_context(request, event, case_form=None, record_form=None):
    return {
        "event": event,
        "record_form": record_form or _record_form(request, event),
        "case_form": case_form or OnSiteCaseForm(),
        "cases": case_list(filters={"event": event.pk}).select_related("department"),
        "attachments": attachment_list(event=event),
        "photo_form": OnSitePhotoForm(),
    }


@member_required(write=True)
def event_record_view(request, event_id):
    """Record on site, made for a phone: attendance and enterprises, then cases one after another."""
    event = _event_or_404(event_id)
    if event.status == EventStatus.CANCELLED:
        messages.error(request, _("A cancelled event cannot be held."))
        return redirect("web:event-detail", event_id=event.pk)
    record_form = _record_form(request, event, request.POST if request.method == "POST" else None)
    if request.method == "POST" and record_form.is_valid():
        data = record_form.cleaned_data
        try:
            event_record_held(
                event=event,
                actor=request.user,
                held_date=data["held_date"],
                enterprises=list(data["enterprises"]),
                unregistered_enterprise_count=data["unregistered_enterprise_count"],
                worker_attendance=data["worker_attendance"],
                summary=data["summary"],
            )
        except ApplicationError as error:
            apply_error(record_form, error)
        else:
            messages.success(request, _("Saved: the event is recorded as held."))
            return redirect("web:event-record", event_id=event.pk)
    return render(request, "web/events/record.html", _onsite_context(request, event, record_form=record_form))


@member_required(write=True)
def event_record_case_view(request, event_id):
    """Add one case at the event (and solve or refer it at once). With htmx, answers with the case panel only."""
    event = _event_or_404(event_id)
    if request.method != "POST":
        return redirect("web:event-record", event_id=event.pk)
    form = OnSiteCaseForm(request.POST)
    saved = None
    if form.is_valid():
        try:
            case = case_record_on_site(event=event, actor=request.user, **form.service_input())
        except ApplicationError as error:
            apply_error(form, error, field_map=DISPUTE_FIELDS)
        else:
            saved = case
            form = OnSiteCaseForm()
    context = _onsite_context(request, event, case_form=form)
    context["saved"] = saved
    if is_htmx(request):
        return render(request, "web/events/_onsite_cases.html", context, status=200)
    if saved is not None:
        messages.success(request, _("Case saved: %(title)s") % {"title": saved.title})
        return redirect("web:event-record", event_id=event.pk)
    return render(request, "web/events/record.html", context)


@member_required
def event_qr_svg_view(request, event_id):
    """The event's QR code as an SVG file (for printing a poster)."""
    event = _event_or_404(event_id)
    if not event.is_open_for_qr:
        raise Http404(_("A cancelled event has no QR code."))
    url = request.build_absolute_uri(
        reverse("web:intake", kwargs={"token": intake_token(union=request.tenant, event=event)})
    )
    svg = '<?xml version="1.0" encoding="utf-8"?>\n' + qr_svg(url, scale=10)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="event-{event.number}-qr.svg"'
    return response
