"""The platform page on the bare base domain: superusers only; a new union with its first admin's invitation;
archive, restore and confirmed delete."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_exists

from shared.accounts.models import Invitation, User
from shared.unions.models import Union
from tests.conftest import host


@pytest.fixture
def root(world):
    user = User.objects.create_superuser(username="root-p", password="x-pass-123", email="root-p@example.com")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def test_only_superusers_open_it_and_only_on_the_base_domain(world, root):
    assert root.get("/unions/").status_code == 200
    anonymous = Client(HTTP_HOST="localhost").get("/unions/")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    for username in ("tcounty1-admin", "tcity-admin"):
        client = Client(HTTP_HOST="localhost")
        client.force_login(world.user(username))
        assert client.get("/unions/").status_code == 403
        assert client.post("/unions/tcounty2/archive/").status_code == 403
    assert Union.objects.get(code="tcounty2").archived_on is None
    # On a union's host (also for a superuser) the page does not exist.
    on_union = Client(HTTP_HOST=host("tcounty1"))
    on_union.force_login(User.objects.get(username="root-p"))
    assert on_union.get("/unions/").status_code == 404


def test_superuser_creates_a_union_with_its_first_admin(root, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = root.post(
            "/unions/new/",
            {
                "code": "tplat",
                "name": "平台新建县总工会",
                "level": "county",
                "parent_code": "tcity",
                "region_code": "339906",
                "domain": "",
                "admin_name": "陈静",
                "admin_username": "chen.jing",
                "admin_email": "cj@example.com",
            },
        )
    assert response.status_code == 302
    assert schema_exists("tplat") and Union.objects.get(code="tplat").parent.code == "tcity"
    assert Invitation.objects.get(username="chen.jing").union.code == "tplat"
    assert re.search(r"http://tplat\.localhost/invite/\S+/", mailoutbox[0].body)


def test_bad_input_names_the_field_and_creates_nothing(root):
    response = root.post(
        "/unions/new/",
        {
            "code": "tbad",
            "name": "坏数据",
            "level": "county",
            "parent_code": "tcity",
            "region_code": "12",
            "admin_username": "tcounty1-admin",
            "admin_email": "x@example.com",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400 and "已被使用" in body and "六位" in body
    assert not Union.objects.filter(code="tbad").exists() and not schema_exists("tbad")


def test_archive_restore_and_delete_from_the_page(root):
    assert root.post("/unions/tcounty2/archive/").status_code == 302
    assert Union.objects.get(code="tcounty2").archived_on is not None
    assert Client(HTTP_HOST=host("tcounty2")).get("/login/").status_code == 410
    refused = root.post("/unions/tcounty2/delete/", {"confirmation": "wrong"}, follow=True)
    assert "tcounty2" in refused.content.decode() and schema_exists("tcounty2")
    assert root.post("/unions/tcounty2/restore/").status_code == 302
    assert Union.objects.get(code="tcounty2").archived_on is None
    assert root.post("/unions/tcounty2/delete/", {"confirmation": "tcounty2"}).status_code == 302
    assert schema_exists("tcounty2")  # not archived: refused


def test_superuser_imports_unions_from_an_uploaded_sheet(world, root, mailoutbox, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["代码", "名称", "级别", "上级代码", "行政区划代码", "管理员用户名", "管理员邮箱"])
    book.active.append(["tupa", "上传甲区总工会", "县", "tcity", "339905", "up.a", "up.a@example.com"])
    book.active.append(["tupb", "上传乙区总工会", "县", "nosuchcity", "339904", "up.b", "up.b@example.com"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("unions.xlsx", buffer.getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        response = root.post("/unions/import/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200 and "导入结果" in body
    assert "第 2 行" in body and "第 3 行" in body and "parent" in body
    assert schema_exists("tupa") and not Union.objects.filter(code="tupb").exists()
    assert re.search(r"http://tupa\.localhost/invite/\S+/", mailoutbox[0].body)


def test_only_superusers_import(world):
    client = Client(HTTP_HOST="localhost")
    client.force_login(world.user("tcity-admin"))
    upload = SimpleUploadedFile("unions.xlsx", b"whatever")
    assert client.post("/unions/import/", {"file": upload}).status_code == 403
    not_a_sheet = Client(HTTP_HOST="localhost")
    not_a_sheet.force_login(User.objects.create_superuser(username="root-q", password="x-pass-123", email="q@e.com"))
    refused = not_a_sheet.post("/unions/import/", {"file": SimpleUploadedFile("unions.xlsx", b"not a zip")})
    assert refused.status_code == 400 and "xlsx" in refused.content.decode()


def test_the_import_template_documents_provinces(world, root):
    from openpyxl import load_workbook

    response = root.get("/unions/import/template/")
    assert response.status_code == 200 and "union-import-template.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]][:5] == ["代码", "名称", "级别", "上级代码", "行政区划代码"]
    assert book.worksheets[0].max_row == 1  # nothing to import by mistake
    notes = "\n".join(str(v) for row in book.worksheets[1].iter_rows(values_only=True) for v in row if v)
    assert "省 / 市 / 县" in notes and "330000" in notes and "浙江省总工会" in notes
    page = root.get("/unions/").content.decode()
    assert "/unions/import/template/" in page and "级别（省/市/县）" in page


def test_only_superusers_get_the_import_template(world):
    client = Client(HTTP_HOST="localhost")
    client.force_login(world.user("tcity-admin"))
    assert client.get("/unions/import/template/").status_code == 403
    assert Client(HTTP_HOST="localhost").get("/unions/import/template/").status_code == 302
