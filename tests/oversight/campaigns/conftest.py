import datetime

import pytest

from oversight.campaigns.services import campaign_create
from tests.web.conftest import make_event  # noqa: F401 (events made through the events service)

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
INDICATORS = [
    {"name": "安全教育", "unit": "场", "target": 500},
    {"name": "赠送安全背心", "unit": "份", "target": 100000},
    {"name": "交通事故率变化", "unit": "%", "aggregation": "mean", "may_be_negative": True, "target": -30},
]


@pytest.fixture
def campaign(world):
    """tcity's campaign with its two counties taking part (tcity itself too)."""
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
