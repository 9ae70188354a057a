"""Campaigns (专项行动) on a union's host. The union that defines a campaign (a city, or a province above it)
sees every participant's progress and the total, and exports it; each participant links its own events and
reports its own figures. Everything shown comes from the public campaign tables (oversight.campaigns)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from oversight.campaigns.exports import campaign_progress_xlsx
from oversight.campaigns.models import Aggregation, Campaign
from oversight.campaigns.selectors import (
    campaign_events,
    campaign_figures_of,
    campaign_for,
    campaign_may_join,
    campaign_progress,
    campaigns_defined_by,
    campaigns_joined_by,
)
from oversight.campaigns.services import (
    campaign_create,
    campaign_event_link,
    campaign_event_unlink,
    campaign_figures_report,
    campaign_may_define,
    campaign_update,
)
from shared.core.exceptions import ApplicationError
from tenants.events.models import EventStatus
from tenants.events.selectors import event_list
from web.access import denied, member_required
from web.forms import DateInput, apply_error

INDICATOR_ROWS = 4


class CampaignForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=DateInput())
    # Not required here: the service says what is missing, together with the other rules it checks.
    participants = forms.MultipleChoiceField(
        label=gettext_lazy("Participating unions"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, unions=(), rows=INDICATOR_ROWS, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows, self.editing = rows, editing
        self.fields["participants"].choices = [(str(u.pk), u.name) for u in unions]
        for row in range(rows):
            if editing:
                self.fields[f"indicator_{row}_id"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
                self.fields[f"indicator_{row}_remove"] = forms.BooleanField(
                    label=gettext_lazy("Remove"), required=False
                )
            self.fields[f"indicator_{row}_name"] = forms.CharField(
                label=gettext_lazy("Indicator"), max_length=100, required=False
            )
            self.fields[f"indicator_{row}_unit"] = forms.CharField(
                label=gettext_lazy("Unit"), max_length=20, required=False
            )
            self.fields[f"indicator_{row}_target"] = forms.DecimalField(
                label=gettext_lazy("Target"), max_digits=14, decimal_places=2, required=False
            )
            self.fields[f"indicator_{row}_aggregation"] = forms.ChoiceField(
                label=pgettext_lazy("campaign", "Total"), choices=Aggregation.choices, initial=Aggregation.SUM
            )
            self.fields[f"indicator_{row}_negative"] = forms.BooleanField(
                label=gettext_lazy("May be negative"), required=False
            )

    def main_fields(self):
        return [self[name] for name in ("title", "description", "starts_on", "ends_on", "participants")]

    def indicator_rows(self):
        """Each row: (its hidden id field when editing, else None; the visible fields)."""
        parts = ("name", "unit", "target", "aggregation", "negative") + (("remove",) if self.editing else ())
        return [
            (
                self[f"indicator_{row}_id"] if self.editing else None,
                [self[f"indicator_{row}_{part}"] for part in parts],
            )
            for row in range(self.rows)
        ]

    def campaign_fields(self) -> dict:
        """What campaign_create and campaign_update both take from the form."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "participants": [int(pk) for pk in data["participants"]],
            "indicators": self.indicators(),
        }

    def indicators(self) -> list[dict]:
        """The rows as the services take them; when editing, a row's id keeps that indicator, and a row
        marked "remove" is left out (the service refuses removing one with reported figures)."""
        data = self.cleaned_data
        items = []
        for row in range(self.rows):
            if self.editing and data.get(f"indicator_{row}_remove"):
                continue
            item = {
                "name": data.get(f"indicator_{row}_name", ""),
                "unit": data.get(f"indicator_{row}_unit", ""),
                "target": data.get(f"indicator_{row}_target"),
                "aggregation": data.get(f"indicator_{row}_aggregation") or Aggregation.SUM,
                "may_be_negative": data.get(f"indicator_{row}_negative", False),
            }
            if self.editing and data.get(f"indicator_{row}_id"):
                item["id"] = data[f"indicator_{row}_id"]
            items.append(item)
        return items


