"""Drill-down: a city user lists one child union's events and cases, read-only, through the city's host."""

from __future__ import annotations

import datetime

import pytest

from tenants.cases.services import case_raise

from .helpers import held_event, planned_event, referred_case

EVENTS = "/api/v1/city/unions/{code}/events/"
CASES = "/api/v1/city/unions/{code}/cases/"


@pytest.fixture
def county_data(world, in_union):
    with in_union("tcounty1"):
        event = held_event(held_date=datetime.date(2025, 4, 8), title="关爱女职工", attendance=66)
        planned_event(planned_date=datetime.date(2026, 12, 1), title="防欠薪宣传")
        case_raise(
            actor=None,
            kind="request",
            title="加班费计算",
            event=event,
            submitter_name="张三丰",
            submitter_phone="13812345678",
        )
        referred_case(event, deadline=datetime.date(2025, 5, 1))
    with in_union("ocounty"):
        held_event(held_date=datetime.date(2025, 4, 9), title="他市的活动")
    return event


def test_city_user_lists_a_child_unions_events(api, county_data):
    response = api("tcity-viewer", "tcity").get(EVENTS.format(code="tcounty1"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 2
    titles = [event["title"] for event in body["results"]]
    assert titles == ["防欠薪宣传", "关爱女职工"]  # latest planned first
    held = body["results"][1]
    assert held["status"] == "held" and held["worker_attendance"] == 66 and held["case_count"] == 2
    assert held["enterprise_count"] == 3


def test_filters_of_the_unions_own_list_apply(api, county_data):
    body = api("tcity-staff", "tcity").get(EVENTS.format(code="tcounty1"), {"status": "held"}).json()
    assert [event["title"] for event in body["results"]] == ["关爱女职工"]
    response = api("tcity-staff", "tcity").get(EVENTS.format(code="tcounty1"), {"status": "nonsense"})
    assert response.status_code == 400 and "status" in response.json()["error"]["fields"]


def test_drill_down_pages_like_every_list(api, county_data):
    """One pagination class (shared/core): ?page_size= works here as on the union's own lists."""
    client = api("tcity-viewer", "tcity")
    first = client.get(EVENTS.format(code="tcounty1"), {"page_size": 1}).json()
    assert (first["count"], len(first["results"])) == (2, 1)
    second = client.get(first["next"]).json()
    assert [e["title"] for e in first["results"] + second["results"]] == ["防欠薪宣传", "关爱女职工"]
    assert second["next"] is None


def test_city_user_lists_a_child_unions_cases_with_contact_data_masked(api, county_data):
    response = api("tcity-admin", "tcity").get(CASES.format(code="tcounty1"))
    assert response.status_code == 200, response.json()
    cases = {case["title"]: case for case in response.json()["results"]}
    assert set(cases) == {"加班费计算", "转办事项"}
    assert cases["加班费计算"]["submitter_name"] == "张**"
    assert cases["加班费计算"]["submitter_phone"] == "138****5678"
    assert "13812345678" not in response.content.decode()
    assert cases["转办事项"]["is_overdue"] is True and cases["转办事项"]["department"]
    assert cases["加班费计算"]["event_number"] == county_data.number


def test_an_empty_child_union_lists_nothing(api, county_data):
    assert api("tcity-admin", "tcity").get(CASES.format(code="tcounty2")).json()["count"] == 0


@pytest.mark.parametrize("url", [EVENTS, CASES])
@pytest.mark.parametrize(
    "host, code",
    [
        ("tcity", "ocounty"),  # another city's county
        ("tcity", "tcity"),  # the city itself is not its own child
        ("tcity", "ocity"),
        ("tcity", "nowhere"),
    ],
)
def test_a_union_that_is_not_the_citys_child_is_404(api, county_data, url, host, code):
    response = api("tcity-admin", host).get(url.format(code=code))
    assert response.status_code == 404
    assert "他市的活动" not in response.content.decode()


def test_the_other_city_cannot_drill_into_our_county(api, county_data):
    response = api("ocity-admin", "ocity").get(EVENTS.format(code="tcounty1"))
    assert response.status_code == 404
    assert "关爱女职工" not in response.content.decode()


@pytest.mark.parametrize("url", [EVENTS, CASES])
@pytest.mark.parametrize(
    "username, host",
    [
        ("tcounty1-admin", "tcounty1"),  # the county itself, on its own host: not a city
        ("tcounty1-admin", "tcity"),  # a county user on the city's host
        ("ocity-admin", "tcity"),  # another city's admin on our host
        ("stranger", "tcity"),
    ],
)
def test_refused(api, county_data, url, username, host):
    assert api(username, host).get(url.format(code="tcounty1")).status_code == 403


def test_forged_host_header(api, county_data):
    client = api("tcity-admin", "tcity")
    assert client.get(EVENTS.format(code="tcounty1"), HTTP_HOST="tcounty1.localhost").status_code == 403
    assert client.get(EVENTS.format(code="tcounty1"), HTTP_HOST="evil.localhost").status_code == 404


@pytest.mark.parametrize("url", [EVENTS, CASES])
def test_read_only(api, county_data, in_union, url):
    admin = api("tcity-admin", "tcity")
    for method in ("post", "put", "patch", "delete"):
        response = getattr(admin, method)(url.format(code="tcounty1"), {"title": "篡改"}, format="json")
        assert response.status_code == 405, method
    assert api("tcity-viewer", "tcity").post(url.format(code="tcounty1"), {}, format="json").status_code == 403
    with in_union("tcounty1"):
        from tenants.events.models import Event

        assert not Event.objects.filter(title="篡改").exists()


def test_the_connection_is_back_in_the_citys_schema_afterwards(api, county_data):
    from django.db import connection

    api("tcity-admin", "tcity").get(EVENTS.format(code="tcounty1"))
    assert connection.schema_name in ("public", "tcity")
