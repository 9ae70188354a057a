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


UNCHANGED = object()  # campaign_update: a field the caller did not send keeps its value


def _union_ids(participants, allowed: dict[int, Union], errors: FieldErrors) -> list[int] | None:
    """Participants given as unions, ids or codes, checked against those who may take part."""
    by_code = {u.code: pk for pk, u in allowed.items()}
    ids = []
    for item in participants or ():
        if isinstance(item, Union):
            ids.append(item.pk)
        elif isinstance(item, int) and not isinstance(item, bool):
            ids.append(item)
        elif isinstance(item, str) and item.strip().isdigit():
            ids.append(int(item.strip()))
        else:
            ids.append(by_code.get(str(item).strip(), -1))
    if any(pk not in allowed for pk in ids):
        errors.add("participants", _("Only this union and the unions below it can take part."))
        return None
    if not ids:
        errors.add("participants", _("Choose the participating unions."))
        return None
    return list(dict.fromkeys(ids))


def _indicator_edit(
    indicator: CampaignIndicator, item: dict, position: int, negative: set[int], errors: FieldErrors
) -> bool:
    """Apply one item to an existing indicator (in memory); False, with the reason added, if it cannot be."""
    raw_name = item.get("name")
    name = raw_name.strip() if isinstance(raw_name, str) else ""
    if not name:
        errors.add("indicators", _("Each indicator needs a name."))
        return False
    aggregation = item.get("aggregation") or indicator.aggregation
    if aggregation not in Aggregation.values:
        errors.add("indicators", _("Unknown way of totalling: %(value)s.") % {"value": aggregation})
        return False
    may_be_negative = bool(item.get("may_be_negative", indicator.may_be_negative))
    if not may_be_negative and indicator.pk in negative:
        message = _("“%(name)s” already has negative figures: it must stay allowed to be negative.")
        errors.add("indicators", message % {"name": indicator.name})
        return False
    indicator.name, indicator.aggregation, indicator.may_be_negative = name[:100], aggregation, may_be_negative
    if "unit" in item:
        indicator.unit = (item.get("unit") or "").strip()[:20]
    if "target" in item:
        indicator.target = item.get("target")
    indicator.position = position
    return True


def _indicator_new(item: dict, position: int, errors: FieldErrors) -> CampaignIndicator | None:
    aggregation = item.get("aggregation") or Aggregation.SUM
    if aggregation not in Aggregation.values:
        errors.add("indicators", _("Unknown way of totalling: %(value)s.") % {"value": aggregation})
        return None
    return CampaignIndicator(
        name=item["name"].strip()[:100],
        unit=(item.get("unit") or "").strip()[:20],
        target=item.get("target"),
        aggregation=aggregation,
        may_be_negative=bool(item.get("may_be_negative")),
        position=position,
    )


def _indicator_changes(
    campaign: Campaign, indicators: list, errors: FieldErrors
) -> tuple[list[CampaignIndicator], list[CampaignIndicator], list[int]]:
    """What the list of indicators changes: (kept ones, updated in memory; new ones; ids to remove). An item
    with an "id" is an existing indicator (renamed, its unit, target, total or sign changed); one without is
    new (skipped when it has no name); an existing one left out is removed, which only an indicator without
    reported figures may be."""
    existing = {i.pk: i for i in campaign.indicators.all()}
    figures = CampaignFigure.objects.filter(indicator__campaign=campaign)
    reported = set(figures.values_list("indicator_id", flat=True))
    negative = set(figures.filter(value__lt=0).values_list("indicator_id", flat=True))
    kept, made, seen = [], [], set()
    for position, item in enumerate(indicators):
        if not isinstance(item, dict):
            errors.add("indicators", _("Each indicator needs a name."))
        elif item.get("id") in (None, ""):
            if isinstance(item.get("name"), str) and item["name"].strip():
                made.append(_indicator_new(item, position, errors))
        elif str(item["id"]).isdigit() and int(item["id"]) in existing and int(item["id"]) not in seen:
            indicator = existing[int(item["id"])]
            seen.add(indicator.pk)
            if _indicator_edit(indicator, item, position, negative, errors):
                kept.append(indicator)
        else:
            errors.add("indicators", _("Unknown indicator: %(id)s.") % {"id": item["id"]})
    made = [indicator for indicator in made if indicator is not None]
    removed = [pk for pk in existing if pk not in seen]
    for pk in removed:
        if pk in reported:
            message = _("“%(name)s” cannot be removed: unions have reported figures for it.")
            errors.add("indicators", message % {"name": existing[pk].name})
    if not kept and not made and "indicators" not in errors:
        errors.add("indicators", _("Name at least one indicator."))
    return kept, made, removed


