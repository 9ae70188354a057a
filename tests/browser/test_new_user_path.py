"""A new user's path through the pages, in a real headless Chromium.

County staff sign in, create an event, record it on site with two cases and refer one; the city admin
sees that county's progress change on the dashboard; a worker opens the event's QR page and submits a
problem. Screenshots of the main pages go to artifacts/screenshots/.
"""

from __future__ import annotations

import datetime
import re

import pytest

from .conftest import in_thread, sign_in, today

# django_db: the test database is set up and open; what the server thread and in_thread() write is committed.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _refresh_rollup(code: str):
    """What the roll-up Celery task does after a committed change (no worker runs in the test session)."""
    from oversight.rollup.services import rollup_refresh
    from shared.unions.models import Union

    rollup_refresh(union=Union.objects.get(code=code), year=today().year)


def _event_figures(code: str, number: int) -> dict:
    from django_tenants.utils import schema_context

    from tenants.events.models import Event

    with schema_context(code):
        event = Event.objects.get(number=number)
        return {
            "id": event.pk,
            "status": event.status,
            "attendance": event.worker_attendance,
            "enterprises": event.enterprises.count(),
            "cases": sorted((case.title, case.status, case.source) for case in event.cases.all()),
        }


def _held_text(page, code: str) -> str:
    return page.locator(f"[data-union='{code}'] .held-count").inner_text().strip()


