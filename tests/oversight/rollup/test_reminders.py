"""Reminders: county admins behind pace, staff with overdue cases; email and in-app notice, once per condition.
Notices API: GET /api/v1/notices/, POST /api/v1/notices/<id>/read/ (own notices, on the union's host)."""

from __future__ import annotations

import datetime

import pytest

from oversight.rollup.models import Notice
from oversight.rollup.services import reminders_send, rollup_refresh
from oversight.rollup.tasks import reminders_send_task

from .helpers import held_event, referred_case

TODAY = datetime.date(2026, 7, 20)  # two quarters over: a county should have held 2 of its 4 events
NOTICES = "/api/v1/notices/"


@pytest.fixture
def on_pace_and_overdue(world, in_union):
    """tcounty2 and ocounty are on pace (2 held); tcounty1 is behind (1 held) and has an overdue case."""
    with in_union("tcounty1"):
        event = held_event(held_date=datetime.date(2026, 2, 2))
        overdue = referred_case(event, deadline=datetime.date(2026, 3, 1))
        referred_case(event, deadline=datetime.date(2026, 3, 1), resolved=True)  # finished: not overdue
    for code in ("tcounty2", "ocounty"):
        with in_union(code):
            held_event(held_date=datetime.date(2026, 1, 15))
            held_event(held_date=datetime.date(2026, 5, 15))
    for code in ("tcounty1", "tcounty2", "ocounty"):
        rollup_refresh(union=world.union(code), year=2026, today=TODAY)
    return overdue


