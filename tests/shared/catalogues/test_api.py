"""Catalogues (public schema): read by any member on their own union's host; written only by city admins.

In this deployment the catalogues are one list shared by every city, so any city union's admin may edit them
(tcity's and ocity's alike); county admins, staff and viewers are refused.
"""

import pytest

from shared.catalogues.models import Department, Topic
from shared.catalogues.seed import DEPARTMENTS, TOPICS

TOPICS_URL = "/api/v1/catalogues/topics/"
DEPARTMENTS_URL = "/api/v1/catalogues/departments/"


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.mark.parametrize("username, code", [("tcounty1-viewer", "tcounty1"), ("ocity-staff", "ocity")])
def test_any_member_reads_the_seeded_lists(api, username, code):
    client = api(username, code)
    topics = client.get(TOPICS_URL)
    assert topics.status_code == 200
    assert [row["name"] for row in topics.json()] == TOPICS
    departments = client.get(DEPARTMENTS_URL).json()
    assert [row["name"] for row in departments] == DEPARTMENTS
    one = departments[0]
    assert client.get(f"{DEPARTMENTS_URL}{one['id']}/").json() == one


def test_reading_needs_a_membership_of_the_hosts_union(api):
    assert api("stranger", "tcounty1").get(TOPICS_URL).status_code == 403
    assert api(None, "tcounty1").get(TOPICS_URL).status_code in (401, 403)
    forged = api("ocounty-staff", "ocounty")
    forged.defaults["HTTP_HOST"] = "tcounty1.localhost"
    assert forged.get(TOPICS_URL).status_code == 403


@pytest.mark.parametrize("username, code", [("tcity-admin", "tcity"), ("ocity-admin", "ocity")])
def test_city_admins_create_update_deactivate(api, username, code):
    admin = english(api(username, code))
    created = admin.post(TOPICS_URL, {"name": "新就业形态劳动者权益"}, format="json")
    assert created.status_code == 201, created.json()
    topic = created.json()
    assert topic["sort_order"] == len(TOPICS) + 1 and topic["is_active"] is True
    updated = admin.patch(f"{TOPICS_URL}{topic['id']}/", {"name": "新就业形态", "sort_order": 3}, format="json")
    assert updated.status_code == 200
    assert (updated.json()["name"], updated.json()["sort_order"]) == ("新就业形态", 3)
    deactivated = admin.post(f"{TOPICS_URL}{topic['id']}/deactivate/")
    assert deactivated.status_code == 200 and deactivated.json()["is_active"] is False
    assert "新就业形态" not in [row["name"] for row in admin.get(TOPICS_URL).json()]
    assert "新就业形态" in [row["name"] for row in admin.get(TOPICS_URL, {"include_inactive": "true"}).json()]
    assert admin.post(f"{TOPICS_URL}{topic['id']}/activate/").json()["is_active"] is True
    department = admin.post(DEPARTMENTS_URL, {"name": "住建局", "sort_order": 20}, format="json")
    assert department.status_code == 201
    assert Department.objects.get(name="住建局").sort_order == 20


@pytest.mark.parametrize(
    "username, code",
    [
        ("tcity-staff", "tcity"),  # city, but not an admin
        ("tcity-viewer", "tcity"),
        ("tcounty1-admin", "tcounty1"),  # an admin, but of a county
        ("tcounty1-staff", "tcounty1"),
        ("stranger", "tcity"),
    ],
)
def test_everyone_else_is_refused_writes_and_nothing_changes(api, username, code):
    topic = Topic.objects.get(name="防欠薪")
    client = api(username, code)
    assert client.post(TOPICS_URL, {"name": "入侵"}, format="json").status_code == 403
    assert client.patch(f"{TOPICS_URL}{topic.pk}/", {"name": "入侵"}, format="json").status_code == 403
    assert client.post(f"{TOPICS_URL}{topic.pk}/deactivate/").status_code == 403
    assert client.post(DEPARTMENTS_URL, {"name": "入侵"}, format="json").status_code == 403
    topic.refresh_from_db()
    assert (topic.name, topic.is_active) == ("防欠薪", True)
    assert not Topic.objects.filter(name="入侵").exists() and not Department.objects.filter(name="入侵").exists()


def test_a_city_admin_token_on_a_county_host_is_refused(api):
    forged = api("tcity-admin", "tcity")
    forged.defaults["HTTP_HOST"] = "tcounty1.localhost"
    assert forged.post(TOPICS_URL, {"name": "入侵"}, format="json").status_code == 403
    assert not Topic.objects.filter(name="入侵").exists()


def test_name_uniqueness_and_rules_are_field_errors(api):
    admin = english(api("tcity-admin", "tcity"))
    response = admin.post(TOPICS_URL, {"name": "防欠薪"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"name": ["This name is already in use."]}
    other = Topic.objects.get(name="金秋助学")
    response = admin.patch(f"{TOPICS_URL}{other.pk}/", {"name": " 防欠薪 "}, format="json")
    assert response.json()["error"]["fields"] == {"name": ["This name is already in use."]}
    assert admin.patch(f"{TOPICS_URL}{other.pk}/", {"name": "金秋助学"}, format="json").status_code == 200
    assert admin.post(DEPARTMENTS_URL, {"name": "  "}, format="json").json()["error"]["fields"] == {
        "name": ["A name is required."]
    }
    assert admin.post(DEPARTMENTS_URL, {"name": "法" * 61}, format="json").json()["error"]["fields"] == {
        "name": ["A name has at most 60 characters."]
    }
    assert admin.post(DEPARTMENTS_URL, {"name": "x", "sort_order": -1}, format="json").status_code == 400
    assert admin.get(f"{TOPICS_URL}999999/").status_code == 404
    assert admin.delete(f"{TOPICS_URL}{other.pk}/").status_code == 405
