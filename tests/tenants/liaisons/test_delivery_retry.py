"""A liaison message the mail server did not take is not counted as sent and is retried: Django's real SMTP
backend against a loopback port where nothing listens fails; the retry task then delivers to a real SMTP
server (aiosmtpd), once, however often it runs again. The real worker and broker version of this is in
tests/oversight/rollup/test_liaison_worker.py."""

from __future__ import annotations

import datetime
import logging
import smtplib

import pytest
from django.utils import timezone

from tenants.cases.models import CaseStatus
from tenants.liaisons.models import LiaisonMessage
from tenants.liaisons.services import (
    TRANSIENT_SEND_ERRORS,
    liaison_message_deliver,
    liaison_referral_notify,
    liaison_reminders_send,
)
from tenants.liaisons.tasks import liaison_message_deliver_task
from tests.clock import TODAY

from .helpers import SmtpSink, departments, free_port, liaison, referred

pytestmark = pytest.mark.usefixtures("on_today")
EMAIL_ONLY = ["tenants.liaisons.notifiers.EmailNotifier"]
BOTH = EMAIL_ONLY + ["tenants.liaisons.notifiers.LogTextNotifier"]


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend, pointed at `smtp.port(n)`: a dead port or a sink's."""

    class Smtp:
        def port(self, number: int) -> None:
            settings.EMAIL_PORT = number

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    return Smtp()


def test_the_retry_task_retries_passing_failures_with_backoff():
    task = liaison_message_deliver_task
    assert set(task.autoretry_for) == set(TRANSIENT_SEND_ERRORS)
    assert smtplib.SMTPException in task.autoretry_for and OSError in task.autoretry_for
    assert task.retry_backoff is True and task.max_retries == 5


def test_a_referral_the_mail_server_refused_is_not_counted_and_the_retry_reaches_a_real_smtp_server(
    world, in_union, smtp, settings, django_capture_on_commit_callbacks
):
    settings.LIAISON_NOTIFIERS = EMAIL_ONLY
    smtp.port(free_port())  # nothing listens: connection refused
    with in_union("tcounty1"):
        department, _other = departments()
        person = liaison(department, email="retry@dept.example.cn")
        case = referred(department, title="拖欠加班费")
        transition = case.transitions.get(to_status=CaseStatus.REFERRED)
        with django_capture_on_commit_callbacks() as queued:
            assert liaison_referral_notify(case_id=case.pk, transition_id=transition.pk) == 0
        message = LiaisonMessage.objects.get(liaison=person, key=f"referral:{transition.pk}")
        assert message.delivered_at is None and message.channels == ""  # recorded, not counted as sent
        assert len(queued) == 1  # the retry task, enqueued after the commit

        # The retry task against the still dead server: raises for Celery to retry, still not delivered.
        with pytest.raises(TRANSIENT_SEND_ERRORS):
            liaison_message_deliver(message_id=message.pk)
        assert LiaisonMessage.objects.get(pk=message.pk).delivered_at is None

        with SmtpSink() as sink:
            smtp.port(sink.port)
            assert liaison_message_deliver_task.apply(args=[message.pk]).get() is True
            assert [e.rcpt_tos for e in sink.envelopes] == [["retry@dept.example.cn"]]
            assert (
                "拖欠加班费" in sink.texts()[0]
                and "//tcounty1.localhost" in sink.texts()[0]
                and "/d/" in sink.texts()[0]
            )
            message.refresh_from_db()
            assert message.delivered_at is not None and message.channels == "EmailNotifier"

            # Run again, by the task or by a repeated referral task: the liaison already has it.
            assert liaison_message_deliver_task.apply(args=[message.pk]).get() is False
            assert liaison_referral_notify(case_id=case.pk, transition_id=transition.pk) == 0
            assert len(sink.envelopes) == 1


