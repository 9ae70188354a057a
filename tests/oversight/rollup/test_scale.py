"""bench_scale at a small N, the way it is run: a separate process on this session's database (it commits,
and django-tenants' parallel executor forks workers that must see what it made), then nothing of it is left."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.db import connection

from shared.unions.models import Union

from .test_worker import test_database_url

ROOT = Path(__file__).resolve().parents[3]
FINAL_LINE = re.compile(
    r"bench_scale N=30: provision \d+\.\d{3}s@10 \d+\.\d{3}s@N ratio \d+\.\d{2}; migrate-noop \d+\.\ds; "
    r"migrate-add \d+\.\ds; nightly \d+\.\ds; city \d+\.\dms \(\d+x loop\)"
)


def test_bench_scale_measures_everything_and_leaves_nothing(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        env = {**os.environ, "DATABASE_URL": test_database_url()}
    env.pop("TEST_DATABASE_NAME", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_scale", "--unions", "30", "--runs", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert FINAL_LINE.fullmatch(lines[-1]), lines[-1]
    assert "schemas missing it afterwards: 0" in result.stdout
    assert "same answers" in result.stdout
    with django_db_blocker.unblock():
        assert not Union.objects.filter(code__startswith="zscale").exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'zscale%%'")
            assert cursor.fetchone()[0] == 0
            # The benchmark's migration existed only while it ran: no schema that stays has its record.
            cursor.execute("SELECT count(*) FROM union_template.django_migrations WHERE name LIKE '%%bench_scale%%'")
            assert cursor.fetchone()[0] == 0
    assert not list((ROOT / "tenants" / "events" / "migrations").glob("*bench_scale*"))
