"""/r/: a worker follows their case with the receipt code and the last 4 digits of their phone — status and
outcome only — and rates a finished case once (the 回访), through the same service as staff, attributed to
the worker. Wrong code or phone: one neutral message. Failed look-ups are limited per device and address."""

import pytest
from django.test import Client

from tenants.cases.models import Case, CaseTransition
from tenants.cases.services import case_rate, case_reopen, case_resolve
from tests.conftest import host
from tests.tenants.events.factories import CaseFactory
from tests.web.test_intake import fresh_ip
from web.qr import DEVICE_COOKIE

PHONE = "138-0000-5678"
NEUTRAL = "没有与此回执码和手机号相符的问题"


def phone(code: str = "tcounty1", address: str | None = None, **extra) -> Client:
    """A worker's phone that opened /r/ once, so it holds the device cookie."""
    client = Client(HTTP_HOST=host(code), REMOTE_ADDR=address or fresh_ip(), **extra)
    page = client.get("/r/")
    assert page.status_code == 200 and DEVICE_COOKIE in client.cookies
    return client


@pytest.fixture
def raised(world, in_union):
    """A case of tcounty1 raised on the hotline with a phone number, so it has a receipt code."""
    with in_union("tcounty1"):
        case = CaseFactory(
            title="宿舍热水问题", description="张三反映宿舍热水经常停", submitter_name="张三", submitter_phone=PHONE
        )
    assert len(case.receipt_code) == 8
    return case


def finish(in_union, world, case):
    with in_union("tcounty1"):
        return case_resolve(case=case, actor=world.user("tcounty1-staff"), outcome="已协调企业维修热水器")


def look_up(client, case, last4="5678", code=None):
    return client.post("/r/", {"receipt_code": code or case.receipt_code, "phone_last4": last4})


def test_the_worker_sees_the_status_and_nothing_else(raised):
    page = look_up(phone(), raised)
    content = page.content.decode()
    assert page.status_code == 200 and 'id="case-status"' in content and "已提出" in content
    for private in ("宿舍热水问题", "张三", "5678", "138", "热水经常停"):
        assert private not in content
    assert "评价" not in content  # not finished: nothing to rate yet


def test_a_finished_case_shows_its_outcome_and_the_code_is_read_as_typed(raised, in_union, world):
    finish(in_union, world, raised)
    typed = " ".join([raised.receipt_code[:4].lower(), raised.receipt_code[4:]])
    content = look_up(phone(), raised, code=typed).content.decode()
    assert "已协调企业维修热水器" in content and "已解决" in content
    assert 'name="satisfaction"' in content


@pytest.mark.parametrize(("code", "last4"), [("WRONGCOD", "5678"), (None, "1234"), ("WRONGCOD", "1234")])
def test_a_wrong_code_or_phone_gets_one_neutral_message(raised, code, last4):
    page = look_up(phone(), raised, last4=last4, code=code)
    content = page.content.decode()
    assert page.status_code == 404 and NEUTRAL in content
    assert 'id="case-status"' not in content


def test_malformed_input_is_a_message_next_to_the_field_and_keeps_what_was_typed(raised):
    page = phone().post("/r/", {"receipt_code": raised.receipt_code, "phone_last4": "56a"})
    content = page.content.decode()
    assert page.status_code == 400 and "请输入4位数字" in content and raised.receipt_code in content


def test_the_worker_rates_once_through_the_case_service(raised, in_union, world):
    finish(in_union, world, raised)
    client = phone()
    page = look_up(client, raised).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    sent = client.post("/r/rate/", {"token": token, "satisfaction": "4", "comment": "处理及时，谢谢"})
    assert sent.status_code == 200 and "感谢您的评价" in sent.content.decode()
    with in_union("tcounty1"):
        case = Case.objects.get(pk=raised.pk)
        last = case.transitions.order_by("at", "id").last()
    assert case.satisfaction == 4
    assert (last.actor, last.by_submitter, last.to_status) == (None, True, "resolved")
    assert "处理及时，谢谢" in last.note
    # Twice: the same form again is refused and changes nothing; the page no longer offers it.
    again = client.post("/r/rate/", {"token": token, "satisfaction": "1"})
    assert again.status_code == 400 and "已经评价过" in again.content.decode()
    with in_union("tcounty1"):
        assert Case.objects.get(pk=raised.pk).satisfaction == 4
        assert CaseTransition.objects.filter(case_id=raised.pk, by_submitter=True).count() == 1
    assert 'name="satisfaction"' not in look_up(client, raised).content.decode()
    # Staff see the rating in the case's history as the worker's own.
    staff_page = Client(HTTP_HOST=host("tcounty1"))
    staff_page.force_login(world.user("tcounty1-staff"))
    history = staff_page.get(f"/cases/{raised.pk}/").content.decode()
    assert "职工本人（凭回执码）" in history and "处理及时，谢谢" in history and "满意度：4" in history


