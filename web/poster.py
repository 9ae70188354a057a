"""The QR poster of an event as a PNG (title, date, venue, the code and the link), drawn with Pillow.

Chinese text needs a CJK font: the first of POSTER_FONTS found on the machine is used (Debian/Ubuntu
fonts-noto-cjk, WenQuanYi, macOS and Windows fonts). Without one, the PNG still has the code and the link,
which need no CJK glyphs; the printable page (print view) always has everything.
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

POSTER_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)
WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi


def cjk_font_path() -> str | None:
    return next((path for path in POSTER_FONTS if Path(path).exists()), None)


def _font(path: str | None, size: int):
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, font, *, max_width: int = WIDTH - 160) -> int:
    """Draw `text` centred, wrapped by characters to `max_width`; returns the y below it."""
    lines, line = [], ""
    for char in text:
        if draw.textlength(line + char, font=font) > max_width and line:
            lines.append(line)
            line = char
        else:
            line += char
    if line:
        lines.append(line)
    for text_line in lines:
        width = draw.textlength(text_line, font=font)
        draw.text(((WIDTH - width) / 2, y), text_line, font=font, fill="#000000")
        y += int(font.size * 1.35)
    return y


def poster_png(*, union_name: str, title: str, when: str, venue: str, url: str, call: str) -> bytes:
    font_path = cjk_font_path()
    image = Image.new("RGB", (WIDTH, HEIGHT), "#ffffff")
    draw = ImageDraw.Draw(image)
    y = 90
    if font_path:
        y = _centred(draw, y, union_name, _font(font_path, 40))
        y = _centred(draw, y + 30, title, _font(font_path, 76))
        y = _centred(draw, y + 20, when, _font(font_path, 48))
        y = _centred(draw, y, venue, _font(font_path, 48))
    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=18, border=2)
    qr = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    side = min(820, HEIGHT - y - 360)
    qr = qr.resize((side, side), Image.NEAREST)
    image.paste(qr, ((WIDTH - side) // 2, y + 40))
    y += 40 + side + 30
    if font_path:
        y = _centred(draw, y, call, _font(font_path, 46))
    _centred(draw, y + 20, url, _font(font_path, 24))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
