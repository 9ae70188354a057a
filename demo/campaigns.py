"""The demo campaign: 衢州's 10万职工安康行 (2017), from the seed's account. After a 工情直通车 discussion on
electric-bike accidents, the city started the campaign: traffic police went into park enterprises, 500+ safety
sessions were held, 100,000+ safety vests and other safety markers handed out, and park workers' traffic
accident rate fell by about 35% that year. Each union's share below adds up to those figures."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django_tenants.utils import schema_context

from oversight.campaigns.models import Campaign, CampaignEvent
from oversight.campaigns.services import campaign_create, campaign_event_link, campaign_figures_report
from shared.accounts.models import User
from shared.unions.models import Union
from tenants.events.models import Event, EventStatus

TITLE = "10万职工安康行"
START, END = datetime.date(2017, 5, 18), datetime.date(2017, 12, 31)
INDICATORS = [
    {"name": "交通安全教育", "unit": "场", "target": 500},
    {"name": "赠送安全背心等安全标识", "unit": "份", "target": 100000},
    {"name": "园区企业职工交通事故率变化", "unit": "%", "aggregation": "mean", "may_be_negative": True, "target": -30},
]
# code: (sessions, safety markers handed out, change in the accident rate in %)
FIGURES = {
    "quzhou": (36, 12000, None),
    "kecheng": (92, 18600, -38),
    "qujiang": (71, 13200, -33),
    "changshan": (58, 9800, -31),
    "kaihua": (49, 8400, -29),
    "longyou": (97, 19500, -41),
    "jiangshan": (104, 20300, -38),
}


def _events_to_link(union: Union) -> list[Event]:
    """The union's traffic-safety events in the period; a union without one links its first held event there."""
    with schema_context(union.schema_name):
        in_period = (
            Event.objects.exclude(status=EventStatus.CANCELLED)
            .filter(planned_date__range=(START, END))
            .select_related("topic")
            .order_by("planned_date")
        )
        safety = [e for e in in_period if e.topic and e.topic.name == "职工安全出行"]
        if safety:
            return safety
        held = [e for e in in_period if e.status == EventStatus.HELD]
        return held[:1]


def demo_campaign_load(*, city: Union, unions: list[Union], figures: dict | None = None) -> Campaign:
    """Create the campaign once (a second run finds it) with every demo union's figures and linked events."""
    existing = Campaign.objects.filter(owner=city, title=TITLE).first()
    if existing is not None:
        return existing
    admin = User.objects.get(username=f"{city.code}-admin")
    campaign = campaign_create(
        owner=city,
        actor=admin,
        title=TITLE,
        description="针对开发区企业职工骑电动车上下班交通事故率高的问题，经“工情直通车”讨论后启动："
        "邀请交警部门进园区企业开展安全教育，赠送安全背心等安全标识。",
        starts_on=START,
        ends_on=END,
        participants=unions,
        indicators=INDICATORS,
    )
    indicator_ids = list(campaign.indicators.order_by("position").values_list("pk", flat=True))
    for union in unions:
        staff = User.objects.get(username=f"{union.code}-staff")
        reported = (FIGURES if figures is None else figures).get(union.code)
        if reported:
            values = {
                pk: (Decimal(v) if v is not None else None) for pk, v in zip(indicator_ids, reported, strict=True)
            }
            campaign_figures_report(campaign=campaign, union=union, actor=staff, values=values)
        for event in _events_to_link(union):
            if not CampaignEvent.objects.filter(campaign=campaign, union=union, event_id=event.pk).exists():
                campaign_event_link(campaign=campaign, union=union, event=event, actor=staff)
    return campaign
