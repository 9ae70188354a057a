"""Fault (issue 14, item 2): PostgreSQL restarted while gunicorn serves. Requests during the outage get a
clear 503 (a Chinese page, the API's JSON error) with Retry-After; afterwards the same worker processes serve
again without a restart, with connections kept (CONN_MAX_AGE=60, as in production) or not (0) — and a
restart nobody noticed (no request during it) does not cost the first request after it (CONN_HEALTH_CHECKS).

The PostgreSQL restarted here is a throwaway pgserver of this test (a copy of the test database, made with
pg_dump), never the server other tests or people use.
"""

from __future__ import annotations

import re
import subprocess
import uuid
import warnings
from pathlib import Path

import pytest
import requests
from django.conf import settings

from deploy import live
from tests.conftest import host
from tests.oversight.rollup.conftest import committed_db  # noqa: F401 (a fixture)
from tests.oversight.rollup.test_worker import test_database_url

pytestmark = pytest.mark.fault

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pgserver
    from pgserver._commands import POSTGRES_BIN_PATH, pg_ctl

COUNTY = host("tcounty1")


class Site:
    """One gunicorn (one worker, so "the same process" can be checked) and a signed-in page session."""

    def __init__(self, env: dict, log: Path) -> None:
        self.port = live.free_port()
        self.process = live.gunicorn(env, port=self.port, workers=1, log=log)
        live.wait_healthy(self.port, "localhost", self.process)
        self.url = f"http://127.0.0.1:{self.port}"
        self.pages = requests.Session()
        self.pages.headers["Host"] = COUNTY
        form = self.pages.get(f"{self.url}/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        signed_in = self.pages.post(
            f"{self.url}/login/",
            data={"username": "tcounty1-staff", "password": "x", "csrfmiddlewaretoken": csrf},
            allow_redirects=False,
        )
        assert signed_in.status_code == 302, signed_in.text[-2000:]
        self.api = requests.Session()
        self.api.headers.update({"Host": COUNTY, "Authorization": f"Token {self._token()}"})

    def _token(self) -> str:
        response = requests.post(
            f"{self.url}/api/v1/auth/token/",
            json={"username": "tcounty1-staff", "password": "x"},
            headers={"Host": COUNTY},
        )
        assert response.status_code == 200, response.text
        return response.json()["token"]

    def workers(self) -> list[int]:
        pid = self.process.pid
        return sorted(int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())

    def page(self) -> requests.Response:
        return self.pages.get(f"{self.url}/events/", allow_redirects=False)

    def me(self) -> requests.Response:
        return self.api.get(f"{self.url}/api/v1/me/")


@pytest.fixture(scope="module")
def throwaway_postgres(tmp_path_factory, committed_db, _session_world):  # noqa: F811
    """A PostgreSQL of this module's own, holding a copy of the test database."""
    pgdata = tmp_path_factory.mktemp("pg")
    pgdata.chmod(0o777)  # run as root, pgserver runs postgres as its own system user
    server = pgserver.get_server(pgdata, cleanup_mode="delete")
    server.psql("CREATE DATABASE gongqing;")
    url = server.get_uri("gongqing")
    dump = subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_dump"), "--no-owner", "--no-privileges", "-d", test_database_url()],
        check=True,
        capture_output=True,
    )
    # Column options are server-specific (the project sets none): leave them out of the copy.
    script = re.sub(rb"(?m)^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(.*\);\n", b"", dump.stdout)
    restore = subprocess.run(
        [str(POSTGRES_BIN_PATH / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", url], input=script, capture_output=True
    )
    assert restore.returncode == 0, restore.stderr.decode()[-2000:]
    yield server, url
    server.cleanup()


def _set_password(url: str) -> None:
    """The world's users have the suite's password; give tcounty1-staff a known one in the copy."""
    import psycopg2
    from django.contrib.auth.hashers import make_password

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET password = %s WHERE username = 'tcounty1-staff'", [make_password("x")])


def test_a_database_restart_answers_503_meanwhile_and_the_same_processes_serve_after(throwaway_postgres, tmp_path):
    server, url = throwaway_postgres
    _set_password(url)
    sites = {}
    base = {
        **live.environment()[0],
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CACHE_KEY_PREFIX": f"pgfault-{uuid.uuid4().hex[:8]}",
        "DEBUG": "false",
    }
    try:
        for age in ("0", "60"):
            sites[age] = Site({**base, "CONN_MAX_AGE": age}, tmp_path / f"gunicorn-{age}.log")
        workers = {age: site.workers() for age, site in sites.items()}
        for site in sites.values():
            assert site.page().status_code == 200 and site.me().status_code == 200

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
        for age, site in sites.items():
            page, me = site.page(), site.me()
            assert page.status_code == 503, (age, page.status_code, page.text[-1500:])
            assert "服务暂时不可用" in page.text and page.headers["Retry-After"] == "30"
            assert me.status_code == 503 and me.headers["Retry-After"] == "30"
            assert me.json()["error"]["code"] == "service_unavailable" and "数据库" in me.json()["error"]["message"]

        server.ensure_postgres_running()
        for age, site in sites.items():
            assert site.page().status_code == 200, age
            assert site.me().json()["user"]["username"] == "tcounty1-staff"

        # A restart between two requests: the kept connection (CONN_MAX_AGE=60) is dead, and is checked
        # and replaced before the next request uses it.
        pg_ctl(["-w", "-m", "fast", "restart"], pgdata=server.pgdata, user=server.system_user)
        for age, site in sites.items():
            assert site.me().status_code == 200, age
            assert site.page().status_code == 200, age
        assert {age: site.workers() for age, site in sites.items()} == workers  # no process was restarted
    finally:
        for site in sites.values():
            live.stop(site.process)
