"""Sign-in lockout (django-axes): repeated failures lock one account from one address, with a clear message
in the user's language; other addresses and other accounts are not locked, and a forged X-Forwarded-For does
not get around it."""

import ipaddress
import random

from django.test import Client

from tests.conftest import host
from tests.factories import PASSWORD

LIMIT = 5


def address() -> str:
    return str(ipaddress.IPv4Address((random.getrandbits(24)) | 0x0B000000))


def sign_in(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def browser(remote: str, **extra) -> Client:
    return Client(HTTP_HOST=host("tcounty1"), REMOTE_ADDR=remote, **extra)


def test_repeated_failures_lock_the_account_from_that_address(world, settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    attacker = browser(address())
    for _n in range(LIMIT - 1):
        response = sign_in(attacker, "tcounty1-staff", "wrong-password")
        assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()
    response = sign_in(attacker, "tcounty1-staff", "wrong-password")
    assert response.status_code == 429
    # Locked: even the right password is refused, with a message that says what happened and for how long.
    response = sign_in(attacker, "tcounty1-staff", PASSWORD)
    assert response.status_code == 429
    content = response.content.decode()
    assert "登录失败次数过多" in content and "15 分钟" in content
    assert "_auth_user_id" not in attacker.session
    # The account's owner at another address still signs in; another account at the same address too.
    assert sign_in(browser(address()), "tcounty1-staff", PASSWORD).status_code == 302
    assert sign_in(browser(attacker.defaults["REMOTE_ADDR"]), "tcounty1-admin", PASSWORD).status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(world, settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    user = browser(address())
    for _n in range(LIMIT - 1):
        sign_in(user, "tcounty1-staff", "typo")
    assert sign_in(user, "tcounty1-staff", PASSWORD).status_code == 302
    user.logout()
    for _n in range(LIMIT - 1):
        assert sign_in(user, "tcounty1-staff", "typo").status_code == 200
    assert sign_in(user, "tcounty1-staff", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_does_not_get_around_the_lock(world, settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.TRUSTED_PROXIES = ["10.255.0.1"]
    peer = address()  # not a trusted proxy: its X-Forwarded-For is ignored
    for _n in range(LIMIT):
        sign_in(browser(peer, HTTP_X_FORWARDED_FOR=address()), "tcounty1-staff", "wrong-password")
    response = sign_in(browser(peer, HTTP_X_FORWARDED_FOR=address()), "tcounty1-staff", PASSWORD)
    assert response.status_code == 429


def test_the_api_token_is_refused_while_locked(world, settings, api):
    settings.AXES_FAILURE_LIMIT = LIMIT
    remote = address()
    client = api(None, "tcounty1")
    for _n in range(LIMIT):
        client.post(
            "/api/v1/auth/token/", {"username": "tcounty1-staff", "password": "bad"}, format="json", REMOTE_ADDR=remote
        )
    response = client.post(
        "/api/v1/auth/token/", {"username": "tcounty1-staff", "password": PASSWORD}, format="json", REMOTE_ADDR=remote
    )
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "locked_out" and "登录失败次数过多" in error["message"]
    # Another address still gets its token.
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "tcounty1-staff", "password": PASSWORD},
        format="json",
        REMOTE_ADDR=address(),
    )
    assert response.status_code == 200 and response.json()["token"]
