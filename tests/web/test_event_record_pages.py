"""Late and missing event records on the county's home page and the city's dashboard (from the roll-up)."""

import datetime

from django.utils import timezone

from oversight.rollup.services import rollup_refresh
from tenants.events.models import Event


def held_days_ago(make_event, code, days, title, *, completed_after=None):
    held = timezone.localdate() - datetime.timedelta(days=days)
    event = make_event(code, title=title, planned_date=held)
    from django_tenants.utils import schema_context

    from shared.unions.models import Union
    from tenants.events.services import event_record_held

    with schema_context(Union.objects.get(code=code).schema_name):
        event = event_record_held(event=event, actor=None, held_date=held, worker_attendance=30)
        if completed_after is not None:
            Event.objects.filter(pk=event.pk).update(
                record_completed_on=held + datetime.timedelta(days=completed_after)
            )
    return event, held


def test_the_county_home_page_lists_late_and_missing_records_with_what_is_missing(page, make_event):
    held_days_ago(make_event, "tcounty1", 20, "记录缺失的活动")
    held_days_ago(make_event, "tcounty1", 30, "记录迟交的活动", completed_after=12)
    held_days_ago(make_event, "tcounty1", 40, "按期完成的活动", completed_after=2)
    held_days_ago(make_event, "tcounty1", 3, "刚举办的活动")  # still has days left: not listed
    content = page("tcounty1-staff", "tcounty1").get("/").content.decode()
    section = content[content.index('id="event-records"') :]
    section = section[: section.index("</div></div>") if "</div></div>" in section else None]
    assert "记录缺失的活动" in section and "记录逾期未完成" in section
    assert "尚缺：" in section and "参与企业" in section and "活动小结" in section
    assert "记录迟交的活动" in section and "记录逾期完成" in section
    assert "按期完成的活动" not in section and "刚举办的活动" not in section
    assert "应在 7 天内完成" in content


def test_a_colleague_sees_it_and_another_union_or_a_forged_host_does_not(page, make_event):
    held_days_ago(make_event, "tcounty1", 20, "记录缺失的活动")
    assert "记录缺失的活动" in page("tcounty1-colleague", "tcounty1").get("/").content.decode()
    assert "记录缺失的活动" not in page("tcounty2-staff", "tcounty2").get("/").content.decode()
    # Another union's user sending tcounty1's Host: not a member there, nothing of its events.
    forged = page("tcounty2-staff", "tcounty2").get("/", HTTP_HOST="tcounty1.localhost")
    assert "记录缺失的活动" not in forged.content.decode()
    assert forged.status_code in (302, 403)


def test_the_city_dashboard_shows_each_countys_records_from_the_roll_up(page, make_event, world):
    _event, held = held_days_ago(make_event, "tcounty1", 20, "记录缺失的活动")
    held_days_ago(make_event, "tcounty1", 20, "记录迟交的活动", completed_after=12)  # the same day: one year
    year = held.year
    for code in ("tcounty1", "tcounty2"):
        rollup_refresh(union=world.union(code), year=year)
    content = page("tcity-staff", "tcity").get(f"/city/?year={year}").content.decode()
    section = content[content.index('id="event-records"') :]
    row = section[section.index('<tr data-union="tcounty1"') :]
    row = row[: row.index("</tr>")]
    assert '<span class="badge at_risk">1</span>' in row and '<span class="badge overdue">1</span>' in row
    assert 'data-union="tcounty2"' in section and "他市一县总工会" not in section