def test_a_case_rated_by_staff_is_not_rated_again_by_the_worker_until_it_is_reopened(raised, in_union, world):
    finish(in_union, world, raised)
    staff = world.user("tcounty1-staff")
    with in_union("tcounty1"):
        case_rate(case=raised, actor=staff, satisfaction=5)
    assert 'name="satisfaction"' not in look_up(phone(), raised).content.decode()
    with in_union("tcounty1"):
        case_reopen(case=raised, actor=staff, reason="职工反映仍未解决")
        case_resolve(case=raised, actor=staff, outcome="企业已更换热水器")
    assert 'name="satisfaction"' in look_up(phone(), raised).content.decode()


def test_a_case_reopened_after_the_page_was_shown_cannot_be_rated(raised, in_union, world):
    finish(in_union, world, raised)
    client = phone()
    page = look_up(client, raised).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    with in_union("tcounty1"):
        case_reopen(case=raised, actor=world.user("tcounty1-staff"), reason="职工反映仍未解决")
    response = client.post("/r/rate/", {"token": token, "satisfaction": "5", "comment": "好"})
    content = response.content.decode()
    assert response.status_code == 400 and "只有已办结的问题才能评价" in content
    assert 'name="satisfaction"' not in content  # the page shows the case as it is now: open
    with in_union("tcounty1"):
        assert Case.objects.get(pk=raised.pk).satisfaction is None


@pytest.mark.parametrize("token", ["", "garbage", "eyJ1IjoidGNvdW50eTEiLCJjIjoxfQ:1abc:forged"])
def test_a_forged_rating_token_is_refused(raised, in_union, world, token):
    finish(in_union, world, raised)
    response = phone().post("/r/rate/", {"token": token, "satisfaction": "5"})
    assert response.status_code == 400 and "页面已过期" in response.content.decode()
    with in_union("tcounty1"):
        assert Case.objects.get(pk=raised.pk).satisfaction is None


def test_another_unions_host_finds_nothing_and_its_token_is_worthless(raised, in_union, world):
    finish(in_union, world, raised)
    assert NEUTRAL in look_up(phone("tcounty2"), raised).content.decode()
    page = look_up(phone(), raised).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    other = phone("tcounty2").post("/r/rate/", {"token": token, "satisfaction": "1"})
    assert other.status_code == 400
    with in_union("tcounty1"):
        assert Case.objects.get(pk=raised.pk).satisfaction is None


def test_a_forged_host_gets_no_page(raised):
    for forged in ("evil.example.com", "tcounty1.localhost.evil.example.com"):
        client = Client(HTTP_HOST=forged, REMOTE_ADDR=fresh_ip(), raise_request_exception=False)
        response = look_up(client, raised)
        assert response.status_code in (400, 404)
        assert 'id="case-status"' not in response.content.decode()
    # The base domain is no union's host: no receipt page there either.
    assert Client(HTTP_HOST="localhost").get("/r/").status_code == 404


def test_failed_look_ups_are_limited_per_device_and_a_right_one_never_counts(raised, settings):
    settings.RECEIPT_DEVICE_LIMIT = 3
    client = phone()
    for _ in range(5):  # finding one's own case again and again is never stopped
        assert look_up(client, raised).status_code == 200
    for _ in range(3):
        assert look_up(client, raised, last4="0000").status_code == 404
    refused = look_up(client, raised)
    assert refused.status_code == 429 and "尝试次数过多" in refused.content.decode()
    assert look_up(phone(), raised).status_code == 200  # another phone on another network is not affected


def test_failed_look_ups_are_limited_per_address_across_devices(raised, settings):
    settings.RECEIPT_ADDRESS_LIMIT = 3
    address = fresh_ip()
    for _ in range(3):
        assert look_up(phone(address=address), raised, code="WRONGCOD").status_code == 404
    assert look_up(phone(address=address), raised).status_code == 429


def test_a_post_without_the_device_cookie_keeps_the_text_and_counts_nothing(raised):
    bare = Client(HTTP_HOST=host("tcounty1"), REMOTE_ADDR=fresh_ip())
    response = look_up(bare, raised)
    assert response.status_code == 400 and raised.receipt_code in response.content.decode()
    assert DEVICE_COOKIE in response.cookies
    assert look_up(bare, raised).status_code == 200


def test_the_qr_thank_you_page_links_to_the_receipt_page(world, make_event):
    from tests.web.test_intake import phone as qr_phone
    from web.qr import intake_token

    event = make_event("tcounty1")
    url = f"/q/{intake_token(union=world.union('tcounty1'), event=event)}/"
    client = qr_phone(url)
    response = client.post(
        url, {"kind": "request", "description": "食堂饭菜价格偏高", "submitter_phone": "13700001234"}
    )
    thanks = client.get(response["Location"]).content.decode()
    assert 'id="receipt-link"' in thanks and "/r/" in thanks


def test_the_page_is_in_chinese_and_fits_a_phone(world):
    content = phone().get("/r/").content.decode()
    assert "查询办理进度" in content and "手机号后4位" in content
    assert 'name="viewport"' in content and 'inputmode="numeric"' in content
