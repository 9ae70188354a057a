"""Photos and files on the event, case and on-site pages: upload, refusals in Chinese that keep what was
typed, and files served only to members of the union whose host was called."""

from __future__ import annotations

import pytest

from tenants.attachments.models import Attachment
from tests.tenants.attachments.files import jpeg_bytes, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _count(in_union, code="tcounty1"):
    with in_union(code):
        return Attachment.objects.count()


def test_staff_upload_a_photo_to_an_event_and_see_its_thumbnail(page, make_event, in_union):
    event = make_event("tcounty1", held=True)
    client = page("tcounty1-staff", "tcounty1")
    response = client.post(
        f"/events/{event.pk}/files/", {"file": upload("现场照片.jpg", jpeg_bytes()), "description": "签到现场"}
    )
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/"
    with in_union("tcounty1"):
        attachment = Attachment.objects.get()
    content = client.get(f"/events/{event.pk}/").content.decode()
    assert "现场照片.jpg" in content and "签到现场" in content
    assert f"/files/{attachment.pk}/thumbnail.jpg" in content
    thumb = client.get(f"/files/{attachment.pk}/thumbnail.jpg")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert b"".join(thumb.streaming_content)[:2] == b"\xff\xd8"
    full = client.get(f"/files/{attachment.pk}/")
    assert full.status_code == 200 and b"".join(full.streaming_content) == jpeg_bytes()
    assert full["X-Content-Type-Options"] == "nosniff"


