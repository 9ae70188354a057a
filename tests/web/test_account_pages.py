"""One's own password: change it, or have a link sent when it is forgotten."""

import re

import pytest
from django.test import Client

from shared.accounts.models import User
from tests.conftest import host
from tests.factories import PASSWORD


@pytest.mark.parametrize("username", ["tcounty1-viewer", "tcounty1-staff", "tcounty1-admin"])
def test_every_member_changes_their_own_password(page, world, username):
    client = page(username, "tcounty1")
    assert client.get("/password/").status_code == 200
    response = client.post(
        "/password/", {"old_password": PASSWORD, "new_password1": "Xin-mi-ma-2026", "new_password2": "Xin-mi-ma-2026"}
    )
    assert response.status_code == 302
    # A fresh copy: the world's shared objects must not pick up what this test's transaction changed.
    assert User.objects.get(username=username).check_password("Xin-mi-ma-2026")


def test_wrong_old_password_is_a_message_in_chinese(page, world):
    response = page("tcounty1-staff", "tcounty1").post(
        "/password/", {"old_password": "nope", "new_password1": "Xin-mi-ma-2026", "new_password2": "Xin-mi-ma-2026"}
    )
    assert response.status_code == 200 and "旧密码" in response.content.decode()
    assert User.objects.get(username="tcounty1-staff").check_password(PASSWORD)


def test_password_page_refuses_others_and_forged_hosts(page, world):
    assert Client(HTTP_HOST=host("tcounty1")).get("/password/").status_code == 302  # to sign in
    assert page("tcounty2-staff", "tcounty1").get("/password/").status_code == 403
    assert page("tcounty2-staff", "tcounty1").post("/password/", {"old_password": PASSWORD}).status_code == 403
    forged = Client(HTTP_HOST="nosuch.localhost")
    forged.force_login(world.user("tcounty1-staff"))
    assert forged.get("/password/").status_code == 404


def test_login_page_offers_forgot_password(world):
    body = Client(HTTP_HOST=host("tcounty1")).get("/login/").content.decode()
    assert "/password/reset/" in body and "忘记密码" in body


def test_forgot_password_mails_members_of_this_union_only(world, mailoutbox):
    client = Client(HTTP_HOST=host("tcounty1"))
    # A member: the link arrives, for this host.
    assert client.post("/password/reset/", {"email": "tcounty1-staff@example.com"}).status_code == 302
    assert mailoutbox[-1].to == ["tcounty1-staff@example.com"]
    path = re.search(r"http://tcounty1\.localhost(/password/reset/\S+/)", mailoutbox[-1].body).group(1)
    # A member of another union: same answer, no mail.
    count = len(mailoutbox)
    answer = client.post("/password/reset/", {"email": "tcounty2-staff@example.com"})
    assert answer.status_code == 302 and len(mailoutbox) == count
    # The link sets a new password once.
    form = client.get(path, follow=True)
    set_path = form.redirect_chain[-1][0]
    assert (
        client.post(set_path, {"new_password1": "Xin-mi-ma-2026", "new_password2": "Xin-mi-ma-2026"}).status_code == 302
    )
    assert User.objects.get(username="tcounty1-staff").check_password("Xin-mi-ma-2026")
    assert "无效" in Client(HTTP_HOST=host("tcounty1")).get(path, follow=True).content.decode()
