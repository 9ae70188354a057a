"""The days to complete a held event's record, set per level by the union above: a city for its counties (a
province for its cities), 1–60, default 7, on the dashboard and through the API; one rule (Union.record_days)
that the stats, the roll-up, the home page and the assessment's sources read; a change refreshes this year's
roll-up of the unions it governs, after the commit. Isolation: a county, a colleague without the right,
another city, a forged Host."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from oversight.rollup.models import UnionYearStats
from oversight.rollup.record_days import level_record_days_set
from oversight.rollup.services import rollup_refresh
from oversight.rollup.tasks import rollup_schedule_refresh
from shared.core.exceptions import ApplicationError
from shared.unions.models import DEFAULT_EVENT_RECORD_DAYS, Union
from tenants.events.models import Event
from tenants.events.selectors import event_record_days
from tenants.stats.sources import year_stats_sources
from tests.clock import TODAY

from .helpers import held_event

pytestmark = pytest.mark.usefixtures("on_today")
YEAR = TODAY.year


def fresh(code: str) -> Union:
    return Union.objects.select_related("parent").get(code=code)


def test_one_rule_own_exception_then_the_level_set_above_then_seven(world, in_union):
    assert fresh("tcounty1").record_days == DEFAULT_EVENT_RECORD_DAYS == 7
    level_record_days_set(union=world.union("tcity"), days=12)
    assert [fresh(c).record_days for c in ("tcounty1", "tcounty2")] == [12, 12]
    assert fresh("tcity").record_days == 7  # the city's own events: the level above it (none here) sets them
    assert fresh("ocounty").record_days == 7  # another city's county: untouched
    with in_union("tcounty2"):
        assert event_record_days() == 12  # what the stats and the assessment's sources read
    Union.objects.filter(code="tcounty1").update(event_record_days=3)  # an operator's exception wins
    assert fresh("tcounty1").record_days == 3
    # A union created later under that city: its level's days from the start (no copy to forget).
    assert Union(code="later", level="county", parent=fresh("tcity")).record_days == 12
    level_record_days_set(union=world.union("tcity"), days=None)
    assert fresh("tcounty2").record_days == 7


def test_only_a_union_above_others_sets_them_and_only_from_1_to_60(world):
    with pytest.raises(ApplicationError) as caught:
        level_record_days_set(union=world.union("tcounty1"), days=10)
    assert caught.value.status == 403 and "市" in str(caught.value.message)
    for bad in (0, 61, -3, True, "10", 7.5):
        with pytest.raises(ApplicationError) as caught:
            level_record_days_set(union=world.union("tcity"), days=bad)
        assert caught.value.fields["days"] == ["请输入 1 到 60 之间的天数。"]
    assert fresh("tcity").record_days_below is None  # nothing saved
    level_record_days_set(union=world.union("tcity"), days=60)
    assert fresh("tcounty1").record_days == 60


def test_a_change_refreshes_the_governed_unions_rollup_after_the_commit(
    world, in_union, eager, django_capture_on_commit_callbacks
):
    held = TODAY - datetime.timedelta(days=40)
    with in_union("tcounty1"):
        event = held_event(held_date=held)
        Event.objects.filter(pk=event.pk).update(record_completed_on=held + datetime.timedelta(days=9))
    rollup_refresh(union=world.union("tcounty1"), year=held.year)
    before = UnionYearStats.objects.get(union=world.union("tcounty1"), year=held.year)
    assert (before.events_closed_on_time, before.events_closed_late) == (0, 1)
    Union.objects.filter(code="tcounty2").update(event_record_days=5)  # has its own: not governed, not refreshed
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        governed = level_record_days_set(union=world.union("tcity"), days=10)
    refreshes = [c for c in callbacks if getattr(c, "func", None) is rollup_schedule_refresh]
    assert [u.code for u in governed] == ["tcounty1"]
    assert [c.keywords for c in refreshes] == [{"schema_name": "tcounty1", "year": YEAR}]
    UnionYearStats.objects.filter(union=world.union("tcounty1")).delete()  # whatever there was: recomputed
    for callback in refreshes:
        callback()
    if held.year == YEAR:
        after = UnionYearStats.objects.get(union=world.union("tcounty1"), year=YEAR)
        assert (after.events_closed_on_time, after.events_closed_late) == (1, 0)
    else:  # early January: this year's row is refreshed (and empty), last year's waits for the nightly run
        assert UnionYearStats.objects.filter(union=world.union("tcounty1"), year=YEAR).exists()
    with in_union("tcounty1"):
        assert year_stats_sources(year=held.year)["record_days"] == 10  # what a published assessment keeps


def test_the_api_reads_for_members_and_writes_for_administrators_only(world, api):
    body = api("tcity-viewer", "tcity").get("/api/v1/city/record-days/").json()
    assert body["days"] == 7 and body["default"] == 7
    assert {u["code"]: u["days"] for u in body["unions"]} == {"tcounty1": 7, "tcounty2": 7}
    assert api("tcity-staff", "tcity").put("/api/v1/city/record-days/", {"days": 9}, format="json").status_code == 403
    response = api("tcity-admin", "tcity").put("/api/v1/city/record-days/", {"days": 9}, format="json")
    assert response.status_code == 200 and response.json()["days"] == 9
    assert {u["days"] for u in response.json()["unions"]} == {9}
    response = api("tcity-admin", "tcity").patch("/api/v1/city/record-days/", {"days": None}, format="json")
    assert response.status_code == 200 and response.json()["days"] == 7
    assert fresh("tcity").record_days_below is None


@pytest.mark.parametrize("bad", [{"days": 0}, {"days": 61}, {"days": "abc"}, {}, {"days": 10**12}])
def test_bad_days_are_a_400_with_a_chinese_field_error(world, api, bad):
    response = api("tcity-admin", "tcity").put("/api/v1/city/record-days/", bad, format="json")
    assert response.status_code == 400
    message = " ".join(response.json()["error"]["fields"]["days"])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert fresh("tcity").record_days_below is None


def test_a_county_another_city_and_a_forged_host_are_refused(world, api):
    # A county oversees nobody.
    assert api("tcounty1-admin", "tcounty1").get("/api/v1/city/record-days/").status_code == 403
    assert (
        api("tcounty1-admin", "tcounty1").put("/api/v1/city/record-days/", {"days": 9}, format="json").status_code
        == 403
    )
    # Another city's admin with tcity's Host: a membership elsewhere counts for nothing here.
    assert api("ocity-admin", "tcity").put("/api/v1/city/record-days/", {"days": 9}, format="json").status_code == 403
    assert api("ocity-admin", "tcity").get("/api/v1/city/record-days/").status_code == 403
    # Its own host: its own counties only.
    body = api("ocity-admin", "ocity").put("/api/v1/city/record-days/", {"days": 20}, format="json").json()
    assert [u["code"] for u in body["unions"]] == ["ocounty"]
    assert fresh("tcounty1").record_days == 7 and fresh("ocounty").record_days == 20
    assert api(None, "tcity").get("/api/v1/city/record-days/").status_code in (401, 403)


def test_the_command_sets_a_level_and_keeps_setting_a_unions_own(world):
    out = StringIO()
    call_command("set_event_record_days", "tcity", "11", "--below", stdout=out)
    assert fresh("tcounty1").record_days == 11 and "11" in out.getvalue()
    call_command("set_event_record_days", "tcounty1", "4", stdout=StringIO())
    assert fresh("tcounty1").record_days == 4 and fresh("tcounty2").record_days == 11
    call_command("set_event_record_days", "tcounty1", "default", stdout=StringIO())
    assert fresh("tcounty1").record_days == 11
    for args in (("tcounty1", "5", "--below"), ("tcity", "61", "--below")):
        with pytest.raises(CommandError):
            call_command("set_event_record_days", *args, stdout=StringIO())
    call_command("set_event_record_days", "tcity", "default", "--below", stdout=StringIO())
    assert fresh("tcounty1").record_days == 7


def test_a_province_sets_the_days_of_its_cities_not_of_their_counties(province_world, world, api):
    response = api("tprov-admin", "tprov").put("/api/v1/city/record-days/", {"days": 21}, format="json")
    assert response.status_code == 200
    assert {u["code"] for u in response.json()["unions"]} == {"pcity", "qcity"}
    assert fresh("pcity").record_days == 21 and fresh("qcity").record_days == 21
    assert fresh("pcounty1").record_days == 7  # its city sets the counties' days
    assert fresh("oprovcity").record_days == 7  # another province's city
    assert api("pcity-admin", "tprov").put("/api/v1/city/record-days/", {"days": 3}, format="json").status_code == 403
