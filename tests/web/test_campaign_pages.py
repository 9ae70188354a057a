"""Campaign pages: the city defines a campaign, counties link events and report figures, the city sees
progress per county and in total and exports it; other unions, viewers and forged Hosts are refused."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from oversight.campaigns.models import Campaign, CampaignEvent, CampaignFigure
from tests.oversight.campaigns.campaign_data import indicator_ids

pytestmark = pytest.mark.django_db


def test_the_city_creates_a_campaign_for_its_counties(page, world):
    client = page("tcity-admin", "tcity")
    form = client.get("/campaigns/new/").content.decode()
    assert "测试一区总工会" in form and "他市一县总工会" not in form
    data = {
        "title": "10万职工安康行",
        "starts_on": "2026-03-01",
        "ends_on": "2026-12-31",
        "participants": [str(world.union("tcounty1").pk), str(world.union("tcounty2").pk)],
        "indicator_0_name": "安全教育",
        "indicator_0_unit": "场",
        "indicator_0_target": "500",
        "indicator_0_aggregation": "sum",
        "indicator_1_name": "交通事故率变化",
        "indicator_1_unit": "%",
        "indicator_1_aggregation": "mean",
        "indicator_1_negative": "on",
    }
    for row in (2, 3):
        data[f"indicator_{row}_aggregation"] = "sum"
    response = client.post("/campaigns/new/", data)
    assert response.status_code == 302, response.content.decode()
    created = Campaign.objects.get(title="10万职工安康行")
    assert created.owner == world.union("tcity")
    assert [i.name for i in created.indicators.all()] == ["安全教育", "交通事故率变化"]
    assert "10万职工安康行" in page("tcounty1-viewer", "tcounty1").get("/campaigns/").content.decode()


def test_a_bad_campaign_form_explains_in_chinese_and_keeps_what_was_typed(page, world):
    client = page("tcity-staff", "tcity")
    response = client.post(
        "/campaigns/new/",
        {
            "title": "只写了标题的行动",
            "starts_on": "2026-12-01",
            "ends_on": "2026-01-01",
            "participants": [],
            **{f"indicator_{r}_aggregation": "sum" for r in range(4)},
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "只写了标题的行动" in content
    assert "结束" in content and "至少" in content
    assert Campaign.objects.count() == 0


def test_a_county_cannot_define_a_campaign(page):
    assert page("tcounty1-admin", "tcounty1").get("/campaigns/new/").status_code == 403


def _figures(campaign_id, ids, values):
    return {f"indicator_{pk}": value for pk, value in zip(ids, values, strict=True)}


def test_counties_report_and_the_city_sees_progress_and_exports_it(page, world, campaign, make_event):
    ids = indicator_ids(campaign)
    event = make_event("tcounty1", title="安全出行进园区", held=True, planned_date=datetime.date(2026, 5, 18))
    county = page("tcounty1-staff", "tcounty1")
    detail = county.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "安全出行进园区" in detail  # the event can be linked
    assert county.post(f"/campaigns/{campaign.pk}/events/", {"event": event.pk}).status_code == 302
    assert "10万职工安康行" in county.get(f"/events/{event.pk}/").content.decode()  # the event names its campaign
    assert (
        county.post(
            f"/campaigns/{campaign.pk}/figures/", _figures(campaign.pk, ids, ["120", "30000", "-40"])
        ).status_code
        == 302
    )
    other = page("tcounty2-admin", "tcounty2")
    assert (
        other.post(f"/campaigns/{campaign.pk}/figures/", _figures(campaign.pk, ids, ["80", "20000", "-30"])).status_code
        == 302
    )

    city = page("tcity-viewer", "tcity").get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "测试一区总工会" in city and "测试二县总工会" in city
    assert ">200<" in city and ">50000<" in city and ">-35<" in city  # totals: sum, sum, average
    assert "40%" in city and "50%" in city  # of 500 sessions and 100,000 vests
    assert "安全出行进园区" in city

    export = page("tcity-staff", "tcity").get(f"/campaigns/{campaign.pk}/export.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["测试一区总工会"][1:] == (1, 1, 40, 120, 30000, -40)
    assert rows["测试二县总工会"][1:] == (0, 0, 0, 80, 20000, -30)
    assert rows["合计"][1:] == (1, 1, 40, 200, 50000, -35)
    assert rows["目标"][4:] == (500, 100000, -30)
    events = load_workbook(io.BytesIO(export.content)).worksheets[1]
    assert [r[:4] for r in events.iter_rows(min_row=2, values_only=True)] == [
        ("测试一区总工会", event.number, "安全出行进园区", "已举办")
    ]


def test_a_bad_figure_is_refused_in_chinese_and_keeps_the_others(page, campaign):
    ids = indicator_ids(campaign)
    client = page("tcounty1-staff", "tcounty1")
    response = client.post(f"/campaigns/{campaign.pk}/figures/", _figures(campaign.pk, ids, ["77", "-5", "abc"]))
    assert response.status_code == 400
    content = response.content.decode()
    assert 'value="77"' in content
    assert CampaignFigure.objects.count() == 0


def test_viewers_read_but_cannot_report_or_link(page, campaign, make_event):
    ids = indicator_ids(campaign)
    viewer = page("tcounty1-viewer", "tcounty1")
    assert viewer.get(f"/campaigns/{campaign.pk}/").status_code == 200
    assert (
        viewer.post(f"/campaigns/{campaign.pk}/figures/", _figures(campaign.pk, ids, ["1", "1", "1"])).status_code
        == 403
    )
    event = make_event("tcounty1", planned_date=datetime.date(2026, 5, 1))
    assert viewer.post(f"/campaigns/{campaign.pk}/events/", {"event": event.pk}).status_code == 403
    assert CampaignFigure.objects.count() == 0 and CampaignEvent.objects.count() == 0


def test_another_union_and_a_forged_host_are_refused(page, campaign, make_event):
    ids = indicator_ids(campaign)
    url = f"/campaigns/{campaign.pk}/"
    # Another city's county on its own host: the campaign does not exist there.
    outsider = page("ocounty-admin", "ocounty")
    assert outsider.get(url).status_code == 404
    assert outsider.post(f"{url}figures/", _figures(campaign.pk, ids, ["1", "1", "1"])).status_code == 404
    assert page("ocity-admin", "ocity").get(f"{url}export.xlsx").status_code == 404
    # Forged Host: a tcounty2 session sent to tcounty1's or the city's host counts for nothing there.
    forged = page("tcounty2-admin", "tcounty2")
    for code in ("tcounty1", "tcity"):
        assert forged.get(url, HTTP_HOST=f"{code}.localhost").status_code == 403
        assert forged.post(f"{url}figures/", {}, HTTP_HOST=f"{code}.localhost").status_code == 403
    assert forged.get(url, HTTP_HOST="nosuch.localhost").status_code == 404
    # A participating county sees its own part, not the others' progress, and cannot export.
    county = page("tcounty1-admin", "tcounty1")
    assert "测试二县总工会" not in county.get(url).content.decode()
    assert county.get(f"{url}export.xlsx").status_code == 403
    # Anonymous: to the sign-in page.
    assert page(None, "tcity").get(url).status_code == 302


def test_a_county_cannot_link_another_unions_event(page, world, campaign, make_event):
    """The event id is looked up in the caller's own schema: another county's id is unknown there."""
    theirs = make_event("tcounty2", planned_date=datetime.date(2026, 5, 1))
    mine_ids = set()
    from django_tenants.utils import schema_context

    from tenants.events.models import Event

    with schema_context(world.union("tcounty1").schema_name):
        mine_ids = set(Event.objects.values_list("pk", flat=True))
    if theirs.pk in mine_ids:
        pytest.skip("the two schemas happen to share this id")
    response = page("tcounty1-staff", "tcounty1").post(f"/campaigns/{campaign.pk}/events/", {"event": theirs.pk})
    assert response.status_code == 400
    assert CampaignEvent.objects.count() == 0
