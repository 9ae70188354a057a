"""Exports of a year's assessment, built by the Celery task (run eagerly here), downloaded through the API and
opened as a user would: the .xlsx with openpyxl cell by cell, the .csv with the csv module, the PDF's text
with pypdf."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from oversight.assessment import exports
from oversight.assessment.models import Adjustment, Export
from oversight.assessment.scoring import default_items
from oversight.assessment.tasks import assessment_export_task
from tenants.cases.models import Case
from tenants.events.models import Event

from .helpers import YEAR, roll_up
from .test_api import ADJUSTMENTS_URL, GOOD, english

EXPORTS_URL = "/api/v1/city/assessment/exports/"
LABELS = [item["label"] for item in default_items() if item["kind"] != "veto"]


@pytest.fixture
def assessed(api, world, in_union):
    """tcity's 2024: roll-up rows, an adjustment, and tcounty1's events in its own schema."""
    roll_up(world.union("tcounty1"), **GOOD)
    roll_up(world.union("tcounty2"), events_held=2, cases_raised=4, media_reports=1, cases_overdue=1)
    api("tcity-admin", "tcity").post(
        ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty2", "points": 4, "reason": "承办全市示范活动"}, format="json"
    )
    with in_union("tcounty1"):
        first = Event.objects.create(
            number=1,
            title="关爱女职工健康",
            status="held",
            planned_date=datetime.date(YEAR, 3, 1),
            held_date=datetime.date(YEAR, 3, 8),
            venue_kind="enterprise",
            venue_name="巨化集团",
            unregistered_enterprise_count=3,
            worker_attendance=120,
        )
        Event.objects.create(
            number=2,
            title="十万职工安康行",
            status="held",
            planned_date=datetime.date(YEAR, 6, 1),
            held_date=datetime.date(YEAR, 6, 18),
            venue_kind="park",
            venue_name="衢州智造新城",
            worker_attendance=300,
        )
        Event.objects.create(  # held the year before: not behind this year's figures
            number=3,
            title="五水共治大家谈",
            status="held",
            planned_date=datetime.date(YEAR - 1, 7, 1),
            held_date=datetime.date(YEAR - 1, 7, 5),
            venue_kind="township",
        )
        Event.objects.create(number=4, title="计划中", planned_date=datetime.date(YEAR, 11, 1), venue_kind="other")
        for title in ("工资拖欠", "加班费"):
            Case.objects.create(event=first, kind="request", title=title, raised_on=datetime.date(YEAR, 3, 8))
    return world


def cells(row) -> list:
    """A row's values without the empty cells at its end (a sheet is as wide as its widest row)."""
    values = [cell.value for cell in row]
    while values and values[-1] is None:
        values.pop()
    return values


def _export(client, capture, fmt):
    with capture(execute=True):
        response = client.post(EXPORTS_URL, {"year": YEAR, "format": fmt}, format="json")
    assert response.status_code == 202, response.json()
    body = response.json()
    status = client.get(body["status_url"])
    assert status.status_code == 200
    assert status.json()["status"] == "done", status.json()
    download = client.get(status.json()["download_url"])
    assert download.status_code == 200
    return b"".join(download.streaming_content), download


