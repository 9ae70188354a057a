"""Enterprise API: create, edit, list, search; every rule as status code and error body; isolation."""

import pytest

from tenants.enterprises.models import Enterprise
from tenants.enterprises.services import enterprise_create

from .helpers import english, valid_code, wrong_check

URL = "/api/v1/enterprises/"


@pytest.fixture
def staff(api):
    return english(api("tcounty1-staff", "tcounty1"))


@pytest.fixture
def sample(world, in_union):
    with in_union("tcounty1"):
        return [
            enterprise_create(name="衢州元立金属制品有限公司", credit_code=valid_code(11), industry="制造业"),
            enterprise_create(name="浙江衢州巨化物流公司", credit_code=valid_code(12), industry="物流"),
            enterprise_create(name="柯城区农贸市场", town="府山街道"),
        ]


def test_staff_creates_an_enterprise(staff, in_union):
    body = {
        "name": "浙江开山压缩机股份有限公司",
        "credit_code": valid_code(20).lower(),
        "industry": "通用设备制造",
        "town": "衢州经济技术开发区",
        "employees": 1500,
        "union_established": True,
        "harmony_level": "province",
    }
    response = staff.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["credit_code"] == valid_code(20)
    assert data["harmony_level"] == "province"
    assert data["harmony_level_label"] == "Province-level harmonious enterprise"
    with in_union("tcounty1"):
        assert Enterprise.objects.get(pk=data["id"]).employees == 1500


@pytest.mark.parametrize(
    "code, message",
    [
        ("91330802MA0000", "A unified social credit code has 18 characters; this one has 14."),
        (
            "91330802MA000O001X",
            "Invalid character “O”: only digits and capital letters except I, O, Z, S and V are allowed.",
        ),
        (wrong_check(valid_code(21)), f"Wrong check character: the last character should be “{valid_code(21)[17]}”."),
    ],
)
def test_wrong_code_is_400_naming_the_field_and_the_reason(staff, in_union, code, message):
    response = staff.post(URL, {"name": "某公司", "credit_code": code}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "invalid", "message": "Some fields are not valid.", "fields": {"credit_code": [message]}}
    }
    with in_union("tcounty1"):
        assert not Enterprise.objects.filter(name="某公司").exists()


def test_error_reason_is_translated_to_chinese(api):
    client = api("tcounty1-staff", "tcounty1")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    response = client.post(URL, {"name": "某公司", "credit_code": wrong_check(valid_code(22))}, format="json")
    assert response.status_code == 400
    assert "校验码" in response.json()["error"]["fields"]["credit_code"][0]


def test_duplicate_code_is_a_field_error(staff, sample, in_union):
    response = staff.post(URL, {"name": "另一家", "credit_code": valid_code(11)}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "credit_code": ["An enterprise with this unified social credit code already exists: 衢州元立金属制品有限公司."]
    }
    with in_union("tcounty1"):
        assert Enterprise.objects.count() == 3


def test_missing_name_and_negative_employees_are_field_errors(staff):
    response = staff.post(URL, {"employees": -3}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"name"}
    response = staff.post(URL, {"name": "某公司", "employees": -3}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"employees": ["The number of employees cannot be negative."]}


def test_list_and_search_by_name_or_code(staff, sample):
    response = staff.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert {row["name"] for row in staff.get(URL, {"search": "衢州"}).json()["results"]} == {
        "衢州元立金属制品有限公司",
        "浙江衢州巨化物流公司",
    }
    by_code = staff.get(URL, {"search": valid_code(12).lower()}).json()["results"]
    assert [row["name"] for row in by_code] == ["浙江衢州巨化物流公司"]
    by_part = staff.get(URL, {"search": valid_code(11)[8:14]}).json()["results"]
    assert "衢州元立金属制品有限公司" in [row["name"] for row in by_part]
    assert staff.get(URL, {"industry": "物流"}).json()["count"] == 1
    assert staff.get(URL, {"harmony_level": "nonsense"}).status_code == 400


