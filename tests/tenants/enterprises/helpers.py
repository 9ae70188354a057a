"""Helpers for enterprise tests: valid credit codes and .xlsx workbooks built with openpyxl."""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tenants.enterprises.validators import credit_code_check_char

HEADER_ZH = ["企业名称", "统一社会信用代码", "行业", "乡镇(街道)/园区", "职工人数", "是否建会", "和谐企业等级"]


def valid_code(n: int, region: str = "330802") -> str:
    """A valid code: 9 (工商) 1 (企业), a region, then a 9-character identifier numbered n, then its check character."""
    first17 = f"91{region}MA{n:07d}"
    return first17 + credit_code_check_char(first17)


def wrong_check(code: str) -> str:
    """The same code with a different (hence wrong) check character."""
    return code[:17] + ("0" if code[17] != "0" else "1")


def xlsx_upload(rows: list[list], *, header=HEADER_ZH, name: str = "企业.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
