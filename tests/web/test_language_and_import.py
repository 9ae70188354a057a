"""Issue 12, item 14: the pages speak Simplified Chinese on a first visit whatever the browser asks for, English
only when chosen; the import report names fields as the sheet does and offers the template sheet."""

import io

import pytest
from django.conf import settings
from openpyxl import load_workbook

from tenants.enterprises.imports import COLUMN_LABELS
from tests.conftest import host

from .test_enterprises_planning_pages import _xlsx


def test_first_visit_is_chinese_even_from_an_english_browser(page):
    client = page(None, "tcounty1")
    content = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in content and "登录" in content
    staff = page("tcounty1-staff", "tcounty1")
    assert "活动" in staff.get("/events/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_english_when_chosen_and_back(page):
    client = page("tcounty1-staff", "tcounty1")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/events/"}, HTTP_ACCEPT_LANGUAGE="zh")
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/events/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get("/events/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_forged_language_cookie_falls_back_to_chinese(page):
    client = page(None, "tcounty1")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx-evil"
    assert '<html lang="zh-hans">' in client.get("/login/").content.decode()


def test_the_api_still_follows_accept_language(api):
    client = api("tcounty1-staff", "tcounty1")
    response = client.post("/api/v1/cases/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "This field is required." in str(response.json())


def test_import_report_names_fields_in_chinese(page):
    client = page("tcounty1-staff", "tcounty1")
    upload = _xlsx([["企业名称", "统一社会信用代码", "职工人数"], ["", "BAD", 5]])
    content = client.post("/enterprises/import/", {"file": upload}).content.decode()
    report = content[content.index("导入结果") :]
    assert "<b>企业名称</b>" in report and "<b>name</b>" not in report and "<b>credit_code</b>" not in report


@pytest.mark.parametrize(
    "username, code, status",
    [
        ("tcounty1-staff", "tcounty1", 200),
        ("tcounty1-viewer", "tcounty1", 403),  # a colleague who only reads
        ("tcounty2-admin", "tcounty1", 403),  # another union's admin with a forged Host header
    ],
)
def test_template_sheet_download(page, username, code, status):
    client = page(username, username.split("-")[0])
    response = client.get("/enterprises/import/template.xlsx", HTTP_HOST=host(code))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].endswith('template.xlsx"')
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [cell.value for cell in sheet[1]] == [labels[0] for labels in COLUMN_LABELS.values()]
        content = client.get("/enterprises/import/").content.decode()
        assert "/enterprises/import/template.xlsx" in content and "下载模板" in content


def test_the_template_sheet_imports_as_is(page, in_union):
    from tenants.enterprises.models import Enterprise

    client = page("tcounty1-staff", "tcounty1")
    template = client.get("/enterprises/import/template.xlsx").content
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("t.xlsx", template)})
    assert response.status_code == 200
    with in_union("tcounty1"):  # the example's credit code is a placeholder: rejected, named in Chinese
        assert not Enterprise.objects.filter(name="衢州市某某制造有限公司").exists()
    assert "统一社会信用代码" in response.content.decode()
