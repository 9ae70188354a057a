"""Fault (issue 14, item 2): the Celery worker process building an export is killed mid-build. The export
must not stay "running": the message goes back to the queue (acks_late + task_reject_on_worker_lost), the
next delivery finds the dead builder's lock released and builds the file; the user then downloads it.

A real prefork worker (one child) on a queue of this test only, the real broker, committed data in a
throwaway city of its own that is removed, schema and all, in `finally`. The build is held mid-way by a
lock this test takes on a table the build reads, so the kill lands while the export is "running".
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest

from oversight.assessment.models import Export
from oversight.assessment.services import export_request
from oversight.assessment.tasks import assessment_export_task
from shared.unions.services import union_create
from tests.oversight.rollup.conftest import committed_db  # noqa: F401 (a fixture)
from tests.oversight.rollup.test_worker import stop_and_discard, test_database_url, wait_for

ROOT = Path(__file__).resolve().parents[3]
YEAR = 2025


def start_prefork_worker(queue: str, log: Path, media: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=test_database_url(),
        DJANGO_SETTINGS_MODULE="config.settings",
        MEDIA_ROOT=str(media),
    )
    env.pop("TEST_DATABASE_NAME", None)
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1"]
    command += ["--queues", queue, "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def pool_children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


@pytest.fixture
def export_queue(monkeypatch):
    name = f"export-test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setattr(assessment_export_task, "queue", name, raising=False)
    monkeypatch.setattr(assessment_export_task, "_exec_options", None)
    return name


@pytest.mark.fault
@pytest.mark.celery_worker
def test_an_export_whose_worker_is_killed_mid_build_is_built_again(
    committed_db,  # noqa: F811
    django_db_blocker,
    export_queue,
    tmp_path,
):
    log, media = tmp_path / "worker.log", tmp_path / "media"
    code = f"ex{uuid.uuid4().hex[:8]}"
    worker = blocker = None
    with django_db_blocker.unblock():
        try:
            city = union_create(
                code=code, name="导出故障测试", level="city", region_code="339800", domain=f"{code}.localhost"
            )
            worker = start_prefork_worker(export_queue, log, media)
            blocker = psycopg2.connect(test_database_url())
            with blocker.cursor() as cursor:  # the build reads publications first: it waits here
                cursor.execute("LOCK TABLE assessment_publication IN ACCESS EXCLUSIVE MODE")
            export = export_request(city=city, year=YEAR, format="csv", actor=None)  # committed: sent at once

            wait_for(
                lambda: Export.objects.filter(pk=export.pk, status="running").exists(),
                timeout=90, what="the export to be running", log=log,
            )  # fmt: skip
            children = wait_for(lambda: pool_children(worker.pid), timeout=10, what="the pool child", log=log)
            os.kill(children[0], signal.SIGKILL)  # the worker process dies mid-build
            wait_for(lambda: "WorkerLostError" in log.read_text(), timeout=30, what="the lost worker", log=log)
            blocker.rollback()  # the database lets the (dead) build's query go on; the connection then closes

            done = wait_for(
                lambda: Export.objects.filter(pk=export.pk, status="done").first(),
                timeout=120, what="the export to be built again", log=log,
            )  # fmt: skip
            assert (media / done.file.name).read_bytes().startswith(b"\xef\xbb\xbf") or (
                media / done.file.name
            ).stat().st_size > 0
            assert Export.objects.filter(city=city, status="running").count() == 0
        finally:
            if blocker is not None:
                blocker.close()
            stop_and_discard(worker, code=code)
