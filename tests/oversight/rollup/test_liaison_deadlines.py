"""Deadlines like a hotline's, in the nightly reminders: the liaison reminded before the deadline (once, however
often beat runs the task), the union's admins told when a case is the union's own number of days overdue, and
the city's "which departments answer late" from the roll-up."""

from __future__ import annotations

import datetime

import pytest

from oversight.rollup.models import Notice, UnionYearStats
from oversight.rollup.selectors import overdue_by_department_for_city
from oversight.rollup.services import reminders_send, rollup_refresh
from oversight.rollup.tasks import reminders_send_task
from shared.unions.models import Union
from shared.unions.services import union_escalation_days_set
from tests.clock import MIDYEAR, TODAY
from tests.tenants.liaisons.helpers import departments, liaison, referred

pytestmark = pytest.mark.usefixtures("on_today")


def test_escalation_waits_for_the_unions_own_number_of_days(world, in_union, mailoutbox):
    union = Union.objects.get(code="tcounty1")
    union_escalation_days_set(union=union, days=5)
    with in_union("tcounty1"):
        department, _other = departments()
        case = referred(department, title="三天未办", deadline=TODAY - datetime.timedelta(days=3))
    assert reminders_send(today=TODAY)["escalated"] == 0
    assert Notice.objects.filter(kind="overdue", key=f"overdue:tcounty1:{case.pk}").exists()  # staff told

    union_escalation_days_set(union=union, days=3)
    assert reminders_send(today=TODAY)["escalated"] == 1
    assert reminders_send(today=TODAY)["escalated"] == 0
    notice = Notice.objects.get(kind="escalated")
    assert notice.user == world.user("tcounty1-admin")  # the admins only, not staff or viewers
    assert notice.url == f"/cases/{case.pk}/" and "逾期 3 天" in notice.title


def test_the_beat_task_reminds_the_liaison_once(world, in_union, eager, mailoutbox):
    with in_union("tcounty2"):
        department, _other = departments()
        liaison(department, email="due@dept.example.cn")
        referred(department, title="明天到期", deadline=TODAY + datetime.timedelta(days=1))
    first = reminders_send_task.delay().get(timeout=30)
    second = reminders_send_task.delay().get(timeout=30)
    assert (first["liaison_reminders"], second["liaison_reminders"]) == (1, 0)
    reminders = [m for m in mailoutbox if m.to == ["due@dept.example.cn"]]
    assert len(reminders) == 1 and "明天到期" in reminders[0].subject


def test_overdue_by_department_comes_from_the_rollup(world, in_union, on_day):
    today = on_day(MIDYEAR)
    first, second = departments()
    year = today.year
    raised = datetime.date(year, 1, 2)
    late = max(raised, today - datetime.timedelta(days=1))
    with in_union("tcounty1"):
        referred(first, title="一区逾期1", deadline=late, raised_on=raised)
        referred(first, title="一区逾期2", deadline=late, raised_on=raised)
        referred(second, title="一区未到期", deadline=today + datetime.timedelta(days=5), raised_on=raised)
    with in_union("tcounty2"):
        referred(first, title="二县逾期", deadline=late, raised_on=raised)
    with in_union("ocounty"):
        referred(second, title="他市逾期", deadline=late, raised_on=raised)
    for code in ("tcounty1", "tcounty2", "ocounty"):
        rollup_refresh(union=world.union(code), year=year, today=today + datetime.timedelta(days=1))

    row = UnionYearStats.objects.get(union=world.union("tcounty1"), year=year)
    assert row.cases_overdue_by_department == {str(first.pk): 2}
    assert overdue_by_department_for_city(city=world.union("tcity"), year=year) == [
        {"department_id": first.pk, "department": first.name, "overdue": 3, "unions": 2}
    ]
    assert overdue_by_department_for_city(city=world.union("ocity"), year=year) == [
        {"department_id": second.pk, "department": second.name, "overdue": 1, "unions": 1}
    ]


def test_the_city_api_lists_late_departments_to_its_own_members_only(api, world, in_union, on_day):
    today = on_day(MIDYEAR)
    first, _second = departments()
    year = today.year
    with in_union("tcounty2"):
        referred(first, title="逾期", deadline=today - datetime.timedelta(days=1), raised_on=datetime.date(year, 1, 1))
    rollup_refresh(union=world.union("tcounty2"), year=year)
    url = f"/api/v1/city/late-departments/?year={year}"
    body = api("tcity-viewer", "tcity").get(url).json()
    assert body["results"] == [{"department_id": first.pk, "department": first.name, "overdue": 1, "unions": 1}]
    assert api("ocity-admin", "ocity").get(url).json()["results"] == []
    assert api("tcounty2-admin", "tcounty2").get(url).status_code == 403  # a county is no city
    assert api("ocity-admin", "ocity").get(url, HTTP_HOST="tcity.localhost").status_code == 403  # forged Host
