"""Quota compliance: quota rules, quarterly pace, and GET /api/v1/city/compliance/ with its isolation."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oversight.rollup.models import QuotaRule
from oversight.rollup.selectors import compliance_for_city, due_by, pace_for, quarters_completed, quota_for
from oversight.rollup.services import quota_rule_set, rollup_refresh
from shared.core.exceptions import ApplicationError

from .helpers import held_event, planned_event

URL = "/api/v1/city/compliance/"


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# --- quota and pace -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "year, level, quota",
    [(2017, "county", 0), (2018, "county", 4), (2030, "county", 4), (2018, "city", 0), (2025, "city", 0)],
)
def test_default_quota(db, year, level, quota):
    assert quota_for(year=year, level=level) == quota


def test_a_quota_rule_overrides_the_default(db):
    quota_rule_set(year=2025, level="county", min_events_held=6)
    quota_rule_set(year=2025, level="city", min_events_held=2)
    assert quota_for(year=2025, level="county") == 6
    assert quota_for(year=2025, level="city") == 2
    assert quota_for(year=2024, level="county") == 4
    quota_rule_set(year=2025, level="county", min_events_held=5)  # setting again replaces
    assert QuotaRule.objects.get(year=2025, level="county").min_events_held == 5


def test_a_bad_quota_rule_is_a_field_error(db):
    with pytest.raises(ApplicationError) as error:
        quota_rule_set(year=2025, level="nation", min_events_held=-1)
    assert set(error.value.fields) == {"level", "min_events_held"}
    with pytest.raises(ApplicationError) as error:
        quota_rule_set(year=2025, level="county", min_events_held=10**12)  # beyond the column: a field error
    assert error.value.fields["min_events_held"] == ["请输入 0 到 366 之间的整数。"]
    assert not QuotaRule.objects.filter(year=2025).exists()
    assert quota_rule_set(year=2025, level="county", min_events_held=366).min_events_held == 366


@pytest.mark.parametrize(
    "today, quarters",
    [
        (datetime.date(2025, 1, 1), 0),
        (datetime.date(2025, 3, 31), 0),  # the first quarter ends tonight: nothing is due yet
        (datetime.date(2025, 4, 1), 1),
        (datetime.date(2025, 7, 1), 2),
        (datetime.date(2025, 12, 31), 3),
        (datetime.date(2026, 1, 1), 4),
        (datetime.date(2024, 6, 1), 0),  # a future year
    ],
)
def test_quarters_completed(today, quarters):
    assert quarters_completed(year=2025, today=today) == quarters


@pytest.mark.parametrize("quota, quarters, due", [(4, 1, 1), (4, 2, 2), (4, 3, 3), (4, 4, 4), (6, 1, 2), (5, 2, 3)])
def test_due_is_a_quarter_of_the_quota_rounded_up(quota, quarters, due):
    assert due_by(quota=quota, quarters=quarters) == due


@pytest.mark.parametrize(
    "held, today, pace",
    [
        (4, datetime.date(2025, 2, 1), "done"),
        (5, datetime.date(2026, 3, 1), "done"),
        (3, datetime.date(2026, 1, 1), "missed"),
        (0, datetime.date(2025, 3, 31), "on_track"),
        (0, datetime.date(2025, 4, 1), "at_risk"),
        (1, datetime.date(2025, 4, 1), "on_track"),
        (1, datetime.date(2025, 7, 2), "at_risk"),
        (2, datetime.date(2025, 9, 30), "on_track"),
        (3, datetime.date(2025, 12, 31), "on_track"),
        (2, datetime.date(2025, 12, 31), "at_risk"),
        (0, datetime.date(2024, 12, 1), "on_track"),  # the year has not begun
    ],
)
def test_pace(held, today, pace):
    assert pace_for(quota=4, held=held, year=2025, today=today) == pace


def test_no_quota_is_done():
    assert pace_for(quota=0, held=0, year=2017, today=datetime.date(2018, 1, 1)) == "done"


# --- the API ------------------------------------------------------------------------------------


@pytest.fixture
def tcity_figures(world, in_union):
    """tcounty1 held 2 events in 2025 and plans one; tcounty2 held none; both rolled up."""
    with in_union("tcounty1"):
        held_event(held_date=datetime.date(2025, 2, 10))
        held_event(held_date=datetime.date(2025, 5, 10))
        planned_event(planned_date=datetime.date(2025, 11, 30))
    with in_union("ocounty"):
        for month in (1, 2, 3, 4, 5):
            held_event(held_date=datetime.date(2025, month, 3))
    for code in ("tcounty1", "tcounty2", "ocounty"):
        rollup_refresh(union=world.union(code), year=2025)


def by_code(response) -> dict:
    return {row["union"]["code"]: row for row in response.json()["results"]}


def test_city_user_sees_each_child_with_quota_held_planned_pace(api, tcity_figures):
    response = english(api("tcity-staff", "tcity")).get(URL, {"year": 2025})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["year"] == 2025
    rows = by_code(response)
    assert list(rows) == ["tcounty1", "tcounty2"]  # its own children only, in registry order
    one, two = rows["tcounty1"], rows["tcounty2"]
    assert (one["quota"], one["events_held"], one["events_planned"]) == (4, 2, 1)
    assert (two["quota"], two["events_held"], two["events_planned"]) == (4, 0, 0)
    assert one["pace"] == two["pace"] == "missed"  # 2025 is over (today is later)
    assert one["pace_label"] == "Missed"
    assert one["computed_at"] is not None
    assert one["union"]["name"] == "测试一区总工会"


def test_viewer_of_the_city_may_read(api, tcity_figures):
    assert api("tcity-viewer", "tcity").get(URL, {"year": 2025}).status_code == 200


def test_other_city_sees_only_its_own_county(api, tcity_figures):
    rows = by_code(api("ocity-admin", "ocity").get(URL, {"year": 2025}))
    assert list(rows) == ["ocounty"]
    assert rows["ocounty"]["events_held"] == 5 and rows["ocounty"]["pace"] == "done"


def test_a_child_without_a_row_yet_shows_zeros_and_no_time(api, world):
    rows = by_code(api("tcity-admin", "tcity").get(URL, {"year": 2019}))
    assert rows["tcounty1"]["events_held"] == 0 and rows["tcounty1"]["computed_at"] is None
    assert rows["tcounty1"]["pace"] == "missed"


def test_quota_rule_shows_in_the_answer(api, tcity_figures):
    quota_rule_set(year=2025, level="county", min_events_held=2)
    rows = by_code(api("tcity-admin", "tcity").get(URL, {"year": 2025}))
    assert rows["tcounty1"]["quota"] == 2 and rows["tcounty1"]["pace"] == "done"
    assert rows["tcounty2"]["pace"] == "missed"


def test_before_2018_there_is_no_quota(api, world):
    rows = by_code(api("tcity-admin", "tcity").get(URL, {"year": 2017}))
    assert rows["tcounty1"]["quota"] == 0 and rows["tcounty1"]["pace"] == "done"


def test_current_year_pace_is_as_of_the_given_day(world, tcity_figures):
    """Mid-2025, as the figures stood: tcounty1 (2 held) is on track, tcounty2 (none) at risk."""
    rows = {
        row["union"].code: row
        for row in compliance_for_city(city=world.union("tcity"), year=2025, today=datetime.date(2025, 7, 15))
    }
    assert (rows["tcounty1"]["pace"], rows["tcounty1"]["due_by_now"]) == ("on_track", 2)
    assert (rows["tcounty2"]["pace"], rows["tcounty2"]["due_by_now"]) == ("at_risk", 2)
    rows = {
        row["union"].code: row
        for row in compliance_for_city(city=world.union("tcity"), year=2025, today=datetime.date(2025, 10, 1))
    }
    assert rows["tcounty1"]["pace"] == "at_risk"


def test_without_a_year_the_answer_is_for_this_year(api, world):
    response = api("tcity-admin", "tcity").get(URL)
    assert response.status_code == 200
    assert response.json()["year"] == timezone.localdate().year


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "20.5"])
def test_bad_year_is_a_field_error(api, world, year):
    response = english(api("tcity-admin", "tcity")).get(URL, {"year": year})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == ["year"]


@pytest.mark.parametrize(
    "username, code",
    [
        ("tcounty1-admin", "tcounty1"),  # a county user on its own host: not a city
        ("tcounty1-admin", "tcity"),  # … or on the city's host: not a member there
        ("ocity-admin", "tcity"),  # another city's admin
        ("stranger", "tcity"),
    ],
)
def test_refused(api, world, username, code):
    assert api(username, code).get(URL, {"year": 2025}).status_code == 403


def test_anonymous_is_refused(api, world):
    assert api(None, "tcity").get(URL).status_code in (401, 403)


def test_forged_host_headers(api, world, tcity_figures):
    client = api("tcity-admin", "tcity")
    assert client.get(URL, {"year": 2025}, HTTP_HOST="nowhere.localhost").status_code == 404
    # The other city's host with tcity's token: the membership counts only on its own union's host.
    assert client.get(URL, {"year": 2025}, HTTP_HOST="ocity.localhost").status_code == 403
    assert client.get(URL, {"year": 2025}, HTTP_HOST="localhost").status_code == 404


def test_compliance_reads_the_rollup_not_the_schemas(api, world, tcity_figures):
    """The answer comes from the public roll-up table: no query reads a union's events or cases."""
    client = api("tcity-admin", "tcity")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"year": 2025}).status_code == 200
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "rollup_unionyearstats" in sql
    assert "events_event" not in sql and "cases_case" not in sql
    assert len(queries) <= 15
