"""A real Celery worker and the real broker: a committed referral makes the worker send the department liaison
their message (Django's console email backend in the worker's log) and record it, once. Commits in a throwaway
union of its own and removes it in `finally`, like test_worker.py."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection

from shared.unions.services import union_create
from tenants.liaisons.models import LiaisonMessage
from tenants.liaisons.tasks import liaison_referral_notify_task
from tests.tenants.liaisons.helpers import SmtpSink, departments, free_port, liaison, referred

from .conftest import broker_client
from .test_worker import start_worker, stop_and_discard, wait_for


@pytest.fixture
def liaison_queue(monkeypatch):
    name = f"liaison-test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setattr(liaison_referral_notify_task, "queue", name, raising=False)
    monkeypatch.setattr(liaison_referral_notify_task, "_exec_options", None)
    yield name
    conn, client = broker_client()
    try:
        client.delete(name)
    finally:
        conn.release()


@pytest.mark.celery_worker
def test_a_real_worker_tells_the_liaison_of_a_committed_referral(
    committed_db, django_db_blocker, liaison_queue, tmp_path, monkeypatch
):
    monkeypatch.setenv("EMAIL_URL", "consolemail://")
    log = tmp_path / "worker.log"
    code = f"lw{uuid.uuid4().hex[:8]}"
    worker = None
    with django_db_blocker.unblock():
        try:
            union = union_create(
                code=code, name="联络员工人进程测试", level="city", region_code="339700", domain=f"{code}.localhost"
            )
            worker = start_worker(liaison_queue, log)
            connection.set_schema(union.schema_name)
            department, _other = departments()
            person = liaison(department, email="worker-test@dept.example.cn")
            case = referred(
                department, title="工人进程转办", deadline=datetime.date.today() + datetime.timedelta(days=9)
            )
            message = wait_for(
                lambda: LiaisonMessage.objects.filter(liaison=person, case=case).first(),
                timeout=90,
                what="the liaison's message",
                log=log,
            )
            assert message.kind == "referral"
            wait_for(lambda: "succeeded" in log.read_text(), timeout=20, what="the task's log line", log=log)
            text = log.read_text()
            assert "worker-test@dept.example.cn" in text and f"http://{code}.localhost" in text and "/d/" in text
            assert LiaisonMessage.objects.filter(liaison=person).count() == 1
        finally:
            stop_and_discard(worker, code=code)


@pytest.mark.celery_worker
def test_a_real_worker_retries_a_message_the_mail_server_refused_and_delivers_it_once(
    committed_db, django_db_blocker, liaison_queue, tmp_path, monkeypatch
):
    """Django's SMTP backend in the worker points at a loopback port where nothing listens: the send fails,
    the retry task backs off; a real SMTP server (aiosmtpd) then starts on that port and gets the message,
    once. The worker's own enqueues go to the test's queue (CELERY_TASK_DEFAULT_QUEUE)."""
    port = free_port()
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("CELERY_TASK_DEFAULT_QUEUE", liaison_queue)
    monkeypatch.setenv("LIAISON_NOTIFIERS", "tenants.liaisons.notifiers.EmailNotifier")
    log = tmp_path / "worker.log"
    code = f"lr{uuid.uuid4().hex[:8]}"
    worker = None
    with django_db_blocker.unblock():
        try:
            union = union_create(
                code=code, name="邮件重试测试", level="city", region_code="339700", domain=f"{code}.localhost"
            )
            worker = start_worker(liaison_queue, log)
            connection.set_schema(union.schema_name)
            department, _other = departments()
            person = liaison(department, email="retry-worker@dept.example.cn")
            case = referred(department, title="重试送达", deadline=datetime.date.today() + datetime.timedelta(days=9))
            message = wait_for(
                lambda: LiaisonMessage.objects.filter(liaison=person, case=case).first(),
                timeout=90,
                what="the liaison's message row",
                log=log,
            )
            wait_for(lambda: "Retry in" in log.read_text(), timeout=60, what="the first retry", log=log)
            message.refresh_from_db()
            assert message.delivered_at is None  # refused: not counted as sent
            with SmtpSink(port=port) as sink:
                wait_for(
                    lambda: LiaisonMessage.objects.filter(pk=message.pk, delivered_at__isnull=False).exists(),
                    timeout=90,
                    what="the retried delivery",
                    log=log,
                )
                assert [e.rcpt_tos for e in sink.envelopes] == [["retry-worker@dept.example.cn"]]
                assert "重试送达" in sink.texts()[0]
            assert LiaisonMessage.objects.filter(liaison=person).count() == 1
            assert "liaisons.deliver_message" in log.read_text()
        finally:
            stop_and_discard(worker, code=code)
