"""Writes for campaigns (专项行动). The union above defines a campaign; each participant links its own events
and reports its own figures here, in the public schema, so the union above reads them without visiting
the participants' schemas."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shared.audit.context import records_actor
from shared.core.exceptions import ApplicationError, FieldErrors
from shared.unions.models import Union, UnionLevel
from tenants.events.models import Event, EventStatus

from .models import Aggregation, Campaign, CampaignEvent, CampaignFigure, CampaignIndicator
from .selectors import campaign_may_join

MAX_FIGURE = Decimal("999999999999.99")


def campaign_may_define(*, union: Union) -> bool:
    """Only a union above others (a city; a province once there is one) defines campaigns."""
    return union.level != UnionLevel.COUNTY and union.archived_on is None


def _check_indicators(indicators: list[dict], errors: FieldErrors) -> list[CampaignIndicator]:
    made = []
    for position, item in enumerate(indicators):
        name = (item.get("name") or "").strip()
        if not name:
            continue
        aggregation = item.get("aggregation") or Aggregation.SUM
        if aggregation not in Aggregation.values:
            errors.add("indicators", _("Unknown way of totalling: %(value)s.") % {"value": aggregation})
            continue
        made.append(
            CampaignIndicator(
                name=name[:100],
                unit=(item.get("unit") or "").strip()[:20],
                target=item.get("target"),
                aggregation=aggregation,
                may_be_negative=bool(item.get("may_be_negative")),
                position=position,
            )
        )
    if not made:
        errors.add("indicators", _("Name at least one indicator."))
    return made


@transaction.atomic
@records_actor
def campaign_create(
    *,
    owner: Union,
    actor,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    participants,
    indicators: list[dict],
    description: str = "",
) -> Campaign:
    """A campaign of `owner` with its participants (the owner itself and unions below it) and indicators
    (dicts: name, unit, target, aggregation 'sum' | 'mean', may_be_negative)."""
    if not campaign_may_define(union=owner):
        raise ApplicationError(_("Only a city or province union defines campaigns."), code="forbidden", status=403)
    errors = FieldErrors()
    if not (title or "").strip():
        errors.add("title", _("The title is required."))
    if not isinstance(starts_on, datetime.date):
        errors.add("starts_on", _("A start date is required."))
    if not isinstance(ends_on, datetime.date):
        errors.add("ends_on", _("An end date is required."))
    elif isinstance(starts_on, datetime.date) and ends_on < starts_on:
        errors.add("ends_on", _("The campaign cannot end before it starts."))
    allowed = {u.pk: u for u in campaign_may_join(owner=owner)}
    ids = [u.pk if isinstance(u, Union) else int(u) for u in participants or ()]
    outsiders = [str(pk) for pk in ids if pk not in allowed]
    if outsiders:
        errors.add("participants", _("Only this union and the unions below it can take part."))
    elif not ids:
        errors.add("participants", _("Choose the participating unions."))
    made = _check_indicators(list(indicators or ()), errors)
    errors.raise_if_any()
    campaign = Campaign.objects.create(
        owner=owner,
        title=title.strip(),
        description=(description or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    campaign.participants.set([allowed[pk] for pk in dict.fromkeys(ids)])
    for indicator in made:
        indicator.campaign = campaign
    CampaignIndicator.objects.bulk_create(made)
    return campaign


def _participant(campaign: Campaign, union: Union) -> None:
    if not campaign.participants.filter(pk=union.pk).exists():
        raise ApplicationError(_("Your union does not take part in this campaign."), code="forbidden", status=403)


def _figure(raw, indicator: CampaignIndicator, errors: FieldErrors) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        errors.add(f"indicator_{indicator.pk}", _("Enter a number."))
        return None
    if not value.is_finite() or abs(value) > MAX_FIGURE:
        errors.add(f"indicator_{indicator.pk}", _("Enter a number."))
        return None
    if value < 0 and not indicator.may_be_negative:
        errors.add(f"indicator_{indicator.pk}", _("This figure cannot be negative."))
        return None
    return value.quantize(Decimal("0.01"))


@transaction.atomic
@records_actor
def campaign_figures_report(*, campaign: Campaign, union: Union, actor, values: dict) -> list[CampaignFigure]:
    """The participant's current figures: {indicator id: number or blank}. A blank leaves a figure unreported
    (and removes one reported before). All or nothing: one bad figure saves none."""
    _participant(campaign, union)
    indicators = {i.pk: i for i in campaign.indicators.all()}
    errors = FieldErrors()
    unknown = [str(key) for key in values if int(key) not in indicators]
    if unknown:
        errors.add("values", _("Unknown indicators: %(ids)s.") % {"ids": ", ".join(unknown)})
    parsed = {
        int(key): _figure(raw, indicators[int(key)], errors) for key, raw in values.items() if int(key) in indicators
    }
    errors.raise_if_any()
    saved = []
    for indicator_id, value in parsed.items():
        if value is None:
            CampaignFigure.objects.filter(indicator_id=indicator_id, union=union).delete()
            continue
        figure, _created = CampaignFigure.objects.update_or_create(
            indicator_id=indicator_id, union=union, defaults={"value": value, "reported_by": actor}
        )
        saved.append(figure)
    return saved


def _copy(event: Event) -> dict:
    return {
        "number": event.number,
        "title": event.title[:200],
        "status": event.status,
        "planned_date": event.planned_date,
        "held_date": event.held_date,
        "worker_attendance": event.worker_attendance,
    }


@transaction.atomic
@records_actor
def campaign_event_link(*, campaign: Campaign, union: Union, event: Event, actor) -> CampaignEvent:
    """Link one of `union`'s events (read from its own schema by the caller) to the campaign. Its date (held,
    or else planned) must fall in the campaign's period; a cancelled event is not linked."""
    _participant(campaign, union)
    if event.status == EventStatus.CANCELLED:
        raise ApplicationError(
            _("A cancelled event cannot be linked."), fields={"event": [_("A cancelled event cannot be linked.")]}
        )
    day = event.held_date or event.planned_date
    if not campaign.starts_on <= day <= campaign.ends_on:
        message = _("The event's date (%(day)s) is outside the campaign's period.") % {"day": day.isoformat()}
        raise ApplicationError(message, fields={"event": [message]})
    link, _created = CampaignEvent.objects.update_or_create(
        campaign=campaign, union=union, event_id=event.pk, defaults={**_copy(event), "linked_by": actor}
    )
    return link


@transaction.atomic
@records_actor
def campaign_event_unlink(*, campaign: Campaign, union: Union, event_id: int, actor) -> None:
    _participant(campaign, union)
    CampaignEvent.objects.filter(campaign=campaign, union=union, event_id=event_id).delete()


def campaign_events_refresh(*, schema_name: str, event: Event) -> int:
    """Keep the copies of a linked event current (called when the event is saved in its union's schema)."""
    return CampaignEvent.objects.filter(union__schema_name=schema_name, event_id=event.pk).update(**_copy(event))
