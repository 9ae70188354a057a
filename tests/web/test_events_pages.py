"""Event pages: list, calendar, create/edit, the event's page, on-site recording (plain and htmx), QR image."""

import datetime

import pytest
from django.utils import timezone

from shared.catalogues.models import Department
from tenants.events.models import Event


def test_list_shows_the_unions_events_with_counts_and_filters(page, make_event):
    make_event("tcounty1", title="防欠薪专场")
    make_event("tcounty1", title="已举办的一期", held=True)
    make_event("tcounty2", title="别的县的活动")
    client = page("tcounty1-viewer", "tcounty1")
    content = client.get("/events/").content.decode()
    assert "防欠薪专场" in content and "已举办的一期" in content
    assert "别的县的活动" not in content
    held_only = client.get("/events/?status=held").content.decode()
    assert "已举办的一期" in held_only and "防欠薪专场" not in held_only
    # A malformed filter is a message on the page, never a 500.
    response = client.get("/events/?date_from=not-a-date")
    assert response.status_code == 200
    assert "部分筛选条件无效" in response.content.decode()


def test_calendar_puts_events_on_their_day(page, make_event):
    day = timezone.localdate() + datetime.timedelta(days=3)
    make_event("tcounty1", title="日历上的活动", planned_date=day)
    client = page("tcounty1-staff", "tcounty1")
    response = client.get(f"/events/calendar/?month={day:%Y-%m}")
    assert response.status_code == 200
    assert "日历上的活动" in response.content.decode()
    assert client.get("/events/calendar/?month=garbage").status_code == 200


