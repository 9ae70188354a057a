"""Enterprise pages (list, search, create/edit, .xlsx import) and topic planning pages."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from shared.catalogues.models import Department, Topic
from tenants.enterprises.models import Enterprise
from tenants.planning.models import PlanAdjustment, PlanItem, Suggestion
from tests.tenants.enterprises.helpers import valid_code

VALID_CODE = valid_code(7301)


def _xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "企业.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_enterprise_list_search_and_isolation(page, in_union):
    from tenants.enterprises.services import enterprise_create

    with in_union("tcounty1"):
        enterprise_create(name="衢州甲公司")
        enterprise_create(name="柯城乙公司")
    with in_union("tcounty2"):
        enterprise_create(name="二县丙公司")
    client = page("tcounty1-viewer", "tcounty1")
    content = client.get("/enterprises/").content.decode()
    assert "衢州甲公司" in content and "柯城乙公司" in content and "二县丙公司" not in content
    found = client.get("/enterprises/?q=甲").content.decode()
    assert "衢州甲公司" in found and "柯城乙公司" not in found
    assert "新增企业" not in content


def test_create_enterprise_with_a_bad_credit_code_explains_it(page, in_union):
    client = page("tcounty1-staff", "tcounty1")
    response = client.post(
        "/enterprises/new/",
        {"name": "错码企业", "credit_code": VALID_CODE[:-1] + ("X" if VALID_CODE[-1] != "X" else "Y")},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="错码企业"' in content and "errorlist" in content
    response = client.post("/enterprises/new/", {"name": "好企业", "credit_code": VALID_CODE, "employees": "30"})
    assert response.status_code == 302
    with in_union("tcounty1"):
        enterprise = Enterprise.objects.get(name="好企业")
    assert client.get(f"/enterprises/{enterprise.pk}/edit/").status_code == 200
    client.post(f"/enterprises/{enterprise.pk}/edit/", {"name": "好企业（改名）", "credit_code": VALID_CODE})
    with in_union("tcounty1"):
        assert Enterprise.objects.get(pk=enterprise.pk).name == "好企业（改名）"


def test_import_reports_rejected_rows_and_keeps_good_ones(page, in_union):
    client = page("tcounty1-staff", "tcounty1")
    upload = _xlsx(
        [["企业名称", "统一社会信用代码", "职工人数"], ["导入甲", VALID_CODE, 10], ["", "", 5], ["导入乙", "", 7]]
    )
    response = client.post("/enterprises/import/", {"file": upload})
    assert response.status_code == 200
    content = response.content.decode()
    assert "导入结果" in content
    with in_union("tcounty1"):
        assert set(Enterprise.objects.values_list("name", flat=True)) == {"导入甲", "导入乙"}
    response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert page("tcounty1-viewer", "tcounty1").get("/enterprises/import/").status_code == 403


def test_planning_suggestions_ranking_plan_and_adjustment(page, in_union):
    topic, other_topic = Topic.objects.all()[:2]
    client = page("tcounty1-staff", "tcounty1")
    year = 2026
    assert client.get(f"/planning/?year={year}").status_code == 200
    for text in ("多关注欠薪", "欠薪问题突出"):
        response = client.post(
            f"/planning/suggestions/?year={year}", {"source": "questionnaire", "topic": topic.pk, "text": text}
        )
        assert response.status_code == 302
    response = client.post(
        f"/planning/items/?year={year}",
        {
            "item-month": "3",
            "item-theme": "防欠薪 三月行动",
            "item-topic": topic.pk,
            "item-departments": [Department.objects.first().pk],
        },
    )
    assert response.status_code == 302
    content = client.get(f"/planning/?year={year}").content.decode()
    assert topic.name in content and "防欠薪 三月行动" in content and "2 条意见建议" in content
    with in_union("tcounty1"):
        assert Suggestion.objects.filter(year=year).count() == 2
        item = PlanItem.objects.get(year=year, month=3)
    # An adjustment without a reason is refused on the form; with one it is recorded.
    response = client.post(
        f"/planning/items/{item.pk}/adjust/", {"month": "4", "theme": "防欠薪", "topic": other_topic.pk, "reason": ""}
    )
    assert response.status_code == 200 and "该字段是必填项。" in response.content.decode()
    response = client.post(
        f"/planning/items/{item.pk}/adjust/",
        {"month": "4", "theme": "防欠薪 四月", "topic": other_topic.pk, "reason": "配合政府专项行动"},
    )
    assert response.status_code == 302
    with in_union("tcounty1"):
        assert PlanAdjustment.objects.get(item=item).reason == "配合政府专项行动"
    assert "配合政府专项行动" in client.get(f"/planning/?year={year}").content.decode()
    viewer = page("tcounty1-viewer", "tcounty1")
    assert viewer.post(f"/planning/suggestions/?year={year}", {}).status_code == 403
    assert "登记意见建议" not in viewer.get(f"/planning/?year={year}").content.decode()
