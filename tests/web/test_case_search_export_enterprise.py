"""Issue 12, item 5: case keyword search, the .xlsx export of the filtered list (contact data masked unless
the exporter may see it), and an enterprise's page with its events and cases."""

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import host


@pytest.fixture
def records(make_case, make_event, in_union, world):
    from tenants.enterprises.services import enterprise_create

    with in_union("tcounty1"):
        factory = enterprise_create(actor=world.user("tcounty1-staff"), name="巨化集团测试厂")
    event = make_event("tcounty1", title="进企业送法")
    with in_union("tcounty1"):
        event.enterprises.add(factory)  # what recording the held event does
    wages = make_case(
        "tcounty1", title="工资拖欠", submitter_name="李四光", submitter_phone="13912345678", enterprise=factory
    )
    overtime = make_case("tcounty1", title="加班费", description="周末加班没有加班费", submitter_name="王五")
    other = make_case("tcounty1", title="社保咨询")
    return {"factory": factory, "event": event, "wages": wages, "overtime": overtime, "other": other}


@pytest.mark.parametrize(
    "q, expected",
    [("拖欠", {"工资拖欠"}), ("周末加班", {"加班费"}), ("王五", {"加班费"}), ("巨化", {"工资拖欠"}), ("无此词", set())],
)
def test_keyword_search_covers_title_description_submitter_enterprise(page, records, q, expected):
    content = page("tcounty1-viewer", "tcounty1").get("/cases/", {"q": q}).content.decode()
    found = {title for title in ("工资拖欠", "加班费", "社保咨询") if f">{title}</a>" in content}
    assert found == expected


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return rows[1], rows[2:]


def test_export_is_the_filtered_list_with_contact_whole_for_staff(page, records):
    header, rows = _sheet(page("tcounty1-staff", "tcounty1").get("/cases/export.xlsx", {"q": "拖欠"}))
    assert header[:4] == ("问题编号", "问题", "类别", "状态")
    assert [row[1] for row in rows] == ["工资拖欠"]
    assert "李四光" in rows[0] and "13912345678" in rows[0] and "巨化集团测试厂" in rows[0]


def test_export_masks_contact_for_a_viewer(page, records):
    _header, rows = _sheet(page("tcounty1-viewer", "tcounty1").get("/cases/export.xlsx"))
    assert {row[1] for row in rows} == {"工资拖欠", "加班费", "社保咨询"}
    flat = [str(value) for row in rows for value in row if value is not None]
    assert "李四光" not in flat and "13912345678" not in flat and "李**" in flat and "139****5678" in flat


def test_the_list_offers_the_export_with_its_filters(page, records):
    content = page("tcounty1-staff", "tcounty1").get("/cases/", {"q": "拖欠", "kind": "request"}).content.decode()
    assert 'href="/cases/export.xlsx?q=%E6%8B%96%E6%AC%A0&amp;kind=request"' in content


def test_enterprise_page_lists_its_events_and_cases(page, records):
    client = page("tcounty1-viewer", "tcounty1")
    assert f'href="/enterprises/{records["factory"].pk}/"' in client.get("/enterprises/").content.decode()
    content = client.get(f"/enterprises/{records['factory'].pk}/").content.decode()
    assert "巨化集团测试厂" in content and "进企业送法" in content and "工资拖欠" in content
    assert "加班费" not in content and "13912345678" not in content
    assert client.get("/enterprises/999999/").status_code == 404


@pytest.mark.parametrize(
    "username, own_code",
    [("tcounty2-admin", "tcounty2"), ("ocity-admin", "ocity"), ("stranger", "tcounty1")],
)
def test_others_cannot_search_export_or_open(page, records, username, own_code):
    client = page(username, own_code)
    for path in ("/cases/?q=拖欠", "/cases/export.xlsx", f"/enterprises/{records['factory'].pk}/"):
        response = client.get(path, HTTP_HOST=host("tcounty1"))
        assert response.status_code == 403, path
        assert "工资拖欠".encode() not in response.content
