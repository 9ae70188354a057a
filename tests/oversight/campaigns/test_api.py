"""Campaign API: the union above reads progress and totals; participants report and link their own; other
unions, viewers' writes and forged Hosts are refused."""

from __future__ import annotations

import datetime

import pytest

from oversight.campaigns.models import CampaignEvent, CampaignFigure

from .campaign_data import indicator_ids

pytestmark = pytest.mark.django_db


def test_participants_report_and_link_and_the_city_reads_the_totals(api, campaign, make_event):
    sessions, vests, accidents = indicator_ids(campaign)
    url = f"/api/v1/campaigns/{campaign.pk}/"
    county = api("tcounty1-staff", "tcounty1")
    reported = county.post(
        f"{url}figures/", {"values": {sessions: "120", vests: "30000", accidents: "-40"}}, format="json"
    )
    assert reported.status_code == 200, reported.content
    api("tcounty2-staff", "tcounty2").post(
        f"{url}figures/", {"values": {sessions: "80", vests: "", accidents: "-30"}}, format="json"
    )
    event = make_event("tcounty1", planned_date=datetime.date(2026, 5, 18))
    linked = county.post(f"{url}events/", {"event": event.pk}, format="json")
    assert linked.status_code == 201 and linked.json()["union"] == "tcounty1"
    mine = county.get(url).json()
    assert "progress" not in mine and mine["own_figures"] == {
        str(sessions): "120.00",
        str(vests): "30000.00",
        str(accidents): "-40.00",
    }
    assert [e["event_id"] for e in mine["own_events"]] == [event.pk]
    city = api("tcity-viewer", "tcity").get(url).json()
    assert city["progress"]["totals"] == {str(sessions): "200.00", str(vests): "30000.00", str(accidents): "-35.00"}
    assert city["progress"]["reporting"] == {str(sessions): 2, str(vests): 1, str(accidents): 2}
    assert city["progress"]["events_linked"] == 1
    assert county.delete(f"{url}events/{event.pk}/").status_code == 204
    assert CampaignEvent.objects.count() == 0
    assert [c["id"] for c in api("tcounty2-viewer", "tcounty2").get("/api/v1/campaigns/").json()["results"]] == [
        campaign.pk
    ]


def test_refusals(api, campaign):
    sessions = indicator_ids(campaign)[0]
    url = f"/api/v1/campaigns/{campaign.pk}/"
    body = {"values": {sessions: "1"}}
    assert api("tcounty1-viewer", "tcounty1").post(f"{url}figures/", body, format="json").status_code == 403
    assert api("ocounty-admin", "ocounty").get(url).status_code == 404  # another city's county
    assert api("ocounty-admin", "ocounty").post(f"{url}figures/", body, format="json").status_code == 404
    assert api("tcounty2-admin", "tcounty1").get(url).status_code == 403  # forged Host
    assert (
        api("tcounty1-staff", "tcounty1").post(f"{url}figures/", {"values": {sessions: "x"}}, format="json").status_code
        == 400
    )
    assert api("tcounty1-staff", "tcounty1").post(f"{url}events/", {"event": 99999}, format="json").status_code == 404
    assert CampaignFigure.objects.count() == 0