def test_one_email_and_one_notice_per_condition_however_often_it_runs(
    world, on_pace_and_overdue, mailoutbox, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # each notice's email task, after its commit
        first = reminders_send(today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        second = reminders_send(today=TODAY)
    # The overdue case is far more than tcounty1's escalation_days (3) late: its admin is told once more.
    assert first == {"pace": 1, "overdue": 3, "escalated": 1, "liaison_reminders": 0, "emails_enqueued_again": 0}
    # Every email went out the first time: the second run has nothing to send again.
    assert second == {"pace": 0, "overdue": 0, "escalated": 0, "liaison_reminders": 0, "emails_enqueued_again": 0}

    pace = Notice.objects.get(kind="pace")
    assert pace.user == world.user("tcounty1-admin")  # admins only; other counties are on pace
    assert pace.key == "pace:tcounty1:2026:Q2"
    assert pace.union == world.union("tcounty1")

    overdue = Notice.objects.filter(kind="overdue")
    # Admin and staff (the colleague is staff too); the viewer is not asked to act.
    assert {n.user.username for n in overdue} == {"tcounty1-admin", "tcounty1-staff", "tcounty1-colleague"}
    assert {n.key for n in overdue} == {f"overdue:tcounty1:{on_pace_and_overdue.pk}"}

    escalated = Notice.objects.get(kind="escalated")
    assert escalated.user == world.user("tcounty1-admin")

    # One email per notice whose user has an address (the colleague has none): 1 pace + 2 overdue + 1 escalated.
    assert sorted(mail.to[0] for mail in mailoutbox) == [
        "tcounty1-admin@example.com",
        "tcounty1-admin@example.com",
        "tcounty1-admin@example.com",
        "tcounty1-staff@example.com",
    ]
    # Each counts as emailed once its email went out; the colleague's, without an address, never does.
    assert {n.user.username for n in Notice.objects.filter(emailed_at__isnull=True)} == {"tcounty1-colleague"}
    subjects = sorted(mail.subject for mail in mailoutbox)
    assert subjects == sorted([pace.title, overdue[0].title, overdue[0].title, escalated.title])
    assert "测试一区总工会" in pace.title and "转办事项" in overdue[0].title
    # Written in the site's language (zh-hans): no request says otherwise at night.
    assert "进度落后" in pace.title and "应开展 4 期中的 2 期" in pace.body and "目前已开展 1 期" in pace.body
    assert overdue[0].title.startswith("问题逾期")


def test_the_next_quarter_is_a_new_condition(world, on_pace_and_overdue, mailoutbox):
    reminders_send(today=TODAY)
    october = datetime.date(2026, 10, 2)
    for code in ("tcounty1", "tcounty2", "ocounty"):
        rollup_refresh(union=world.union(code), year=2026, today=october)
    created = reminders_send(today=october)
    # Three quarters over: 3 due; everyone is behind now, tcounty1 again (a new quarter), the others for the first time.
    assert created["pace"] == 3
    assert Notice.objects.filter(kind="pace", user=world.user("tcounty1-admin")).count() == 2


def test_nobody_on_pace_and_nothing_overdue_means_no_reminder(world, in_union, mailoutbox):
    for code in ("tcounty1", "tcounty2", "ocounty"):
        with in_union(code):
            held_event(held_date=datetime.date(2026, 1, 15))
            held_event(held_date=datetime.date(2026, 5, 15))
        rollup_refresh(union=world.union(code), year=2026, today=TODAY)
    assert reminders_send(today=TODAY) == {
        "pace": 0, "overdue": 0, "escalated": 0, "liaison_reminders": 0, "emails_enqueued_again": 0,
    }  # fmt: skip
    assert mailoutbox == []


def test_the_scheduled_task_sends_them(world, eager, mailoutbox, in_union):
    with in_union("tcounty2"):
        event = held_event(held_date=datetime.date(2025, 2, 2))
        referred_case(event, deadline=datetime.date(2025, 3, 1))
    result = reminders_send_task.delay().get(timeout=30)
    assert result["overdue"] == 2  # tcounty2's admin and staff (not its viewer)
    assert Notice.objects.filter(kind="overdue", union=world.union("tcounty2")).count() == 2


# --- the notices API ----------------------------------------------------------------------------


@pytest.fixture
def sent(world, on_pace_and_overdue, mailoutbox):
    reminders_send(today=TODAY)
    return Notice.objects.filter(user=world.user("tcounty1-admin")).order_by("kind")


def test_a_user_lists_their_notices_on_the_unions_host(api, sent):
    response = api("tcounty1-admin", "tcounty1").get(NOTICES)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {n["kind"] for n in body["results"]} == {"pace", "overdue", "escalated"}
    assert all(n["read_at"] is None for n in body["results"])


def test_a_colleague_does_not_see_someone_elses_notices(api, sent):
    body = api("tcounty1-staff", "tcounty1").get(NOTICES).json()
    assert {n["kind"] for n in body["results"]} == {"overdue"}
    assert all(n["id"] not in [s.pk for s in sent] for n in body["results"])


def test_marking_read(api, sent):
    notice = sent[0]
    response = api("tcounty1-admin", "tcounty1").post(f"{NOTICES}{notice.pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    notice.refresh_from_db()
    assert notice.read_at is not None
    again = api("tcounty1-admin", "tcounty1").post(f"{NOTICES}{notice.pk}/read/")
    assert again.json()["read_at"] == response.json()["read_at"]  # idempotent


def test_someone_elses_notice_cannot_be_marked(api, sent):
    notice = sent[0]
    assert api("tcounty1-staff", "tcounty1").post(f"{NOTICES}{notice.pk}/read/").status_code == 404
    assert api("ocounty-admin", "ocounty").post(f"{NOTICES}{notice.pk}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_notices_of_one_union_do_not_show_on_another_host(api, sent):
    assert api("tcounty1-admin", "tcity").get(NOTICES).status_code == 403  # not a member there
    assert api("tcounty1-admin", "tcounty1").get(NOTICES, HTTP_HOST="tcounty2.localhost").status_code == 403
    assert api("tcounty1-admin", "tcounty1").get(NOTICES, HTTP_HOST="forged.localhost").status_code == 404
    assert api("stranger", "tcounty1").get(NOTICES).status_code == 403
