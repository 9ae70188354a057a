"""The members pages of a union's administrators: three users, other unions and forged hosts."""

import re

import pytest
from django.test import Client

from shared.accounts.models import Invitation, Membership, Role, User
from tests.conftest import host


def membership(world, username, code):
    return Membership.objects.get(user=world.user(username), union=world.union(code))


def test_admin_sees_own_members_only(page):
    response = page("tcounty1-admin", "tcounty1").get("/members/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "tcounty1-colleague" in body and "tcounty1-viewer" in body
    assert "tcounty2-admin" not in body and "ocounty" not in body
    assert "成员" in body  # zh-hans


@pytest.mark.parametrize("username", ["tcounty1-staff", "tcounty1-viewer", "tcounty1-colleague"])
def test_colleagues_without_the_admin_role_are_refused(page, world, username):
    client = page(username, "tcounty1")
    assert client.get("/members/").status_code == 403
    target = membership(world, "tcounty1-viewer", "tcounty1")
    assert client.post(f"/members/{target.pk}/role/", {"role": "admin"}).status_code == 403
    assert client.post(f"/members/{target.pk}/remove/").status_code == 403
    assert (
        client.post(
            "/members/invite/", {"invite-username": "x1", "invite-email": "x@example.com", "invite-role": "admin"}
        ).status_code
        == 403
    )
    assert client.post("/members/add/", {"add-username": "stranger", "add-role": "admin"}).status_code == 403
    target.refresh_from_db()
    assert target.role == Role.VIEWER
    assert not Invitation.objects.filter(username="x1").exists()
    assert not Membership.objects.filter(user=world.user("stranger")).exists()


@pytest.mark.parametrize(
    "username, code", [("tcounty2-admin", "tcounty2"), ("ocounty-admin", "ocounty"), ("tcity-admin", "tcity")]
)
def test_another_unions_admin_cannot_touch_these_members(page, world, username, code):
    target = membership(world, "tcounty1-viewer", "tcounty1")
    client = page(username, code)  # their own host: the id belongs to another union
    assert client.post(f"/members/{target.pk}/role/", {"role": "admin"}).status_code == 404
    assert client.post(f"/members/{target.pk}/remove/").status_code == 404
    assert client.post(f"/members/{target.pk}/password-reset/").status_code == 404
    # ...and on tcounty1's host their membership elsewhere counts for nothing.
    forged = page(username, "tcounty1")
    assert forged.get("/members/").status_code == 403
    assert forged.post(f"/members/{target.pk}/role/", {"role": "admin"}).status_code == 403
    target.refresh_from_db()
    assert target.role == Role.VIEWER


def test_forged_host_is_refused(world):
    client = Client(HTTP_HOST="nosuch.localhost")
    client.force_login(world.user("tcounty1-admin"))
    assert client.get("/members/").status_code == 404
    assert Client(HTTP_HOST="evil.example.com").get("/members/").status_code in (400, 404)


def test_admin_invites_a_person_by_email(page, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = page("tcounty1-admin", "tcounty1").post(
            "/members/invite/",
            {
                "invite-full_name": "赵敏",
                "invite-username": "zhao.min",
                "invite-email": "zm@example.com",
                "invite-role": "staff",
            },
        )
    assert response.status_code == 302
    assert mailoutbox[0].to == ["zm@example.com"]
    assert "http://tcounty1.localhost/invite/" in mailoutbox[0].body
    assert Invitation.objects.get(username="zhao.min").invited_by.username == "tcounty1-admin"
    listed = page("tcounty1-admin", "tcounty1").get("/members/").content.decode()
    assert "zhao.min" in listed  # pending


def test_bad_invitation_shows_field_errors_and_keeps_input(page):
    response = page("tcounty1-admin", "tcounty1").post(
        "/members/invite/",
        {
            "invite-full_name": "赵敏",
            "invite-username": "tcounty1-staff",
            "invite-email": "zm@example.com",
            "invite-role": "staff",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400 and "zm@example.com" in body and "已被使用" in body
    assert not Invitation.objects.filter(email="zm@example.com").exists()


def test_admin_adds_an_existing_account_changes_its_role_and_ends_it(page, world):
    client = page("tcounty1-admin", "tcounty1")
    assert client.post("/members/add/", {"add-username": "stranger", "add-role": "viewer"}).status_code == 302
    added = membership(world, "stranger", "tcounty1")
    assert added.role == Role.VIEWER
    assert client.post(f"/members/{added.pk}/role/", {"role": "staff"}).status_code == 302
    added.refresh_from_db()
    assert added.role == Role.STAFF
    assert client.post(f"/members/{added.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(pk=added.pk).exists()
    missing = client.post("/members/add/", {"add-username": "nobody-here", "add-role": "viewer"})
    assert missing.status_code == 400 and "邀请" in missing.content.decode()


def test_the_last_admin_stays(page, world):
    client = page("tcounty1-admin", "tcounty1")
    own = membership(world, "tcounty1-admin", "tcounty1")
    response = client.post(f"/members/{own.pk}/role/", {"role": "viewer"}, follow=True)
    assert "至少保留一名管理员" in response.content.decode()
    client.post(f"/members/{own.pk}/remove/")
    own.refresh_from_db()
    assert own.role == Role.ADMIN


def test_admin_sends_a_reset_link_that_works_on_this_host_only(page, world, mailoutbox):
    target = membership(world, "tcounty1-colleague", "tcounty1")
    user = target.user
    user.email = "colleague@example.com"
    user.save()
    assert page("tcounty1-admin", "tcounty1").post(f"/members/{target.pk}/password-reset/").status_code == 302
    assert mailoutbox[0].to == ["colleague@example.com"]
    path = re.search(r"http://tcounty1\.localhost(/password/reset/\S+/)", mailoutbox[0].body).group(1)
    # On another union's host the link is not valid.
    other = Client(HTTP_HOST=host("tcounty2")).get(path, follow=True)
    assert "无效" in other.content.decode()
    client = Client(HTTP_HOST=host("tcounty1"))
    form = client.get(path, follow=True)
    set_path = form.redirect_chain[-1][0]
    done = client.post(set_path, {"new_password1": "Xin-mi-ma-2026", "new_password2": "Xin-mi-ma-2026"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xin-mi-ma-2026")


def test_city_admin_sees_its_counties_admins_read_only(page):
    body = page("tcity-admin", "tcity").get("/city/county-admins/").content.decode()
    assert "tcounty1 admin" in body and "tcounty2 admin" in body
    assert "ocounty" not in body and '<form method="post" action="/members' not in body
    assert page("tcity-staff", "tcity").get("/city/county-admins/").status_code == 403
    assert page("tcounty1-admin", "tcounty1").get("/city/county-admins/").status_code == 403
    assert page("ocity-admin", "tcity").get("/city/county-admins/").status_code == 403


def test_reset_link_for_a_member_with_a_broken_address_is_a_message(page, world, mailoutbox):
    target = membership(world, "tcounty1-colleague", "tcounty1")
    User.objects.filter(pk=target.user_id).update(email="not-an-address")
    response = page("tcounty1-admin", "tcounty1").post(f"/members/{target.pk}/password-reset/", follow=True)
    assert response.status_code == 200 and "没有有效的电子邮箱" in response.content.decode()
    assert not mailoutbox
