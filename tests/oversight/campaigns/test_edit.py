"""Editing a campaign after it was made, by the union that defined it only: title, period, participants,
indicators (add, rename, remove while nothing is reported for it), in the service and through PATCH. Refused
with Chinese field errors, nothing saved: removing a participant that linked events or reported figures, a
period that would leave a linked event outside, removing an indicator with figures. A participating county,
another city and a forged Host cannot change it."""

from __future__ import annotations

import datetime

import pytest

from oversight.campaigns.models import Campaign, CampaignEvent, CampaignFigure, CampaignIndicator
from oversight.campaigns.services import campaign_event_link, campaign_figures_report, campaign_update
from shared.core.exceptions import ApplicationError

from .campaign_data import END, START, indicator_ids

pytestmark = pytest.mark.django_db


def _chinese(text) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def _edit(world, campaign, **changes):
    return campaign_update(campaign=campaign, union=world.union("tcity"), actor=world.user("tcity-admin"), **changes)


def _link(world, in_union, make_event, campaign, code, day):
    event = make_event(code, planned_date=day)
    with in_union(code):
        return campaign_event_link(campaign=campaign, union=world.union(code), event=event, actor=None)


def test_the_owner_renames_moves_the_period_and_changes_participants_and_indicators(world, campaign):
    sessions, vests, accidents = indicator_ids(campaign)
    _edit(
        world,
        campaign,
        title=" 10万职工安康行（2026） ",
        description="全年开展",
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2027, 1, 31),
        participants=["tcity", "tcounty1"],  # codes, ids or unions
        indicators=[
            {"id": sessions, "name": "安全教育讲座", "unit": "场", "target": 600},
            {"id": accidents, "name": "交通事故率变化", "unit": "%", "aggregation": "mean", "may_be_negative": True},
            {"name": "发放宣传册", "unit": "册"},
            {"name": "   "},  # an empty row: skipped
        ],
    )
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert (campaign.title, campaign.description) == ("10万职工安康行（2026）", "全年开展")
    assert (campaign.starts_on, campaign.ends_on) == (datetime.date(2026, 2, 1), datetime.date(2027, 1, 31))
    assert sorted(campaign.participants.values_list("code", flat=True)) == ["tcity", "tcounty1"]
    indicators = list(campaign.indicators.order_by("position"))
    assert [(i.name, i.target) for i in indicators][:2] == [("安全教育讲座", 600), ("交通事故率变化", -30)]
    assert indicators[0].pk == sessions and indicators[1].pk == accidents and indicators[2].name == "发放宣传册"
    assert not CampaignIndicator.objects.filter(pk=vests).exists()  # removed: nothing was reported for it


def test_fields_left_out_keep_their_values(world, campaign):
    _edit(world, campaign, title="新名称")
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert (campaign.starts_on, campaign.ends_on, campaign.participants.count(), campaign.indicators.count()) == (
        START,
        END,
        3,
        3,
    )


def test_a_participant_with_linked_events_or_figures_cannot_be_removed(world, in_union, make_event, campaign):
    sessions, _vests, _accidents = indicator_ids(campaign)
    _link(world, in_union, make_event, campaign, "tcounty1", datetime.date(2026, 5, 18))
    campaign_figures_report(campaign=campaign, union=world.union("tcounty2"), actor=None, values={sessions: "3"})
    with pytest.raises(ApplicationError) as caught:
        _edit(world, campaign, title="改名", participants=["tcity"])
    reasons = caught.value.fields["participants"]
    assert len(reasons) == 2 and all(_chinese(r) for r in reasons)
    assert "测试一区总工会" in str(reasons[0]) + str(reasons[1]) and "测试二县总工会" in str(reasons[0]) + str(
        reasons[1]
    )
    campaign.refresh_from_db()
    assert campaign.title == "10万职工安康行" and campaign.participants.count() == 3  # nothing saved


def test_a_period_that_leaves_linked_events_outside_is_refused(world, in_union, make_event, campaign):
    _link(world, in_union, make_event, campaign, "tcounty1", datetime.date(2026, 3, 10))
    _link(world, in_union, make_event, campaign, "tcounty2", datetime.date(2026, 11, 20))
    with pytest.raises(ApplicationError) as caught:
        _edit(world, campaign, starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2026, 10, 31))
    assert "2026-03-10" in str(caught.value.fields["starts_on"][0]) and _chinese(caught.value.fields["starts_on"][0])
    assert "2026-11-20" in str(caught.value.fields["ends_on"][0])
    with pytest.raises(ApplicationError) as caught:
        _edit(world, campaign, ends_on=datetime.date(2025, 12, 1))
    assert set(caught.value.fields) == {"ends_on"}  # before it starts
    _edit(world, campaign, starts_on=datetime.date(2026, 3, 10), ends_on=datetime.date(2026, 11, 20))  # just fits
    assert Campaign.objects.get(pk=campaign.pk).starts_on == datetime.date(2026, 3, 10)


