"""The assessment through the API on real union hosts: scheme, scores, adjustments, rankings, isolation.

Scores come from roll-up rows (rollup.UnionYearStats) written directly here, as the roll-up task would.
"""

import pytest

from oversight.assessment.models import Adjustment, AssessmentScheme
from oversight.assessment.scoring import default_items

from .helpers import STRONG, YEAR, roll_up

SCHEME_URL = f"/api/v1/city/assessment/schemes/{YEAR}/"
SCORES_URL = "/api/v1/city/assessment/scores/"
RANKINGS_URL = "/api/v1/city/rankings/"
ADJUSTMENTS_URL = "/api/v1/city/assessment/adjustments/"

# Under the default scheme with a quota of 4: 30 + 15 + 20 + 5 + 5 + 10 + 10 = 95, no bonus, no veto.
GOOD = STRONG | {"events_held": 4}


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# --- scheme --------------------------------------------------------------------------------------


def test_a_city_starts_from_the_default_scheme(api):
    response = api("tcity-viewer", "tcity").get(SCHEME_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["is_default"] is True and body["published"] is False
    assert body["items"] == default_items()
    assert sum(item["weight"] for item in body["items"] if item["kind"] == "normal") == 100
    assert {item["kind"] for item in body["items"]} == {"normal", "bonus", "veto"}
    assert "on_site_rate" in body["metrics"]
    assert not AssessmentScheme.objects.exists()


def test_city_admin_edits_the_scheme_and_scores_follow(api, world):
    roll_up(world.union("tcounty1"), **GOOD)
    admin = api("tcity-admin", "tcity")
    items = default_items()
    publicity = next(item for item in items if item["key"] == "publicity")
    publicity.update(weight=20, per_unit=5, cap=None)
    items.append(
        {
            "key": "attendance_bonus",
            "label": "职工参与加分",
            "metric": "worker_attendance",
            "kind": "bonus",
            "weight": 2,
            "tiers": [{"at_least": 300, "fraction": 0.5}, {"at_least": 450, "fraction": 1}],
            "cap": 1.5,
        }
    )
    response = admin.put(SCHEME_URL, {"items": items}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["is_default"] is False and body["updated_by"] == "tcity admin"
    assert body["items"][-1]["key"] == "attendance_bonus"
    assert AssessmentScheme.objects.get(city=world.union("tcity"), year=YEAR).items == body["items"]

    rows = admin.get(SCORES_URL, {"year": YEAR}).json()["rows"]
    first = next(row for row in rows if row["union"] == "tcounty1")
    points = {line["key"]: line["points"] for line in first["breakdown"]}
    assert points["publicity"] == 20.0  # 5 reports × 5 points, now capped by the weight 20
    assert points["attendance_bonus"] == 1.5  # 2 × 1 = 2, capped at 1.5
    assert first["total"] == 95 - 10 + 20 + 1.5
    # Other years keep the default.
    other_year = admin.get(f"/api/v1/city/assessment/schemes/{YEAR + 1}/").json()
    assert other_year["is_default"] is True


def test_scheme_edits_are_validated_with_field_errors_and_change_nothing(api, world):
    admin = english(api("tcity-admin", "tcity"))
    items = default_items()
    items[0]["weight"] = -5
    items[1]["tiers"] = [{"at_least": 0.8, "fraction": 0.5}, {"at_least": 0.2, "fraction": 1}]
    items[2]["metric"] = "smiles"
    response = admin.put(SCHEME_URL, {"items": items}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {
        "items[0].weight": ["The weight is a number of points, zero or more."],
        "items[1].tiers": ["Tiers must ascend: each threshold and fraction above the one before."],
        "items[2].metric": [error["fields"]["items[2].metric"][0]],
    }
    assert error["fields"]["items[2].metric"][0].startswith("Unknown metric.")
    assert admin.put(SCHEME_URL, {"items": []}, format="json").status_code == 400
    assert admin.put(SCHEME_URL, {}, format="json").json()["error"]["fields"].keys() == {"items"}
    assert (
        admin.put("/api/v1/city/assessment/schemes/1999/", {"items": default_items()}, format="json").status_code == 400
    )
    assert not AssessmentScheme.objects.exists()


@pytest.mark.parametrize(
    "username, code",
    [("tcity-staff", "tcity"), ("tcity-viewer", "tcity"), ("tcounty1-admin", "tcounty1"), ("stranger", "tcity")],
)
def test_only_the_citys_admins_edit_the_scheme(api, username, code):
    response = api(username, code).put(
        f"/api/v1/city/assessment/schemes/{YEAR}/", {"items": default_items()}, format="json"
    )
    assert response.status_code == 403
    assert not AssessmentScheme.objects.exists()


def test_county_users_cannot_read_the_citys_assessment(api):
    for url in (SCHEME_URL, f"{SCORES_URL}?year={YEAR}", f"{RANKINGS_URL}?year={YEAR}"):
        assert api("tcounty1-admin", "tcounty1").get(url).status_code == 403
        assert api("stranger", "tcity").get(url).status_code == 403
        assert api(None, "tcity").get(url).status_code in (401, 403)


# --- scores and adjustments ----------------------------------------------------------------------


def test_scores_have_a_per_item_breakdown_from_the_roll_up(api, world):
    roll_up(world.union("tcounty1"), **GOOD)
    roll_up(world.union("tcounty2"), events_held=2, cases_raised=4, cases_overdue=2, media_reports=1)
    body = api("tcity-viewer", "tcity").get(SCORES_URL, {"year": YEAR}).json()
    assert body["published"] is False and body["scheme"] == default_items()
    rows = {row["union"]: row for row in body["rows"]}
    assert set(rows) == {"tcounty1", "tcounty2"}
    one, two = rows["tcounty1"], rows["tcounty2"]
    assert (one["total"], one["rank"], one["veto"], one["quota"]) == (95.0, 1, False, 4)
    assert {line["key"]: line["points"] for line in one["breakdown"]} == {
        "quota": 30.0,
        "on_site": 15.0,
        "referred_on_time": 20.0,
        "reach_enterprises": 5.0,
        "reach_workers": 5.0,
        "departments": 10.0,
        "publicity": 10.0,
        "over_quota": 0.0,
        "veto_quota": 0.0,
        "veto_overdue": 0.0,
    }
    # tcounty2: half the quota (15), no case solved on site (0), none referred but some raised (20), one report (2).
    assert two["total"] == 37.0 and two["rank"] == 2
    assert two["veto"] is True and two["vetoes"] == ["veto_quota", "veto_overdue"]
    assert one["stats"]["events_held"] == 4 and one["computed_at"] is not None


def test_a_union_without_a_roll_up_row_scores_from_zeros(api, world):
    rows = api("tcity-viewer", "tcity").get(SCORES_URL, {"year": YEAR}).json()["rows"]
    assert [(row["union"], row["total"], row["rank"], row["computed_at"]) for row in rows] == [
        ("tcounty1", 0.0, 1, None),
        ("tcounty2", 0.0, 1, None),
    ]


def test_adjustments_need_a_reason_and_are_audited(api, world):
    roll_up(world.union("tcounty1"), **GOOD)
    admin = english(api("tcity-admin", "tcity"))
    missing = admin.post(ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty1", "points": 3}, format="json")
    assert missing.status_code == 400
    assert missing.json()["error"]["fields"] == {"reason": ["A reason is required."]}
    blank = admin.post(ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty1", "points": 3, "reason": "  "}, format="json")
    assert blank.json()["error"]["fields"] == {"reason": ["A reason is required."]}
    zero = admin.post(ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty1", "points": 0, "reason": "x"}, format="json")
    assert zero.json()["error"]["fields"].keys() == {"points"}
    other_city = admin.post(
        ADJUSTMENTS_URL, {"year": YEAR, "union": "ocounty", "points": 1, "reason": "x"}, format="json"
    )
    assert other_city.status_code == 400 and other_city.json()["error"]["fields"] == {
        "union": ["Not a union of this city."]
    }
    assert not Adjustment.objects.exists()

    added = admin.post(
        ADJUSTMENTS_URL,
        {"year": YEAR, "union": "tcounty1", "points": "3.5", "reason": "承办全市示范活动"},
        format="json",
    )
    assert added.status_code == 201, added.json()
    admin.post(
        ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty1", "points": -1, "reason": "信息报送迟报"}, format="json"
    )
    listed = api("tcity-viewer", "tcity").get(ADJUSTMENTS_URL, {"year": YEAR}).json()
    assert [(a["union"], a["points"], a["reason"], a["created_by"]) for a in listed] == [
        ("tcounty1", 3.5, "承办全市示范活动", "tcity admin"),
        ("tcounty1", -1.0, "信息报送迟报", "tcity admin"),
    ]
    assert all(a["created_at"] for a in listed)
    row = next(r for r in admin.get(SCORES_URL, {"year": YEAR}).json()["rows"] if r["union"] == "tcounty1")
    assert (row["score"], row["adjustment_total"], row["total"]) == (95.0, 2.5, 97.5)
    assert [a["reason"] for a in row["adjustments"]] == ["承办全市示范活动", "信息报送迟报"]
    # Staff, viewers and county admins may not adjust.
    for username, code in (("tcity-staff", "tcity"), ("tcounty1-admin", "tcounty1")):
        refused = api(username, code).post(
            ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty1", "points": 1, "reason": "x"}, format="json"
        )
        assert refused.status_code == 403
    assert Adjustment.objects.count() == 2


# --- rankings ------------------------------------------------------------------------------------


def test_rankings_use_standard_competition_ranking_1224(api, four_counties):
    one, two, three, four = four_counties
    roll_up(one, **GOOD)  # 95
    roll_up(two, **(GOOD | {"media_reports": 0}))  # 85, rate 0.6
    roll_up(three, **(GOOD | {"media_reports": 0}))  # 85, identical in every key: shares rank 2
    roll_up(four, **(GOOD | {"media_reports": 1, "departments_engaged": 0}))  # 77
    body = api("tcity-viewer", "tcity").get(RANKINGS_URL, {"year": YEAR}).json()
    assert body["published"] is False
    assert [(r["rank"], r["union"], r["total"]) for r in body["results"]] == [
        (1, "tcounty1", 95.0),
        (2, "tcounty2", 85.0),
        (2, "tcounty3", 85.0),
        (4, "tcounty4", 77.0),
    ]
    assert "breakdown" not in body["results"][0]


def test_ties_are_broken_by_on_site_rate_then_events_held(api, four_counties):
    one, two, three, four = four_counties
    # Equal totals (35: quota tier 15, on-site rate below 0.2 → 0, none referred but cases raised → 20),
    # different tie-breakers.
    base = dict(events_held=2, cases_raised=10)
    roll_up(one, **base | {"cases_solved_on_site": 1})  # rate 0.1
    roll_up(two, **base | {"cases_solved_on_site": 0})  # rate 0
    roll_up(three, **base | {"cases_solved_on_site": 1, "events_held": 3})  # rate 0.1, one more event
    roll_up(four, **base | {"cases_solved_on_site": 1})  # same as one: shares the rank
    admin = api("tcity-admin", "tcity")
    # Make three's extra event worth no points, so the totals tie and the events held decide.
    items = default_items()
    quota = next(item for item in items if item["key"] == "quota")
    quota["tiers"] = [{"at_least": 0.5, "fraction": 0.5}]
    assert admin.put(SCHEME_URL, {"items": items}, format="json").status_code == 200
    results = admin.get(RANKINGS_URL, {"year": YEAR}).json()["results"]
    assert {r["total"] for r in results} == {35.0}
    assert [(r["rank"], r["union"], r["on_site_rate"], r["events_held"]) for r in results] == [
        (1, "tcounty3", 0.1, 3),
        (2, "tcounty1", 0.1, 2),
        (2, "tcounty4", 0.1, 2),
        (4, "tcounty2", 0.0, 2),
    ]


def test_adjustments_move_the_ranking(api, world):
    roll_up(world.union("tcounty1"), **GOOD)
    roll_up(world.union("tcounty2"), **(GOOD | {"media_reports": 4}))  # 93
    admin = api("tcity-admin", "tcity")
    admin.post(
        ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty2", "points": 2, "reason": "全国媒体报道"}, format="json"
    )
    results = admin.get(RANKINGS_URL, {"year": YEAR}).json()["results"]
    # 95 vs 95: equal on-site rate and events held too, so they share the first place.
    assert [(r["rank"], r["union"], r["total"]) for r in results] == [(1, "tcounty1", 95.0), (1, "tcounty2", 95.0)]


# --- isolation between cities --------------------------------------------------------------------


def test_a_city_sees_only_its_own_counties(api, world):
    roll_up(world.union("tcounty1"), **GOOD)
    roll_up(world.union("ocounty"), events_held=1)
    other = api("ocity-admin", "ocity")
    assert [r["union"] for r in other.get(RANKINGS_URL, {"year": YEAR}).json()["results"]] == ["ocounty"]
    assert [r["union"] for r in other.get(SCORES_URL, {"year": YEAR}).json()["rows"]] == ["ocounty"]
    mine = api("tcity-admin", "tcity")
    assert [r["union"] for r in mine.get(RANKINGS_URL, {"year": YEAR}).json()["results"]] == ["tcounty1", "tcounty2"]
    # ocity's own scheme edit does not touch tcity's.
    items = default_items()[:3]
    assert other.put(SCHEME_URL, {"items": items}, format="json").status_code == 200
    assert mine.get(SCHEME_URL).json()["is_default"] is True
    # An adjustment made by tcity is not in ocity's list.
    mine.post(ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty1", "points": 1, "reason": "x"}, format="json")
    assert other.get(ADJUSTMENTS_URL, {"year": YEAR}).json() == []


def test_a_forged_host_gets_nothing(api):
    forged = api("ocity-admin", "ocity")
    forged.defaults["HTTP_HOST"] = "tcity.localhost"
    assert forged.get(RANKINGS_URL, {"year": YEAR}).status_code == 403
    assert forged.get(SCORES_URL, {"year": YEAR}).status_code == 403
    assert forged.put(SCHEME_URL, {"items": default_items()}, format="json").status_code == 403
    assert (
        forged.post(
            ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty1", "points": 1, "reason": "x"}, format="json"
        ).status_code
        == 403
    )
    unknown = api("tcity-admin", "tcity")
    unknown.defaults["HTTP_HOST"] = "nowhere.localhost"
    assert unknown.get(RANKINGS_URL, {"year": YEAR}).status_code == 404
    assert not Adjustment.objects.exists() and not AssessmentScheme.objects.exists()


def test_year_is_required_and_checked(api):
    viewer = english(api("tcity-viewer", "tcity"))
    for url in (RANKINGS_URL, SCORES_URL, ADJUSTMENTS_URL):
        assert viewer.get(url).json()["error"]["fields"] == {"year": ["A year such as 2024 is required."]}
        assert viewer.get(url, {"year": "abc"}).status_code == 400
        assert viewer.get(url, {"year": 1900}).status_code == 400


def test_rankings_cost_the_same_queries_whatever_the_number_of_unions(api, world, four_counties):
    """Served from the roll-up table: no per-schema loop, no query per union."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for union in four_counties:
        roll_up(union, **GOOD)
    roll_up(world.union("ocounty"), **GOOD)
    counts = {}
    for username, code in (("tcity-viewer", "tcity"), ("ocity-viewer", "ocity")):
        client = api(username, code)
        client.get(RANKINGS_URL, {"year": YEAR})
        with CaptureQueriesContext(connection) as queries:
            client.get(RANKINGS_URL, {"year": YEAR})
        counts[code] = len(queries)
    assert counts["tcity"] == counts["ocity"]
    without_adjustments = counts["tcity"]
    # Adjustments cost one query more (read only when the year has some), whatever the number of unions.
    for admin, city, county in (("tcity-admin", "tcity", "tcounty3"), ("ocity-admin", "ocity", "ocounty")):
        posted = api(admin, city).post(
            ADJUSTMENTS_URL, {"year": YEAR, "union": county, "points": 1, "reason": "x"}, format="json"
        )
        assert posted.status_code == 201
    counts = {}
    for username, code, expected in (("tcity-viewer", "tcity", 4), ("ocity-viewer", "ocity", 1)):
        client = api(username, code)
        client.get(RANKINGS_URL, {"year": YEAR})  # warm the token and content-type caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(RANKINGS_URL, {"year": YEAR})
        assert len(response.json()["results"]) == expected
        counts[code] = len(queries)
        assert not any("SET search_path" in q["sql"] and "tcounty" in q["sql"] for q in queries.captured_queries)
    assert counts["tcity"] == counts["ocity"] == without_adjustments + 1
    print(f"rankings: {counts['tcity']} queries for 4 unions, {counts['ocity']} for 1")


def test_an_open_year_is_read_in_one_statement_and_a_city_without_counties_in_two(world, four_counties):
    """The children with their roll-up rows carry the year's publication flag, scheme, quotas and adjustment
    flag on their first row; a city without children reads those on their own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oversight.assessment.selectors import assessment_view
    from shared.unions.services import union_create

    for union in four_counties:
        roll_up(union, **GOOD)
    items = default_items()[:3]
    AssessmentScheme.objects.create(city=world.union("tcity"), year=YEAR, items=items)
    with CaptureQueriesContext(connection) as queries:
        view = assessment_view(city=world.union("tcity"), year=YEAR)
    assert len(queries) == 1
    assert view["scheme"] == items and view["published"] is False
    assert [row["union"] for row in view["rows"]] == ["tcounty1", "tcounty2", "tcounty3", "tcounty4"]

    lonely = union_create(
        code="tlonely", name="孤市总工会", level="city", region_code="359900", domain="tlonely.localhost"
    )
    AssessmentScheme.objects.create(city=lonely, year=YEAR, items=items)
    with CaptureQueriesContext(connection) as queries:
        view = assessment_view(city=lonely, year=YEAR)
    assert len(queries) == 2
    assert view["scheme"] == items and view["rows"] == [] and view["published"] is False


def test_errors_speak_chinese_by_default(api, world):
    response = api("tcity-admin", "tcity").post(
        ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty1", "points": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"reason": ["请填写理由。"]}
