"""Issue 12, item 13 (phone parts): tap-to-call numbers for those who see them whole, and the calendar's list
of the month's events (what a phone shows under the grid)."""

import datetime

from django.utils import timezone

from web.templatetags.webui import tel


def test_phone_numbers_are_tap_to_call_for_staff_only(page, make_case):
    case = make_case("tcounty1", submitter_name="李四", submitter_phone="139 1234 5678")
    staff = page("tcounty1-staff", "tcounty1").get(f"/cases/{case.pk}/").content.decode()
    assert '<a class="tel" href="tel:13912345678">139 1234 5678</a>' in staff
    viewer = page("tcounty1-viewer", "tcounty1").get(f"/cases/{case.pk}/").content.decode()
    assert "tel:" not in viewer and "13912345678" not in viewer


def test_tel_escapes_and_keeps_text_without_digits():
    assert tel("") == "" and tel("无") == "无"
    assert tel('0570-1234"><script>') == '<a class="tel" href="tel:05701234">0570-1234&quot;&gt;&lt;script&gt;</a>'


def test_calendar_lists_the_months_events_in_full(page, make_event):
    day = timezone.localdate() + datetime.timedelta(days=1)
    event = make_event("tcounty1", title="一个很长很长的活动主题：十万职工安康行进园区", planned_date=day)
    content = page("tcounty1-viewer", "tcounty1").get(f"/events/calendar/?month={day:%Y-%m}").content.decode()
    listing = content[content.index('class="plain calendar-list"') :]
    assert f'href="/events/{event.pk}/"' in listing and "一个很长很长的活动主题：十万职工安康行进园区" in listing
    assert f"第{event.number}期" in listing and f"{day.year}年{day.month}月{day.day}日" in listing
