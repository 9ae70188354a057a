"""Issue 12, "Wrong" items: every date and time on a page is local (Asia/Shanghai) and written for Chinese
readers; a veto item says 不予评先 with the rule and the figure that fired it; the case history and the
planning page read right."""

import datetime
import re

import pytest
from django.utils import timezone

from oversight.assessment.models import Export, Publication
from oversight.rollup.services import rollup_refresh
from tests.oversight.assessment.helpers import STRONG, roll_up

ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Late evening in UTC is the next morning in Asia/Shanghai: a page showing UTC shows the wrong day.
UTC_EVENING = datetime.datetime(2026, 11, 24, 19, 51, tzinfo=datetime.UTC)


def visible_text(html: str) -> str:
    """What a reader sees: no scripts, styles or tags (so no attribute values such as a date input's value)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


HIDDEN_INPUT = re.compile(r'<input type="hidden"[^>]*>')  # machine data, never shown (a form's record version)


def assert_no_raw_iso(html: str, where: str) -> None:
    html = HIDDEN_INPUT.sub("", html)
    assert not ISO_MOMENT.search(html), f"{where}: raw timestamp {ISO_MOMENT.search(html).group()}"
    text = visible_text(html)
    assert not ISO_DAY.search(text), f"{where}: ISO date {ISO_DAY.search(text).group()} shown"


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def busy(world, page, make_event, make_case, in_union, year):
    """Something on every page: a held event, a referred and rated case, a plan item, an adjustment, a publication."""
    from shared.catalogues.models import Department, Topic
    from tenants.cases.services import case_refer, case_resolve
    from tenants.planning.services import plan_item_adjust, plan_item_create

    event = make_event("tcounty1", held=True)
    case = make_case("tcounty1", title="加班费未结")
    with in_union("tcounty1"):
        staff = world.user("tcounty1-staff")
        case = case_refer(case=case, actor=staff, department=Department.objects.first(), deadline=timezone.localdate())
        case_resolve(case=case, actor=staff, outcome="已补发")
        item = plan_item_create(actor=staff, year=year, month=3, theme="防欠薪", topic=Topic.objects.first())
        plan_item_adjust(item=item, actor=staff, reason="配合专项行动", month=5)
    rollup_refresh(union=world.union("tcounty1"), year=year)
    admin = page("tcity-admin", "tcity")
    admin.post(f"/city/assessment/adjustments/?year={year}", {"union": "tcounty1", "points": "1", "reason": "示范"})
    assert admin.post(f"/city/assessment/publish/?year={year}").status_code == 302
    Publication.objects.filter(city=world.union("tcity"), year=year).update(published_at=UTC_EVENING)
    return {"event": event, "case": case}


def test_no_page_shows_a_raw_iso_date_or_time(page, busy, year):
    county = page("tcounty1-staff", "tcounty1")
    for path in (
        "/",
        "/events/",
        f"/events/{busy['event'].pk}/",
        "/cases/",
        f"/cases/{busy['case'].pk}/",
        f"/planning/?year={year}",
        "/enterprises/",
    ):
        response = county.get(path)
        assert response.status_code == 200, path
        assert_no_raw_iso(response.content.decode(), path)
    city = page("tcity-admin", "tcity")
    for path in ("/", f"/city/?year={year}", f"/city/assessment/?year={year}", f"/city/unions/tcounty1/?year={year}"):
        response = city.get(path)
        assert response.status_code == 200, path
        assert_no_raw_iso(response.content.decode(), path)


def test_the_published_time_is_local_and_chinese(page, busy, year):
    content = page("tcity-staff", "tcity").get(f"/city/assessment/?year={year}").content.decode()
    assert "已于 2026年11月25日 03:51 发布" in content  # 19:51 UTC on the 24th is 03:51 on the 25th in Shanghai
    assert "2026-11-24" not in content


def test_the_check_catches_a_raw_timestamp():
    with pytest.raises(AssertionError):
        assert_no_raw_iso("<p>已于 2026-11-24T19:51 发布</p>", "sample")
    with pytest.raises(AssertionError):
        assert_no_raw_iso("<td>2026-11-24</td>", "sample")
    assert_no_raw_iso('<input type="date" value="2026-11-24"><p>2026年11月24日</p>', "sample")


def test_a_veto_says_not_eligible_with_the_rule_and_the_figure(page, world, year):
    roll_up(world.union("tcounty1"), year=year, **STRONG)
    roll_up(world.union("tcounty2"), year=year, **(STRONG | {"events_held": 4, "cases_overdue": 3}))
    for path in (f"/city/assessment/?year={year}", f"/city/?year={year}"):
        content = page("tcity-staff", "tcity").get(path).content.decode()
        assert "一票否决" not in content
        assert content.count('<span class="badge missed">不予评先</span>') == 2, path  # both short of something
        assert "交办问题逾期未办结（不予评先）：交办问题逾期未办结数 为 3（规则：≥ 1）" in content, path
        assert "未完成年度活动指标（不予评先）：年度活动指标完成率 为 75%（规则：&lt; 100%）" in content, path


def test_the_case_history_reads_right_after_rating_and_reopening(page, make_case, in_union, world):
    from shared.catalogues.models import Department
    from tenants.cases.services import case_rate, case_refer, case_reopen, case_resolve

    case = make_case("tcounty1")
    staff = world.user("tcounty1-staff")
    with in_union("tcounty1"):
        case = case_refer(case=case, actor=staff, department=Department.objects.first(), deadline=timezone.localdate())
        case = case_resolve(case=case, actor=staff, outcome="工资已补发")
        case = case_rate(case=case, actor=staff, satisfaction=4)
    client = page("tcounty1-staff", "tcounty1")
    content = client.get(f"/cases/{case.pk}/").content.decode()
    assert "已解决 → 已解决" not in content and "记录 · 已解决" in content and "满意度：4" in content
    with in_union("tcounty1"):
        case_reopen(case=case, actor=staff, reason="仍有欠款")
        department = Department.objects.first().name
    content = client.get(f"/cases/{case.pk}/").content.decode()
    history = content[content.index("办理记录") :] if "办理记录" in content else content
    the_case = content[: content.index("办理记录")] if "办理记录" in content else content
    assert "工资已补发" in history  # the old outcome stays in the history...
    assert "<b>办理结果</b>" not in the_case  # ...not as the case's outcome
    assert f"曾交办至: {department}" in the_case and "办理期限: </p>" not in the_case


def test_planning_numbers_topics_once_shows_month_changes_and_keeps_ids_apart(page, busy, year):
    content = page("tcounty1-staff", "tcounty1").get(f"/planning/?year={year}").content.decode()
    assert '<ul class="plain ranking">' in content  # the rank is written once, not also by an <ol>
    assert "3月 → 5月" in content
    ids = re.findall(r'id="(id_[^"]+)"', content)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_exports_made_before_a_reopen_are_marked_out_of_date(page, world, year):
    city = world.union("tcity")
    admin = page("tcity-admin", "tcity")
    assert admin.post(f"/city/assessment/publish/?year={year}").status_code == 302
    before = Export.objects.create(city=city, year=year, format="csv", created_by=world.user("tcity-admin"))
    assert admin.post(f"/city/assessment/reopen/?year={year}", {"reason": "数据更正"}).status_code == 302
    after = Export.objects.create(city=city, year=year, format="pdf", created_by=world.user("tcity-admin"))
    content = admin.get(f"/city/assessment/?year={year}").content.decode()
    line_before = content[content.index(f'id="export-{before.pk}"') :].split("</li>")[0]
    line_after = content[content.index(f'id="export-{after.pk}"') :].split("</li>")[0]
    assert "已过时" in line_before and "已过时" not in line_after
