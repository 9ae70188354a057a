"""The public QR intake page: signed token, no account, rate limit, size limits, CSRF, nothing of other cases."""

import ipaddress
import random

import pytest
from django.test import Client

from tenants.cases.models import Case
from tests.conftest import host
from web.qr import RATE_LIMIT, intake_token


def fresh_ip() -> str:
    """A client address no earlier run has used, so the rate limit (kept in Redis) starts at zero.
    The cache is shared with Celery's broker: it is never cleared wholesale."""
    return str(ipaddress.IPv4Address((random.getrandbits(32) & 0x00FFFFFF) | 0x0A000000))


@pytest.fixture
def intake(world, make_event):
    """(event, url, client): an anonymous client on tcounty1's host and the event's QR address."""
    event = make_event("tcounty1")
    token = intake_token(union=world.union("tcounty1"), event=event)
    return event, f"/q/{token}/", Client(HTTP_HOST=host("tcounty1"), REMOTE_ADDR=fresh_ip())


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
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    thanks = client.get(response["Location"]).content.decode()
    assert "谢谢，我们已收到。" in thanks and "别人的问题" not in thanks
    with in_union("tcounty1"):
        case = Case.objects.get(source="qr")
        assert (case.event_id, case.created_by, case.kind) == (event.pk, None, "request")
        assert case.title == "宿舍热水经常停，希望解决。"
        assert case.transitions.get().actor is None


@pytest.mark.parametrize("token", ["garbage", "1", "eyJ1IjoidGNvdW50eTEiLCJlIjoxfQ:forged"])
def test_a_forged_token_is_refused(intake, token):
    _event, _url, client = intake
    response = client.get(f"/q/{token}/")
    assert response.status_code == 404
    assert "二维码无效" in response.content.decode()


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
    assert "提交的内容太长" in response.content.decode()
    response = client.post(url, data=b"\xff\xfe garbage", content_type="application/octet-stream")
    assert response.status_code == 400
    broken = Client(HTTP_HOST=host("tcounty1"), REMOTE_ADDR=fresh_ip(), raise_request_exception=False)
    response = broken.generic("POST", url, b"--XX\r\nno end", content_type="multipart/form-data; boundary=XX")
    assert response.status_code == 400
    with in_union("tcounty1"):
        assert not Case.objects.filter(source="qr").exists()


def test_submissions_are_rate_limited_per_client_and_event(intake, in_union):
    _event, url, client = intake
    for n in range(RATE_LIMIT):
        assert client.post(url, {"kind": "suggestion", "description": f"第{n}条建议内容"}).status_code == 302
    response = client.post(url, {"kind": "suggestion", "description": "再来一条建议"})
    assert response.status_code == 429
    assert "此设备提交次数过多" in response.content.decode()
    # Another client is not affected.
    other = Client(HTTP_HOST=host("tcounty1"), REMOTE_ADDR=fresh_ip())
    assert other.post(url, {"kind": "suggestion", "description": "另一台手机的建议"}).status_code == 302
    with in_union("tcounty1"):
        assert Case.objects.filter(source="qr").count() == RATE_LIMIT + 1


def test_csrf_is_enforced(intake, in_union):
    _event, url, _client = intake
    client = Client(HTTP_HOST=host("tcounty1"), enforce_csrf_checks=True, REMOTE_ADDR=fresh_ip())
    assert client.post(url, {"kind": "request", "description": "没有令牌的提交"}).status_code == 403
    page = client.get(url)
    token = page.cookies["csrftoken"].value
    response = client.post(url, {"kind": "request", "description": "带令牌的提交", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
