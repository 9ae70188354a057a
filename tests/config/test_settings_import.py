"""Importing the settings starts nothing: no embedded PostgreSQL or Redis, no child process, no socket.
Without DATABASE_URL outside production they stop with one line saying how to get the URLs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: an audit hook records every process started and every socket opened while
# the settings module is imported.
PROBE = r"""
import json, sys
WATCHED = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
           "socket.connect", "socket.bind")
events = []
sys.addaudithook(lambda event, args: events.append(event) if event in WATCHED else None)
try:
    import config.settings
except Exception as error:
    outcome = f"{type(error).__name__}: {error}"
else:
    outcome = "imported"
print(json.dumps({"outcome": outcome, "events": events}))
"""


def import_settings(tmp_path: Path, **variables: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DJANGO_ENV", "DJANGO_SETTINGS_MODULE")
    }
    # Were anything started, the embedded servers would put their data here.
    env.update(EMBEDDED_DATA_DIR=str(tmp_path / "embedded"), DJANGO_ENV="development", **variables)
    try:
        result = subprocess.run(
            [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        if (tmp_path / "embedded").exists():  # a regression started servers: stop them before failing
            stop = "from deploy import embedded; embedded.stop_all()"
            subprocess.run([sys.executable, "-c", stop], cwd=ROOT, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "variables, missing",
    [({}, "DATABASE_URL"), ({"DATABASE_URL": "postgres://postgres@127.0.0.1:1/none"}, "CELERY_BROKER_URL")],
)
def test_settings_without_urls_start_nothing_and_say_how_to_get_them(tmp_path, variables, missing):
    found = import_settings(tmp_path, **variables)
    assert found["events"] == []
    assert not (tmp_path / "embedded").exists()
    assert found["outcome"].startswith(f"ImproperlyConfigured: {missing} is not set")
    assert "deploy/dev.py env" in found["outcome"]


def test_settings_with_urls_import_without_connecting(tmp_path):
    # Ports nothing listens on: importing must not try them.
    found = import_settings(
        tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:1/none", CELERY_BROKER_URL="redis://127.0.0.1:1/0"
    )
    assert found == {"outcome": "imported", "events": []}
    assert not (tmp_path / "embedded").exists()
