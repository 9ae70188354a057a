"""A union administrator invites a new colleague, who opens the emailed link on a phone in a real Chromium,
chooses a password and lands on the union's home page, signed in."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail

from .conftest import in_thread, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Writes here are committed, and an account cannot simply be deleted again (the collector would follow links
# from tenant tables that the public schema lacks): each run invites a new username and ends its membership.
USERNAME = f"e2e.invitee.{int(time.time())}"


def _forget_the_invitee():
    from shared.accounts.models import Invitation, Membership

    Invitation.objects.filter(username=USERNAME).delete()
    Membership.objects.filter(user__username=USERNAME).delete()


def _membership_of_the_invitee():
    from shared.accounts.models import Membership

    return list(Membership.objects.filter(user__username=USERNAME).values_list("union__code", "role"))


@pytest.fixture
def no_invitee():
    """The browser test's writes are committed: end without the invitee's invitation and membership."""
    in_thread(_forget_the_invitee)
    yield
    in_thread(_forget_the_invitee)


def test_an_invited_colleague_sets_a_password_from_the_emailed_link(no_invitee, new_page, url, shot):
    mail.outbox = []
    admin = new_page()
    sign_in(admin, url, "e2ecity", "e2ecity-admin")
    admin.goto(url("e2ecity", "/members/"))
    admin.fill("#id_invite-full_name", "周晓梅")
    admin.fill("#id_invite-username", USERNAME)
    admin.fill("#id_invite-email", "zhou.xiaomei@example.com")
    admin.select_option("#id_invite-role", "staff")
    admin.click("text=发送邀请")
    admin.wait_for_selector(".messages li.success")
    assert "zhou.xiaomei@example.com" in admin.inner_text(".messages")
    shot(admin, "members-invited")

    [message] = [m for m in mail.outbox if m.to == ["zhou.xiaomei@example.com"]]
    link = re.search(r"http://e2ecity\.localhost:\d+/invite/\S+/", message.body).group(0)

    phone = new_page(phone=True)
    phone.goto(link)
    assert USERNAME in phone.content()
    phone.fill("#id_password", "Zhou-Xiao-Mei-2026")
    phone.fill("#id_password_again", "Zhou-Xiao-Mei-2026")
    shot(phone, "invitation-phone")
    phone.click("button[type=submit].big")
    phone.wait_for_url(url("e2ecity", "/"))
    assert "欢迎" in phone.content() and "周晓梅" in phone.content()
    assert in_thread(_membership_of_the_invitee) == [("e2ecity", "staff")]
    assert not phone.js_errors and not admin.js_errors

    # The link works once.
    again = new_page(phone=True)
    again.goto(link)
    assert "已经使用" in again.content()
