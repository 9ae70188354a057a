"""GET /api/v1/stats/?year=YYYY"""

import datetime

import pytest

from tests.tenants.events.factories import held_event

URL = "/api/v1/stats/"


@pytest.fixture
def one_event(in_union):
    with in_union("tcounty1"):
        return held_event(planned_date=datetime.date(2026, 2, 1), held_date=datetime.date(2026, 2, 2))


def test_figures(api, one_event):
    response = api("tcounty1-viewer", "tcounty1").get(URL, {"year": 2026})
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2026 and body["events_held"] == 1 and body["worker_attendance"] == 100
    assert body["events_held_by_month"][1] == 1


@pytest.mark.parametrize("params", [{}, {"year": "twenty"}, {"year": "1899"}, {"year": ""}])
def test_missing_or_bad_year(api, params):
    response = api("tcounty1-staff", "tcounty1").get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == ["year"]


@pytest.mark.parametrize("username", ["ocounty-admin", "tcounty2-staff", "stranger", None])
def test_other_unions_get_nothing(api, one_event, username):
    response = api(username, "tcounty1").get(URL, {"year": 2026})
    assert response.status_code in (401, 403)
    assert "events_held" not in response.json()


def test_each_union_its_own(api, one_event):
    body = api("tcounty2-staff", "tcounty2").get(URL, {"year": 2026}).json()
    assert body["events_held"] == 0