def test_xlsx_has_a_summary_and_a_sheet_per_union_with_its_events(
    api, assessed, eager_celery, django_capture_on_commit_callbacks
):
    content, response = _export(api("tcity-staff", "tcity"), django_capture_on_commit_callbacks, "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="assessment-tcity-{YEAR}.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["汇总", "测试一区总工会", "测试二县总工会"]

    summary = workbook["汇总"]
    assert summary["A1"].value == f"测试市总工会{YEAR}年度工情直通车工作考核通报"
    assert summary["A2"].value == "初步结果（未发布）。"
    header = [cell.value for cell in summary[3]]
    assert header == ["名次", "工会", "总分", *LABELS, "加减分", "不予评先"]
    one = [cell.value for cell in summary[4]]
    assert one == [1, "测试一区总工会", 95, 30, 15, 20, 5, 5, 10, 10, 0, 0, None]
    two = [cell.value for cell in summary[5]]
    # 15 (half the quota) + 0 + 20 (nothing referred) + 2 (one report) = 37, plus 4 adjusted.
    assert two == [
        2,
        "测试二县总工会",
        41,
        15,
        0,
        20,
        0,
        0,
        0,
        2,
        0,
        4,
        "未完成年度活动指标（不予评先）：年度活动指标完成率 为 50%（规则：< 100%）；"
        "交办问题逾期未办结（不予评先）：交办问题逾期未办结数 为 1（规则：≥ 1）",
    ]
    assert summary.max_row == 5

    sheet = workbook["测试一区总工会"]
    assert cells(sheet[1]) == ["测试一区总工会", "名次", 1, "总分", 95]
    assert cells(sheet[3]) == ["考核项目", "类别", "指标", "数值", "得分", "满分", "不予评先"]
    assert cells(sheet[4]) == ["完成年度活动指标", "基本项", "年度活动指标完成率", 1, 30, 30]
    assert cells(sheet[5]) == ["问题现场解决率", "基本项", "现场解决率", 0.6, 15, 20]
    assert sheet["D5"].number_format == "0.0%"  # a rate stays a number, shown as 60.0%
    assert all(sheet.column_dimensions[column].width >= 10 for column in "ABCDEFG")
    assert summary.column_dimensions["B"].width >= len("测试一区总工会") * 2
    rows = [cells(row) for row in sheet.iter_rows()]
    events_at = rows.index(["已举办活动"])
    assert rows[events_at + 1] == ["期数", "活动主题", "主题", "举办日期", "地点", "覆盖企业", "参与职工", "问题数"]
    assert rows[events_at + 2] == [1, "关爱女职工健康", None, datetime.datetime(YEAR, 3, 8), "巨化集团", 3, 120, 2]
    assert rows[events_at + 3] == [2, "十万职工安康行", None, datetime.datetime(YEAR, 6, 18), "衢州智造新城", 0, 300, 0]
    assert len(rows) == events_at + 4  # the 2023 event and the planned one are not there

    second = [cells(row) for row in workbook["测试二县总工会"].iter_rows()]
    adjustments_at = second.index(["加减分", "分值", "理由", "操作人", "时间"])
    assert second[adjustments_at + 1][:4] == [None, 4, "承办全市示范活动", "tcity admin"]
    adjustment = Adjustment.objects.get(reason="承办全市示范活动")
    local = timezone.localtime(adjustment.created_at).strftime("%Y-%m-%d %H:%M")
    assert second[adjustments_at + 1][4] == local  # Asia/Shanghai, not UTC
    assert second[-1] == ["期数", "活动主题", "主题", "举办日期", "地点", "覆盖企业", "参与职工", "问题数"]  # no events


def test_csv_is_the_summary_in_utf8_with_bom(api, assessed, eager_celery, django_capture_on_commit_callbacks):
    content, response = _export(api("tcity-admin", "tcity"), django_capture_on_commit_callbacks, "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["名次", "工会", "总分", *LABELS, "加减分", "不予评先"]
    assert rows[1] == [
        "1",
        "测试一区总工会",
        "95.0",
        "30.0",
        "15.0",
        "20.0",
        "5.0",
        "5.0",
        "10.0",
        "10.0",
        "0.0",
        "0.0",
        "",
    ]
    assert rows[2][:3] == ["2", "测试二县总工会", "41.0"] and rows[2][-2] == "4.0"
    assert len(rows) == 3


def test_pdf_keeps_numbers_whole_lists_reasons_and_escapes_markup(
    api, assessed, eager_celery, django_capture_on_commit_callbacks
):
    admin = api("tcity-admin", "tcity")
    reason = "加分 <b>示范</b> & 表彰"
    response = admin.post(
        ADJUSTMENTS_URL, {"year": YEAR, "union": "tcounty1", "points": "-1.5", "reason": reason}, format="json"
    )
    assert response.status_code == 201, response.json()
    content, _response = _export(admin, django_capture_on_commit_callbacks, "pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    lines = text.splitlines()
    assert any("93.5" in line for line in lines)  # 95 - 1.5, on one line: numbers are not wrapped
    compact = "".join(text.split())
    assert "".join(reason.split()) in compact and "承办全市示范活动" in compact  # the reasons, markup as text
    assert "交办问题逾期未办结数为1" in compact  # why tcounty2 is not eligible, with its figure


def test_pdf_report_has_chinese_text(api, assessed, eager_celery, django_capture_on_commit_callbacks):
    content, response = _export(api("tcity-admin", "tcity"), django_capture_on_commit_callbacks, "pdf")
    assert response["Content-Type"] == "application/pdf" and content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    compact = "".join(text.split())
    assert f"测试市总工会{YEAR}年度工情直通车工作考核通报" in compact
    assert "测试一区总工会" in compact and "测试二县总工会" in compact
    assert "名次" in compact and "完成年度活动指标" in compact
    assert "不予评先" in compact


@pytest.mark.usefixtures("rollup_as_written")
def test_a_published_year_exports_the_frozen_result(api, assessed, eager_celery, django_capture_on_commit_callbacks):
    admin = api("tcity-admin", "tcity")
    assert admin.post("/api/v1/city/assessment/publish/", {"year": YEAR}, format="json").status_code == 201
    roll_up(assessed.union("tcounty1"), events_held=0)  # after publishing: must not show
    content, _response = _export(admin, django_capture_on_commit_callbacks, "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["1", "测试一区总工会", "95.0"]
    workbook_content, _response = _export(admin, django_capture_on_commit_callbacks, "xlsx")
    assert load_workbook(io.BytesIO(workbook_content))["汇总"]["A2"].value.startswith("已于")


def test_the_task_is_enqueued_on_commit_and_is_idempotent(api, assessed, eager_celery):
    client = english(api("tcity-staff", "tcity"))
    response = client.post(EXPORTS_URL, {"year": YEAR, "format": "csv"}, format="json")  # on_commit not run
    body = response.json()
    assert response.status_code == 202 and body["status"] == "pending" and body["download_url"] is None
    assert body["status_url"] == f"{EXPORTS_URL}{body['id']}/"
    assert client.get(f"{EXPORTS_URL}{body['id']}/download/").status_code == 404
    assert assessment_export_task(body["id"]) == "done"
    export = Export.objects.get(pk=body["id"])
    name = export.file.name
    assert (eager_celery / name).exists() and export.created_by.username == "tcity-staff"
    assert assessment_export_task(body["id"]) == "done"  # a second delivery changes nothing
    assert Export.objects.get(pk=body["id"]).file.name == name
    listed = client.get(EXPORTS_URL).json()
    assert [(e["id"], e["status"]) for e in listed] == [(body["id"], "done")]
    assert assessment_export_task(10**9) is None  # a vanished export is ignored


def test_a_failed_build_is_recorded(api, assessed, eager_celery, django_capture_on_commit_callbacks, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setitem(exports.BUILDERS, "pdf", broken)
    client = api("tcity-admin", "tcity")
    with django_capture_on_commit_callbacks(execute=True):
        body = client.post(EXPORTS_URL, {"year": YEAR, "format": "pdf"}, format="json").json()
    status = client.get(body["status_url"]).json()
    assert (status["status"], status["error"], status["download_url"]) == ("failed", "RuntimeError: disk full", None)


def test_bad_export_requests_get_field_errors(api, world):
    client = english(api("tcity-admin", "tcity"))
    bad = client.post(EXPORTS_URL, {"year": YEAR, "format": "docx"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["fields"] == {
        "format": ["The format is one of xlsx, csv, pdf."]
    }
    assert client.post(EXPORTS_URL, {"format": "csv"}, format="json").json()["error"]["fields"].keys() == {"year"}
    assert not Export.objects.exists()


def test_exports_belong_to_the_citys_members_only(api, assessed, eager_celery, django_capture_on_commit_callbacks):
    staff = api("tcity-staff", "tcity")
    with django_capture_on_commit_callbacks(execute=True):
        body = staff.post(EXPORTS_URL, {"year": YEAR, "format": "csv"}, format="json").json()
    detail, download = body["status_url"], f"{body['status_url']}download/"
    viewer = api("tcity-viewer", "tcity")
    assert viewer.get(download).status_code == 200  # any member of the city reads and downloads
    assert viewer.post(EXPORTS_URL, {"year": YEAR, "format": "csv"}, format="json").status_code == 403
    other_city = api("ocity-admin", "ocity")  # its own host: the export is not among its city's
    assert other_city.get(detail).status_code == 404 and other_city.get(download).status_code == 404
    assert other_city.get(EXPORTS_URL).json() == []
    forged = api("ocity-admin", "ocity")
    forged.defaults["HTTP_HOST"] = "tcity.localhost"
    assert forged.get(detail).status_code == 403 and forged.get(download).status_code == 403
    assert api("tcounty1-admin", "tcounty1").get(download).status_code == 403
    assert api("stranger", "tcity").get(download).status_code == 403
    assert api(None, "tcity").get(download).status_code in (401, 403)


@pytest.fixture
def other_process():
    """A second database connection, standing for another worker process."""
    import psycopg2
    from django.db import connection

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    yield conn.cursor()
    conn.close()


def hold_build_lock(cursor, export_id: int) -> None:
    cursor.execute("SELECT pg_advisory_lock(%s, %s)", [exports.EXPORT_LOCK_SPACE, export_id])


def test_a_running_export_is_left_to_its_builder_and_rebuilt_once_the_builder_is_gone(
    api, assessed, eager_celery, other_process
):
    export = Export.objects.create(city=assessed.union("tcity"), year=YEAR, format="csv", status="running")
    hold_build_lock(other_process, export.id)  # another delivery is building it, alive
    with pytest.raises(exports.ExportBusy):
        exports.export_run(export_id=export.id)
    assert Export.objects.get(pk=export.pk).status == "running"
    assert exports.exports_reap() == {"failed": [], "resent": []}  # a live builder is left alone

    other_process.connection.close()  # that worker died: PostgreSQL releases its lock
    assert assessment_export_task(export.id) == "done"  # the redelivered message builds it
    assert Export.objects.get(pk=export.pk).file.name.endswith(".csv")


def test_the_reaper_fails_an_export_whose_worker_died_and_resends_a_lost_pending_one(
    api, assessed, eager_celery, monkeypatch
):
    city = assessed.union("tcity")
    orphan = Export.objects.create(city=city, year=YEAR, format="csv", status="running")
    lost = Export.objects.create(city=city, year=YEAR, format="csv")
    fresh = Export.objects.create(city=city, year=YEAR, format="csv")
    Export.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    sent = []
    monkeypatch.setattr(assessment_export_task, "delay", sent.append)

    assert exports.exports_reap() == {"failed": [orphan.id], "resent": [lost.id]}
    orphan.refresh_from_db()
    assert orphan.status == "failed" and "Start the export again" in orphan.error
    assert sent == [lost.id] and Export.objects.get(pk=fresh.pk).status == "pending"
    # The user starts it again: a new export, built.
    body = api("tcity-admin", "tcity").post(EXPORTS_URL, {"year": YEAR, "format": "csv"}, format="json").json()
    assert assessment_export_task(body["id"]) == "done"
