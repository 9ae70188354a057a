"""A live stack on loopback for `make fuzz`, `make load` and the fault tests: a fresh database holding a
provisioned set of unions, gunicorn (and a Celery worker) started on free ports, stopped by whoever
started them. Nothing here touches a server it did not start, except for creating and dropping its own
databases (named after the project's database, with a suffix) on the server DATABASE_URL names.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "demo12345"  # the demo logins' password (demo/provision.py)

# What the world's template database is built from: when one of these changes, it is built again.
TEMPLATE_INPUTS = ("*/migrations/*.py", "*/*/migrations/*.py", "demo/*.py", "tenants/events/demo.py")

VIEWERS = f"""
from shared.accounts.models import Role, User
from shared.accounts.services import membership_grant
from shared.unions.models import Union
for code in ("kecheng", "quzhou"):
    user, _ = User.objects.get_or_create(username=code + "-viewer", defaults={{"full_name": code + " 查看"}})
    user.set_password("{PASSWORD}")
    user.save()
    membership_grant(user=user, union=Union.objects.get(code=code), role=Role.VIEWER)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(server_url: str, name: str) -> str:
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


def _connect(server_url: str):
    import psycopg2

    parts = urlsplit(server_url)
    params = {"dbname": "postgres", "user": parts.username or "postgres"}
    if parts.password:
        params["password"] = parts.password
    host = parts.hostname or parse_qs(parts.query).get("host", [None])[0]
    if host:
        params["host"] = host
    if parts.port:
        params["port"] = parts.port
    connection = psycopg2.connect(**params)
    connection.autocommit = True
    return connection


def _inputs_digest() -> str:
    digest = hashlib.sha256(VIEWERS.encode())
    for pattern in TEMPLATE_INPUTS:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def world_template(server_url: str) -> str:
    """The template database's name: the project database's, with a suffix (shared by fuzz and load)."""
    return f"{urlsplit(server_url).path.strip('/') or 'gongqing'}_world"


def fresh_world(env: dict, *, name: str, say=print) -> str:
    """A new database `name` holding the demo city, its six counties, their history and logins (plus a
    viewer of kecheng and of quzhou), and the URL to it. The provisioned world is built once into a
    template database (again when migrations or the demo data change); each run gets a fresh copy."""
    server_url = env["DATABASE_URL"]
    template = world_template(server_url)
    digest = _inputs_digest()
    connection = _connect(server_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template]
            )
            row = cursor.fetchone()
            if row is None or row[0] != digest:
                say(f"building the world's template database {template} (migrate, demo data; a few minutes)")
                cursor.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{template}"')
                build_env = {**env, "DATABASE_URL": database_url(server_url, template)}
                manage(build_env, "migrate", "--verbosity", "0")
                manage(build_env, "load_demo", "--verbosity", "0")
                manage(build_env, "shell", "--command", VIEWERS)
                cursor.execute(f"COMMENT ON DATABASE \"{template}\" IS '{digest}'")
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        connection.close()
    return database_url(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    connection = _connect(server_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def gunicorn(env: dict, *, port: int, workers: int = 2, log: Path | None = None) -> subprocess.Popen:
    """gunicorn with the production configuration file, on loopback."""
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    output = log.open("w") if log else subprocess.DEVNULL
    command = [PYTHON, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def celery_worker(env: dict, *, queue: str, log: Path | None = None) -> subprocess.Popen:
    output = log.open("w") if log else subprocess.DEVNULL
    command = [PYTHON, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--queues", queue]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def request(port: int, host: str, path: str, *, method="GET", body=None, headers=None, timeout=30):
    """(status, headers, body bytes) of one request to the live server with that Host."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Host", host)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_healthy(port: int, host: str, process: subprocess.Popen, *, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode})")
        try:
            if request(port, host, "/healthz", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the server did not answer /healthz in time")


def session(port: int, host: str, username: str) -> str:
    """The session cookie of a page sign-in as `username` (the login form, with its CSRF token)."""
    import requests  # locust's own dependency, like the load run that calls this

    with requests.Session() as browser:
        browser.headers["Host"] = host
        page = browser.get(f"http://127.0.0.1:{port}/login/", timeout=30)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf}
        answer = browser.post(f"http://127.0.0.1:{port}/login/", data=form, allow_redirects=False, timeout=30)
        if answer.status_code != 302 or "sessionid" not in browser.cookies:
            raise RuntimeError(f"no page session for {username} on {host}: {answer.status_code}")
        return browser.cookies["sessionid"]


def token(port: int, host: str, username: str) -> str:
    status, _headers, body = request(
        port, host, "/api/v1/auth/token/", method="POST", body={"username": username, "password": PASSWORD}
    )
    if status != 200:
        raise RuntimeError(f"no token for {username} on {host}: {status} {body[:200]!r}")
    return json.loads(body)["token"]


def environment(*, base: dict | None = None) -> tuple[dict, bool]:
    """The environment of the stack's processes, with the embedded servers' URLs when none are given;
    True when the embedded servers were started here."""
    sys.path.insert(0, str(ROOT))
    from deploy import embedded
    from web.translations import compile_translations

    env = dict(base or os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    env.setdefault("DEBUG", "false")
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("TEST_DATABASE_NAME", None)
    started = embedded.fill_environment(env)
    compile_translations([ROOT / "locale"])
    return env, started
