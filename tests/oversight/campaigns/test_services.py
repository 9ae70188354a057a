"""Campaigns: who defines and joins, figures reported by each participant, totals (sum and average), events
linked and kept current, all read from public tables."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from oversight.campaigns.models import CampaignEvent, CampaignFigure
from oversight.campaigns.selectors import campaign_for, campaign_progress
from oversight.campaigns.services import (
    campaign_create,
    campaign_event_link,
    campaign_event_unlink,
    campaign_figures_report,
)
from shared.core.exceptions import ApplicationError
from tenants.events.services import event_cancel, event_record_held

from .campaign_data import END, INDICATORS, START, indicator_ids

pytestmark = pytest.mark.django_db


def _report(world, campaign, code, values):
    sessions, vests, accidents = indicator_ids(campaign)
    return campaign_figures_report(
        campaign=campaign,
        union=world.union(code),
        actor=world.user(f"{code}-staff"),
        values={sessions: values[0], vests: values[1], accidents: values[2]},
    )


def test_totals_sum_counts_and_average_outcomes_over_those_who_reported(world, campaign, django_assert_max_num_queries):
    _report(world, campaign, "tcounty1", ("120", "30000", "-40"))
    _report(world, campaign, "tcounty2", ("95.5", "41000", "-31"))
    _report(world, campaign, "tcity", ("", "5000", ""))  # the city reports what it knows
    sessions, vests, accidents = indicator_ids(campaign)
    with django_assert_max_num_queries(6):  # whatever the number of participants: no schema is visited
        progress = campaign_progress(campaign=campaign)
    assert progress.totals == {sessions: Decimal("215.5"), vests: Decimal("76000"), accidents: Decimal("-35.5")}
    assert progress.reporting == {sessions: 2, vests: 3, accidents: 2}
    assert progress.shares() == [43, 76, 118]
    by_code = {row.union.code: row for row in progress.rows}
    assert set(by_code) == {"tcity", "tcounty1", "tcounty2"}
    assert by_code["tcity"].figures == {vests: Decimal("5000")}
    assert by_code["tcounty2"].figures[sessions] == Decimal("95.50")


def test_reporting_again_overwrites_and_a_blank_withdraws(world, campaign):
    sessions, vests, _accidents = indicator_ids(campaign)
    _report(world, campaign, "tcounty1", ("10", "100", "-5"))
    _report(world, campaign, "tcounty1", ("12", "", "-5"))
    figures = dict(CampaignFigure.objects.filter(union=world.union("tcounty1")).values_list("indicator_id", "value"))
    assert figures[sessions] == Decimal("12") and vests not in figures


def test_a_bad_figure_saves_none(world, campaign):
    with pytest.raises(ApplicationError) as refused:
        _report(world, campaign, "tcounty1", ("10", "-3", "-5"))  # items handed out cannot be negative
    assert list(refused.value.fields) == [f"indicator_{indicator_ids(campaign)[1]}"]
    with pytest.raises(ApplicationError):
        _report(world, campaign, "tcounty1", ("ten", "3", "1"))
    assert CampaignFigure.objects.count() == 0


def test_only_participants_report_and_only_unions_below_take_part(world, campaign):
    with pytest.raises(ApplicationError) as refused:
        _report(world, campaign, "ocounty", ("1", "1", "1"))
    assert refused.value.status == 403
    with pytest.raises(ApplicationError) as outsiders:
        campaign_create(
            owner=world.union("tcity"),
            actor=world.user("tcity-admin"),
            title="跨市行动",
            starts_on=START,
            ends_on=END,
            participants=[world.union("tcounty1"), world.union("ocounty")],
            indicators=INDICATORS,
        )
    assert "participants" in outsiders.value.fields
    with pytest.raises(ApplicationError) as county:
        campaign_create(
            owner=world.union("tcounty1"),
            actor=world.user("tcounty1-admin"),
            title="县里的行动",
            starts_on=START,
            ends_on=END,
            participants=[world.union("tcounty1")],
            indicators=INDICATORS,
        )
    assert county.value.status == 403


def test_a_campaign_needs_a_title_a_period_and_an_indicator(world):
    with pytest.raises(ApplicationError) as refused:
        campaign_create(
            owner=world.union("tcity"),
            actor=world.user("tcity-admin"),
            title=" ",
            starts_on=END,
            ends_on=START,
            participants=[],
            indicators=[{"name": ""}],
        )
    assert set(refused.value.fields) == {"title", "ends_on", "participants", "indicators"}


def test_another_citys_union_cannot_see_the_campaign(world, campaign):
    assert campaign_for(union=world.union("tcounty1"), campaign_id=campaign.pk) == campaign
    assert campaign_for(union=world.union("tcity"), campaign_id=campaign.pk) == campaign
    assert campaign_for(union=world.union("ocounty"), campaign_id=campaign.pk) is None
    assert campaign_for(union=world.union("ocity"), campaign_id=campaign.pk) is None


def test_linked_events_count_when_held_and_follow_their_event(world, campaign, make_event, in_union):
    day = datetime.date(2026, 5, 18)
    event = make_event("tcounty1", title="安全出行进园区", planned_date=day)
    other = make_event("tcounty1", title="电动车安全骑行宣讲", planned_date=day)
    staff = world.user("tcounty1-staff")
    for e in (event, other):
        campaign_event_link(campaign=campaign, union=world.union("tcounty1"), event=e, actor=staff)
    progress = campaign_progress(campaign=campaign)
    row = next(r for r in progress.rows if r.union.code == "tcounty1")
    assert (row.events_linked, row.events_held, row.worker_attendance) == (2, 0, 0)
    # Recording the event held, in the county's schema, updates the city's copy.
    with in_union("tcounty1"):
        event_record_held(event=event, actor=staff, held_date=day, worker_attendance=260)
        event_cancel(event=other, actor=staff, reason="台风")
    link = CampaignEvent.objects.get(event_id=event.pk, union=world.union("tcounty1"))
    assert (link.status, link.held_date, link.worker_attendance) == ("held", day, 260)
    progress = campaign_progress(campaign=campaign)
    assert (progress.events_linked, progress.events_held, progress.worker_attendance) == (2, 1, 260)
    campaign_event_unlink(campaign=campaign, union=world.union("tcounty1"), event_id=other.pk, actor=staff)
    assert campaign_progress(campaign=campaign).events_linked == 1


def test_an_event_outside_the_period_or_cancelled_is_not_linked(world, campaign, make_event, in_union):
    late = make_event("tcounty1", planned_date=datetime.date(2027, 1, 5))
    with pytest.raises(ApplicationError) as refused:
        campaign_event_link(campaign=campaign, union=world.union("tcounty1"), event=late, actor=None)
    assert "event" in refused.value.fields
    assert CampaignEvent.objects.count() == 0


def test_the_same_event_id_of_two_unions_stays_apart(world, campaign, make_event, in_union):
    day = datetime.date(2026, 6, 1)
    one = make_event("tcounty1", title="一区", planned_date=day)
    two = make_event("tcounty2", title="二县", planned_date=day)
    campaign_event_link(campaign=campaign, union=world.union("tcounty1"), event=one, actor=None)
    campaign_event_link(campaign=campaign, union=world.union("tcounty2"), event=two, actor=None)
    with in_union("tcounty2"):
        event_record_held(event=two, actor=world.user("tcounty2-staff"), held_date=day, worker_attendance=9)
    rows = dict(CampaignEvent.objects.values_list("union__code", "status"))
    assert rows == {"tcounty1": "planned", "tcounty2": "held"}