def test_county_records_an_event_on_site_and_the_city_sees_the_progress(new_page, url, shot):
    # The city admin looks at the dashboard first: nothing held yet in the e2e county.
    in_thread(_refresh_rollup, "e2ecounty")
    city = new_page()
    sign_in(city, url, "e2ecity", "e2ecity-admin")
    city.goto(url("e2ecity", "/city/"))
    assert re.search(r"已举办\s*0\s*/\s*4", _held_text(city, "e2ecounty")), _held_text(city, "e2ecounty")

    # County staff sign in on their phone and create an event.
    staff = new_page(phone=True)
    sign_in(staff, url, "e2ecounty", "e2ecounty-staff")
    assert "您好，王小燕" in staff.content()
    shot(staff, "01-county-home-phone")
    staff.click("text=新建活动")
    staff.fill("#id_title", "关爱女职工 工情直通车进园区")
    staff.fill("#id_planned_date", today().isoformat())
    staff.select_option("#id_topic", index=1)
    staff.select_option("#id_venue_kind", "park")
    staff.fill("#id_venue_name", "高新园区职工之家")
    staff.check("#id_departments_0")
    staff.click("button:has-text('保存')")
    staff.wait_for_url(re.compile(r"/events/\d+/$"))
    assert "第1期活动已创建。" in staff.content()
    assert staff.locator(".qr-box svg").count() == 1
    qr_url = staff.locator(".qr-box").get_attribute("data-qr-url")
    shot(staff, "02-event-page-phone")

    # Record it on site: attendance and an enterprise, then two cases — one solved, one referred.
    staff.click("text=现场记录")
    staff.wait_for_url(re.compile(r"/record/$"))
    staff.fill("#id_worker_attendance", "30")
    staff.click("[data-stepper] button[data-step='10'] >> nth=0")  # 30 + 10 with the stepper
    staff.fill("[data-filter-list]", "巨化")
    staff.check("#enterprise-choices label:has-text('巨化') input")
    assert not staff.locator("#enterprise-choices label:has-text('万达')").is_visible()
    staff.click("button[name=save_record]")
    staff.wait_for_selector("text=已保存：活动已记录为已举办。")

    staff.fill("#id_title", "食堂饭菜价格偏高")
    staff.check("input[name=next_step][value=solve_on_site]")
    staff.fill("#id_outcome", "园区食堂当场承诺下月起推出平价套餐。")
    staff.click("button:has-text('保存问题')")
    staff.wait_for_selector("#onsite-case-list li:has-text('食堂饭菜价格偏高')")

    staff.fill("#id_title", "三名职工工资被拖欠两个月")
    staff.check("input[name=kind][value=dispute]")
    staff.fill("#id_applicants", "张伟\n李娜\n陈强")
    staff.fill("#id_respondent_name", "柯城区万达商贸有限公司")
    staff.fill("#id_claimed_amount", "25800")
    staff.check("input[name=next_step][value=refer]")
    assert staff.locator("#id_department").is_visible()
    staff.select_option("#id_department", index=1)
    staff.fill("#id_deadline", (today() + datetime.timedelta(days=15)).isoformat())
    staff.click("button:has-text('保存问题')")
    staff.wait_for_selector("#onsite-case-list li:has-text('三名职工工资被拖欠两个月')")
    assert staff.locator("#onsite-case-list li").count() == 2
    shot(staff, "03-record-on-site-phone")
    assert staff.js_errors == []

    figures = in_thread(_event_figures, "e2ecounty", 1)
    assert figures["status"] == "held"
    assert figures["attendance"] == 40
    assert figures["enterprises"] == 1
    assert figures["cases"] == [
        ("三名职工工资被拖欠两个月", "referred", "event"),
        ("食堂饭菜价格偏高", "solved_on_site", "event"),
    ]

    # The event's page lists both cases; the case page offers only the next steps that make sense.
    staff.goto(url("e2ecounty", f"/events/{figures['id']}/"))
    staff.click("text=三名职工工资被拖欠两个月")
    staff.wait_for_url(re.compile(r"/cases/\d+/$"))
    summaries = staff.locator("details.action summary").all_inner_texts()
    assert "登记进展" in summaries and "办结" in summaries
    assert "现场解决" not in summaries
    shot(staff, "04-case-page-phone")

    # The roll-up task runs after the commit; the city admin reloads and sees the county move.
    in_thread(_refresh_rollup, "e2ecounty")
    city.reload()
    assert re.search(r"已举办\s*1\s*/\s*4", _held_text(city, "e2ecounty")), _held_text(city, "e2ecounty")
    assert city.locator("[data-total='events_held'] b").inner_text() == "1"
    assert city.locator("[data-total='worker_attendance'] b").inner_text() == "40"
    assert city.locator("svg.chart").count() >= 2
    shot(city, "05-city-dashboard")
    city.click("text=年度考核")
    city.wait_for_url(re.compile(r"/city/assessment/"))
    assert "端到端测试区总工会" in city.content()
    shot(city, "06-city-assessment")
    city.goto(url("e2ecity", "/city/unions/e2ecounty/"))
    assert "关爱女职工 工情直通车进园区" in city.content()
    assert "三名职工工资被拖欠两个月" in city.content()
    shot(city, "07-city-drill-down")
    assert city.js_errors == []

    # A worker scans the event's QR code: a public page, no account.
    worker = new_page(phone=True)
    worker.goto(qr_url)
    assert "向工会反映问题或提出建议" in worker.content()
    assert "食堂饭菜价格偏高" not in worker.content()  # nothing of other cases
    shot(worker, "08-qr-intake-phone")
    worker.check("input[name=kind][value=request]")
    worker.fill("#id_description", "夜班结束后园区没有公交车，希望增开一趟夜班公交。")
    worker.fill("#id_submitter_phone", "13900001111")
    worker.click("button:has-text('提交')")
    worker.wait_for_url(re.compile(r"/thanks/\?receipt="))
    assert "谢谢，我们已收到。" in worker.content()
    shot(worker, "09-qr-thanks-phone")

    figures = in_thread(_event_figures, "e2ecounty", 1)
    assert ("夜班结束后园区没有公交车，希望增开一趟夜班公交。", "raised", "qr") in figures["cases"]


def test_other_county_pages_render_without_errors(new_page, url, shot):
    page = new_page()
    sign_in(page, url, "e2ecounty", "e2ecounty-staff")
    for path, name, expected in (
        ("/events/", "10-events-list", "活动"),
        ("/events/calendar/", "11-events-calendar", "活动"),
        ("/cases/", "12-cases-list", "问题"),
        ("/enterprises/", "13-enterprises", "衢州巨化精细化工有限公司"),
        ("/planning/", "14-planning", "年度选题"),
    ):
        response = page.goto(url("e2ecounty", path))
        assert response.status == 200, path
        assert expected in page.content()
        shot(page, name)
    # The language switch: English, then back to Chinese.
    page.click("button[name=language][value=en]")
    page.wait_for_selector("text=Topic planning")
    page.click("button[name=language][value=zh-hans]")
    page.wait_for_selector("text=年度选题")
    assert page.js_errors == []
