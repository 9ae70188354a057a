"""The campaign the campaign tests share: tcity's 10万职工安康行 for itself and its two counties."""

import datetime

from oversight.campaigns.services import campaign_create

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
INDICATORS = [
    {"name": "安全教育", "unit": "场", "target": 500},
    {"name": "赠送安全背心", "unit": "份", "target": 100000},
    {"name": "交通事故率变化", "unit": "%", "aggregation": "mean", "may_be_negative": True, "target": -30},
]


def create_campaign(world):
    return campaign_create(
        owner=world.union("tcity"),
        actor=world.user("tcity-admin"),
        title="10万职工安康行",
        starts_on=START,
        ends_on=END,
        participants=[world.union(c) for c in ("tcity", "tcounty1", "tcounty2")],
        indicators=INDICATORS,
    )


def indicator_ids(campaign) -> list[int]:
    return list(campaign.indicators.order_by("position").values_list("pk", flat=True))
