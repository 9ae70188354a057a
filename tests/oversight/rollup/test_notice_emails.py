"""A notice's email goes out through a task that retries: a mail server that refused it leaves the notice not
emailed, the task raises for Celery to retry, the nightly run enqueues it again, and a real SMTP server
(aiosmtpd) then receives it once, however often it runs again. A broker that is down when the notice is made
loses nothing either."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from kombu.exceptions import OperationalError

from oversight.rollup.models import Notice, NoticeKind
from oversight.rollup.services import (
    notice_create,
    notice_email_deliver,
    notice_emails_enqueue_unsent,
)
from oversight.rollup.tasks import notice_email_deliver_task
from shared.core.mail import TRANSIENT_SEND_ERRORS
from tests.tenants.liaisons.helpers import SmtpSink, free_port


@pytest.fixture
def smtp(settings):
    """Django's real SMTP backend on loopback; `port` is set by each test (a dead port or a sink's)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    return settings


def make_notice(world, username="tcounty1-admin", key="overdue:tcounty1:1") -> Notice:
    return notice_create(
        user=world.user(username), union=world.union("tcounty1"), kind=NoticeKind.OVERDUE, key=key,
        title="问题逾期：拖欠工资", body="已超过办理期限。", url="/cases/1/",
    )  # fmt: skip


def test_the_task_retries_passing_failures_with_backoff():
    task = notice_email_deliver_task
    assert set(task.autoretry_for) == set(TRANSIENT_SEND_ERRORS)
    assert smtplib.SMTPException in task.autoretry_for and OSError in task.autoretry_for
    assert task.retry_backoff is True and task.max_retries == 5


def test_a_refused_email_is_not_counted_and_reaches_a_real_smtp_server_once(
    world, smtp, django_capture_on_commit_callbacks
):
    smtp.EMAIL_PORT = free_port()  # nothing listens: connection refused
    with django_capture_on_commit_callbacks() as queued:
        notice = make_notice(world)
    assert len(queued) == 1  # its email task, enqueued after the commit
    with pytest.raises(TRANSIENT_SEND_ERRORS):
        notice_email_deliver(notice_id=notice.pk)
    assert Notice.objects.get(pk=notice.pk).emailed_at is None

    with SmtpSink() as sink:
        smtp.EMAIL_PORT = sink.port
        assert notice_email_deliver_task.apply(args=[notice.pk]).get() is True
        assert notice_email_deliver_task.apply(args=[notice.pk]).get() is False  # never twice
        assert [envelope.rcpt_tos for envelope in sink.envelopes] == [["tcounty1-admin@example.com"]]
    assert Notice.objects.get(pk=notice.pk).emailed_at is not None


def test_the_nightly_run_enqueues_again_what_did_not_go_out(
    world, eager, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(notice_email_deliver_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        notice = make_notice(world)  # the enqueue fails after the commit: logged, the notice stays
    assert Notice.objects.get(pk=notice.pk).emailed_at is None and mailoutbox == []
    monkeypatch.undo()

    assert notice_emails_enqueue_unsent() == 1  # eager: delivered right away
    assert [mail.to for mail in mailoutbox] == [["tcounty1-admin@example.com"]]
    assert notice_emails_enqueue_unsent() == 0
    # Older ones are left alone: after two days an email is no longer news.
    stale = make_notice(world, username="tcounty1-staff", key="overdue:tcounty1:2")
    Notice.objects.filter(pk=stale.pk).update(created_at=stale.created_at - datetime.timedelta(days=3))
    assert notice_emails_enqueue_unsent() == 0


def test_no_address_or_a_deactivated_account_gets_no_email(world, eager, mailoutbox):
    colleague = make_notice(world, username="tcounty1-colleague")  # has no address
    assert notice_email_deliver(notice_id=colleague.pk) is False
    staff = world.user("tcounty1-staff")
    notice = make_notice(world, username="tcounty1-staff", key="overdue:tcounty1:3")
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert notice_email_deliver(notice_id=notice.pk) is False
    assert mailoutbox == []