class FiguresForm(forms.Form):
    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            label = f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name
            self.fields[f"indicator_{indicator.pk}"] = forms.DecimalField(
                label=label,
                max_digits=14,
                decimal_places=2,
                required=False,
                min_value=None if indicator.may_be_negative else 0,
            )

    def values(self) -> dict:
        return {int(name.split("_", 1)[1]): value for name, value in self.cleaned_data.items()}


class LinkEventForm(forms.Form):
    event = forms.TypedChoiceField(label=gettext_lazy("Event"), coerce=int)

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [(e.pk, str(e)) for e in events]


def _campaign_or_404(request, campaign_id) -> Campaign:
    campaign = campaign_for(union=request.tenant, campaign_id=campaign_id)
    if campaign is None:
        raise Http404(_("No such campaign."))
    return campaign


@member_required
def campaign_list_view(request):
    union = request.tenant
    may_define = campaign_may_define(union=union)
    return render(
        request,
        "web/campaigns/list.html",
        {
            "may_define": may_define,
            "defined": campaigns_defined_by(union=union) if may_define else [],
            "joined": campaigns_joined_by(union=union),
        },
    )


@member_required(write=True)
def campaign_create_view(request):
    union = request.tenant
    if not campaign_may_define(union=union):
        return denied(request, _("Only a city or province union defines campaigns."))
    unions = list(campaign_may_join(owner=union))
    initial = {"participants": [str(u.pk) for u in unions if u.pk != union.pk]}
    form = CampaignForm(request.POST or None, unions=unions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(owner=union, actor=request.user, **form.campaign_fields())
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The campaign was created: %(title)s") % {"title": campaign.title})
            return redirect("web:campaign-detail", campaign_id=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/campaigns/form.html", {"form": form}, status=status)


EXTRA_INDICATOR_ROWS = 2  # blank rows on the edit page, for new indicators


def _edit_initial(campaign) -> dict:
    initial = {
        "title": campaign.title,
        "description": campaign.description,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "participants": [str(pk) for pk in campaign.participants.values_list("pk", flat=True)],
    }
    for row, indicator in enumerate(campaign.indicators.all()):
        initial.update(
            {
                f"indicator_{row}_id": indicator.pk,
                f"indicator_{row}_name": indicator.name,
                f"indicator_{row}_unit": indicator.unit,
                f"indicator_{row}_target": _plain(indicator.target) if indicator.target is not None else None,
                f"indicator_{row}_aggregation": indicator.aggregation,
                f"indicator_{row}_negative": indicator.may_be_negative,
            }
        )
    return initial


@member_required(write=True)
def campaign_edit_view(request, campaign_id):
    """The union that defined a campaign changes it; the rules (who may leave, which period, which
    indicators may go) are the service's, shown as field errors."""
    campaign = _campaign_or_404(request, campaign_id)
    union = request.tenant
    if campaign.owner_id != union.pk:
        return denied(request, _("Only the union that defined the campaign can change it."))
    current = list(campaign.participants.all())
    unions = list(campaign_may_join(owner=union))
    unions += [u for u in current if u.pk not in {j.pk for j in unions}]  # archived since: still listed
    rows = max(campaign.indicators.count() + EXTRA_INDICATOR_ROWS, INDICATOR_ROWS)
    if request.method == "POST":
        rows = max(rows, sum(1 for key in request.POST if key.endswith("_name") and key.startswith("indicator_")))
    form = CampaignForm(request.POST or None, unions=unions, rows=rows, editing=True, initial=_edit_initial(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            campaign_update(campaign=campaign, union=union, actor=request.user, **form.campaign_fields())
        except ApplicationError as error:
            apply_error(form, error)
        else:
            title = form.cleaned_data["title"]
            messages.success(request, _("The campaign was saved: %(title)s") % {"title": title})
            return redirect("web:campaign-detail", campaign_id=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/campaigns/form.html", {"form": form, "campaign": campaign}, status=status)


def _linkable_events(campaign, linked_ids):
    """The union's own events in the campaign's period, not cancelled and not linked yet (newest first)."""
    return [
        e
        for e in event_list()
        .exclude(status=EventStatus.CANCELLED)
        .filter(planned_date__lte=campaign.ends_on)
        .order_by("-number")[:300]
        if campaign.starts_on <= (e.held_date or e.planned_date) <= campaign.ends_on and e.pk not in linked_ids
    ]


def _plain(value):
    """97 rather than 97.00 in the form; 2.5 stays 2.5."""
    return int(value) if value == value.to_integral_value() else value.normalize()


def _detail_context(request, campaign, *, figures_form=None, link_form=None) -> dict:
    union = request.tenant
    context = {"campaign": campaign, "is_owner": campaign.owner_id == union.pk}
    context["may_edit"] = context["is_owner"] and request.membership.can_write
    if context["is_owner"]:
        context["progress"] = campaign_progress(campaign=campaign)
        context["all_events"] = campaign_events(campaign=campaign)
    context["is_participant"] = campaign.participants.filter(pk=union.pk).exists()
    if context["is_participant"]:
        indicators = list(campaign.indicators.all())
        own = campaign_figures_of(campaign=campaign, union=union)
        own_events = list(campaign_events(campaign=campaign, union=union))
        context.update(
            indicators=indicators,
            own_events=own_events,
            figures_form=figures_form
            or FiguresForm(indicators=indicators, initial={f"indicator_{pk}": _plain(v) for pk, v in own.items()}),
            link_form=link_form or LinkEventForm(events=_linkable_events(campaign, {e.event_id for e in own_events})),
        )
    return context


@member_required
def campaign_detail_view(request, campaign_id):
    campaign = _campaign_or_404(request, campaign_id)
    return render(request, "web/campaigns/detail.html", _detail_context(request, campaign))


@member_required(write=True)
def campaign_figures_view(request, campaign_id):
    campaign = _campaign_or_404(request, campaign_id)
    if request.method != "POST":
        return redirect("web:campaign-detail", campaign_id=campaign.pk)
    form = FiguresForm(request.POST, indicators=list(campaign.indicators.all()))
    if form.is_valid():
        try:
            campaign_figures_report(campaign=campaign, union=request.tenant, actor=request.user, values=form.values())
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Your figures were saved."))
            return redirect("web:campaign-detail", campaign_id=campaign.pk)
    context = _detail_context(request, campaign, figures_form=form)
    return render(request, "web/campaigns/detail.html", context, status=400)


@member_required(write=True)
def campaign_event_link_view(request, campaign_id):
    campaign = _campaign_or_404(request, campaign_id)
    if request.method != "POST":
        return redirect("web:campaign-detail", campaign_id=campaign.pk)
    raw = request.POST.get("event", "")
    event = event_list().filter(pk=int(raw)).first() if raw.isdigit() else None
    form = LinkEventForm(request.POST, events=[event] if event else [])
    if form.is_valid():
        try:
            campaign_event_link(campaign=campaign, union=request.tenant, event=event, actor=request.user)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Linked: %(event)s") % {"event": event})
            return redirect("web:campaign-detail", campaign_id=campaign.pk)
    context = _detail_context(request, campaign)
    context["link_form"] = form
    return render(request, "web/campaigns/detail.html", context, status=400)


@member_required(write=True)
def campaign_event_unlink_view(request, campaign_id, event_id):
    campaign = _campaign_or_404(request, campaign_id)
    if request.method == "POST":
        try:
            campaign_event_unlink(campaign=campaign, union=request.tenant, event_id=event_id, actor=request.user)
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The event is no longer linked to the campaign."))
    return redirect("web:campaign-detail", campaign_id=campaign.pk)


@member_required
def campaign_export_view(request, campaign_id):
    campaign = _campaign_or_404(request, campaign_id)
    if campaign.owner_id != request.tenant.pk:
        return denied(request, _("Only the union that defined the campaign exports its progress."))
    title = _("%(campaign)s: progress, exported %(when)s") % {
        "campaign": campaign.title,
        "when": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    content = campaign_progress_xlsx(progress=campaign_progress(campaign=campaign), title=title)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-{stamp}.xlsx"'
    return response
