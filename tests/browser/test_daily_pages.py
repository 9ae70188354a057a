"""Issue 12's daily pages in a real headless Chromium: the notices and the top bar's mark, the county's own
published assessment result, and the printable QR poster. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import pytest

from .conftest import in_thread, sign_in, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _clean_up() -> None:
    """What these tests commit goes again: the other tests (browser or not) count notices, publications,
    adjustments and event numbers and must not meet ours."""
    from django_tenants.utils import schema_context

    from oversight.assessment.models import Adjustment, Publication
    from oversight.rollup.models import Notice, UnionYearStats
    from shared.unions.models import Union
    from tenants.events.models import Event, EventCounter

    unions = Union.objects.filter(code__in=["e2ecity", "e2ecounty"])
    Notice.objects.filter(union__in=unions).delete()
    Publication.objects.filter(city__in=unions).delete()
    Adjustment.objects.filter(city__in=unions).delete()
    UnionYearStats.objects.filter(union__in=unions).delete()
    with schema_context("e2ecounty"):
        Event.objects.all().delete()
        EventCounter.objects.update(last_number=0)


@pytest.fixture(autouse=True)
def clean(e2e_server):
    in_thread(_clean_up)  # also after a run that stopped half-way
    yield
    in_thread(_clean_up)


def _notices(username: str, code: str) -> list[int]:
    from oversight.rollup.models import Notice, NoticeKind
    from shared.accounts.models import User
    from shared.unions.models import Union

    user, union = User.objects.get(username=username), Union.objects.get(code=code)
    Notice.objects.filter(user=user).delete()
    overdue = Notice.objects.create(
        user=user, union=union, kind=NoticeKind.OVERDUE, key="e2e:overdue", title="交办问题已逾期：工资拖欠",
        body="人力社保局承办，期限已过 3 天。", url="/cases/",
    )  # fmt: skip
    pace = Notice.objects.create(
        user=user, union=union, kind=NoticeKind.PACE, key="e2e:pace", title="第四季度进度落后",
        body="已举办 2 期，年度指标 4 期。", url="/events/",
    )  # fmt: skip
    return [overdue.pk, pace.pk]


def _publish(city_code: str, county_code: str) -> None:
    """The county's figures rolled up and the city's result published (what the city admin does on a page)."""
    from django.utils import timezone

    from oversight.assessment.models import Adjustment, Publication
    from oversight.assessment.services import adjustment_add, assessment_publish
    from oversight.rollup.models import UnionYearStats
    from shared.accounts.models import User
    from shared.unions.models import Union

    city, county = Union.objects.get(code=city_code), Union.objects.get(code=county_code)
    admin = User.objects.get(username=f"{city_code}-admin")
    year = today().year
    Publication.objects.filter(city=city).delete()
    Adjustment.objects.filter(city=city).delete()
    figures = dict(events_held=5, cases_raised=12, cases_solved_on_site=8, cases_referred=4, cases_resolved_on_time=4,
                   enterprises_reached=34, worker_attendance=520, departments_engaged=5, media_reports=3)  # fmt: skip
    UnionYearStats.objects.update_or_create(
        union=county, year=year, defaults=figures | {"events_held_by_month": [0] * 12, "computed_at": timezone.now()}
    )
    adjustment_add(city=city, year=year, union_code=county_code, points=2, reason="承办全市现场推进会", actor=admin)
    assessment_publish(city=city, year=year, actor=admin)


def _event(code: str) -> int:
    import datetime

    from django_tenants.utils import schema_context

    from shared.accounts.models import User
    from tenants.events.services import event_create

    with schema_context(code):
        event = event_create(
            actor=User.objects.get(username=f"{code}-staff"),
            title="十万职工安康行·进园区",
            planned_date=today() + datetime.timedelta(days=10),
            venue_kind="park",
            venue_name="衢州智造新城",
        )
        return event.pk


def test_notices_mark_in_the_top_bar_and_open_what_they_are_about(new_page, url, shot):
    in_thread(_notices, "e2ecounty-staff", "e2ecounty")
    for phone in (False, True):
        page = new_page(phone=phone)
        sign_in(page, url, "e2ecounty", "e2ecounty-staff")
        mark = page.locator("a.notices-link")
        if not phone:
            assert mark.get_attribute("data-unread") == "2" and mark.locator(".count").inner_text() == "2"
            shot(page, "20-home-with-notices")
        mark.click()
        page.wait_for_url(url("e2ecounty", "/notices/"))
        assert "交办问题已逾期：工资拖欠" in page.content() and "第四季度进度落后" in page.content()
        shot(page, "21-notices-phone" if phone else "21-notices")
        if not phone:
            page.click("text=交办问题已逾期：工资拖欠")
            page.wait_for_url(url("e2ecounty", "/cases/"))
            assert page.locator("a.notices-link").get_attribute("data-unread") == "1"
        assert page.js_errors == []


def test_county_reads_its_published_assessment(new_page, url, shot):
    in_thread(_publish, "e2ecity", "e2ecounty")
    for phone in (False, True):
        page = new_page(phone=phone)
        sign_in(page, url, "e2ecounty", "e2ecounty-staff")
        page.goto(url("e2ecounty", "/assessment/"))
        assert page.locator("[data-figure=rank]").inner_text() == "1 / 1"
        content = page.content()
        assert (
            "承办全市现场推进会" in content
            and "问题现场解决率" in content
            and "T" not in page.locator(".notice").inner_text()
        )
        shot(page, "22-county-assessment-phone" if phone else "22-county-assessment")
        assert page.js_errors == []
    city = new_page()
    sign_in(city, url, "e2ecity", "e2ecity-admin")
    city.goto(url("e2ecity", "/city/assessment/"))
    published = city.locator("p.notice").first.inner_text()
    assert "发布" in published and "T" not in published and "年" in published  # local, Chinese, no raw ISO
    shot(city, "28-city-assessment")
    assert city.js_errors == []


def test_printable_qr_poster_and_png(new_page, url, shot):
    event_id = in_thread(_event, "e2ecounty")
    page = new_page()
    sign_in(page, url, "e2ecounty", "e2ecounty-staff")
    page.goto(url("e2ecounty", f"/events/{event_id}/"))
    link = page.locator("#intake-link").input_value()
    assert "/q/" in link
    page.goto(url("e2ecounty", f"/events/{event_id}/poster/"))
    assert page.locator(".poster h1").inner_text() == "十万职工安康行·进园区"
    assert link in page.locator(".poster .link").inner_text()
    shot(page, "23-qr-poster")
    page.emulate_media(media="print")
    assert not page.locator(".toolbar").is_visible()  # the print stylesheet hides the buttons
    shot(page, "24-qr-poster-print")
    errors = list(page.js_errors)
    png = page.goto(url("e2ecounty", f"/events/{event_id}/poster.png"))  # Chromium resolves *.localhost itself
    assert png.status == 200 and png.headers["content-type"] == "image/png"
    assert png.body()[:8] == b"\x89PNG\r\n\x1a\n"
    shot(page, "25-qr-poster-png")
    assert errors == []


def test_phone_menu_shows_every_item_and_calendar_keeps_numbers(new_page, url, shot):
    in_thread(_event, "e2ecounty")
    page = new_page(phone=True)
    sign_in(page, url, "e2ecounty", "e2ecounty-staff")
    width = page.viewport_size["width"]
    for link in page.locator("nav.nav a").all():  # every menu item inside the screen, none scrolled away
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, link.inner_text()
    assert page.evaluate(
        "document.querySelector('nav.nav').scrollWidth <= document.querySelector('nav.nav').clientWidth"
    )
    shot(page, "26-phone-menu")
    page.goto(url("e2ecounty", "/events/calendar/?month=" + _event_month()))
    listing = page.locator(".calendar-list")
    assert listing.is_visible() and "十万职工安康行·进园区" in listing.inner_text()
    for cell_link in page.locator(".calendar .ev").all():
        assert cell_link.evaluate("a => a.scrollWidth <= a.clientWidth + 1")  # "第1期" whole, not "第…"
    shot(page, "27-phone-calendar")
    assert page.js_errors == []


def _event_month() -> str:
    import datetime

    return (today() + datetime.timedelta(days=10)).strftime("%Y-%m")
