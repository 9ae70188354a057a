"""City pages: dashboard from the roll-up, assessment (adjust, publish, reopen, exports), read-only drill-down."""

import datetime
import re

import pytest
from django.utils import timezone

from oversight.assessment.models import Adjustment, Export, Publication
from oversight.rollup.services import rollup_refresh


@pytest.fixture
def year():
    return timezone.localdate().year


def test_dashboard_shows_each_countys_progress_from_the_roll_up(page, make_event, world, year):
    make_event("tcounty1", held=True)
    rollup_refresh(union=world.union("tcounty1"), year=year)
    rollup_refresh(union=world.union("tcounty2"), year=year)
    response = page("tcity-staff", "tcity").get(f"/city/?year={year}")
    assert response.status_code == 200
    content = response.content.decode()
    assert "测试一区总工会" in content and "测试二县总工会" in content
    assert "他市一县总工会" not in content  # another city's county
    assert 'data-union="tcounty1"' in content and "已举办 1 / 4 期" in content
    assert content.count("<svg") >= 3  # progress bars and the monthly trend
    assert 'data-total="worker_attendance"><b>40</b>' in content


def test_dashboard_follows_the_roll_up_after_a_refresh(page, make_event, world, year):
    client = page("tcity-admin", "tcity")
    rollup_refresh(union=world.union("tcounty2"), year=year)
    assert "已举办 0 / 4 期" in client.get("/city/").content.decode()
    make_event("tcounty2", held=True)
    rollup_refresh(union=world.union("tcounty2"), year=year)
    content = client.get("/city/").content.decode()
    section = content[content.index('data-union="tcounty2"') :]
    assert "已举办 1 / 4 期" in section[:600]


@pytest.mark.parametrize(
    "username, own_code, called_code",
    [
        ("tcounty1-admin", "tcounty1", "tcounty1"),  # a county's own host: no city pages there
        ("tcounty1-admin", "tcounty1", "tcity"),  # the county's session sent to the city's host
        ("ocity-admin", "ocity", "tcity"),  # another city's admin with a forged Host header
    ],
)
def test_county_users_and_other_cities_are_refused(page, username, own_code, called_code):
    client = page(username, own_code)
    for path in ("/city/", "/city/assessment/", "/city/unions/tcounty1/", "/city/assessment/publish/"):
        response = client.get(path, HTTP_HOST=f"{called_code}.localhost")
        assert response.status_code == 403, path


def test_drill_down_is_read_only_and_limited_to_own_counties(page, make_event, make_case, year):
    make_event("tcounty1", title="一区的活动", held=True)
    make_case("tcounty1", title="一区的问题", submitter_phone="13811112222")
    client = page("tcity-viewer", "tcity")
    content = client.get(f"/city/unions/tcounty1/?year={year}").content.decode()
    assert "一区的活动" in content and "一区的问题" in content
    assert "13811112222" not in content and "138****2222" in content
    assert not re.search(r'href="/(cases|events)/\d+/', content)  # no links into the county's own pages
    assert client.get("/city/unions/ocounty/").status_code == 404
    assert page("ocity-admin", "ocity").get("/city/unions/tcounty1/").status_code == 404


def test_assessment_adjust_publish_reopen(page, world, year):
    admin = page("tcity-admin", "tcity")
    content = admin.get(f"/city/assessment/?year={year}").content.decode()
    assert "考核方案" in content and "测试一区总工会" in content and "发布并锁定" in content
    response = admin.post(
        f"/city/assessment/adjustments/?year={year}", {"union": "tcounty1", "points": "2", "reason": ""}
    )
    assert response.status_code == 400 and "该字段是必填项。" in response.content.decode()
    response = admin.post(
        f"/city/assessment/adjustments/?year={year}", {"union": "tcounty1", "points": "2.5", "reason": "示范活动加分"}
    )
    assert response.status_code == 302
    assert Adjustment.objects.get(union=world.union("tcounty1"), year=year).reason == "示范活动加分"
    assert admin.post(f"/city/assessment/publish/?year={year}").status_code == 302
    content = admin.get(f"/city/assessment/?year={year}").content.decode()
    assert "已发布" in content and "重新开放考核" in content
    # Published: no more adjustments; reopening needs a reason.
    response = admin.post(
        f"/city/assessment/adjustments/?year={year}", {"union": "tcounty1", "points": "1", "reason": "晚到"}
    )
    assert response.status_code == 400
    assert admin.post(f"/city/assessment/reopen/?year={year}", {"reason": ""}).status_code == 400
    assert admin.post(f"/city/assessment/reopen/?year={year}", {"reason": "数据更正"}).status_code == 302
    assert Publication.objects.get(city=world.union("tcity"), year=year).reopen_reason == "数据更正"


def test_assessment_writes_are_for_city_admins(page, year):
    staff = page("tcity-staff", "tcity")
    content = staff.get(f"/city/assessment/?year={year}").content.decode()
    assert "发布并锁定" not in content and "增加调整" not in content
    assert staff.post(f"/city/assessment/publish/?year={year}").status_code == 403
    assert staff.post(f"/city/assessment/adjustments/?year={year}", {}).status_code == 403
    assert (
        page("tcity-viewer", "tcity").post(f"/city/assessment/exports/?year={year}", {"format": "csv"}).status_code
        == 403
    )


def test_export_request_status_polling_and_download(page, world, year, django_capture_on_commit_callbacks):
    from oversight.assessment.exports import export_run

    client = page("tcity-staff", "tcity")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/city/assessment/exports/?year={year}", {"format": "csv"})
    assert response.status_code == 302
    export = Export.objects.get(city=world.union("tcity"), year=year, format="csv")
    status = client.get(f"/city/assessment/exports/{export.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in status and "<html" not in status
    assert client.get(f"/city/assessment/exports/{export.pk}/download/").status_code == 404
    export_run(export_id=export.pk)  # what the Celery task does
    status = client.get(f"/city/assessment/exports/{export.pk}/").content.decode()
    assert "hx-trigger" not in status and "下载" in status
    download = client.get(f"/city/assessment/exports/{export.pk}/download/")
    assert download.status_code == 200
    assert "测试一区总工会" in b"".join(download.streaming_content).decode("utf-8-sig")
    bad = client.post(f"/city/assessment/exports/?year={year}", {"format": "exe"}, follow=True)
    assert bad.status_code == 200
    # Another city cannot see this export.
    other = page("ocity-admin", "ocity")
    assert other.get(f"/city/assessment/exports/{export.pk}/").status_code == 404


def test_home_of_a_city_lists_its_counties(page):
    content = page("tcity-staff", "tcity").get("/").content.decode()
    assert "各县（市、区）本年度进度" in content and "测试二县总工会" in content


def test_home_says_what_to_do_next(page, make_event, make_case, in_union, world):
    from shared.catalogues.models import Department
    from tenants.cases.services import case_refer

    make_event("tcounty1", title="下周的活动")
    case = make_case("tcounty1", title="早该办完的问题", raised_on=timezone.localdate() - datetime.timedelta(days=30))
    with in_union("tcounty1"):
        case_refer(
            case=case,
            actor=world.user("tcounty1-staff"),
            department=Department.objects.first(),
            deadline=timezone.localdate() - datetime.timedelta(days=1),
        )
    content = page("tcounty1-staff", "tcounty1").get("/").content.decode()
    assert "下周的活动" in content
    assert "早该办完的问题" in content and "逾期问题（1 件）" in content
    assert "年度指标 4 期" in content
