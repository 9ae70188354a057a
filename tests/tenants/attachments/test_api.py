"""Attachment API: upload by multipart, list per event or case, download, remove; one error shape for
refusals; nothing of another union, whatever the token or Host."""

from __future__ import annotations

import pytest

from tenants.attachments.models import Attachment

from .files import docx_bytes, jpeg_bytes, plain_zip_bytes, upload

pytestmark = pytest.mark.django_db


def _upload(client, **fields):
    return client.post("/api/v1/attachments/", fields, format="multipart")


def test_staff_upload_list_download_and_remove(api, media, make_event, in_union):
    event = make_event("tcounty1")
    staff = api("tcounty1-staff", "tcounty1")
    created = _upload(staff, event=event.pk, file=upload("现场.jpg", jpeg_bytes()), description="现场")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "image" and body["original_name"] == "现场.jpg" and body["event"] == event.pk
    assert body["download"] == f"/api/v1/attachments/{body['id']}/download/"
    assert body["thumbnail"] == f"/api/v1/attachments/{body['id']}/thumbnail/"
    listed = staff.get(f"/api/v1/attachments/?event={event.pk}").json()
    assert [item["id"] for item in listed["results"]] == [body["id"]]
    viewer = api("tcounty1-viewer", "tcounty1")
    download = viewer.get(body["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == jpeg_bytes()
    assert viewer.get(body["thumbnail"]).status_code == 200
    assert viewer.delete(f"/api/v1/attachments/{body['id']}/").status_code == 403
    assert staff.delete(f"/api/v1/attachments/{body['id']}/").status_code == 204
    with in_union("tcounty1"):
        assert Attachment.objects.count() == 0


def test_a_case_takes_a_word_document(api, media, make_case):
    case = make_case("tcounty1")
    response = _upload(api("tcounty1-admin", "tcounty1"), case=case.pk, file=upload("回复函.docx", docx_bytes()))
    assert response.status_code == 201 and response.json()["case"] == case.pk


def test_a_lie_is_one_error_shape_in_chinese_and_nothing_is_saved(api, media, make_event, in_union):
    event = make_event("tcounty1")
    response = _upload(api("tcounty1-staff", "tcounty1"), event=event.pk, file=upload("通知.docx", plain_zip_bytes()))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "wrong_type" and "文件内容与文件名不符" in error["fields"]["file"][0]
    too_big = _upload(
        api("tcounty1-staff", "tcounty1"),
        event=event.pk,
        file=upload("大.jpg", jpeg_bytes() + b"\0" * (10 * 1024 * 1024)),
    )
    assert too_big.status_code == 400 and too_big.json()["error"]["code"] == "too_large"
    with in_union("tcounty1"):
        assert Attachment.objects.count() == 0


def test_bad_input_is_a_400_not_a_500(api, media, make_event):
    event = make_event("tcounty1")
    staff = api("tcounty1-staff", "tcounty1")
    assert _upload(staff, file=upload("a.jpg", jpeg_bytes())).status_code == 400  # neither event nor case
    assert _upload(staff, event=event.pk).status_code == 400  # no file
    assert _upload(staff, event=999999, file=upload("a.jpg", jpeg_bytes())).status_code == 404
    assert staff.get("/api/v1/attachments/?event=abc").status_code == 400


def test_another_union_and_a_forged_host_see_nothing(api, media, make_event):
    event = make_event("tcounty1")
    created = _upload(api("tcounty1-staff", "tcounty1"), event=event.pk, file=upload("a.jpg", jpeg_bytes())).json()
    download = f"/api/v1/attachments/{created['id']}/download/"
    # Another union's token on tcounty1's host (a forged Host): refused.
    for username in ("tcounty2-admin", "tcity-admin", "ocounty-staff"):
        outsider = api(username, "tcounty1")
        assert outsider.get(download).status_code == 403
        assert outsider.get(f"/api/v1/attachments/?event={event.pk}").status_code == 403
        assert _upload(outsider, event=event.pk, file=upload("b.jpg", jpeg_bytes())).status_code == 403
    # On its own host, the same id is no file of that union.
    assert api("tcounty2-admin", "tcounty2").get(download).status_code == 404
    assert api(None, "tcounty1").get(download).status_code in (401, 403)