def _checked_period(campaign: Campaign, starts_on, ends_on, errors: FieldErrors) -> tuple:
    if starts_on is not UNCHANGED and not isinstance(starts_on, datetime.date):
        errors.add("starts_on", _("A start date is required."))
    if ends_on is not UNCHANGED and not isinstance(ends_on, datetime.date):
        errors.add("ends_on", _("An end date is required."))
    start = starts_on if isinstance(starts_on, datetime.date) else campaign.starts_on
    end = ends_on if isinstance(ends_on, datetime.date) else campaign.ends_on
    if "starts_on" in errors or "ends_on" in errors:
        return start, end
    if end < start:
        errors.add("ends_on", _("The campaign cannot end before it starts."))
    else:
        _check_period(campaign, start, end, errors)
    return start, end


def _checked_participants(campaign: Campaign, owner: Union, participants, errors: FieldErrors) -> list[int] | None:
    allowed = {u.pk: u for u in campaign_may_join(owner=owner)}
    # A participant archived since keeps its place (and its figures), but none can be added anew.
    current = {u.pk: u for u in campaign.participants.all()}
    ids = _union_ids(participants, {**allowed, **current}, errors)
    if ids is not None:
        _check_leaving(campaign, [union for pk, union in current.items() if pk not in ids], errors)
    return ids


@transaction.atomic
@records_actor
def campaign_update(
    *,
    campaign: Campaign,
    union: Union,
    actor,
    title=UNCHANGED,
    description=UNCHANGED,
    starts_on=UNCHANGED,
    ends_on=UNCHANGED,
    participants=UNCHANGED,
    indicators=UNCHANGED,
) -> Campaign:
    """Change a campaign; only the union that defined it (`union`, the caller's) may. A field left UNCHANGED
    keeps its value. Refused with field errors, and nothing saved: a participant who already linked events or
    reported figures cannot be removed; the period cannot leave a linked event outside it; an indicator with
    reported figures cannot be removed (it can be renamed). Participants: unions, ids or codes; indicators:
    dicts as for campaign_create, with the "id" of an existing one to keep or change it."""
    if campaign.owner_id != union.pk or not campaign_may_define(union=union):
        raise ApplicationError(
            _("Only the union that defined the campaign can change it."), code="forbidden", status=403
        )
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    errors = FieldErrors()
    if title is not UNCHANGED:
        title = title.strip() if isinstance(title, str) else ""
        if not title:
            errors.add("title", _("The title is required."))
    start, end = _checked_period(campaign, starts_on, ends_on, errors)
    ids = None if participants is UNCHANGED else _checked_participants(campaign, union, participants, errors)
    changes = None if indicators is UNCHANGED else _indicator_changes(campaign, list(indicators or ()), errors)
    errors.raise_if_any()

    if title is not UNCHANGED:
        campaign.title = title[:200]
    if description is not UNCHANGED:
        campaign.description = (description or "").strip()
    campaign.starts_on, campaign.ends_on = start, end
    campaign.save()
    if ids is not None:
        campaign.participants.set(ids)
    if changes is not None:
        _indicators_save(campaign, *changes)
    return campaign


def _indicators_save(campaign: Campaign, kept, made, removed) -> None:
    CampaignIndicator.objects.filter(campaign=campaign, pk__in=removed).delete()
    for indicator in kept:
        indicator.save()
    for indicator in made:
        indicator.campaign = campaign
    CampaignIndicator.objects.bulk_create(made)


def _check_period(campaign: Campaign, start: datetime.date, end: datetime.date, errors: FieldErrors) -> None:
    """Every linked event's date (held, or else planned) must stay within the period."""
    days = [held or planned for held, planned in campaign.events.values_list("held_date", "planned_date")]
    before = sorted(d for d in days if d < start)
    after = sorted(d for d in days if d > end)
    if before:
        errors.add(
            "starts_on",
            _("%(count)d linked events would fall outside the period (the earliest on %(day)s).")
            % {"count": len(before), "day": before[0].isoformat()},
        )
    if after:
        errors.add(
            "ends_on",
            _("%(count)d linked events would fall outside the period (the latest on %(day)s).")
            % {"count": len(after), "day": after[-1].isoformat()},
        )


def _check_leaving(campaign: Campaign, leaving: list[Union], errors: FieldErrors) -> None:
    """A participant that linked events or reported figures stays (its work would be lost)."""
    if not leaving:
        return
    pks = [u.pk for u in leaving]
    busy = set(CampaignEvent.objects.filter(campaign=campaign, union_id__in=pks).values_list("union_id", flat=True))
    busy |= set(
        CampaignFigure.objects.filter(indicator__campaign=campaign, union_id__in=pks).values_list("union_id", flat=True)
    )
    for union in leaving:
        if union.pk in busy:
            errors.add(
                "participants",
                _("%(union)s has already linked events or reported figures: it cannot be removed.")
                % {"union": union.name},
            )


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