def test_a_channel_that_delivered_is_not_used_again_by_the_retry(world, in_union, smtp, settings, caplog):
    settings.LIAISON_NOTIFIERS = BOTH
    smtp.port(free_port())
    with in_union("tcounty1"):
        department, _other = departments()
        person = liaison(department, phone="13900002222", email="both@dept.example.cn")
        case = referred(department)
        transition = case.transitions.get(to_status=CaseStatus.REFERRED)
        with caplog.at_level(logging.INFO, logger="tenants.liaisons.notifiers"):
            assert liaison_referral_notify(case_id=case.pk, transition_id=transition.pk) == 0
        message = LiaisonMessage.objects.get(liaison=person)
        assert message.delivered_at is None and message.channels == "LogTextNotifier"
        assert caplog.text.count("13900002222") == 1
        caplog.clear()
        with SmtpSink() as sink, caplog.at_level(logging.INFO, logger="tenants.liaisons.notifiers"):
            smtp.port(sink.port)
            assert liaison_message_deliver(message_id=message.pk) is True
            assert len(sink.envelopes) == 1
        assert "13900002222" not in caplog.text  # the text message is not sent twice
        message.refresh_from_db()
        assert message.channels == "LogTextNotifier,EmailNotifier" and message.delivered_at is not None


def test_a_reminder_that_failed_is_sent_by_the_next_nightly_run_once(world, in_union, smtp, settings):
    settings.LIAISON_NOTIFIERS = EMAIL_ONLY
    smtp.port(free_port())
    with in_union("tcounty1"):
        department, _other = departments()
        person = liaison(department, email="remind@dept.example.cn")
        referred(department, title="社保断缴", deadline=TODAY + datetime.timedelta(days=1))
        LiaisonMessage.objects.update(delivered_at=timezone.now())  # the referral itself went out
        assert liaison_reminders_send(today=TODAY) == 0
        reminder = LiaisonMessage.objects.get(liaison=person, kind="reminder")
        assert reminder.delivered_at is None
        with SmtpSink() as sink:
            smtp.port(sink.port)
            assert liaison_reminders_send(today=TODAY) == 1
            assert liaison_reminders_send(today=TODAY) == 0
            assert len(sink.envelopes) == 1 and "社保断缴" in sink.texts()[0]
        assert LiaisonMessage.objects.filter(liaison=person, kind="reminder").count() == 1


def test_a_message_of_another_union_is_not_delivered_here(world, in_union, settings, mailoutbox):
    settings.LIAISON_NOTIFIERS = EMAIL_ONLY
    with in_union("tcounty1"):
        department, _other = departments()
        person = liaison(department, email="one@dept.example.cn")
        case = referred(department)
        transition = case.transitions.get(to_status=CaseStatus.REFERRED)
        key = f"referral:{transition.pk}"
        message = LiaisonMessage.objects.create(liaison=person, case=case, kind="referral", key=key)
    with in_union("tcounty2"):
        # The retry task runs in the union that queued it; another union's schema has no such message.
        assert not LiaisonMessage.objects.filter(pk=message.pk).exists()
        assert liaison_message_deliver(message_id=message.pk) is False
    assert mailoutbox == []
    with in_union("tcounty1"):
        assert liaison_referral_notify(case_id=case.pk, transition_id=transition.pk) == 1
    assert [m.to for m in mailoutbox] == [["one@dept.example.cn"]]


def test_a_retry_after_the_case_was_answered_sends_nothing(world, in_union, smtp, settings):
    settings.LIAISON_NOTIFIERS = EMAIL_ONLY
    smtp.port(free_port())
    with in_union("tcounty1"):
        department, _other = departments()
        person = liaison(department, email="late@dept.example.cn")
        case = referred(department)
        transition = case.transitions.get(to_status=CaseStatus.REFERRED)
        assert liaison_referral_notify(case_id=case.pk, transition_id=transition.pk) == 0
        message = LiaisonMessage.objects.get(liaison=person)
        case.__class__.objects.filter(pk=case.pk).update(status=CaseStatus.RESOLVED)
        with SmtpSink() as sink:
            smtp.port(sink.port)
            assert liaison_message_deliver_task.apply(args=[message.pk]).get() is False
            assert sink.envelopes == []
        assert LiaisonMessage.objects.get(pk=message.pk).delivered_at is None
