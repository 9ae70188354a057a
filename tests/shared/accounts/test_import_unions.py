"""import_unions: provinces, cities, counties and their first administrators from one sheet, row by row."""

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
            ["timpd", "导入丁县总工会", "乡", "timpcity", "339604", "", "imp.d", "d@example.com", ""],  # bad level
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


def test_provinces_their_cities_and_counties_in_row_order(world, tmp_path, django_capture_on_commit_callbacks):
    path = sheet(
        tmp_path,
        [
            ["timpprov", "导入省总工会", "省", "", "370000", "", "imp.prov", "prov@example.com", "省管理员"],
            ["timpc1", "导入一市总工会", "市", "timpprov", "370100", "", "imp.c1", "c1@example.com", ""],
            ["timpc1a", "导入一市甲区总工会", "县", "timpc1", "370102", "", "imp.c1a", "c1a@example.com", ""],
            ["timpc2", "导入二市总工会", "市", "timpprov", "360100", "", "imp.c2", "c2@example.com", ""],  # region
            ["timpp2", "导入二省总工会", "省", "timpprov", "360000", "", "imp.p2", "p2@example.com", ""],  # parent
            ["timpp3", "导入三省总工会", "province", "", "371234", "", "imp.p3", "p3@example.com", ""],  # region
            ["timpc3", "导入三县总工会", "县", "timpprov", "370103", "", "imp.c3", "c3@example.com", ""],  # parent
            ["timpc4", "导入四市总工会", "市", "timplater", "350100", "", "imp.c4", "c4@example.com", ""],  # later
            ["timpc5", "导入五市总工会", "市", "tcity", "339700", "", "imp.c5", "c5@example.com", ""],  # a city
            ["timpc6", "导入六市总工会", "市", "", "350200", "", "imp.c6", "c6@example.com", ""],  # no province
            ["timplater", "导入后省总工会", "省级", "", "350000", "", "imp.later", "later@example.com", ""],
        ],
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CommandError, match="5 created, 6 rejected"):
        call_command("import_unions", path, stdout=out)
    report = out.getvalue()
    created = {"timpprov": None, "timpc1": "timpprov", "timpc1a": "timpc1", "timpc6": None, "timplater": None}
    for code, parent in created.items():
        union = Union.objects.get(code=code)
        assert schema_exists(code) and (union.parent.code if union.parent else None) == parent
    assert Union.objects.get(code="timpprov").level == "province"
    assert Union.objects.get(code="timplater").level == "province"
    for code in ("timpc2", "timpp2", "timpp3", "timpc3", "timpc4", "timpc5"):
        assert not schema_exists(code) and not Union.objects.filter(code=code).exists()
    lines = {int(line.split()[1].rstrip(":")): line for line in report.splitlines() if line.startswith("row ")}
    assert "不在上级工会的区划" in lines[5]
    assert "省总工会没有上级工会" in lines[6]
    assert "以 0000 结尾" in lines[7]
    assert "县级工会必须隶属于一个市总工会" in lines[8]
    assert "没有代码为“timplater”的工会" in lines[9]
    assert "市总工会的上级只能是省总工会" in lines[10]
    invited = set(Invitation.objects.filter(username__startswith="imp.").values_list("username", flat=True))
    assert invited == {"imp.prov", "imp.c1", "imp.c1a", "imp.c6", "imp.later"}


def test_a_level_that_is_not_province_city_or_county(world, tmp_path):
    path = sheet(tmp_path, [["timpx", "导入乡总工会", "乡", "", "370000", "", "imp.x", "x@example.com", ""]])
    out = io.StringIO()
    with pytest.raises(CommandError, match="0 created, 1 rejected"):
        call_command("import_unions", path, stdout=out)
    assert "级别请填写“省”“市”或“县”" in out.getvalue()
    assert not Union.objects.filter(code="timpx").exists()