def test_an_indicator_with_figures_can_be_renamed_not_removed(world, campaign):
    sessions, vests, accidents = indicator_ids(campaign)
    campaign_figures_report(
        campaign=campaign, union=world.union("tcounty1"), actor=None, values={vests: "10", accidents: "-5"}
    )
    keep = [{"id": sessions, "name": "安全教育"}, {"id": accidents, "name": "事故变化", "may_be_negative": True}]
    with pytest.raises(ApplicationError) as caught:
        _edit(world, campaign, indicators=keep)
    assert "赠送安全背心" in str(caught.value.fields["indicators"][0]) and _chinese(
        caught.value.fields["indicators"][0]
    )
    assert CampaignIndicator.objects.filter(pk=vests).exists()
    # Negative figures are reported: the indicator must stay allowed to be negative.
    with pytest.raises(ApplicationError):
        _edit(
            world,
            campaign,
            indicators=[
                *keep[:1],
                {"id": vests, "name": "背心"},
                {"id": accidents, "name": "x", "may_be_negative": False},
            ],
        )
    _edit(world, campaign, indicators=[*keep, {"id": vests, "name": "安全背心"}])
    assert CampaignIndicator.objects.get(pk=vests).name == "安全背心"
    assert CampaignFigure.objects.filter(indicator_id=vests).count() == 1  # the figures stay with it


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": "  "}, "title"),
        ({"starts_on": "2026-01-01"}, "starts_on"),
        ({"participants": []}, "participants"),
        ({"participants": ["ocounty"]}, "participants"),  # another city's county
        ({"participants": ["nosuch"]}, "participants"),
        ({"indicators": []}, "indicators"),
        ({"indicators": [{"id": 999999999, "name": "x"}]}, "indicators"),  # not this campaign's
        ({"indicators": [{"name": "新", "aggregation": "median"}]}, "indicators"),
    ],
)
def test_bad_changes_are_chinese_field_errors_and_save_nothing(world, campaign, changes, field):
    with pytest.raises(ApplicationError) as caught:
        _edit(world, campaign, **changes)
    assert field in caught.value.fields and all(_chinese(r) for r in caught.value.fields[field])
    campaign.refresh_from_db()
    assert (
        campaign.participants.count() == 3 and campaign.indicators.count() == 3 and campaign.title == "10万职工安康行"
    )


def test_only_the_union_that_defined_it_changes_it(world, campaign):
    for code in ("tcounty1", "ocity"):
        with pytest.raises(ApplicationError) as caught:
            campaign_update(campaign=campaign, union=world.union(code), actor=world.user(f"{code}-admin"), title="夺")
        assert caught.value.status == 403 and _chinese(caught.value.message)
    assert Campaign.objects.get(pk=campaign.pk).title == "10万职工安康行"


# --- API ------------------------------------------------------------------------------------------------


def test_patch_changes_what_is_sent(api, campaign):
    sessions, vests, accidents = indicator_ids(campaign)
    url = f"/api/v1/campaigns/{campaign.pk}/"
    body = {
        "title": "安康行",
        "ends_on": "2027-03-31",
        "participants": ["tcity", "tcounty2"],
        "indicators": [
            {"id": sessions, "name": "讲座"},
            {"id": accidents, "name": "事故变化", "may_be_negative": True, "aggregation": "mean"},
            {"name": "新指标", "unit": "个", "target": "12.5"},
        ],
    }
    response = api("tcity-staff", "tcity").patch(url, body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["title"] == "安康行" and data["ends_on"] == "2027-03-31" and data["starts_on"] == "2026-01-01"
    assert sorted(data["participants"]) == ["tcity", "tcounty2"]
    assert [i["name"] for i in data["indicators"]] == ["讲座", "事故变化", "新指标"]
    assert data["indicators"][2]["target"] == "12.50" and vests not in [i["id"] for i in data["indicators"]]


def test_patch_refusals_are_400_with_chinese_field_errors(api, world, in_union, make_event, campaign):
    _link(world, in_union, make_event, campaign, "tcounty1", datetime.date(2026, 5, 18))
    url = f"/api/v1/campaigns/{campaign.pk}/"
    client = api("tcity-admin", "tcity")
    for body, field in (
        ({"participants": ["tcity", "tcounty2"]}, "participants"),  # tcounty1 linked an event
        ({"starts_on": "2026-06-01"}, "starts_on"),
        ({"ends_on": "not a date"}, "ends_on"),
        ({"indicators": "nope"}, "indicators"),
        ({"title": "x" * 201}, "title"),
    ):
        response = client.patch(url, body, format="json")
        assert response.status_code == 400, (body, response.content)
        reasons = response.json()["error"]["fields"][field]
        assert all(_chinese(r) for r in reasons), reasons
    assert CampaignEvent.objects.filter(campaign=campaign).count() == 1
    assert Campaign.objects.get(pk=campaign.pk).starts_on == START


def test_patch_by_a_participant_a_viewer_another_city_or_a_forged_host_is_refused(api, campaign):
    url = f"/api/v1/campaigns/{campaign.pk}/"
    assert api("tcounty1-admin", "tcounty1").patch(url, {"title": "夺"}, format="json").status_code == 403
    assert api("tcity-viewer", "tcity").patch(url, {"title": "夺"}, format="json").status_code == 403
    assert api("ocity-admin", "ocity").patch(url, {"title": "夺"}, format="json").status_code == 404
    assert api("ocity-admin", "tcity").patch(url, {"title": "夺"}, format="json").status_code == 403  # forged Host
    assert api(None, "tcity").patch(url, {"title": "夺"}, format="json").status_code in (401, 403)
    assert Campaign.objects.get(pk=campaign.pk).title == "10万职工安康行"
