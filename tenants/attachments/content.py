"""What an uploaded file really is, read from its content (never from its name or the browser's claim)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

# The types accepted, by the extension a file of that type may carry.
ALLOWED = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
NAME_EXTENSIONS = {"jpg": "jpg", "jpeg": "jpg", "png": "png", "pdf": "pdf", "xlsx": "xlsx", "docx": "docx"}
IMAGE_EXTENSIONS = {"jpg", "png"}
# The part every Office Open XML package of that kind holds (a renamed .zip has neither).
OOXML_PARTS = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}
HEAD_BYTES = 8192


@dataclass(frozen=True)
class Detected:
    extension: str  # one of ALLOWED
    content_type: str

    @property
    def is_image(self) -> bool:
        return self.extension in IMAGE_EXTENSIONS


def name_extension(name: str) -> str | None:
    """The accepted type a file name claims (jpg for .jpeg too), or None."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return NAME_EXTENSIONS.get(suffix)


def _ooxml_kind(upload) -> str | None:
    """xlsx or docx for an Office Open XML package, judged by the parts inside the ZIP."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for kind, part in OOXML_PARTS.items() if part in names), None)


def detect(upload) -> Detected | None:
    """The accepted type of the upload's content, or None when it is none of them."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    guess = filetype.guess(head)
    extension = guess.extension if guess else None
    if extension in ("zip", "xlsx", "docx"):
        # filetype sees only the first bytes; the ZIP's own directory says which package it is.
        extension = _ooxml_kind(upload)
    if extension not in ALLOWED:
        return None
    if extension in IMAGE_EXTENSIONS and not _image_opens(upload, extension):
        return None
    return Detected(extension=extension, content_type=ALLOWED[extension])


def _image_opens(upload, extension: str) -> bool:
    """An image whose header Pillow reads as the same format (a JPEG header glued to garbage is refused)."""
    expected = {"jpg": "JPEG", "png": "PNG"}[extension]
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
            return image.format == expected
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    finally:
        upload.seek(0)


THUMBNAIL_SIZE = (320, 320)
# A 10 MB PNG of one colour can hold a billion pixels; decoding it for the thumbnail would take gigabytes.
MAX_PIXELS = 60_000_000  # phone cameras stay well below


def image_pixels(upload) -> tuple[int, int]:
    """(width, height) from the image's header, without decoding it."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            return image.size
    finally:
        upload.seek(0)


def thumbnail_jpeg(upload) -> bytes:
    """A JPEG at most 320×320 of the image, turned upright as the phone took it."""
    upload.seek(0)
    with Image.open(upload) as image:
        image.draft("RGB", (THUMBNAIL_SIZE[0] * 2, THUMBNAIL_SIZE[1] * 2))  # JPEG: decode at a fraction of the size
        image = ImageOps.exif_transpose(image)
        image.thumbnail(THUMBNAIL_SIZE)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=80)
    upload.seek(0)
    return out.getvalue()
