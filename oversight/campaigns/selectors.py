"""Reads for campaigns: who may take part, the campaigns of a union, and the progress per participant and in
total, all from the public schema (a fixed number of queries whatever the number of participants)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from shared.unions.models import Union
from shared.unions.selectors import union_children

from .models import Aggregation, Campaign, CampaignEvent, CampaignFigure, CampaignIndicator


def campaign_may_join(*, owner: Union) -> QuerySet[Union]:
    """The owner itself and the unions below it (a city's counties; a province's cities and their counties)."""
    children = union_children(union=owner)
    return (
        Union.objects.filter(Q(pk=owner.pk) | Q(pk__in=children.values("pk")) | Q(parent__in=children.values("pk")))
        .filter(archived_on__isnull=True)
        .order_by("region_code", "code")
    )


def campaigns_defined_by(*, union: Union) -> QuerySet[Campaign]:
    return Campaign.objects.filter(owner=union).annotate(participant_count=Count("participants", distinct=True))


def campaigns_joined_by(*, union: Union) -> QuerySet[Campaign]:
    return Campaign.objects.filter(participants=union).select_related("owner")


def campaign_for(*, union: Union, campaign_id: int) -> Campaign | None:
    """A campaign `union` defined or takes part in; None for any other (another city's included)."""
    return (
        Campaign.objects.filter(Q(owner=union) | Q(participants=union), pk=campaign_id)
        .select_related("owner")
        .distinct()
        .first()
    )


@dataclass
class ParticipantProgress:
    union: Union
    events_linked: int = 0
    events_held: int = 0
    worker_attendance: int = 0
    figures: dict[int, Decimal | None] = field(default_factory=dict)

    def values(self, indicators) -> list[Decimal | None]:
        return [self.figures.get(i.pk) for i in indicators]


@dataclass
class CampaignProgress:
    campaign: Campaign
    indicators: list[CampaignIndicator]
    rows: list[ParticipantProgress]
    totals: dict[int, Decimal | None]
    reporting: dict[int, int]  # how many unions reported each indicator
    events_linked: int
    events_held: int
    worker_attendance: int

    def total_values(self) -> list[Decimal | None]:
        return [self.totals.get(i.pk) for i in self.indicators]

    def shares(self) -> list[int | None]:
        """Per indicator, the total as a whole percentage of its target (None without a target)."""
        result = []
        for indicator in self.indicators:
            total, target = self.totals.get(indicator.pk), indicator.target
            result.append(None if total is None or not target else int(total * 100 / target))
        return result


def campaign_progress(*, campaign: Campaign) -> CampaignProgress:
    """Each participant's linked events (held ones counted with their attendance) and figures, and the totals:
    a sum, or the average over the unions that reported, per indicator."""
    indicators = list(campaign.indicators.all())
    participants = list(campaign.participants.order_by("region_code", "code"))
    rows = {u.pk: ParticipantProgress(union=u) for u in participants}
    held = Q(status="held")
    for line in (
        CampaignEvent.objects.filter(campaign=campaign)
        .values("union_id")
        .annotate(linked=Count("id"), held=Count("id", filter=held), attendance=Sum("worker_attendance", filter=held))
    ):
        row = rows.get(line["union_id"])
        if row is not None:
            row.events_linked, row.events_held = line["linked"], line["held"]
            row.worker_attendance = line["attendance"] or 0
    for figure in CampaignFigure.objects.filter(indicator__campaign=campaign, union_id__in=rows):
        rows[figure.union_id].figures[figure.indicator_id] = figure.value
    totals, reporting = {}, {}
    for indicator in indicators:
        values = [r.figures[indicator.pk] for r in rows.values() if indicator.pk in r.figures]
        reporting[indicator.pk] = len(values)
        if not values:
            totals[indicator.pk] = None
        elif indicator.aggregation == Aggregation.MEAN:
            totals[indicator.pk] = (sum(values) / len(values)).quantize(Decimal("0.01"))
        else:
            totals[indicator.pk] = sum(values)
    ordered = list(rows.values())
    return CampaignProgress(
        campaign=campaign,
        indicators=indicators,
        rows=ordered,
        totals=totals,
        reporting=reporting,
        events_linked=sum(r.events_linked for r in ordered),
        events_held=sum(r.events_held for r in ordered),
        worker_attendance=sum(r.worker_attendance for r in ordered),
    )


def campaign_events(*, campaign: Campaign, union: Union | None = None) -> QuerySet[CampaignEvent]:
    events = CampaignEvent.objects.filter(campaign=campaign).select_related("union")
    return events.filter(union=union) if union is not None else events.order_by("union__region_code", "number")


def campaign_figures_of(*, campaign: Campaign, union: Union) -> dict[int, Decimal]:
    return dict(
        CampaignFigure.objects.filter(indicator__campaign=campaign, union=union).values_list("indicator_id", "value")
    )


def campaigns_of_event(*, union: Union, event_id: int) -> QuerySet[Campaign]:
    return Campaign.objects.filter(events__union=union, events__event_id=event_id).distinct()
