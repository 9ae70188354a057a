"""The demo's 10万职工安康行: the seed's figures (500+ sessions, 100,000+ safety markers, about -35% accidents)
and the city's own campaign events linked."""

import datetime
from decimal import Decimal

import pytest

from demo.campaigns import FIGURES, demo_campaign_load
from oversight.campaigns.models import Campaign, CampaignEvent
from oversight.campaigns.selectors import campaign_progress
from tenants.events.demo import demo_history_load

pytestmark = pytest.mark.django_db


def test_the_demo_figures_add_up_to_the_seeds_account():
    sessions = sum(f[0] for f in FIGURES.values())
    markers = sum(f[1] for f in FIGURES.values())
    changes = [f[2] for f in FIGURES.values() if f[2] is not None]
    assert sessions >= 500 and markers >= 100_000
    assert sum(changes) / len(changes) == -35


def test_the_demo_campaign_links_the_citys_campaign_events_and_loads_once(world):
    city, county = world.union("tcity"), world.union("tcounty1")
    for union in (city, county):
        demo_history_load(union=union, seed=7, today=datetime.date(2026, 11, 20))
    figures = {"tcity": FIGURES["quzhou"], "tcounty1": FIGURES["kecheng"]}
    campaign = demo_campaign_load(city=city, unions=[city, county], figures=figures)
    assert demo_campaign_load(city=city, unions=[city, county], figures=figures) == campaign
    assert Campaign.objects.filter(title="10万职工安康行").count() == 1
    city_events = set(CampaignEvent.objects.filter(union=city).values_list("planned_date", "status"))
    assert {(datetime.date(2017, 5, 18), "held"), (datetime.date(2017, 11, 16), "held")} <= city_events
    assert CampaignEvent.objects.filter(union=county).exists()
    progress = campaign_progress(campaign=campaign)
    sessions, markers, change = progress.total_values()
    assert (sessions, markers, change) == (Decimal(36 + 92), Decimal(12000 + 18600), Decimal(-38))
    assert progress.events_held >= 2
