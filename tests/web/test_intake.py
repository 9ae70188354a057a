"""The public QR intake page: signed token, no account, limits per device and per client address (through
trusted proxies only), size limits, CSRF, nothing of other cases."""

import ipaddress
import random

import pytest
from django.test import Client

from tenants.cases.models import Case
from tests.conftest import host
from web.qr import DEVICE_COOKIE, intake_token

DEVICE_LIMIT = 5


def fresh_ip() -> str:
    """A client address no earlier run has used, so the rate limit (kept in Redis) starts at zero.
    The cache is shared with Celery's broker: it is never cleared wholesale."""
    return str(ipaddress.IPv4Address((random.getrandbits(32) & 0x00FFFFFF) | 0x0A000000))


def phone(url: str, address: str | None = None, **extra) -> Client:
    """An anonymous phone that scanned the code: it opened the page once, so it holds a device cookie."""
    client = Client(HTTP_HOST=host("tcounty1"), REMOTE_ADDR=address or fresh_ip(), **extra)
    assert client.get(url).status_code == 200 and DEVICE_COOKIE in client.cookies
    return client


@pytest.fixture
def intake(world, make_event):
    """(event, url, client): an anonymous phone on tcounty1's host and the event's QR address."""
    event = make_event("tcounty1")
    token = intake_token(union=world.union("tcounty1"), event=event)
    url = f"/q/{token}/"
    return event, url, phone(url)


def test_worker_submits_a_problem_without_an_account(intake, in_union, make_case):
    event, url, client = intake
    make_case("tcounty1", title="别人的问题", event=event, source="event")
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "向工会反映问题或提出建议" in content and event.title in content
    assert "别人的问题" not in content
    response = client.post(
        url, {"kind": "request", "description": "宿舍热水经常停，希望解决。", "submitter_phone": "13700001234"}
    )
    assert response.status_code == 302 and "/thanks/?receipt=" in response["Location"]
    thanks = client.get(response["Location"]).content.decode()
    assert "谢谢，我们已收到。" in thanks and "别人的问题" not in thanks
    with in_union("tcounty1"):
        case = Case.objects.get(source="qr")
        assert (case.event_id, case.created_by, case.kind) == (event.pk, None, "request")
        assert len(case.receipt_code) == 8
        assert case.title == "宿舍热水经常停，希望解决。"
        assert case.transitions.get().actor is None
    assert f'您的回执码： <strong class="receipt-code">{case.receipt_code}</strong>' in thanks


@pytest.mark.parametrize("token", ["garbage", "1", "eyJ1IjoidGNvdW50eTEiLCJlIjoxfQ:forged"])
def test_a_forged_token_is_refused(intake, token):
    _event, _url, client = intake
    response = client.get(f"/q/{token}/")
    assert response.status_code == 404
    assert "二维码无效" in response.content.decode()


def test_the_thanks_page_shows_only_a_receipt_code_it_signed(intake):
    _event, url, client = intake
    for forged in ("ABCDEFGH", "ABCDEFGH:forged", "请拨打电话"):
        page = client.get(f"{url}thanks/?receipt={forged}").content.decode()
        assert "谢谢，我们已收到。" in page and "回执码" not in page and "receipt-code" not in page


