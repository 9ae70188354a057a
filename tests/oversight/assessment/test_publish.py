"""Publishing freezes a city's year; reopening needs a reason; a county reads only its own published line."""

import pytest

from oversight.assessment.models import Adjustment, Publication, PublishedScore
from oversight.assessment.scoring import default_items

from .helpers import YEAR, roll_up
from .test_api import ADJUSTMENTS_URL, GOOD, RANKINGS_URL, SCHEME_URL, SCORES_URL, english

PUBLISH_URL = "/api/v1/city/assessment/publish/"
REOPEN_URL = "/api/v1/city/assessment/reopen/"
PUBLICATIONS_URL = "/api/v1/city/assessment/publications/"
MINE_URL = "/api/v1/assessment/mine/"

# These tests score hand-written roll-up rows (helpers.roll_up), so publishing must not recompute them.
pytestmark = pytest.mark.usefixtures("rollup_as_written")


def _publish(api, world):
    roll_up(world.union("tcounty1"), **GOOD)
    roll_up(world.union("tcounty2"), events_held=2, cases_raised=4, media_reports=1)
    admin = english(api("tcity-admin", "tcity"))
    admin.post(
        ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty2", "points": 4, "reason": "承办全市示范活动"}, format="json"
    )
    before = admin.get(SCORES_URL, {"year": YEAR}).json()
    response = admin.post(PUBLISH_URL, {"year": YEAR}, format="json")
    assert response.status_code == 201, response.json()
    return admin, before


