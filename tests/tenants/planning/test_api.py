"""Topic planning API: suggestions, ranked topics, the year's plan and its adjustments; isolation."""

import pytest

from shared.catalogues.models import Department, Topic
from tenants.planning.models import PlanAdjustment, PlanItem, Suggestion

BASE = "/api/v1/planning/"


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def staff(api):
    return english(api("tcounty1-staff", "tcounty1"))


def tid(name):
    return Topic.objects.get(name=name).pk


def did(name):
    return Department.objects.get(name=name).pk


def test_record_and_list_suggestions(staff):
    body = {"year": 2024, "source": "site_visit", "topic": tid("防欠薪"), "text": "春节前工资按时发放"}
    response = staff.post(f"{BASE}suggestions/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["topic"] == {"id": tid("防欠薪"), "name": "防欠薪"}
    assert data["source_label"] == "Site visit"
    assert data["created_by"] == "tcounty1 staff"
    listed = staff.get(f"{BASE}suggestions/", {"year": 2024}).json()
    assert listed["count"] == 1
    assert staff.get(f"{BASE}suggestions/", {"year": 2023}).json()["count"] == 0
    assert staff.get(f"{BASE}suggestions/", {"source": "hotline"}).status_code == 400


def test_suggestion_errors_name_the_fields(staff):
    response = staff.post(f"{BASE}suggestions/", {"year": 2024, "source": "hotline", "topic": 999999}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"source", "topic", "text"}
    response = staff.post(
        f"{BASE}suggestions/", {"year": 1800, "source": "interview", "topic": tid("防欠薪"), "text": "x"}, format="json"
    )
    assert response.json()["error"]["fields"] == {"year": ["The year must be between 2000 and 2100."]}


def test_ranked_topics_for_a_year(staff):
    for name, times in (("金秋助学", 1), ("防欠薪", 3), ("女职工关爱", 2), ("工资集体协商", 2)):
        for n in range(times):
            body = {"year": 2025, "source": "questionnaire", "topic": tid(name), "text": f"{name}{n}"}
            assert staff.post(f"{BASE}suggestions/", body, format="json").status_code == 201
    response = staff.get(f"{BASE}topics/ranked/", {"year": 2025})
    assert response.status_code == 200
    assert response.json() == {
        "year": 2025,
        "total": 8,
        "results": [
            {"rank": 1, "topic": {"id": tid("防欠薪"), "name": "防欠薪"}, "count": 3},
            {"rank": 2, "topic": {"id": tid("工资集体协商"), "name": "工资集体协商"}, "count": 2},
            {"rank": 2, "topic": {"id": tid("女职工关爱"), "name": "女职工关爱"}, "count": 2},
            {"rank": 4, "topic": {"id": tid("金秋助学"), "name": "金秋助学"}, "count": 1},
        ],
    }
    missing = staff.get(f"{BASE}topics/ranked/")
    assert missing.status_code == 400
    assert "year" in missing.json()["error"]["fields"]
    assert staff.get(f"{BASE}topics/ranked/", {"year": "abc"}).status_code == 400


def plan_body(**overrides):
    body = {
        "year": 2024,
        "month": 3,
        "theme": "关注肾脏病、关爱女职工",
        "topic": tid("女职工关爱"),
        "departments": [did("卫健委")],
    }
    body.update(overrides)
    return body


def test_build_the_plan_and_adjust_it_with_reasons(staff, in_union):
    created = staff.post(f"{BASE}plan/", plan_body(), format="json")
    assert created.status_code == 201, created.json()
    item = created.json()
    assert item["departments"] == [{"id": did("卫健委"), "name": "卫健委"}]
    assert item["adjustment_count"] == 0
    assert (
        staff.post(
            f"{BASE}plan/",
            plan_body(month=7, theme="五水共治大家谈", topic=tid("生态环保(五水共治)"), departments=[]),
            format="json",
        ).status_code
        == 201
    )
    plan = staff.get(f"{BASE}plan/", {"year": 2024}).json()
    assert [row["month"] for row in plan] == [3, 7]

    taken = staff.post(f"{BASE}plan/", plan_body(theme="重复"), format="json")
    assert taken.status_code == 400
    assert taken.json()["error"]["fields"] == {"month": ["The plan of 2024 already has an item for month 3."]}

    no_reason = staff.patch(f"{BASE}plan/{item['id']}/", {"theme": "改"}, format="json")
    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["fields"] == {"reason": ["Every change to the plan needs a reason."]}

    adjusted = staff.patch(
        f"{BASE}plan/{item['id']}/",
        {"reason": "配合市政府“三服务”活动调整", "month": 4, "departments": [did("卫健委"), did("人力社保局")]},
        format="json",
    )
    assert adjusted.status_code == 200, adjusted.json()
    assert adjusted.json()["month"] == 4
    assert adjusted.json()["adjustment_count"] == 1

    same = staff.patch(f"{BASE}plan/{item['id']}/", {"reason": "再次", "month": 4}, format="json")
    assert same.status_code == 400
    assert same.json()["error"]["code"] == "no_change"

    history = staff.get(f"{BASE}plan/{item['id']}/adjustments/").json()
    assert len(history) == 1
    assert history[0]["reason"] == "配合市政府“三服务”活动调整"
    assert history[0]["before"]["month"] == 3 and history[0]["after"]["month"] == 4
    assert [d["name"] for d in history[0]["after"]["departments"]] == ["人力社保局", "卫健委"]
    assert history[0]["actor"]["username"] == "tcounty1-staff"
    assert staff.get(f"{BASE}adjustments/", {"year": 2024}).json() == history
    assert staff.get(f"{BASE}adjustments/", {"year": 2023}).json() == []
    assert staff.delete(f"{BASE}plan/{item['id']}/").status_code == 405


def test_plan_item_field_errors(staff):
    response = staff.post(f"{BASE}plan/", plan_body(month=0, theme=" ", departments=[999999]), format="json")
    assert response.status_code == 400
    assert "departments" in response.json()["error"]["fields"]
    response = staff.post(f"{BASE}plan/", plan_body(month=0, theme=" "), format="json")
    assert set(response.json()["error"]["fields"]) == {"month", "theme"}
    assert staff.get(f"{BASE}plan/999999/").status_code == 404


def test_viewer_reads_but_cannot_write(api, staff):
    item = staff.post(f"{BASE}plan/", plan_body(), format="json").json()
    viewer = api("tcounty1-viewer", "tcounty1")
    assert viewer.get(f"{BASE}plan/").status_code == 200
    assert viewer.get(f"{BASE}topics/ranked/", {"year": 2024}).status_code == 200
    assert viewer.post(f"{BASE}plan/", plan_body(month=5), format="json").status_code == 403
    assert viewer.patch(f"{BASE}plan/{item['id']}/", {"reason": "x", "theme": "y"}, format="json").status_code == 403
    body = {"year": 2024, "source": "interview", "topic": tid("防欠薪"), "text": "x"}
    assert viewer.post(f"{BASE}suggestions/", body, format="json").status_code == 403


def test_colleague_may_adjust_and_is_recorded_as_actor(api, staff):
    item = staff.post(f"{BASE}plan/", plan_body(), format="json").json()
    colleague = api("tcounty1-colleague", "tcounty1")
    response = colleague.patch(
        f"{BASE}plan/{item['id']}/", {"reason": "同事调整", "theme": "女职工健康"}, format="json"
    )
    assert response.status_code == 200
    assert staff.get(f"{BASE}plan/{item['id']}/adjustments/").json()[0]["actor"]["username"] == "tcounty1-colleague"


def _state(in_union):
    with in_union("tcounty1"):
        return (
            sorted(Suggestion.objects.values_list("id", "text")),
            sorted(PlanItem.objects.values_list("id", "month", "theme")),
            PlanAdjustment.objects.count(),
        )


@pytest.mark.parametrize(
    "username, code", [("ocounty-admin", "tcounty1"), ("tcounty2-staff", "tcounty1"), ("stranger", "tcounty1")]
)
def test_other_unions_cannot_read_or_change_the_plan(api, staff, in_union, username, code):
    item = staff.post(f"{BASE}plan/", plan_body(), format="json").json()
    staff.post(
        f"{BASE}suggestions/",
        {"year": 2024, "source": "interview", "topic": tid("防欠薪"), "text": "机密"},
        format="json",
    )
    before = _state(in_union)
    client = api(username, code)
    for url in ("suggestions/", "plan/", f"plan/{item['id']}/", f"plan/{item['id']}/adjustments/", "adjustments/"):
        assert client.get(f"{BASE}{url}").status_code == 403
    assert client.get(f"{BASE}topics/ranked/", {"year": 2024}).status_code == 403
    assert client.post(f"{BASE}plan/", plan_body(month=9), format="json").status_code == 403
    assert (
        client.patch(f"{BASE}plan/{item['id']}/", {"reason": "入侵", "theme": "入侵"}, format="json").status_code == 403
    )
    body = {"year": 2024, "source": "interview", "topic": tid("防欠薪"), "text": "入侵"}
    assert client.post(f"{BASE}suggestions/", body, format="json").status_code == 403
    assert _state(in_union) == before


def test_forged_host_and_own_host_of_another_union(api, staff, in_union):
    item = staff.post(f"{BASE}plan/", plan_body(), format="json").json()
    before = _state(in_union)
    forged = api("tcounty2-admin", "tcounty2")
    forged.defaults["HTTP_HOST"] = "tcounty1.localhost"
    assert forged.get(f"{BASE}plan/").status_code == 403
    assert (
        forged.patch(f"{BASE}plan/{item['id']}/", {"reason": "入侵", "theme": "入侵"}, format="json").status_code == 403
    )
    own = api("tcounty2-admin", "tcounty2")
    assert own.get(f"{BASE}plan/").json() == []
    assert own.get(f"{BASE}plan/{item['id']}/").status_code == 404
    assert own.patch(f"{BASE}plan/{item['id']}/", {"reason": "入侵", "theme": "入侵"}, format="json").status_code == 404
    assert own.get(f"{BASE}topics/ranked/", {"year": 2024}).json()["results"] == []
    assert _state(in_union) == before


def test_plan_list_takes_a_fixed_number_of_queries(staff, django_assert_max_num_queries):
    for month in range(1, 13):
        staff.post(
            f"{BASE}plan/",
            plan_body(month=month, theme=f"{month}月", departments=[did("法院"), did("司法局")]),
            format="json",
        )
    with django_assert_max_num_queries(10):
        response = staff.get(f"{BASE}plan/", {"year": 2024})
    assert len(response.json()) == 12