def test_a_case_with_a_phone_number_gets_a_receipt_code_and_one_without_none(world, in_union):
    from tenants.cases.selectors import case_list
    from tenants.cases.services import case_raise

    with in_union("tcounty1"):
        staff = world.user("tcounty1-staff")
        with_phone = case_raise(
            actor=staff, kind="request", title="欠薪", source="hotline", submitter_phone="13800001111"
        )
        without = case_raise(actor=staff, kind="request", title="咨询社保", source="hotline")
    assert len(with_phone.receipt_code) == 8 and set(with_phone.receipt_code) <= set("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
    assert without.receipt_code == ""
    with in_union("tcounty1"):  # staff find the case by the code the worker quotes, in any case
        assert list(case_list(filters={"q": with_phone.receipt_code.lower()})) == [with_phone]


def test_the_link_is_short_enough_to_type_and_earlier_long_links_still_work(intake, world):
    from django.core import signing

    from web.qr import SALT

    event, url, client = intake
    assert len(url) <= len(f"/q/{event.pk}-") + 11  # e.g. /q/12-abcdefghij/
    event_part, mac = url.strip("/").split("/")[1].split("-")
    assert client.get(f"/q/{event_part}-{mac.upper()}/").status_code == 200  # typed in capitals
    assert client.get(f"/q/{int(event_part) + 1}-{mac}/").status_code == 404  # another event's id, same MAC
    altered = mac[:-1] + ("a" if mac[-1] != "a" else "b")
    assert client.get(f"/q/{event_part}-{altered}/").status_code == 404
    long_token = signing.Signer(salt=SALT).sign_object({"u": "tcounty1", "e": event.pk}, compress=False)
    assert client.get(f"/q/{long_token}/").status_code == 200  # a poster printed before the short links


def test_a_token_of_one_union_is_worthless_on_another_host(intake):
    _event, url, _client = intake
    assert Client(HTTP_HOST=host("tcounty2")).get(url).status_code == 404


def test_a_cancelled_events_qr_is_closed(intake, in_union, world):
    from tenants.events.services import event_cancel

    event, url, client = intake
    with in_union("tcounty1"):
        event_cancel(event=event, actor=world.user("tcounty1-staff"), reason="改期")
    assert client.get(url).status_code == 404


def test_malformed_or_oversized_input_gets_a_clear_message(intake, in_union):
    _event, url, client = intake
    response = client.post(url, {"kind": "bribe", "description": "x" * 2001, "submitter_phone": "abc"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "请修改下面标出的内容。" in content
    assert "请只填写数字组成的电话号码。" in content
    assert "2000" in content
    response = client.post(url, {"kind": "request", "description": "y" * 17000})
    assert response.status_code == 413
    content = response.content.decode()
    assert "提交的内容太长" in content
    assert "y" * 17000 in content  # what the worker typed is still in the form, to shorten and send again
    assert "请精简到 2000 个字以内（现在 17000 个字）。" in content
    response = client.post(url, {"kind": "request", "description": "短"})
    assert "请再多写一点：至少 5 个字。" in response.content.decode()
    response = client.post(url, {"kind": "request", "description": ""})
    assert "请描述您的问题或建议。" in response.content.decode()
    assert "确保" not in response.content.decode()  # never Django's stock wording
    response = client.post(url, data=b"\xff\xfe garbage", content_type="application/octet-stream")
    assert response.status_code == 400
    broken = Client(HTTP_HOST=host("tcounty1"), REMOTE_ADDR=fresh_ip(), raise_request_exception=False)
    response = broken.generic("POST", url, b"--XX\r\nno end", content_type="multipart/form-data; boundary=XX")
    assert response.status_code == 400
    with in_union("tcounty1"):
        assert not Case.objects.filter(source="qr").exists()


def qr_count(in_union) -> int:
    with in_union("tcounty1"):
        return Case.objects.filter(source="qr").count()


def test_one_device_flooding_is_stopped(intake, in_union, settings):
    settings.INTAKE_DEVICE_LIMIT = DEVICE_LIMIT
    _event, url, client = intake
    for n in range(DEVICE_LIMIT):
        assert client.post(url, {"kind": "suggestion", "description": f"第{n}条建议内容"}).status_code == 302
    response = client.post(url, {"kind": "suggestion", "description": "再来一条建议"})
    assert response.status_code == 429
    assert "此设备提交次数过多" in response.content.decode()
    # Another phone on the same address is not affected.
    other = phone(url, address=client.defaults["REMOTE_ADDR"])
    assert other.post(url, {"kind": "suggestion", "description": "另一台手机的建议"}).status_code == 302
    assert qr_count(in_union) == DEVICE_LIMIT + 1


def test_a_post_without_the_device_cookie_keeps_the_text_and_counts_nothing(intake, in_union):
    _event, url, _client = intake
    bare = Client(HTTP_HOST=host("tcounty1"), REMOTE_ADDR=fresh_ip())
    response = bare.post(url, {"kind": "request", "description": "没有设备标识的提交内容"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "请再按一次“提交”" in content and "没有设备标识的提交内容" in content
    assert DEVICE_COOKIE in response.cookies
    assert bare.post(url, {"kind": "request", "description": "没有设备标识的提交内容"}).status_code == 302
    assert qr_count(in_union) == 1


def test_only_accepted_submissions_count(intake, in_union, settings):
    settings.INTAKE_DEVICE_LIMIT = 2
    _event, url, client = intake
    for _n in range(5):  # invalid attempts: shown again with the reasons, never counted
        assert client.post(url, {"kind": "request", "description": "短"}).status_code == 400
    for n in range(2):
        assert client.post(url, {"kind": "request", "description": f"有效的问题{n}号"}).status_code == 302
    assert client.post(url, {"kind": "request", "description": "第三条有效的问题"}).status_code == 429
    assert qr_count(in_union) == 2


def test_fifty_phones_behind_one_address_all_get_through(intake, in_union, settings):
    """A venue's Wi-Fi or a carrier's NAT: every phone shows the same address; each has its own cookie."""
    settings.TRUSTED_PROXIES = ["10.255.0.1"]
    _event, url, _client = intake
    venue = fresh_ip()
    for n in range(50):
        worker = phone(url, "10.255.0.1", HTTP_X_FORWARDED_FOR=venue)
        response = worker.post(url, {"kind": "request", "description": f"第{n}位职工反映的问题"})
        assert response.status_code == 302, n
    assert qr_count(in_union) == 50


def test_the_address_ceiling_stops_a_script_that_drops_its_cookies(intake, in_union, settings):
    settings.INTAKE_ADDRESS_LIMIT = 3
    _event, url, _client = intake
    address = fresh_ip()
    for n in range(3):
        assert phone(url, address).post(url, {"kind": "request", "description": f"脚本提交{n}号"}).status_code == 302
    response = phone(url, address).post(url, {"kind": "request", "description": "脚本提交又一条"})
    assert response.status_code == 429
    assert "此网络提交次数过多" in response.content.decode()
    # Other addresses still submit.
    assert phone(url).post(url, {"kind": "request", "description": "别处职工的问题"}).status_code == 302
    assert qr_count(in_union) == 4


def test_a_forged_forwarded_for_from_an_untrusted_peer_changes_nothing(intake, in_union, settings):
    settings.INTAKE_ADDRESS_LIMIT = 3
    settings.TRUSTED_PROXIES = ["10.255.0.1"]
    _event, url, _client = intake
    peer = fresh_ip()  # talks to the app directly: not a trusted proxy
    for n in range(3):
        client = phone(url, peer, HTTP_X_FORWARDED_FOR=fresh_ip())
        assert client.post(url, {"kind": "request", "description": f"伪造来源{n}号"}).status_code == 302
    forged = phone(url, peer, HTTP_X_FORWARDED_FOR=fresh_ip())
    assert forged.post(url, {"kind": "request", "description": "伪造来源又一条"}).status_code == 429
    # Through the trusted proxy the forwarded address is the client, and a forged first hop is skipped.
    client = phone(url, "10.255.0.1", HTTP_X_FORWARDED_FOR=f"{peer}, {fresh_ip()}")
    assert client.post(url, {"kind": "request", "description": "经代理的正常提交"}).status_code == 302
    client = phone(url, "10.255.0.1", HTTP_X_FORWARDED_FOR=f"{fresh_ip()}, {peer}")
    assert client.post(url, {"kind": "request", "description": "经代理的伪造提交"}).status_code == 429
    assert qr_count(in_union) == 4


@pytest.mark.fault
def test_the_limits_fail_closed_when_redis_is_down_and_keep_what_was_typed(intake, in_union, settings):
    """The limits live in Redis; without them the public page takes nothing (one phone could otherwise flood
    the union), says to try again in a moment and keeps the text; once Redis answers the same post is taken."""
    _event, url, client = intake
    working = settings.CACHES
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    post = {"kind": "request", "description": "停电时也要收到的问题"}
    response = client.post(url, post)
    assert response.status_code == 503 and response["Retry-After"] == "60"
    page = response.content.decode()
    assert "停电时也要收到的问题" in page and "请一分钟后再点击提交" in page
    assert qr_count(in_union) == 0

    settings.CACHES = working
    assert client.post(url, post).status_code == 302
    assert qr_count(in_union) == 1


def test_csrf_is_enforced(intake, in_union):
    _event, url, _client = intake
    client = Client(HTTP_HOST=host("tcounty1"), enforce_csrf_checks=True, REMOTE_ADDR=fresh_ip())
    assert client.post(url, {"kind": "request", "description": "没有令牌的提交"}).status_code == 403
    page = client.get(url)
    token = page.cookies["csrftoken"].value
    response = client.post(url, {"kind": "request", "description": "带令牌的提交", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