def test_edit_with_patch_and_put(staff, sample, in_union):
    target = sample[2]
    response = staff.patch(f"{URL}{target.pk}/", {"employees": 80, "credit_code": valid_code(13)}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["employees"] == 80
    response = staff.patch(f"{URL}{target.pk}/", {"credit_code": valid_code(11)}, format="json")
    assert response.status_code == 400
    assert "credit_code" in response.json()["error"]["fields"]
    response = staff.put(f"{URL}{target.pk}/", {"name": "柯城区农贸市场有限公司"}, format="json")
    assert response.status_code == 200
    with in_union("tcounty1"):
        target.refresh_from_db()
        assert (target.name, target.credit_code, target.employees) == ("柯城区农贸市场有限公司", valid_code(13), 80)
    assert staff.get(f"{URL}{target.pk}/").json()["name"] == "柯城区农贸市场有限公司"
    assert staff.get(f"{URL}999999/").status_code == 404


def test_viewer_reads_but_cannot_write(api, sample):
    viewer = english(api("tcounty1-viewer", "tcounty1"))
    assert viewer.get(URL).status_code == 200
    assert viewer.post(URL, {"name": "x"}, format="json").status_code == 403
    assert viewer.patch(f"{URL}{sample[0].pk}/", {"name": "x"}, format="json").status_code == 403


def test_colleague_sees_and_edits_the_same_enterprises(api, sample):
    colleague = api("tcounty1-colleague", "tcounty1")
    assert colleague.get(URL).json()["count"] == 3
    assert colleague.patch(f"{URL}{sample[0].pk}/", {"industry": "冶金"}, format="json").status_code == 200


def _snapshot(in_union):
    with in_union("tcounty1"):
        return sorted(Enterprise.objects.values_list("id", "name", "credit_code", "employees"))


@pytest.mark.parametrize(
    "username, code", [("ocounty-admin", "tcounty1"), ("tcounty2-admin", "tcounty1"), ("stranger", "tcounty1")]
)
def test_another_unions_user_cannot_read_or_change(api, sample, in_union, username, code):
    before = _snapshot(in_union)
    client = api(username, code)
    pk = sample[0].pk
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{pk}/").status_code == 403
    assert client.post(URL, {"name": "入侵"}, format="json").status_code == 403
    assert client.patch(f"{URL}{pk}/", {"name": "入侵"}, format="json").status_code == 403
    assert _snapshot(in_union) == before


def test_forged_host_does_not_reach_another_union(api, sample, in_union):
    before = _snapshot(in_union)
    # tcounty2's admin with their own token, but a Host header naming tcounty1: no membership there.
    forged = api("tcounty2-admin", "tcounty2")
    forged.defaults["HTTP_HOST"] = "tcounty1.localhost"
    assert forged.get(URL).status_code == 403
    assert forged.patch(f"{URL}{sample[0].pk}/", {"name": "入侵"}, format="json").status_code == 403
    # A Host that names no union is a 404, never some default union's data.
    unknown = api("tcounty1-admin", "tcounty1")
    unknown.defaults["HTTP_HOST"] = "nowhere.localhost"
    assert unknown.get(URL).status_code == 404
    # On its own host, tcounty2 sees only its own (empty) list.
    assert api("tcounty2-admin", "tcounty2").get(URL).json()["count"] == 0
    assert api("tcounty2-admin", "tcounty2").get(f"{URL}{sample[0].pk}/").status_code == 404
    assert _snapshot(in_union) == before


def test_list_takes_a_fixed_number_of_queries(staff, in_union, django_assert_max_num_queries):
    with in_union("tcounty1"):
        for n in range(60):
            enterprise_create(name=f"企业{n:02d}", credit_code=valid_code(100 + n))
    # 5 statements (domain, token, membership, count, page), each preceded by django-tenants' SET search_path.
    with django_assert_max_num_queries(10):
        response = staff.get(URL)
    assert len(response.json()["results"]) == 50
    with django_assert_max_num_queries(10):
        response = staff.get(URL, {"page": 2})
    assert len(response.json()["results"]) == 10
