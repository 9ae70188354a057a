"""Importing enterprises from .xlsx: row-by-row report, one savepoint per row, refusal of bad files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from shared.core.exceptions import ApplicationError
from tenants.enterprises.imports import MAX_ROWS, enterprise_import_xlsx
from tenants.enterprises.models import Enterprise
from tenants.enterprises.services import enterprise_create

from .helpers import english, valid_code, wrong_check, xlsx_upload

URL = "/api/v1/enterprises/import/"


@pytest.fixture
def staff(api):
    return english(api("tcounty1-staff", "tcounty1"))


def post(client, upload):
    return client.post(URL, {"file": upload}, format="multipart")


def test_good_rows_are_saved_and_bad_rows_reported(staff, in_union):
    with in_union("tcounty1"):
        enterprise_create(name="旧名称", credit_code=valid_code(1), employees=10)
    upload = xlsx_upload(
        [
            ["衢州元立金属制品有限公司", valid_code(1), "制造业", "衢州绿色产业集聚区", 320, "是", "市级"],  # update
            ["浙江开山压缩机股份有限公司", valid_code(2), "通用设备", "经济技术开发区", "1500", "否", ""],  # row 3
            ["坏校验码公司", wrong_check(valid_code(3)), "", "", 5, "是", ""],  # row 4
            ["负人数公司", valid_code(4), "", "", -5, "是", ""],  # row 5
            [None, None, None, None, None, None, None],  # blank line: skipped
            ["", valid_code(5), "", "", 1, "是", ""],  # row 7: no name
            ["人数不是数字", valid_code(6), "", "", "很多", "也许", "宇宙级"],  # row 8
            ["重复代码公司", valid_code(2), "", "", 3, "否", ""],  # row 9: same code as row 3
            ["个体工商户", None, "零售", "府山街道", 3, None, None],  # row 10
        ]
    )
    response = post(staff, upload)
    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["created"] == 2
    assert report["updated"] == 1
    rejected = {item["row"]: item["errors"] for item in report["rejected"]}
    assert sorted(rejected) == [4, 5, 7, 8, 9]
    assert rejected[4] == {
        "credit_code": [f"Wrong check character: the last character should be “{valid_code(3)[17]}”."]
    }
    assert rejected[5] == {"employees": ["The number of employees cannot be negative."]}
    assert rejected[7] == {"name": ["The enterprise name is required."]}
    assert set(rejected[8]) == {"employees", "union_established", "harmony_level"}
    assert rejected[9] == {"credit_code": ["The same code is already in row 3."]}
    with in_union("tcounty1"):
        names = set(Enterprise.objects.values_list("name", flat=True))
        assert names == {"衢州元立金属制品有限公司", "浙江开山压缩机股份有限公司", "个体工商户"}
        updated = Enterprise.objects.get(credit_code=valid_code(1))
        assert (updated.employees, updated.union_established, updated.harmony_level) == (320, True, "city")
        # Bad rows left nothing behind, not even part of a row.
        assert not Enterprise.objects.filter(credit_code__in=[valid_code(4), valid_code(5), valid_code(6)]).exists()


def test_english_headers_and_extra_columns(staff, in_union):
    upload = xlsx_upload(
        [["Quzhou Test Co.", valid_code(7), 12, "yes", "county", "备注"]],
        header=["name", "credit_code", "employees", "union_established", "harmony_level", "备注"],
    )
    report = post(staff, upload).json()
    assert report == {"created": 1, "updated": 0, "rejected": [], "ignored_columns": ["备注"]}
    with in_union("tcounty1"):
        enterprise = Enterprise.objects.get(credit_code=valid_code(7))
        assert (enterprise.employees, enterprise.union_established, enterprise.harmony_level) == (12, True, "county")


def test_full_width_brackets_in_header_are_accepted(staff, in_union):
    upload = xlsx_upload([["甲公司", "龙游县湖镇镇"]], header=["企业名称", "乡镇（街道）/园区"])
    assert post(staff, upload).json()["created"] == 1
    with in_union("tcounty1"):
        assert Enterprise.objects.get(name="甲公司").town == "龙游县湖镇镇"


def test_a_row_failing_in_the_database_rolls_back_only_itself(world, in_union, monkeypatch):
    """Force a database error on the second row: the first and third rows are kept, the second left no trace."""
    import tenants.enterprises.imports as imports

    real_create = imports.enterprise_create

    def flaky_create(**data):
        enterprise = real_create(**data)
        if data["name"] == "第二行":
            raise ApplicationError("simulated failure after the insert", fields={"name": ["boom"]})
        return enterprise

    monkeypatch.setattr(imports, "enterprise_create", flaky_create)
    with in_union("tcounty1"):
        report = enterprise_import_xlsx(file=xlsx_upload([["第一行"], ["第二行"], ["第三行"]], header=["企业名称"]))
        assert report["created"] == 2
        assert report["rejected"] == [{"row": 3, "errors": {"name": ["boom"]}}]
        assert sorted(Enterprise.objects.values_list("name", flat=True)) == ["第一行", "第三行"]


def _assert_file_refused(response, fragment):
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_file"
    assert fragment in error["fields"]["file"][0]


def test_non_xlsx_files_are_refused(staff, in_union):
    _assert_file_refused(post(staff, SimpleUploadedFile("list.csv", b"name\nx\n", "text/csv")), "Only .xlsx")
    _assert_file_refused(
        post(staff, SimpleUploadedFile("fake.xlsx", b"not a zip at all", "application/octet-stream")), "not a readable"
    )
    with in_union("tcounty1"):
        assert Enterprise.objects.count() == 0


def test_missing_file_and_missing_name_column(staff):
    response = staff.post(URL, {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    _assert_file_refused(post(staff, xlsx_upload([["x"]], header=["行业"])), "no enterprise name column")
    _assert_file_refused(post(staff, xlsx_upload([], header=[None])), "empty")


def test_oversized_file_is_refused(staff):
    big = SimpleUploadedFile("big.xlsx", b"0" * (5 * 1024 * 1024 + 1), "application/octet-stream")
    _assert_file_refused(post(staff, big), "larger than 5 MB")


def test_too_many_rows_is_refused_before_anything_is_saved(staff, in_union):
    upload = xlsx_upload([[f"企业{n}"] for n in range(MAX_ROWS + 1)], header=["企业名称"])
    _assert_file_refused(post(staff, upload), "more than 5000 rows")
    with in_union("tcounty1"):
        assert Enterprise.objects.count() == 0


def test_viewer_and_other_unions_cannot_import(api, in_union):
    upload = xlsx_upload([["入侵公司"]], header=["企业名称"])
    assert post(api("tcounty1-viewer", "tcounty1"), upload).status_code == 403
    upload.seek(0)
    assert post(api("ocounty-admin", "tcounty1"), upload).status_code == 403
    forged = api("tcounty2-staff", "tcounty2")
    forged.defaults["HTTP_HOST"] = "tcounty1.localhost"
    upload.seek(0)
    assert post(forged, upload).status_code == 403
    with in_union("tcounty1"):
        assert Enterprise.objects.count() == 0


def test_service_refuses_bad_files_with_application_error(world, in_union):
    with in_union("tcounty1"), translation.override("en"):
        with pytest.raises(ApplicationError) as caught:
            enterprise_import_xlsx(file=SimpleUploadedFile("a.txt", b"x"))
        assert caught.value.fields == {"file": ["Only .xlsx files can be imported."]}


def test_a_rejected_update_does_not_leak_into_a_later_row(staff, in_union):
    with in_union("tcounty1"):
        enterprise_create(name="原公司", credit_code=valid_code(30), industry="原行业")
    upload = xlsx_upload(
        [["", valid_code(30), "坏行业"], ["新公司名", valid_code(30), "新行业"]],
        header=["企业名称", "统一社会信用代码", "行业"],
    )
    report = post(staff, upload).json()
    assert report["updated"] == 1
    assert report["rejected"] == [{"row": 2, "errors": {"name": ["The enterprise name is required."]}}]
    with in_union("tcounty1"):
        assert Enterprise.objects.filter(credit_code=valid_code(30)).values_list("name", "industry").get() == (
            "新公司名",
            "新行业",
        )
