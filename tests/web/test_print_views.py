"""Issue 12, item 6: print views (A4 stylesheet) — a referred case's 交办单, an event's record sheet, the QR
poster as a printable page and a PNG — and the event page's copyable link for workers."""

import io

import pytest
from django.utils import timezone
from PIL import Image

from shared.catalogues.models import Department
from tests.conftest import host


@pytest.fixture
def referred(make_case, in_union, world):
    from tenants.cases.services import case_refer

    case = make_case(
        "tcounty1", title="拖欠工资 <三个月> & 加班费", submitter_name="李四", submitter_phone="13912345678"
    )
    with in_union("tcounty1"):
        return case_refer(
            case=case,
            actor=world.user("tcounty1-staff"),
            department=Department.objects.first(),
            deadline=timezone.localdate(),
            note="请于期限内办结并反馈",
        )


def test_referral_sheet_for_the_department(page, referred):
    client = page("tcounty1-staff", "tcounty1")
    assert f'href="/cases/{referred.pk}/print/referral/"' in client.get(f"/cases/{referred.pk}/").content.decode()
    content = client.get(f"/cases/{referred.pk}/print/referral/").content.decode()
    assert "问题交办单" in content and Department.objects.first().name in content and "请于期限内办结并反馈" in content
    assert "拖欠工资 &lt;三个月&gt; &amp; 加班费" in content and "13912345678" in content  # staff see the contact
    assert "web/print.css" in content and 'class="nav"' not in content
    viewer = page("tcounty1-viewer", "tcounty1").get(f"/cases/{referred.pk}/print/referral/").content.decode()
    assert "13912345678" not in viewer and "139****5678" in viewer


def test_no_referral_sheet_for_a_case_not_referred(page, make_case):
    case = make_case("tcounty1")
    assert page("tcounty1-staff", "tcounty1").get(f"/cases/{case.pk}/print/referral/").status_code == 404


def test_event_record_sheet(page, make_event, make_case):
    event = make_event("tcounty1", title="进园区送法", held=True)
    make_case("tcounty1", title="现场问题", event=event, source="event", raised_on=event.held_date,
              submitter_phone="13800001111")  # fmt: skip
    client = page("tcounty1-viewer", "tcounty1")
    assert f'href="/events/{event.pk}/print/"' in client.get(f"/events/{event.pk}/").content.decode()
    content = client.get(f"/events/{event.pk}/print/").content.decode()
    assert "活动记录表" in content and "进园区送法" in content and "现场问题" in content
    assert "13800001111" not in content and "138****1111" in content


def test_qr_poster_page_png_and_copyable_link(page, make_event):
    event = make_event("tcounty1", title="十万职工安康行", venue_name="衢州智造新城")
    client = page("tcounty1-staff", "tcounty1")
    detail = client.get(f"/events/{event.pk}/").content.decode()
    link = detail.split('id="intake-link" type="text" readonly value="')[1].split('"')[0]
    assert link.startswith("http://tcounty1.localhost/q/") and 'data-copy="#intake-link"' in detail
    poster = client.get(f"/events/{event.pk}/poster/").content.decode()
    assert "十万职工安康行" in poster and "衢州智造新城" in poster and link in poster and "<svg" in poster
    response = client.get(f"/events/{event.pk}/poster.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1240, 1754)


def test_a_cancelled_event_has_no_poster(page, make_event, in_union, world):
    from tenants.events.services import event_cancel

    event = make_event("tcounty1")
    with in_union("tcounty1"):
        event_cancel(event=event, actor=world.user("tcounty1-staff"), reason="天气原因")
    client = page("tcounty1-staff", "tcounty1")
    assert client.get(f"/events/{event.pk}/poster/").status_code == 404
    assert client.get(f"/events/{event.pk}/poster.png").status_code == 404


@pytest.mark.parametrize(
    "username, own_code", [("tcounty2-admin", "tcounty2"), ("ocity-admin", "ocity"), ("stranger", "tcounty1")]
)
def test_others_cannot_print(page, referred, make_event, username, own_code):
    event = make_event("tcounty1")
    client = page(username, own_code)
    for path in (
        f"/cases/{referred.pk}/print/referral/",
        f"/events/{event.pk}/print/",
        f"/events/{event.pk}/poster/",
        f"/events/{event.pk}/poster.png",
    ):
        response = client.get(path, HTTP_HOST=host("tcounty1"))
        assert response.status_code == 403, path
        assert b"13912345678" not in response.content
