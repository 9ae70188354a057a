"""Union admins manage their own union's members; nobody else can, on any host."""

import pytest

from shared.accounts.models import Membership, Role
from tests.conftest import host


def members(api, username="tcounty1-admin", code="tcounty1"):
    return api(username, code)


def test_admin_lists_own_members_only(api):
    response = members(api).get("/api/v1/members/")
    assert response.status_code == 200
    usernames = {row["username"] for row in response.json()}
    assert {"tcounty1-admin", "tcounty1-staff", "tcounty1-viewer", "tcounty1-colleague"} <= usernames
    assert not any(name.startswith(("tcounty2", "ocounty", "tcity")) for name in usernames)
    assert all("password" not in row for row in response.json())


def test_admin_adds_a_new_account_which_can_then_sign_in(api):
    response = members(api).post(
        "/api/v1/members/",
        {"username": "newcomer", "full_name": "新同事", "role": "staff", "password": "A-long-pass-2026"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["role"] == "staff"
    token = api(None, "tcounty1").post(
        "/api/v1/auth/token/", {"username": "newcomer", "password": "A-long-pass-2026"}, format="json"
    )
    assert token.status_code == 200
    # ...on this union's host only.
    other = api(None, "tcounty2").post(
        "/api/v1/auth/token/", {"username": "newcomer", "password": "A-long-pass-2026"}, format="json"
    )
    assert other.status_code == 403


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"username": "nopass", "role": "staff"}, "password"),
        ({"username": "weakpass", "role": "staff", "password": "123"}, "password"),
        ({"username": "badrole", "role": "boss", "password": "A-long-pass-2026"}, "role"),
        ({"username": "tcounty1-staff", "role": "viewer"}, "username"),  # already a member
    ],
)
def test_bad_member_input_is_a_400_naming_the_field(api, payload, field):
    before = Membership.objects.count()
    response = members(api).post("/api/v1/members/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Membership.objects.count() == before


def test_admin_changes_a_role_and_removes_a_member(api, world):
    membership = Membership.objects.get(user=world.user("tcounty1-colleague"), union=world.union("tcounty1"))
    client = members(api)
    response = client.patch(f"/api/v1/members/{membership.pk}/", {"role": "viewer"}, format="json")
    assert response.status_code == 200 and response.json()["role"] == "viewer"
    assert client.delete(f"/api/v1/members/{membership.pk}/").status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_admin_cannot_be_demoted_or_removed(api, world):
    own = Membership.objects.get(user=world.user("tcounty1-admin"), union=world.union("tcounty1"))
    client = members(api)
    demote = client.patch(f"/api/v1/members/{own.pk}/", {"role": "staff"}, format="json")
    assert demote.status_code == 400 and demote.json()["error"]["code"] == "last_admin"
    assert client.delete(f"/api/v1/members/{own.pk}/").status_code == 400
    own.refresh_from_db()
    assert own.role == Role.ADMIN


@pytest.mark.parametrize("username", ["tcounty1-staff", "tcounty1-colleague", "tcounty1-viewer"])
def test_colleagues_who_are_not_admins_are_refused(api, world, username):
    target = Membership.objects.get(user=world.user("tcounty1-viewer"), union=world.union("tcounty1"))
    client = api(username, "tcounty1")
    assert client.get("/api/v1/members/").status_code == 403
    assert (
        client.post(
            "/api/v1/members/", {"username": "x", "role": "admin", "password": "A-long-pass-2026"}, format="json"
        ).status_code
        == 403
    )
    assert client.patch(f"/api/v1/members/{target.pk}/", {"role": "admin"}, format="json").status_code == 403
    target.refresh_from_db()
    assert target.role == Role.VIEWER


@pytest.mark.parametrize(
    "username, code", [("tcounty2-admin", "tcounty1"), ("ocity-admin", "tcounty1"), ("tcity-admin", "tcounty1")]
)
def test_admins_of_other_unions_are_refused(api, world, username, code):
    target = Membership.objects.get(user=world.user("tcounty1-staff"), union=world.union("tcounty1"))
    client = api(username, code)
    assert client.get("/api/v1/members/").status_code == 403
    assert client.delete(f"/api/v1/members/{target.pk}/").status_code == 403
    assert Membership.objects.filter(pk=target.pk).exists()


def test_another_unions_membership_is_not_reachable_from_an_admins_own_host(api, world):
    """tcounty2's admin on its own host cannot touch a tcounty1 membership by id; a forged Host is refused."""
    target = Membership.objects.get(user=world.user("tcounty1-staff"), union=world.union("tcounty1"))
    client = api("tcounty2-admin", "tcounty2")
    assert client.patch(f"/api/v1/members/{target.pk}/", {"role": "viewer"}, format="json").status_code == 404
    assert client.delete(f"/api/v1/members/{target.pk}/").status_code == 404
    forged = client.delete(f"/api/v1/members/{target.pk}/", HTTP_HOST=host("tcounty1"))
    assert forged.status_code == 403
    target.refresh_from_db()
    assert target.role == Role.STAFF
