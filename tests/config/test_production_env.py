"""A missing or wrong production variable stops start-up with one clear line that names it."""

import subprocess
import sys

import pytest

from tests.config.test_deploy_check import ROOT, production_env


def start(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("DATABASE_URL", None, "DATABASE_URL is not set"),
        ("CELERY_BROKER_URL", "amqp://guest@localhost//", "CELERY_BROKER_URL must be a redis:// URL"),
        ("SECRET_KEY", "change-me-to-a-long-random-string", "SECRET_KEY is too short or an example value"),
        ("TRUSTED_PROXIES", "127.0.0.1,nginx", "TRUSTED_PROXIES has 'nginx'"),
        ("UNION_BASE_DOMAIN", "http://gongqing.example.cn", "UNION_BASE_DOMAIN must be a domain name"),
        ("DEBUG", "true", "DEBUG must not be on in production"),
        ("INTAKE_ADDRESS_LIMIT", "many", "INTAKE_ADDRESS_LIMIT must be a whole number"),
    ],
)
def test_a_bad_variable_stops_start_up_with_one_line(name, value, said):
    env = production_env()
    if value is None:
        del env[name]
    else:
        env[name] = value
    result = start(env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"gongqing: configuration error: {said}")
