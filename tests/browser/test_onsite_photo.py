"""Issue 13 item 5 in a real headless Chromium, on a phone: a photo taken on site lands on the event
with its thumbnail; a lying file is refused in Chinese. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import datetime
import io

import pytest

from .conftest import in_thread, sign_in, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _clean_up() -> None:
    from django_tenants.utils import schema_context

    from tenants.attachments.models import Attachment
    from tenants.cases.models import Case
    from tenants.events.models import Event, EventCounter

    with schema_context("e2ecounty"):
        Attachment.objects.all().delete()
        Case.objects.all().delete()  # other browser tests' cases hold on to their events
        Event.objects.all().delete()
        EventCounter.objects.update(last_number=0)


@pytest.fixture(autouse=True)
def clean(e2e_server, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the server thread shares the settings
    in_thread(_clean_up)
    yield
    in_thread(_clean_up)


def _event() -> int:
    from django_tenants.utils import schema_context

    from shared.accounts.models import User
    from tenants.events.services import event_create

    with schema_context("e2ecounty"):
        return event_create(
            actor=User.objects.get(username="e2ecounty-staff"),
            title="十万职工安康行·进园区",
            planned_date=today() + datetime.timedelta(days=1),
            venue_kind="park",
            venue_name="衢州智造新城",
        ).pk


def _photo(tmp_path):
    from PIL import Image

    path = tmp_path / "IMG_20260518.jpg"
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (30, 120, 200)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    liar = tmp_path / "现场.jpg"
    liar.write_bytes(b"%PDF-1.4 pretending to be a photo")
    return path, liar


def test_a_photo_taken_on_site_shows_with_its_thumbnail(new_page, url, shot, tmp_path):
    event_id = in_thread(_event)
    photo, liar = _photo(tmp_path)
    page = new_page(phone=True)
    sign_in(page, url, "e2ecounty", "e2ecounty-staff")
    page.goto(url("e2ecounty", f"/events/{event_id}/record/"))
    camera = page.locator('input[type=file][capture="environment"]')
    assert camera.get_attribute("accept") == "image/*"
    # A file that only pretends to be a photo: refused in Chinese, nothing shown.
    camera.set_input_files(str(liar))
    page.fill("input[name=description]", "会场全景")
    page.get_by_role("button", name="上传", exact=True).click()
    assert "文件内容与文件名不符" in page.content()
    assert page.locator("input[name=description]").input_value() == "会场全景"
    # The real photo.
    page.locator('input[type=file][capture="environment"]').set_input_files(str(photo))
    page.get_by_role("button", name="上传", exact=True).click()
    page.wait_for_url(url("e2ecounty", f"/events/{event_id}/record/"))
    thumbnail = page.locator("ul.files img")
    thumbnail.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth", thumbnail.element_handle()) == 320
    shot(page, "onsite-photo-phone")
    assert page.js_errors == []
    # The event's page shows it too, and another browser without a session gets the sign-in page, not bytes.
    src = thumbnail.get_attribute("src")
    stranger = new_page()
    stranger.goto(url("e2ecounty", src))
    assert "/login/" in stranger.url
