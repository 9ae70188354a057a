"""Print views (A4, print stylesheet): a referred case's 交办单 for the department, an event's record sheet,
and an event's QR poster as a printable page and as a PNG."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tenants.cases.masking import may_see_contact
from tenants.cases.models import CaseStatus
from tenants.cases.selectors import case_list
from web.access import member_required
from web.poster import poster_png
from web.qr import intake_token, qr_svg
from web.templatetags.webui import local

from .cases import _case_or_404
from .events import _event_or_404


@member_required
def case_referral_print_view(request, case_id):
    case = _case_or_404(case_id)
    if case.department_id is None or case.status not in (CaseStatus.REFERRED, CaseStatus.IN_PROGRESS):
        raise Http404(_("Only a case referred to a department has a referral sheet."))
    referral = case.transitions.filter(to_status=CaseStatus.REFERRED).order_by("-at", "-id").first()
    return render(
        request,
        "web/print/referral.html",
        {"case": case, "referral": referral, "show_contact": may_see_contact(request.membership)},
    )


@member_required
def event_record_print_view(request, event_id):
    event = _event_or_404(event_id)
    cases = case_list(filters={"event": event.pk}).select_related("department")
    return render(request, "web/print/event_record.html", {"event": event, "cases": cases})


def _intake_url(request, event) -> str:
    if not event.is_open_for_qr:
        raise Http404(_("A cancelled event has no QR code."))
    token = intake_token(union=request.tenant, event=event)
    return request.build_absolute_uri(reverse("web:intake", kwargs={"token": token}))


@member_required
def event_poster_view(request, event_id):
    event = _event_or_404(event_id)
    url = _intake_url(request, event)
    return render(request, "web/print/poster.html", {"event": event, "qr_url": url, "qr_svg": qr_svg(url, scale=8)})


@member_required
def event_poster_png_view(request, event_id):
    event = _event_or_404(event_id)
    url = _intake_url(request, event)
    venue = event.get_venue_kind_display() + (f" · {event.venue_name}" if event.venue_name else "")
    content = poster_png(
        union_name=f"{request.tenant.name} · {_('Worker-Affairs Express')}",
        title=event.title,
        when=local(event.held_date or event.planned_date),
        venue=venue,
        url=url,
        call=_("Scan to tell us your problem or suggestion — no account needed"),
    )
    response = HttpResponse(content, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="event-{event.number}-poster.png"'
    return response
