"""The campaign's edit page, for the union that defined it: the form comes filled in with what is there (one
row per indicator, with a "remove" box, and blank rows to add); saving goes through campaign_update; its
refusals are Chinese messages on the page, with what was typed kept, and nothing saved. A participating
county, a viewer, another city and a forged Host are refused."""

from __future__ import annotations

import datetime

from oversight.campaigns.models import Campaign, CampaignFigure
from oversight.campaigns.services import campaign_figures_report
from tests.oversight.campaigns.campaign_data import indicator_ids


def _post_data(campaign, **overrides) -> dict:
    """The edit form as the page fills it in, with `overrides`."""
    data = {
        "title": campaign.title,
        "description": campaign.description,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "participants": [str(pk) for pk in campaign.participants.values_list("pk", flat=True)],
    }
    for row, indicator in enumerate(campaign.indicators.order_by("position")):
        data.update(
            {
                f"indicator_{row}_id": str(indicator.pk),
                f"indicator_{row}_name": indicator.name,
                f"indicator_{row}_unit": indicator.unit,
                f"indicator_{row}_target": str(indicator.target or ""),
                f"indicator_{row}_aggregation": indicator.aggregation,
            }
        )
        if indicator.may_be_negative:
            data[f"indicator_{row}_negative"] = "on"
    for row in range(3, 5):
        data[f"indicator_{row}_aggregation"] = "sum"
    data.update(overrides)
    return data


def test_the_city_edits_its_campaign_on_the_page(page, world, campaign):
    sessions, vests, accidents = indicator_ids(campaign)
    client = page("tcity-staff", "tcity")
    detail = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert f'href="/campaigns/{campaign.pk}/edit/"' in detail
    form = client.get(f"/campaigns/{campaign.pk}/edit/")
    text = form.content.decode()
    assert form.status_code == 200 and "修改专项行动" in text and 'value="赠送安全背心"' in text
    assert f'name="indicator_1_id" value="{vests}"' in text and 'name="indicator_4_name"' in text
    data = _post_data(
        campaign,
        title="安康行（修订）",
        ends_on="2027-01-31",
        indicator_0_name="安全教育讲座",
        indicator_1_remove="on",
        indicator_3_name="发放宣传册",
        indicator_3_unit="册",
        participants=[str(world.union("tcity").pk), str(world.union("tcounty1").pk)],
    )
    response = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{campaign.pk}/"
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.title == "安康行（修订）" and campaign.ends_on == datetime.date(2027, 1, 31)
    assert [i.name for i in campaign.indicators.order_by("position")] == [
        "安全教育讲座",
        "交通事故率变化",
        "发放宣传册",
    ]
    assert campaign.indicators.get(pk=sessions).pk == sessions and accidents in indicator_ids(campaign)
    assert sorted(campaign.participants.values_list("code", flat=True)) == ["tcity", "tcounty1"]


def test_a_refused_edit_explains_in_chinese_keeps_what_was_typed_and_saves_nothing(page, world, campaign):
    _sessions, vests, _accidents = indicator_ids(campaign)
    campaign_figures_report(campaign=campaign, union=world.union("tcounty2"), actor=None, values={vests: "50"})
    data = _post_data(
        campaign,
        title="新标题",
        indicator_1_remove="on",  # figures were reported for it
        participants=[str(world.union("tcity").pk), str(world.union("tcounty1").pk)],  # tcounty2 reported
    )
    response = page("tcity-admin", "tcity").post(f"/campaigns/{campaign.pk}/edit/", data)
    text = response.content.decode()
    assert response.status_code == 400
    assert "已有工会填报数据，不能删除" in text and "已关联活动或填报数据，不能移出" in text
    assert 'value="新标题"' in text
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.title == "10万职工安康行" and campaign.participants.count() == 3
    assert CampaignFigure.objects.filter(indicator_id=vests).count() == 1
    bad = page("tcity-admin", "tcity").post(
        f"/campaigns/{campaign.pk}/edit/", _post_data(campaign, ends_on="2025-01-01")
    )
    assert bad.status_code == 400 and "结束" in bad.content.decode()


def test_only_the_citys_writers_edit_and_others_are_refused(page, campaign):
    url = f"/campaigns/{campaign.pk}/edit/"
    assert page("tcounty1-admin", "tcounty1").get(url).status_code == 403  # a participant
    assert page("tcounty1-admin", "tcounty1").post(url, _post_data(campaign, title="夺")).status_code == 403
    assert page("tcity-viewer", "tcity").get(url).status_code == 403
    assert 'href="' + url not in page("tcity-viewer", "tcity").get(f"/campaigns/{campaign.pk}/").content.decode()
    assert page("ocity-admin", "ocity").get(url).status_code == 404  # another city's: not found
    assert page("ocity-admin", "tcity").post(url, _post_data(campaign, title="夺")).status_code in (302, 403)
    assert Campaign.objects.get(pk=campaign.pk).title == "10万职工安康行"