def test_staff_create_an_event_and_see_its_page_with_a_qr_code(page, world, in_union):
    client = page("tcounty1-staff", "tcounty1")
    assert client.get("/events/new/").status_code == 200
    planned = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        "/events/new/",
        {"title": "送法进企业", "planned_date": planned.isoformat(), "venue_kind": "enterprise", "venue_name": "某厂"},
    )
    assert response.status_code == 302
    with in_union("tcounty1"):
        event = Event.objects.get(title="送法进企业")
        assert event.created_by == world.user("tcounty1-staff")
    detail = client.get(response["Location"])
    content = detail.content.decode()
    assert f"第{event.number}期" in content
    assert "<svg" in content and "/q/" in content
    svg = client.get(f"/events/{event.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content


def test_invalid_event_form_keeps_values_and_explains_in_chinese(page):
    client = page("tcounty1-staff", "tcounty1")
    response = client.post("/events/new/", {"title": "保留我", "planned_date": "", "venue_kind": "nowhere"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="保留我"' in content
    assert "该字段是必填项。" in content
    assert "nowhere 不在可用的选项中" in content


def test_edit_event_and_service_errors_show_on_the_form(page, make_event, in_union):
    event = make_event("tcounty1")
    client = page("tcounty1-staff", "tcounty1")
    assert client.get(f"/events/{event.pk}/edit/").status_code == 200
    response = client.post(
        f"/events/{event.pk}/edit/",
        {"title": "改过的主题", "planned_date": event.planned_date.isoformat(), "venue_kind": "park"},
    )
    assert response.status_code == 302
    with in_union("tcounty1"):
        assert Event.objects.get(pk=event.pk).title == "改过的主题"
    # The service refuses a blank theme (spaces only): a message on the form, not a 500.
    response = client.post(
        f"/events/{event.pk}/edit/",
        {"title": "   ", "planned_date": event.planned_date.isoformat(), "venue_kind": "park"},
    )
    assert response.status_code == 200
    assert "该字段是必填项。" in response.content.decode()


def test_preparation_checklist_and_cancel(page, make_event, in_union):
    event = make_event("tcounty1")
    client = page("tcounty1-staff", "tcounty1")
    items = {name: "on" for name in Event.PREPARATION_FIELDS}
    assert client.post(f"/events/{event.pk}/prepare/", items).status_code == 302
    with in_union("tcounty1"):
        assert Event.objects.get(pk=event.pk).status == "prepared"
    response = client.post(f"/events/{event.pk}/cancel/", {"reason": ""}, follow=True)
    assert "取消活动须说明原因。" in response.content.decode()
    client.post(f"/events/{event.pk}/cancel/", {"reason": "台风"})
    with in_union("tcounty1"):
        assert Event.objects.get(pk=event.pk).status == "cancelled"
    # A cancelled event has no QR code and cannot be recorded.
    assert "<svg" not in client.get(f"/events/{event.pk}/").content.decode()
    assert client.get(f"/events/{event.pk}/qr.svg").status_code == 404
    response = client.get(f"/events/{event.pk}/record/", follow=True)
    assert "已取消的活动不能" in response.content.decode()


def test_record_on_site_then_two_cases_one_referred(page, make_event, in_union, world):
    event = make_event("tcounty1", planned_date=timezone.localdate())
    client = page("tcounty1-staff", "tcounty1")
    assert "现场记录" in client.get(f"/events/{event.pk}/record/").content.decode()
    response = client.post(
        f"/events/{event.pk}/record/",
        {
            "held_date": timezone.localdate().isoformat(),
            "worker_attendance": "56",
            "unregistered_enterprise_count": "3",
            "summary": "现场气氛热烈",
        },
    )
    assert response.status_code == 302
    # htmx: the answer is the case panel only.
    response = client.post(
        f"/events/{event.pk}/record/case/",
        {"kind": "consultation", "title": "社保怎么转移", "next_step": "solve_on_site", "outcome": "已现场讲解"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content and "社保怎么转移" in content
    dept = Department.objects.first()
    deadline = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    # Referring without a department is refused with a message, nothing saved.
    response = client.post(
        f"/events/{event.pk}/record/case/",
        {"kind": "request", "title": "欠薪", "next_step": "refer", "deadline": deadline},
        HTTP_HX_REQUEST="true",
    )
    assert "转办须指定部门。" in response.content.decode()
    response = client.post(
        f"/events/{event.pk}/record/case/",
        {"kind": "request", "title": "欠薪", "next_step": "refer", "department": dept.pk, "deadline": deadline},
    )
    assert response.status_code == 302
    with in_union("tcounty1"):
        event = Event.objects.get(pk=event.pk)
        assert (event.status, event.worker_attendance, event.unregistered_enterprise_count) == ("held", 56, 3)
        statuses = sorted(event.cases.values_list("title", "status"))
    assert statuses == [("欠薪", "referred"), ("社保怎么转移", "solved_on_site")]


def test_record_refuses_a_future_held_date_with_a_message(page, make_event, in_union):
    event = make_event("tcounty1")
    client = page("tcounty1-staff", "tcounty1")
    future = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = client.post(
        f"/events/{event.pk}/record/",
        {"held_date": future, "worker_attendance": "5", "unregistered_enterprise_count": "0"},
    )
    assert response.status_code == 200
    assert "举办日期不能晚于今天。" in response.content.decode()
    response = client.post(
        f"/events/{event.pk}/record/",
        {
            "held_date": timezone.localdate().isoformat(),
            "worker_attendance": "-5",
            "unregistered_enterprise_count": "0",
        },
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    with in_union("tcounty1"):
        assert Event.objects.get(pk=event.pk).status == "planned"


def test_media_report_on_a_held_event(page, make_event, in_union):
    event = make_event("tcounty1", held=True)
    client = page("tcounty1-staff", "tcounty1")
    response = client.post(
        f"/events/{event.pk}/media/",
        {"outlet": "衢州日报", "title": "工情直通车开进园区", "published_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert "衢州日报" in client.get(f"/events/{event.pk}/").content.decode()
    response = client.post(f"/events/{event.pk}/media/", {"outlet": "", "title": "", "published_on": "x"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()


@pytest.mark.parametrize("path", ["/events/new/", "/events/{id}/edit/", "/events/{id}/record/"])
def test_viewer_gets_403_on_write_pages(page, make_event, path):
    event = make_event("tcounty1")
    viewer = page("tcounty1-viewer", "tcounty1")
    assert viewer.get(path.format(id=event.pk)).status_code == 403
    assert viewer.post(path.format(id=event.pk), {}).status_code == 403
    assert viewer.post(f"/events/{event.pk}/record/case/", {"title": "x"}).status_code == 403


def test_viewer_reads_the_event_page_without_write_buttons(page, make_event):
    event = make_event("tcounty1")
    content = page("tcounty1-viewer", "tcounty1").get(f"/events/{event.pk}/").content.decode()
    assert event.title in content
    assert "现场记录" not in content and "取消本期活动" not in content


def test_another_unions_event_is_not_found_here(page, make_event):
    event = make_event("tcounty2", title="二县的活动")
    client = page("tcounty1-staff", "tcounty1")
    assert client.get(f"/events/{event.pk}/").status_code == 404
    # A member of tcounty2 calling tcounty1's host with a forged Host header gets nothing.
    other = page("tcounty2-staff", "tcounty2")
    assert other.get(f"/events/{event.pk}/", HTTP_HOST="tcounty1.localhost").status_code == 403
