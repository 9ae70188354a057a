"""/api/v1/liaisons/ and /api/v1/liaisons/links/: members read, admin and staff write, 400 with field errors,
nothing of another union, and the same for a forged Host."""

from __future__ import annotations

import pytest

from tenants.liaisons.models import Liaison, LiaisonLink
from tenants.liaisons.services import link_current

from .helpers import departments, liaison

URL = "/api/v1/liaisons/"


@pytest.fixture
def person(world, in_union):
    with in_union("tcounty1"):
        return liaison(departments()[0])


def test_members_read_staff_write(api, person):
    body = api("tcounty1-viewer", "tcounty1").get(URL).json()
    assert [row["name"] for row in body["results"]] == ["王联络"]
    assert body["results"][0]["department_name"]
    department = departments()[1]
    payload = {"department": department.pk, "name": "孙七", "email": "sun@dept.example.cn"}
    assert api("tcounty1-viewer", "tcounty1").post(URL, payload, format="json").status_code == 403
    response = api("tcounty1-staff", "tcounty1").post(URL, payload, format="json")
    assert response.status_code == 201 and response.json()["department"] == department.pk


def test_bad_input_is_a_400_with_field_errors(api, person):
    response = api("tcounty1-staff", "tcounty1").post(
        URL, {"department": None, "name": "", "email": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"department", "name", "email"}


def test_moving_a_liaison_revokes_its_links(api, person, in_union):
    with in_union("tcounty1"):
        link = link_current(liaison=person)
    other = departments()[1]
    response = api("tcounty1-staff", "tcounty1").put(
        f"{URL}{person.pk}/", {"department": other.pk, "name": "王联络", "phone": "139"}, format="json"
    )
    assert response.status_code == 200 and response.json()["department"] == other.pk
    with in_union("tcounty1"):
        assert LiaisonLink.objects.get(pk=link.pk).revoked_at is not None


def test_links_are_listed_and_revoked(api, person, in_union):
    with in_union("tcounty1"):
        link = link_current(liaison=person)
    body = api("tcounty1-viewer", "tcounty1").get(f"{URL}links/").json()
    assert [row["id"] for row in body["results"]] == [link.pk]
    assert api("tcounty1-viewer", "tcounty1").post(f"{URL}links/{link.pk}/revoke/").status_code == 403
    response = api("tcounty1-staff", "tcounty1").post(f"{URL}links/{link.pk}/revoke/")
    assert response.status_code == 200 and response.json()["revoked_at"]


def test_nothing_of_another_union(api, person, in_union):
    assert api("tcounty2-staff", "tcounty2").get(URL).json()["results"] == []
    assert api("tcounty2-staff", "tcounty2").get(f"{URL}{person.pk}/").status_code == 404
    assert api("tcounty2-staff", "tcounty2").delete(f"{URL}{person.pk}/").status_code == 404
    forged = api("tcounty2-admin", "tcounty2")
    assert forged.get(URL, HTTP_HOST="tcounty1.localhost").status_code == 403
    assert forged.delete(f"{URL}{person.pk}/", HTTP_HOST="tcounty1.localhost").status_code == 403
    assert api("tcounty1-staff", "tcounty1").delete(f"{URL}{person.pk}/").status_code == 204
    with in_union("tcounty1"):
        assert not Liaison.objects.filter(pk=person.pk).exists()
