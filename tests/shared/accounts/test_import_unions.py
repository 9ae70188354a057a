"""import_unions: a city, its counties and their first administrators from one sheet, row by row."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import schema_exists
from openpyxl import Workbook

from shared.accounts.models import Invitation
from shared.unions.models import Union

HEADER = ["代码", "名称", "级别", "上级代码", "行政区划代码", "域名", "管理员用户名", "管理员邮箱", "管理员姓名"]


def sheet(tmp_path, rows, header=HEADER):
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    path = tmp_path / "unions.xlsx"
    book.save(path)
    return str(path)


def test_a_city_with_its_counties_and_bad_rows_reported(
    world, tmp_path, mailoutbox, django_capture_on_commit_callbacks
):
    path = sheet(
        tmp_path,
        [
            ["timpcity", "导入市总工会", "市", "", 339600, "", "imp.city", "city@example.com", "市管理员"],
            ["timpa", "导入甲区总工会", "县", "timpcity", "339601", "", "imp.a", "a@example.com", "甲"],
            ["timpb", "导入乙县总工会", "县", "timpcity", "12", "", "imp.b", "b@example.com", "乙"],  # bad region
            ["timpc", "导入丙县总工会", "县", "timpcity", "339603", "", "tcounty1-admin", "c@example.com", ""],  # taken
            ["timpd", "导入丁县总工会", "省", "timpcity", "339604", "", "imp.d", "d@example.com", ""],  # bad level
            ["timpe", "导入戊县总工会", "县", "timpcity", "339605", "timpe.localhost", "imp.e", "e@example.com", "戊"],
        ],
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CommandError, match="3 created, 3 rejected"):
        call_command("import_unions", path, stdout=out)
    report = out.getvalue()
    assert "row 2: created" in report and "row 3: created" in report and "row 7: created" in report
    assert "row 4: rejected" in report and "region" in report
    assert "row 5: rejected" in report and "admin_username" in report
    assert "row 6: rejected" in report and "level" in report
    for code in ("timpcity", "timpa", "timpe"):
        assert schema_exists(code) and Union.objects.filter(code=code).exists()
    for code in ("timpb", "timpc", "timpd"):
        assert not schema_exists(code) and not Union.objects.filter(code=code).exists()
    assert Union.objects.get(code="timpa").parent.code == "timpcity"
    invited = Invitation.objects.filter(username__startswith="imp.").values_list("username", flat=True)
    assert set(invited) == {"imp.city", "imp.a", "imp.e"}
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.com", "city@example.com", "e@example.com"]


def test_a_sheet_without_the_needed_columns_creates_nothing(world, tmp_path):
    path = sheet(tmp_path, [["timpx", "无列"]], header=["代码", "名称"])
    with pytest.raises(CommandError, match="行政区划代码"):
        call_command("import_unions", path, stdout=io.StringIO())
    assert not Union.objects.filter(code="timpx").exists()


def test_not_a_workbook(world, tmp_path):
    bad = tmp_path / "unions.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CommandError):
        call_command("import_unions", str(bad), stdout=io.StringIO())
