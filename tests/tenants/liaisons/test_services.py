"""Department liaisons: contacts, the referral message (once, to the right department), signed links that
expire and can be revoked, a reply that moves the case through the cases' own services with the liaison named,
and the reminder before a deadline sent once however often the nightly run goes."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.core import signing
from django.utils import timezone

from shared.core.exceptions import ApplicationError
from tenants.cases.models import Case, CaseStatus, CaseTransition
from tenants.cases.services import case_refer
from tenants.liaisons.models import LiaisonLink, LiaisonMessage
from tenants.liaisons.services import (
    LINK_SALT,
    liaison_create,
    liaison_referral_notify,
    liaison_reminders_send,
    liaison_reply,
    liaison_update,
    link_current,
    link_open,
    link_revoke,
    link_token,
)
from tenants.liaisons.tasks import liaison_referral_notify_task
from tests.clock import TODAY

from .helpers import departments, liaison, referred, token_for

pytestmark = pytest.mark.usefixtures("on_today")


def test_a_liaison_needs_a_department_a_name_and_a_way_to_reach_them(world, in_union):
    with in_union("tcounty1"):
        department, _other = departments()
        with pytest.raises(ApplicationError) as caught:
            liaison_create(department=None, name=" ", phone="", email="not-an-address")
        assert set(caught.value.fields) == {"department", "name", "email"}
        with pytest.raises(ApplicationError) as caught:
            liaison_create(department=department, name="李四", phone="", email="")
        assert set(caught.value.fields) == {"phone"}
        assert "手机" in str(caught.value.fields["phone"][0]) or "电话" in str(caught.value.fields["phone"][0])


def test_a_committed_referral_tells_the_departments_active_liaisons_once(
    world, in_union, celery_eager, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    with in_union("tcounty1"):
        department, other = departments()
        told = liaison(department)
        liaison(department, name="停用者", email="off@dept.example.cn").__class__.objects.filter(name="停用者").update(
            active=False
        )
        liaison(other, name="别的部门", email="other@dept.example.cn")
        with caplog.at_level(logging.INFO, logger="tenants.liaisons.notifiers"):
            with django_capture_on_commit_callbacks(execute=True):
                case = referred(department, actor=world.user("tcounty1-staff"))
        assert [m.to for m in mailoutbox] == [["wang@dept.example.cn"]]
        mail = mailoutbox[0]
        assert "测试一区总工会" in mail.subject and case.title in mail.subject
        assert "http://tcounty1.localhost" in mail.body and "/d/" in mail.body
        assert "13900001111" in caplog.text  # the default text-message sender writes to the log
        assert LiaisonMessage.objects.filter(liaison=told, kind="referral").count() == 1

        # The task again (a retry, a duplicate message): nothing new is sent.
        transition = CaseTransition.objects.get(case=case, to_status=CaseStatus.REFERRED)
        assert liaison_referral_notify_task.apply(args=[case.pk, transition.pk]).get() == 0
        assert len(mailoutbox) == 1

        # Referred again (a new deadline): a new message.
        with django_capture_on_commit_callbacks(execute=True):
            case_refer(case=case, actor=None, department=department, deadline=TODAY + datetime.timedelta(days=20))
        assert len(mailoutbox) == 2


def test_a_case_answered_before_the_message_goes_out_sends_nothing(world, in_union, mailoutbox):
    with in_union("tcounty1"):
        department, _other = departments()
        liaison(department)
        case = referred(department)
        transition = case.transitions.get(to_status=CaseStatus.REFERRED)
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.RESOLVED)
        assert liaison_referral_notify(case_id=case.pk, transition_id=transition.pk) == 0
        assert mailoutbox == []


def test_links_open_in_their_own_union_only_and_can_expire_and_be_revoked(world, in_union, settings):
    with in_union("tcounty1"):
        department, _other = departments()
        person = liaison(department)
        link = link_current(liaison=person)
        token = link_token(link=link)
        assert link_current(liaison=person) == link  # reused, not one per message
        opened, reason = link_open(token=token)
        assert (opened, reason) == (link, "")
        assert LiaisonLink.objects.get(pk=link.pk).last_used_at is not None
        altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]  # one character of the signature
        assert altered != token and link_open(token=altered)[1] == "invalid"
        forged = signing.dumps({"s": "tcounty1", "l": link.pk, "n": "guessed"}, salt=LINK_SALT)
        assert link_open(token=forged) == (None, "invalid")
        assert link_open(token="nonsense") == (None, "invalid")
    with in_union("tcounty2"):
        # Same signature, another union's host: worthless (even if tcounty2 had a link with that id).
        assert link_open(token=token) == (None, "invalid")
    with in_union("tcounty1"):
        LiaisonLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        assert link_open(token=token) == (None, "expired")
        fresh = link_current(liaison=person)
        assert fresh != link
        fresh_token = link_token(link=fresh)
        link_revoke(link=fresh)
        assert link_open(token=fresh_token) == (None, "revoked")

        newer = link_current(liaison=person)
        liaison_update(liaison=person, department=_other, name=person.name, phone=person.phone, email=person.email)
        assert link_open(token=link_token(link=newer)) == (None, "revoked")  # moved department: old link dies


def test_a_reply_moves_the_case_through_the_case_services_with_the_liaison_named(world, in_union):
    with in_union("tcounty1"):
        department, other = departments()
        person = liaison(department)
        case = referred(department)
        link, _reason = link_open(token=token_for(person))

        case = liaison_reply(link=link, case_id=case.pk, action="progress", text="已约谈企业负责人")
        assert case.status == CaseStatus.IN_PROGRESS
        case = liaison_reply(link=link, case_id=case.pk, action="resolve", text="工资已全部发放")
        assert case.status == CaseStatus.RESOLVED and case.outcome == "工资已全部发放"
        assert case.finished_on == TODAY

        history = list(case.transitions.order_by("at", "id"))
        progress, resolved = history[-2], history[-1]
        assert (progress.to_status, progress.note, progress.actor) == ("in_progress", "已约谈企业负责人", None)
        assert progress.actor_name == f"王联络（{department.name}联络员）"
        assert resolved.actor_name == progress.actor_name

        # The same rules as staff: an empty outcome is refused with the field named.
        open_case = referred(department, title="第二件")
        with pytest.raises(ApplicationError) as caught:
            liaison_reply(link=link, case_id=open_case.pk, action="resolve", text="  ")
        assert "outcome" in caught.value.fields
        # A finished case, or one of another department, is not this link's to answer.
        for case_id in (case.pk, referred(other, title="别的部门的").pk):
            with pytest.raises(ApplicationError) as caught:
                liaison_reply(link=link, case_id=case_id, action="progress", text="看看")
            assert caught.value.status == 404


def test_the_reminder_before_a_deadline_goes_once_per_deadline(world, in_union, mailoutbox, settings):
    settings.LIAISON_REMINDER_DAYS_BEFORE = 2
    with in_union("tcounty1"):
        department, other = departments()
        liaison(department)
        liaison(other, name="别的部门", email="other@dept.example.cn")
        due = referred(department, title="快到期", deadline=TODAY + datetime.timedelta(days=2))
        referred(department, title="还早", deadline=TODAY + datetime.timedelta(days=3))
        referred(department, title="已逾期", deadline=TODAY - datetime.timedelta(days=1))
        mailoutbox.clear()

        assert liaison_reminders_send(today=TODAY) == 1
        assert liaison_reminders_send(today=TODAY) == 0
        assert liaison_reminders_send(today=TODAY + datetime.timedelta(days=1)) == 1  # "还早" now in the window
        assert [m.to for m in mailoutbox] == [["wang@dept.example.cn"], ["wang@dept.example.cn"]]
        assert "快到期" in mailoutbox[0].subject and "/d/" in mailoutbox[0].body

        case_refer(case=due, actor=None, department=department, deadline=TODAY + datetime.timedelta(days=1))
        assert liaison_reminders_send(today=TODAY) == 1  # a new deadline is reminded again
        assert LiaisonMessage.objects.filter(kind="reminder").count() == 3