def test_a_file_of_a_case_is_shown_on_the_case_page_and_downloaded_as_a_file(page, make_case, in_union):
    case = make_case("tcounty1")
    client = page("tcounty1-staff", "tcounty1")
    response = client.post(f"/cases/{case.pk}/files/", {"file": upload("调解协议.pdf", pdf_bytes())})
    assert response.status_code == 302
    with in_union("tcounty1"):
        attachment = Attachment.objects.get(case=case)
    assert "调解协议.pdf" in client.get(f"/cases/{case.pk}/").content.decode()
    download = client.get(f"/files/{attachment.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_lying_upload_is_refused_in_chinese_keeping_the_description(page, make_event, in_union):
    event = make_event("tcounty1")
    client = page("tcounty1-staff", "tcounty1")
    response = client.post(
        f"/events/{event.pk}/files/", {"file": upload("照片.jpg", png_bytes()), "description": "会场全景，别丢"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "文件内容与文件名不符" in content
    assert "会场全景，别丢" in content
    assert _count(in_union) == 0


def test_a_too_big_upload_is_refused_in_chinese_and_nothing_is_saved(page, make_case, in_union):
    case = make_case("tcounty1")
    client = page("tcounty1-staff", "tcounty1")
    big = upload("扫描.pdf", pdf_bytes() + b"\n" * (10 * 1024 * 1024 + 1))
    response = client.post(f"/cases/{case.pk}/files/", {"file": big, "description": "十一兆"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "最多接受 10 MB" in content and "十一兆" in content
    assert _count(in_union) == 0


def test_the_phone_takes_a_photo_from_the_camera_on_site(page, make_event, in_union):
    event = make_event("tcounty1")
    client = page("tcounty1-staff", "tcounty1")
    record = client.get(f"/events/{event.pk}/record/").content.decode()
    assert 'accept="image/*"' in record and 'capture="environment"' in record
    response = client.post(f"/events/{event.pk}/files/", {"file": upload("IMG_0001.jpg", jpeg_bytes()), "on_site": "1"})
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/record/"
    assert "IMG_0001.jpg" in client.get(f"/events/{event.pk}/record/").content.decode()
    # A refused photo on the phone comes back to the on-site page with the reason.
    refused = client.post(
        f"/events/{event.pk}/files/", {"file": upload("IMG_0002.jpg", b"not a photo"), "on_site": "1"}
    )
    assert refused.status_code == 400 and 'capture="environment"' in refused.content.decode()
    assert _count(in_union) == 1


@pytest.fixture
def stored(page, make_event, in_union):
    event = make_event("tcounty1")
    page("tcounty1-staff", "tcounty1").post(f"/events/{event.pk}/files/", {"file": upload("a.jpg", jpeg_bytes())})
    with in_union("tcounty1"):
        return Attachment.objects.get()


@pytest.mark.parametrize("path", ["/files/{id}/", "/files/{id}/thumbnail.jpg"])
def test_files_are_refused_to_another_union_anonymous_and_a_forged_host(page, stored, path):
    url = path.format(id=stored.pk)
    assert page("tcounty1-viewer", "tcounty1").get(url).status_code == 200  # any role of the union reads
    assert page("tcounty1-colleague", "tcounty1").get(url).status_code == 200
    # A member of another union, on the right host: refused.
    assert page("tcounty2-admin", "tcounty1").get(url).status_code == 403
    assert page("ocity-admin", "tcounty1").get(url).status_code == 403
    # On their own host the id means their own union's file, which does not exist.
    assert page("tcounty2-admin", "tcounty2").get(url).status_code == 404
    # Anonymous: sent to sign in, no bytes.
    anonymous = page(None, "tcounty1").get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    # A forged Host: tcounty1's signed-in session sent to another union's host counts for nothing there;
    # unknown hosts and the public host serve no union files.
    client = page("tcounty1-staff", "tcounty1")
    for code in ("tcounty2", "tcity", "ocounty"):
        assert client.get(url, HTTP_HOST=f"{code}.localhost").status_code == 403
    assert client.get(url, HTTP_HOST="nosuchunion.localhost").status_code == 404
    assert client.get(url, HTTP_HOST="localhost").status_code == 404


def test_no_public_media_url_serves_the_file(page, stored):
    assert page(None, "tcounty1").get(f"/media/{stored.file.name}").status_code == 404
    assert page("tcounty1-staff", "tcounty1").get(f"/media/{stored.file.name}").status_code == 404


def test_viewers_cannot_upload_or_remove(page, stored, make_event, in_union):
    viewer = page("tcounty1-viewer", "tcounty1")
    assert viewer.post(f"/events/{stored.event_id}/files/", {"file": upload("b.jpg", jpeg_bytes())}).status_code == 403
    assert viewer.post(f"/files/{stored.pk}/delete/").status_code == 403
    assert 'enctype="multipart/form-data"' not in viewer.get(f"/events/{stored.event_id}/").content.decode()
    # Another union's staff cannot remove it either.
    assert page("tcounty2-staff", "tcounty1").post(f"/files/{stored.pk}/delete/").status_code == 403
    assert _count(in_union) == 1


def test_staff_remove_a_file(page, stored, in_union):
    response = page("tcounty1-staff", "tcounty1").post(f"/files/{stored.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == f"/events/{stored.event_id}/"
    assert _count(in_union) == 0


def test_the_city_sees_a_countys_files_read_only_in_its_drill_down(page, stored, make_case, in_union):
    city = page("tcity-viewer", "tcity")
    event_page = city.get(f"/city/unions/tcounty1/events/{stored.event_id}/").content.decode()
    file_url = f"/city/unions/tcounty1/files/{stored.pk}/"
    assert file_url in event_page and f"{file_url}thumbnail.jpg" in event_page
    assert "/delete/" not in event_page and 'enctype="multipart/form-data"' not in event_page
    response = city.get(file_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == jpeg_bytes()
    assert city.get(f"{file_url}thumbnail.jpg").status_code == 200
    # Only the county's own city: another city, a sibling county, or a county code not below this city.
    assert page("ocity-admin", "ocity").get(file_url).status_code == 404
    assert page("tcounty2-admin", "tcounty2").get(file_url).status_code == 403
    assert city.get(f"/city/unions/ocounty/files/{stored.pk}/").status_code == 404
    assert city.get(f"/city/unions/tcounty1/files/{stored.pk}/", HTTP_HOST="ocity.localhost").status_code == 403
    # A case's files show on the drill-down of the case.
    case = make_case("tcounty1")
    page("tcounty1-staff", "tcounty1").post(f"/cases/{case.pk}/files/", {"file": upload("协议.pdf", pdf_bytes())})
    assert "协议.pdf" in city.get(f"/city/unions/tcounty1/cases/{case.pk}/").content.decode()
