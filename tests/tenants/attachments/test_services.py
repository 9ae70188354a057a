"""The one attachment service: accepted types by content, refusals that save nothing, thumbnails."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shared.core.exceptions import ApplicationError
from tenants.attachments.models import Attachment
from tenants.attachments.services import attachment_add, attachment_delete

from .files import docx_bytes, jpeg_bytes, pdf_bytes, plain_zip_bytes, png_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(make_event):
    return make_event("tcounty1")


def _files_on_disk(media):
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "extension", "kind"),
    [
        ("现场.jpg", jpeg_bytes(), "jpg", "image"),
        ("现场.JPEG", jpeg_bytes(), "jpg", "image"),
        ("签到.png", png_bytes(), "png", "image"),
        ("纪要.pdf", pdf_bytes(), "pdf", "document"),
        ("名单.xlsx", xlsx_bytes(), "xlsx", "document"),
        ("通知.docx", docx_bytes(), "docx", "document"),
    ],
)
def test_every_accepted_type_is_stored_by_its_content(world, in_union, media, event, name, content, extension, kind):
    with in_union("tcounty1"):
        attachment = attachment_add(actor=world.user("tcounty1-staff"), upload=upload(name, content), event=event)
        stored = Attachment.objects.get(pk=attachment.pk)
        assert (stored.extension, stored.kind, stored.original_name, stored.size) == (
            extension,
            kind,
            name,
            len(content),
        )
        assert stored.file.read() == content
        # Under the union's schema, named by the server (never by the uploader).
        assert stored.file.name.startswith(f"unions/{world.union('tcounty1').schema_name}/attachments/")
        assert name not in stored.file.name
        assert bool(stored.thumbnail) == (kind == "image")


def test_an_image_gets_a_small_jpeg_thumbnail(world, in_union, media, event):
    with in_union("tcounty1"):
        attachment = attachment_add(
            actor=world.user("tcounty1-staff"), upload=upload("大合影.jpg", jpeg_bytes(size=(4000, 3000))), event=event
        )
        with Image.open(io.BytesIO(attachment.thumbnail.read())) as thumb:
            assert thumb.format == "JPEG"
            assert max(thumb.size) == 320 and thumb.size == (320, 240)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("照片.jpg", b"MZ\x90\x00 this is a program, not a photo" * 10),  # an executable dressed as a photo
        ("照片.jpg", png_bytes()),  # a PNG that says it is a JPEG
        ("纪要.pdf", jpeg_bytes()),
        ("通知.docx", plain_zip_bytes()),  # a ZIP renamed: no Word document inside
        ("名单.xlsx", docx_bytes()),  # a Word document called a workbook
        ("照片.jpg", jpeg_bytes()[:20] + b"\x00" * 500),  # a JPEG header glued to nothing
        ("脚本.html", b"<html><script>alert(1)</script></html>"),
        ("无扩展名", jpeg_bytes()),
    ],
)
def test_an_upload_that_lies_about_its_type_is_refused_and_nothing_is_saved(
    world, in_union, media, event, name, content
):
    with in_union("tcounty1"):
        with pytest.raises(ApplicationError) as refused:
            attachment_add(actor=world.user("tcounty1-staff"), upload=upload(name, content), event=event)
        assert refused.value.code == "wrong_type"
        assert "file" in refused.value.fields
        assert Attachment.objects.count() == 0
    assert _files_on_disk(media) == []


def test_a_file_over_10_mb_is_refused_and_nothing_is_saved(world, in_union, media, event):
    big = jpeg_bytes() + b"\x00" * (10 * 1024 * 1024)
    with in_union("tcounty1"):
        with pytest.raises(ApplicationError) as refused:
            attachment_add(actor=world.user("tcounty1-staff"), upload=upload("大.jpg", big), event=event)
        assert refused.value.code == "too_large"
        assert Attachment.objects.count() == 0
    assert _files_on_disk(media) == []


def test_exactly_10_mb_is_accepted(world, in_union, media, event):
    head = pdf_bytes()
    content = head + b"\n" * (10 * 1024 * 1024 - len(head))
    with in_union("tcounty1"):
        attachment = attachment_add(
            actor=world.user("tcounty1-staff"), upload=upload("扫描件.pdf", content), event=event
        )
        assert attachment.size == 10 * 1024 * 1024


def test_a_file_belongs_to_one_event_or_one_case(world, in_union, media, event, make_case):
    case = make_case("tcounty1")
    with in_union("tcounty1"):
        actor = world.user("tcounty1-staff")
        with pytest.raises(ApplicationError):
            attachment_add(actor=actor, upload=upload("a.pdf", pdf_bytes()))
        with pytest.raises(ApplicationError):
            attachment_add(actor=actor, upload=upload("a.pdf", pdf_bytes()), event=event, case=case)
        attachment = attachment_add(actor=actor, upload=upload("a.pdf", pdf_bytes()), case=case)
        assert attachment.case_id == case.pk and attachment.event_id is None


def test_removing_a_file_removes_it_from_the_storage(world, in_union, media, event, django_capture_on_commit_callbacks):
    with in_union("tcounty1"):
        attachment = attachment_add(
            actor=world.user("tcounty1-staff"), upload=upload("a.jpg", jpeg_bytes()), event=event
        )
        assert len(_files_on_disk(media)) == 2  # the photo and its thumbnail
        with django_capture_on_commit_callbacks(execute=True):
            attachment_delete(attachment=attachment, actor=world.user("tcounty1-staff"))
        assert Attachment.objects.count() == 0
    assert _files_on_disk(media) == []


def test_a_photo_of_too_many_pixels_is_refused_before_it_is_decoded(world, in_union, media, event):
    huge = png_bytes(size=(10_000, 7_000))  # one colour: a small file, 70 million pixels
    assert len(huge) < 10 * 1024 * 1024
    with in_union("tcounty1"):
        with pytest.raises(ApplicationError) as refused:
            attachment_add(actor=world.user("tcounty1-staff"), upload=upload("全景.png", huge), event=event)
        assert refused.value.code == "too_large"
        assert Attachment.objects.count() == 0