def test_a_published_year_does_not_move(api, world):
    admin, before = _publish(api, world)
    rankings_before = admin.get(RANKINGS_URL, {"year": YEAR}).json()["results"]
    published = admin.get(SCORES_URL, {"year": YEAR}).json()
    assert published["published"] is True and published["published_at"]
    assert published["rows"] == before["rows"] and published["scheme"] == before["scheme"]

    # The data changes under it: the roll-up is refreshed with very different figures ...
    roll_up(world.union("tcounty1"), events_held=0)
    roll_up(world.union("tcounty2"), **GOOD | {"events_held": 9})
    # ... and scheme edits and adjustments are refused with a 400 naming the rule.
    items = default_items()
    items[0]["weight"] = 60
    refused = admin.put(SCHEME_URL, {"items": items}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "published"
    assert "published" in refused.json()["error"]["message"] and "reopen" in refused.json()["error"]["message"]
    adjustment = admin.post(
        ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty1", "points": 5, "reason": "x"}, format="json"
    )
    assert adjustment.status_code == 400 and adjustment.json()["error"]["code"] == "published"
    assert Adjustment.objects.count() == 1
    again = admin.post(PUBLISH_URL, {"year": YEAR}, format="json")
    assert again.status_code == 400 and again.json()["error"]["code"] == "published"

    after = admin.get(SCORES_URL, {"year": YEAR}).json()
    assert after["rows"] == before["rows"]
    assert [(r["union"], r["rank"], r["total"]) for r in after["rows"]] == [
        ("tcounty1", 1, 95.0),
        ("tcounty2", 2, 41.0),
    ]
    assert admin.get(RANKINGS_URL, {"year": YEAR}).json()["results"] == rankings_before
    assert admin.get(RANKINGS_URL, {"year": YEAR}).json()["published"] is True
    assert admin.get(SCHEME_URL).json()["published"] is True
    # Other years stay open.
    assert admin.put(f"/api/v1/city/assessment/schemes/{YEAR + 1}/", {"items": items}, format="json").status_code == 200


def test_reopen_needs_a_reason_and_is_kept(api, world):
    admin, _before = _publish(api, world)
    missing = admin.post(REOPEN_URL, {"year": YEAR}, format="json")
    assert missing.status_code == 400 and missing.json()["error"]["fields"] == {"reason": ["A reason is required."]}
    not_published = admin.post(REOPEN_URL, {"year": YEAR - 1, "reason": "x"}, format="json")
    assert not_published.status_code == 400 and not_published.json()["error"]["code"] == "not_published"
    for username in ("tcity-staff", "tcity-viewer"):
        assert api(username, "tcity").post(REOPEN_URL, {"year": YEAR, "reason": "x"}, format="json").status_code == 403
    assert Publication.objects.get().is_live

    roll_up(world.union("tcounty1"), events_held=0)
    reopened = admin.post(REOPEN_URL, {"year": YEAR, "reason": "龙游县补报两期活动材料"}, format="json")
    assert reopened.status_code == 200, reopened.json()
    body = reopened.json()
    assert (body["is_live"], body["reopened_by"], body["reopen_reason"]) == (
        False,
        "tcity admin",
        "龙游县补报两期活动材料",
    )
    assert body["reopened_at"]
    # Open again: live figures, edits and adjustments are accepted.
    live = admin.get(SCORES_URL, {"year": YEAR}).json()
    assert live["published"] is False
    assert [(r["union"], r["total"]) for r in live["rows"]] == [("tcounty2", 41.0), ("tcounty1", 0.0)]
    assert (
        admin.post(
            ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty1", "points": 1, "reason": "补正"}, format="json"
        ).status_code
        == 201
    )
    # Publish again: the history keeps both publications.
    assert admin.post(PUBLISH_URL, {"year": YEAR}, format="json").status_code == 201
    history = api("tcity-viewer", "tcity").get(PUBLICATIONS_URL, {"year": YEAR}).json()
    assert [(p["is_live"], p["reopen_reason"]) for p in history] == [(True, ""), (False, "龙游县补报两期活动材料")]
    assert all(p["published_by"] == "tcity admin" for p in history)


def test_only_city_admins_publish(api, world):
    for username, code in (("tcity-staff", "tcity"), ("tcity-viewer", "tcity"), ("tcounty1-admin", "tcounty1")):
        assert api(username, code).post(PUBLISH_URL, {"year": YEAR}, format="json").status_code == 403
    forged = api("ocity-admin", "ocity")
    forged.defaults["HTTP_HOST"] = "tcity.localhost"
    assert forged.post(PUBLISH_URL, {"year": YEAR}, format="json").status_code == 403
    assert not Publication.objects.exists()


def test_a_county_sees_its_own_published_score_and_rank_only(api, world):
    county = api("tcounty2-viewer", "tcounty2")
    assert county.get(MINE_URL, {"year": YEAR}).status_code == 404  # nothing published yet
    _publish(api, world)
    response = county.get(MINE_URL, {"year": YEAR})
    assert response.status_code == 200, response.json()
    mine = response.json()
    assert (mine["union"], mine["rank"], mine["ranked"], mine["total"]) == ("tcounty2", 2, 2, 41.0)
    assert mine["adjustment_total"] == 4.0 and mine["adjustments"][0]["reason"] == "承办全市示范活动"
    assert {line["key"] for line in mine["breakdown"]} == {item["key"] for item in default_items()}
    # Nothing of the other county in the answer.
    assert "tcounty1" not in response.content.decode() and "测试一区" not in response.content.decode()
    first = api("tcounty1-colleague", "tcounty1").get(MINE_URL, {"year": YEAR}).json()
    assert (first["union"], first["rank"], first["total"]) == ("tcounty1", 1, 95.0)
    # Another year, another city's county, a forged host, a stranger: nothing.
    assert county.get(MINE_URL, {"year": YEAR - 1}).status_code == 404
    assert api("ocounty-admin", "ocounty").get(MINE_URL, {"year": YEAR}).status_code == 404
    forged = api("ocounty-admin", "ocounty")
    forged.defaults["HTTP_HOST"] = "tcounty2.localhost"
    assert forged.get(MINE_URL, {"year": YEAR}).status_code == 403
    assert api("stranger", "tcounty2").get(MINE_URL, {"year": YEAR}).status_code == 403
    # The city itself is not ranked.
    assert api("tcity-admin", "tcity").get(MINE_URL, {"year": YEAR}).status_code == 404
    # County users never read the city's full scores.
    assert county.get(SCORES_URL, {"year": YEAR}).status_code == 403


def test_a_county_no_longer_sees_a_reopened_result(api, world):
    admin, _before = _publish(api, world)
    assert PublishedScore.objects.count() == 2
    admin.post(REOPEN_URL, {"year": YEAR, "reason": "复核"}, format="json")
    assert api("tcounty1-viewer", "tcounty1").get(MINE_URL, {"year": YEAR}).status_code == 404


def test_publishing_is_per_city(api, world):
    _publish(api, world)
    other = api("ocity-admin", "ocity")
    assert other.get(SCORES_URL, {"year": YEAR}).json()["published"] is False
    assert other.get(PUBLICATIONS_URL).json() == []
    assert other.post(REOPEN_URL, {"year": YEAR, "reason": "x"}, format="json").status_code == 400
    assert Publication.objects.get().is_live
