"""Invitations: the first administrator of a new union, and people invited by an administrator."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from shared.accounts.invitations import invitation_accept, invitation_create
from shared.accounts.models import Invitation, Membership, Role, User
from shared.core.exceptions import ApplicationError
from shared.unions.models import Union
from tests.conftest import host

NEW_PASSWORD = "Zhi-gong-2026!"


def link_path(url: str) -> str:
    return re.search(r"https?://[^/]+(/invite/[^/\s]+/)", url).group(1)


def test_create_union_with_a_first_admin_prints_and_mails_a_link_that_lets_them_in(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_union",
            "--code=tnewcounty",
            "--name=新测试县总工会",
            "--level=county",
            "--parent=tcity",
            "--region=339909",
            "--domain=tnewcounty.localhost",
            "--admin-username=wang.fang",
            "--admin-email=wang.fang@example.com",
            "--admin-name=王芳",
            stdout=out,
        )
    printed = out.getvalue()
    assert "http://tnewcounty.localhost:8000/invite/" in printed
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["wang.fang@example.com"]
    mailed = mailoutbox[0].body
    assert link_path(mailed) == link_path(printed)
    assert "新测试县总工会" in mailoutbox[0].subject + mailed
    invitation = Invitation.objects.get(username="wang.fang")
    assert invitation.role == Role.ADMIN
    assert datetime.timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= datetime.timedelta(days=7)

    client = Client(HTTP_HOST=host("tnewcounty"))
    page = client.get(link_path(printed))
    assert page.status_code == 200 and "wang.fang" in page.content.decode()
    done = client.post(link_path(printed), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/"
    user = User.objects.get(username="wang.fang")
    assert user.check_password(NEW_PASSWORD) and user.email == "wang.fang@example.com" and user.full_name == "王芳"
    assert Membership.objects.get(user=user).union.code == "tnewcounty"
    assert client.get("/").status_code == 200  # signed in, at home

    # The link works once.
    again = Client(HTTP_HOST=host("tnewcounty")).get(link_path(printed))
    assert "已经使用" in again.content.decode()


def test_bad_first_admin_creates_no_union(world):
    with pytest.raises(CommandError, match="admin_username"):
        call_command(
            "create_union",
            "--code=tnoadmin",
            "--name=无管理员",
            "--level=county",
            "--parent=tcity",
            "--region=339908",
            "--domain=tnoadmin.localhost",
            "--admin-username=tcounty1-admin",  # taken
            "--admin-email=x@example.com",
            stdout=io.StringIO(),
        )
    assert not Union.objects.filter(code="tnoadmin").exists()


@pytest.mark.parametrize(
    "values, field",
    [
        ({"username": "", "email": "a@example.com", "role": "staff"}, "username"),
        ({"username": "has space", "email": "a@example.com", "role": "staff"}, "username"),
        ({"username": "tcounty1-staff", "email": "a@example.com", "role": "staff"}, "username"),
        ({"username": "fresh", "email": "not-an-email", "role": "staff"}, "email"),
        ({"username": "fresh", "email": "a@example.com", "role": "boss"}, "role"),
    ],
)
def test_bad_invitations_name_the_field(world, values, field):
    before = Invitation.objects.count()
    with pytest.raises(ApplicationError) as error:
        invitation_create(union=world.union("tcounty1"), **values)
    assert field in error.value.fields
    assert Invitation.objects.count() == before


def test_one_pending_invitation_per_username(world):
    invitation_create(union=world.union("tcounty1"), username="li.lei", email="li@example.com", role="staff")
    with pytest.raises(ApplicationError) as error:
        invitation_create(union=world.union("tcounty2"), username="LI.LEI", email="li@example.com", role="staff")
    assert "username" in error.value.fields


def test_weak_password_is_refused_and_the_link_still_works(world):
    invitation, _url = invitation_create(
        union=world.union("tcounty1"), username="weak.one", email="w@example.com", role="staff"
    )
    with pytest.raises(ApplicationError) as error:
        invitation_accept(invitation=invitation, password="123")
    assert "password" in error.value.fields
    assert not User.objects.filter(username="weak.one").exists()
    invitation_accept(invitation=invitation, password=NEW_PASSWORD)
    assert User.objects.filter(username="weak.one").exists()


def _expired(world, code="tcounty1"):
    invitation, url = invitation_create(
        union=world.union(code), username="late.comer", email="late@example.com", role="viewer"
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    return invitation, link_path(url)


def test_expired_link_says_so_and_sends_a_new_one_to_the_invited_address(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    invitation, path = _expired(world)
    client = Client(HTTP_HOST=host("tcounty1"))
    page = client.get(path)
    body = page.content.decode()
    assert page.status_code == 200 and "过期" in body and "发送新链接" in body
    refused = client.post(path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert not User.objects.filter(username="late.comer").exists()
    assert "过期" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        renewed = client.post(path, {"renew": "1"})
    assert renewed.status_code == 200
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["late@example.com"]
    new_path = link_path(mailoutbox[0].body)
    assert new_path != path and new_path not in renewed.content.decode()  # never shown to the link's holder
    # The old link cannot be renewed twice; the new one works.
    assert "不再有效" in client.get(path).content.decode()
    assert client.post(new_path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}).status_code == 302
    assert Membership.objects.get(user__username="late.comer").role == Role.VIEWER


@pytest.mark.parametrize("code", ["tcounty2", "ocounty", "tcity"])
def test_a_link_opened_on_another_union_host_is_no_invitation(world, code):
    invitation, url = invitation_create(
        union=world.union("tcounty1"), username="host.test", email="h@example.com", role="admin"
    )
    client = Client(HTTP_HOST=host(code))
    assert client.get(link_path(url)).status_code == 404
    client.post(link_path(url), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert not User.objects.filter(username="host.test").exists()
    assert Client(HTTP_HOST="evil.example.com").get(link_path(url)).status_code in (400, 404)


def test_an_unknown_token_is_a_404_in_chinese(world):
    page = Client(HTTP_HOST=host("tcounty1")).get("/invite/not-a-token/")
    assert page.status_code == 404 and "链接无效" in page.content.decode()
