"""`make smoke`: the production stack on this machine, end to end, through Debian's nginx over TLS.

It starts, on loopback only and with everything under .data/smoke/ (git-ignored): an embedded PostgreSQL
and Redis (reached through DATABASE_URL / CELERY_BROKER_URL like real servers), then follows the README's
production steps with DJANGO_ENV=production (compile_translations, migrate, collectstatic, check --deploy),
loads the demo province plus a city outside it, and starts gunicorn, a Celery worker, Celery beat and nginx with the
site of deploy/nginx/ and a wildcard certificate made in the run by trustme. It checks through nginx what a
union would see, measures requests per second for the events list and /healthz, stops everything it
started and prints its wall time. Exit status 0 only when every check passed.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SMOKE_DIR = ROOT / ".data" / "smoke"
os.environ["EMBEDDED_DATA_DIR"] = str(SMOKE_DIR)  # before deploy.embedded reads it
sys.path.insert(0, str(ROOT))

from deploy import embedded  # noqa: E402
from deploy.nginx_site import write_local_nginx  # noqa: E402
from deploy.processes import celery_beat_command, celery_worker_command  # noqa: E402

BASE_DOMAIN = "gongqing.test"
HTTP_PORT = int(os.environ.get("SMOKE_HTTP_PORT", "8104"))
HTTPS_PORT = int(os.environ.get("SMOKE_HTTPS_PORT", "8105"))
GUNICORN_PORT = int(os.environ.get("SMOKE_GUNICORN_PORT", "8106"))
BENCH_SECONDS = float(os.environ.get("SMOKE_BENCH_SECONDS", "5"))
BENCH_CONNECTIONS = int(os.environ.get("SMOKE_BENCH_CONNECTIONS", "8"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BIN = Path(sys.executable).parent
PASSWORD = "demo12345"  # the demo logins' password
OTHER_CITY = "wenzhou"  # a city outside the demo province (the demo has 丽水 in it)
SMOKE_ADDRESS_LIMIT = 3  # INTAKE_ADDRESS_LIMIT for the run (600 in production): the ceiling is reached quickly
RUN_CA: dict[str, str] = {}  # the PEM of the CA made for this run


class SmokeFailure(Exception):
    pass


STARTED = time.monotonic()


def say(message: str) -> None:
    print(message, flush=True)


def phase(message: str) -> None:
    say(f"[{time.monotonic() - STARTED:6.1f} s] {message}")


def check(condition: bool, what: str, detail: str = "") -> None:
    if not condition:
        raise SmokeFailure(f"{what}: {detail}"[:2000])
    say(f"  ok  {what}")


# --- processes ---------------------------------------------------------------------------------------
class Stack:
    """The processes this run started (each in its own session), stopped in reverse order."""

    def __init__(self) -> None:
        self.children: list[tuple[str, subprocess.Popen, int]] = []
        (SMOKE_DIR / "logs").mkdir(parents=True, exist_ok=True)

    def log(self, name: str) -> Path:
        return SMOKE_DIR / "logs" / f"{name}.log"

    def start(self, name: str, argv: list[str], env: dict, stop_signal: int = signal.SIGTERM) -> subprocess.Popen:
        out = open(self.log(name), "ab")
        child = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.children.append((name, child, stop_signal))
        return child

    def alive(self, name: str) -> bool:
        return any(n == name and child.poll() is None for n, child, _sig in self.children)

    def stop(self) -> list[str]:
        """Stop every child (and anything it forked); the names of those that needed SIGKILL."""
        killed = []
        for _name, child, stop_signal in reversed(self.children):
            if child.poll() is None:
                os.killpg(child.pid, stop_signal)
        for name, child, _sig in reversed(self.children):
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
                killed.append(name)
            try:  # workers of a stopped master go with it; make sure of it
                os.killpg(child.pid, 0)
                os.killpg(child.pid, signal.SIGKILL)
                killed.append(f"{name} (leftover children)")
            except ProcessLookupError:
                pass
        return killed


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        raise SmokeFailure(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


# --- HTTPS through nginx -----------------------------------------------------------------------------
class LoopbackHTTPS(http.client.HTTPSConnection):
    """Connects to 127.0.0.1 whatever the host name: SNI and Host name the union, like a browser would."""

    def connect(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout, self.source_address)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class LoopbackHTTP(http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = socket.create_connection(("127.0.0.1", self.port), self.timeout, self.source_address)


class Response:
    def __init__(self, status: int, headers: dict, body: bytes, set_cookies: list[str] | None = None) -> None:
        self.status, self.headers, self.body = status, headers, body
        self.set_cookies = set_cookies or []

    def cookies(self) -> dict[str, str]:
        return dict(c.split(";", 1)[0].split("=", 1) for c in self.set_cookies)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def json(self):
        return json.loads(self.body)


class Client:
    def __init__(self, tls: ssl.SSLContext, source: str | None = None) -> None:
        """source: the loopback address to connect from (127.0.0.2 is not a trusted proxy, like a phone)."""
        self.tls = tls
        self.source_address = (source, 0) if source else None

    def connection(self, host: str, *, https: bool = True) -> http.client.HTTPConnection:
        if https:
            return LoopbackHTTPS(host, HTTPS_PORT, context=self.tls, timeout=30, source_address=self.source_address)
        return LoopbackHTTP(host, HTTP_PORT, timeout=30, source_address=self.source_address)

    def request(self, method, host, path, *, body=None, headers=None, token=None, https=True) -> Response:
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Token {token}"
        if isinstance(body, dict):
            body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn = self.connection(host, https=https)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            return Response(response.status, headers, response.read(), response.msg.get_all("Set-Cookie"))
        finally:
            conn.close()

    def form(self, host: str, path: str, fields: dict[str, str], cookies: dict[str, str]) -> Response:
        """POST a form like a browser over HTTPS: its cookies, and an Origin that Django's CSRF check accepts."""
        return self.request(
            "POST",
            host,
            path,
            body=urlencode(fields).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                "Origin": f"https://{host}:{HTTPS_PORT}",
                "Referer": f"https://{host}:{HTTPS_PORT}{path}",
            },
        )

    def get(self, host, path, **kwargs) -> Response:
        return self.request("GET", host, path, **kwargs)

    def token(self, host: str, username: str) -> str:
        response = self.request("POST", host, "/api/v1/auth/token/", body={"username": username, "password": PASSWORD})
        if response.status != 200:
            raise SmokeFailure(f"no token for {username} on {host}: {response.status} {response.text[:300]}")
        return response.json()["token"]


def any_name() -> ssl.SSLContext:
    """The run's CA, without the host-name check: to see what the server does with a name not its own."""
    context = ssl.create_default_context(cadata=RUN_CA["pem"])
    context.check_hostname = False
    return context


def host(code: str) -> str:
    return f"{code}.{BASE_DOMAIN}"


# --- set-up ------------------------------------------------------------------------------------------
def make_certificate() -> tuple[ssl.SSLContext, Path, Path]:
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert(BASE_DOMAIN, f"*.{BASE_DOMAIN}")
    tls_dir = SMOKE_DIR / "tls"
    tls_dir.mkdir(parents=True, exist_ok=True)
    chain, key = tls_dir / "fullchain.pem", tls_dir / "privkey.pem"
    cert.private_key_pem.write_to_path(str(key))
    cert.cert_chain_pems[0].write_to_path(str(chain))
    for pem in cert.cert_chain_pems[1:]:
        pem.write_to_path(str(chain), append=True)
    RUN_CA["pem"] = ca.cert_pem.bytes().decode()
    context = ssl.create_default_context(cadata=RUN_CA["pem"])  # this run's CA only
    return context, chain, key


def render_site(chain: Path, key: Path) -> Path:
    """deploy/nginx/gongqing.conf.template with this run's values, in a folder of its own."""
    nginx_dir = SMOKE_DIR / "nginx"
    write_local_nginx(
        nginx_dir,
        {
            "GONGQING_DOMAIN": BASE_DOMAIN,
            "GONGQING_CERT": str(chain),
            "GONGQING_CERT_KEY": str(key),
            "GONGQING_UPSTREAM": f"127.0.0.1:{GUNICORN_PORT}",
            "GONGQING_STATIC_ROOT": str(ROOT / "staticfiles"),
            "GONGQING_ERROR_PAGES": str(ROOT / "deploy" / "nginx" / "errors"),
            "GONGQING_HTTP_PORT": str(HTTP_PORT),
            "GONGQING_HTTPS_PORT": str(HTTPS_PORT),
        },
    )
    return nginx_dir


SECOND_CITY = f"""
from shared.accounts.models import User
from shared.accounts.services import membership_grant
from shared.unions.models import Union
user = User.objects.create_user(username="{OTHER_CITY}-admin", password="{PASSWORD}")
membership_grant(user=user, union=Union.objects.get(code="{OTHER_CITY}"), role="admin")
"""


QR_PATH = """
from django_tenants.utils import schema_context
from shared.unions.models import Union
from tenants.events.models import Event, EventStatus
from web.qr import intake_token
union = Union.objects.get(code="kecheng")
with schema_context(union.schema_name):
    event = Event.objects.filter(status__in=[EventStatus.PLANNED, EventStatus.PREPARED, EventStatus.HELD]).first()
    print(f"/q/{intake_token(union=union, event=event)}/")
"""


def production_env(database_url: str, broker_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "PYTEST"))}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONUNBUFFERED="1",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        UNION_BASE_DOMAIN=BASE_DOMAIN,
        # nginx passes $host (no port): on 8105 rather than 443 the browser's Origin carries the port.
        CSRF_TRUSTED_ORIGINS=f"https://*.{BASE_DOMAIN}:{HTTPS_PORT},https://{BASE_DOMAIN}:{HTTPS_PORT}",
        TRUSTED_PROXIES="127.0.0.1",
        MEDIA_ROOT=str(SMOKE_DIR / "media"),
        EMAIL_URL="consolemail://",
        INTAKE_ADDRESS_LIMIT=str(SMOKE_ADDRESS_LIMIT),
        GUNICORN_BIND=f"127.0.0.1:{GUNICORN_PORT}",
        GUNICORN_WORKERS=os.environ.get("SMOKE_GUNICORN_WORKERS", "3"),
    )
    return env


# --- checks ------------------------------------------------------------------------------------------
def run_checks(client: Client, env: dict, stack: Stack) -> dict:
    phase("Checks through nginx (https://*.gongqing.test on 127.0.0.1):")
    health = client.get(BASE_DOMAIN, "/healthz")
    check(
        health.status == 200 and health.json()["checks"] == {"database": "ok", "redis": "ok", "broker": "ok"},
        "/healthz: database, Redis and broker answer",
        health.text,
    )

    login = client.get(host("kecheng"), "/login/")
    check(
        login.status == 200
        and 'lang="zh-hans"' in login.text
        and "登录" in login.text
        and "柯城区总工会" in login.text,
        "a county host's sign-in page is in Chinese",
        f"{login.status} {login.text[:300]}",
    )
    check("max-age=" in login.headers.get("strict-transport-security", ""), "HSTS header set", str(login.headers))

    csrf = login.cookies().get("csrftoken", "")
    check(
        any(c.startswith("csrftoken=") and "Secure" in c for c in login.set_cookies),
        "the CSRF cookie is Secure",
        str(login.set_cookies),
    )
    signed_in = client.form(
        host("kecheng"),
        "/login/",
        {"username": "kecheng-staff", "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        {"csrftoken": csrf},
    )
    session = signed_in.cookies().get("sessionid")
    check(
        signed_in.status == 302
        and session
        and any("Secure" in c for c in signed_in.set_cookies if c.startswith("sessionid=")),
        "session sign-in through nginx (CSRF over HTTPS, Secure session cookie)",
        f"{signed_in.status} {signed_in.text[:300]}",
    )
    home = client.get(host("kecheng"), "/events/", headers={"Cookie": f"sessionid={session}"})
    check(home.status == 200 and "活动" in home.text, "the signed-in events page", str(home.status))

    qr_path = manage(env, "shell", "--no-imports", "-c", QR_PATH).strip().splitlines()[-1]
    page = client.get(host("kecheng"), qr_path)
    cookies = page.cookies()
    check(
        page.status == 200 and "gq_device" in cookies and "csrftoken" in cookies,
        "a worker opens the QR page",
        f"{page.status} {page.set_cookies}",
    )
    sent = client.form(
        host("kecheng"),
        qr_path,
        {"kind": "request", "description": "冒烟测试：宿舍热水经常停。", "csrfmiddlewaretoken": cookies["csrftoken"]},
        cookies,
    )
    check(
        sent.status == 302 and "/thanks/?receipt=" in sent.headers.get("location", ""),
        "the worker's QR submission is accepted through nginx",
        f"{sent.status} {sent.text[:300]}",
    )

    # Phones behind nginx: the app counts the address nginx saw, whatever X-Forwarded-For a phone sends.
    def submit_from(source: str, forged: str) -> Response:
        phone = Client(client.tls, source=source)
        page = phone.get(host("kecheng"), qr_path, headers={"X-Forwarded-For": forged})
        fields = {
            "kind": "request",
            "description": f"来自{source}的问题",
            "csrfmiddlewaretoken": page.cookies()["csrftoken"],
        }
        return phone.form(host("kecheng"), qr_path, fields, page.cookies())

    accepted = [submit_from("127.0.0.2", f"198.51.100.{n}").status for n in range(SMOKE_ADDRESS_LIMIT)]
    refused = submit_from("127.0.0.2", "198.51.100.99")
    check(
        accepted == [302] * SMOKE_ADDRESS_LIMIT and refused.status == 429 and "此网络提交次数过多" in refused.text,
        f"per-address QR ceiling ({SMOKE_ADDRESS_LIMIT}) counts what nginx saw; forged X-Forwarded-For changes nothing",
        f"{accepted} {refused.status}",
    )
    check(submit_from("127.0.0.3", "198.51.100.2").status == 302, "another address still submits", "")

    css = re.search(r'href="(/static/[^"]+\.css)"', login.text)
    check(css is not None, "the page links a hashed static file", login.text[:500])
    static = client.get(host("kecheng"), css.group(1), headers={"Accept-Encoding": "gzip"})
    check(
        static.status == 200
        and static.headers.get("content-type", "").startswith("text/css")
        and "immutable" in static.headers.get("cache-control", ""),
        f"static file served by nginx ({css.group(1)})",
        f"{static.status} {static.headers}",
    )

    token = client.token(host("kecheng"), "kecheng-staff")
    events = client.get(host("kecheng"), "/api/v1/events/", token=token)
    check(
        events.status == 200 and events.json()["count"] > 0 and events.json()["results"],
        f"token + API events list ({events.json().get('count') if events.status == 200 else '?'} events)",
        f"{events.status} {events.text[:300]}",
    )
    elsewhere = client.get(host("qujiang"), "/api/v1/events/", token=token)
    check(elsewhere.status == 403, "the token does not open another union's API", str(elsewhere.status))

    city_token = client.token(host("quzhou"), "quzhou-staff")
    requested = client.request(
        "POST",
        host("quzhou"),
        "/api/v1/city/assessment/exports/",
        body={"year": 2025, "format": "csv"},
        token=city_token,
    )
    check(requested.status == 202, "the city asks for an assessment export (202)", requested.text[:300])
    export = requested.json()
    deadline = time.monotonic() + 60
    while export["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.5)
        export = client.get(host("quzhou"), export["status_url"], token=city_token).json()
    check(export["status"] == "done", "the Celery worker built the export", json.dumps(export, ensure_ascii=False))
    download = client.get(host("quzhou"), export["download_url"], token=city_token)
    check(
        download.status == 200
        and "attachment" in download.headers.get("content-disposition", "")
        and len(download.body) > 50,
        f"a city member downloads it ({len(download.body)} bytes)",
        f"{download.status} {download.headers}",
    )
    county = client.get(host("quzhou"), export["download_url"], token=client.token(host("kecheng"), "kecheng-admin"))
    check(county.status == 403, "a county's admin cannot download the city's export", str(county.status))
    other_token = client.token(host(OTHER_CITY), f"{OTHER_CITY}-admin")
    other = client.get(host("quzhou"), export["download_url"], token=other_token)
    check(other.status == 403, "another city's admin cannot download it on the city's host", str(other.status))
    other_own = client.get(host(OTHER_CITY), export["download_url"], token=other_token)
    check(other_own.status == 404, "nor through its own host", str(other_own.status))
    media = client.get(host("quzhou"), "/media/exports/assessment/")
    check(media.status == 404, "media is not a public folder", str(media.status))
    check_uploads(client, token, events.json()["results"][0]["id"])

    redirect = client.get(host("kecheng"), "/login/?next=/cases/", https=False)
    check(
        redirect.status == 301 and redirect.headers.get("location") == f"https://{host('kecheng')}/login/?next=/cases/",
        "HTTP redirects to HTTPS",
        f"{redirect.status} {redirect.headers.get('location')}",
    )

    for name, request in (
        # The client does not check the name here, so it is nginx that refuses, not the client.
        ("an unknown host over HTTPS is refused", lambda: Client(any_name()).get("evil.example", "/")),
        (
            "a forged Host header on a union's TLS name is refused",
            lambda: client.get(host("kecheng"), "/", headers={"Host": "evil.example"}),
        ),
        ("an unknown host over HTTP is refused", lambda: client.get("evil.example", "/", https=False)),
    ):
        try:
            answer = request()
            check(False, name, f"answered {answer.status}")
        except (http.client.RemoteDisconnected, ConnectionError, ssl.SSLError) as error:
            check(True, name + f" ({type(error).__name__})")
    unknown = client.get(host("nosuch"), "/login/")
    check(unknown.status == 404, "a subdomain that names no union is a 404", str(unknown.status))

    conn = client.connection(host("kecheng"))
    conn.putrequest("POST", "/enterprises/import/")
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Content-Length", str(30 * 1024 * 1024))
    conn.endheaders()
    too_big = conn.getresponse()
    body = too_big.read().decode(errors="replace")
    conn.close()
    check(
        too_big.status == 413 and "提交的内容太大" in body,
        "a body over the limit gets nginx's Chinese 413 page",
        f"{too_big.status} {body[:200]}",
    )

    deploy_check = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    check("no issues" in deploy_check, "manage.py check --deploy is clean", deploy_check)
    return {"kecheng_token": token}


def _multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "smoke" + os.urandom(8).hex()
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def check_uploads(client: Client, token: str, event_id: int) -> None:
    """A 9.5 MB PDF through nginx into the storage and back to the union's member only; 11 MB refused by Django
    with the Chinese reason (nginx lets up to 20 MB through)."""
    pdf = b"%PDF-1.4\n" + b"0" * (9 * 1024 * 1024 + 512 * 1024) + b"\n%%EOF\n"
    body, content_type = _multipart({"event": str(event_id), "description": "smoke"}, "会议纪要.pdf", pdf)
    started = time.monotonic()
    uploaded = client.request(
        "POST", host("kecheng"), "/api/v1/attachments/", body=body, headers={"Content-Type": content_type}, token=token
    )
    seconds = time.monotonic() - started
    check(uploaded.status == 201, f"a 9.5 MB PDF uploads through nginx ({seconds:.2f} s)", uploaded.text[:300])
    download = client.get(host("kecheng"), uploaded.json()["download"], token=token)
    check(download.status == 200 and download.body == pdf, "it comes back whole to a member", str(download.status))
    other = client.get(
        host("kecheng"), uploaded.json()["download"], token=client.token(host("qujiang"), "qujiang-staff")
    )
    check(other.status == 403, "another union's member gets nothing", str(other.status))
    body, content_type = _multipart({"event": str(event_id)}, "big.pdf", pdf + b"0" * (1536 * 1024))
    too_big = client.request(
        "POST", host("kecheng"), "/api/v1/attachments/", body=body, headers={"Content-Type": content_type}, token=token
    )
    check(
        too_big.status == 400 and too_big.json()["error"]["code"] == "too_large",
        "an 11 MB file is refused by the application with its reason",
        too_big.text[:300],
    )


def check_logs(stack: Stack) -> None:
    web_log = stack.log("gunicorn").read_text(errors="replace")
    check(
        f"[kecheng] gongqing.request: GET {host('kecheng')}" in web_log,
        "web log lines carry the union's code",
        web_log[-1000:],
    )
    deadline = time.monotonic() + 20
    while True:
        worker_log = stack.log("worker").read_text(errors="replace")
        task_lines = [line for line in worker_log.splitlines() if "assessment" in line and "succeeded" in line]
        if task_lines or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    check(
        any("[quzhou]" in line for line in task_lines),
        "worker log lines of a task carry the union's code",
        "\n".join(task_lines) or worker_log[-1500:],
    )
    beat_log = stack.log("beat").read_text(errors="replace")
    check(stack.alive("beat") and "beat: Starting" in beat_log, "Celery beat is running", beat_log[-500:])


# --- requests per second -------------------------------------------------------------------------------
def bench(client: Client, host_name: str, path: str, token: str | None) -> tuple[float, float, float, int]:
    """(requests/s, median ms, 95th percentile ms, errors) for BENCH_CONNECTIONS keep-alive connections."""
    headers = {"Authorization": f"Token {token}"} if token else {}
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + BENCH_SECONDS

    def worker() -> None:
        conn = client.connection(host_name)
        mine = []
        while time.monotonic() < stop_at:
            started = time.monotonic()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = client.connection(host_name)
            if ok:
                mine.append(time.monotonic() - started)
            else:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(BENCH_CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    if not latencies:
        return 0.0, 0.0, 0.0, errors[0]
    return (
        len(latencies) / elapsed,
        latencies[len(latencies) // 2] * 1000,
        latencies[int(len(latencies) * 0.95)] * 1000,
        errors[0],
    )


# --- the run -----------------------------------------------------------------------------------------
def ready_to_run() -> bool:
    """nginx is installed and the run's ports are free; otherwise say what is missing."""
    if not Path(NGINX).exists():
        say("!" * 72 + "\nmake smoke needs Debian's nginx (apt-get install nginx); it is not installed.\n" + "!" * 72)
        return False
    busy = [p for p in (HTTP_PORT, HTTPS_PORT, GUNICORN_PORT) if not port_free(p)]
    if busy:
        say(f"make smoke: ports {busy} are in use on 127.0.0.1; stop what holds them (or set SMOKE_*_PORT).")
        return False
    return True


def measure(client, tokens: dict, env: dict, figures: dict) -> None:
    """Requests per second through nginx for the events list and the health check, into `figures`."""
    phase(
        f"Requests per second through nginx (TLS, {BENCH_CONNECTIONS} keep-alive connections, "
        f"{BENCH_SECONDS:.0f} s each, gunicorn workers: {env['GUNICORN_WORKERS']}):"
    )
    for label, host_name, path, token in (
        ("events list  GET /api/v1/events/", host("kecheng"), "/api/v1/events/", tokens["kecheng_token"]),
        ("health check GET /healthz       ", BASE_DOMAIN, "/healthz", None),
    ):
        rate, median, p95, errors = bench(client, host_name, path, token)
        figures[label] = rate
        say(f"  {label}  {rate:7.1f} req/s   median {median:6.1f} ms   p95 {p95:6.1f} ms   errors {errors}")
        if errors:
            raise SmokeFailure(f"{errors} failed requests while measuring {label.strip()}")


def report_failure(stack: Stack, failure: str) -> None:
    """The failure and the last lines of each service's log."""
    say(f"\nSMOKE FAILED: {failure}")
    for name in ("gunicorn", "worker", "beat"):
        log = stack.log(name)
        if log.exists():
            say(
                f"--- last lines of {log.relative_to(ROOT)} ---\n"
                + "\n".join(log.read_text(errors="replace").splitlines()[-15:])
            )
    nginx_log = SMOKE_DIR / "nginx" / "error.log"
    if nginx_log.exists():
        say(f"--- {nginx_log.relative_to(ROOT)} ---\n" + nginx_log.read_text(errors="replace")[-1500:])


def leftovers() -> list[str]:
    """Whatever the run started that still runs."""
    found = [f"port {p}" for p in (HTTP_PORT, HTTPS_PORT, GUNICORN_PORT) if not port_free(p)]
    if embedded._redis_answers():
        found.append("embedded Redis")
    if (embedded.PG_DIR / "postmaster.pid").exists():
        found.append("embedded PostgreSQL")
    return found


def main() -> int:
    started = time.monotonic()
    if not ready_to_run():
        return 1
    embedded.stop_all()  # a previous run cut short may have left its embedded servers
    shutil.rmtree(SMOKE_DIR, ignore_errors=True)
    stack = Stack()
    failure = None
    figures = {}
    try:
        phase("Embedded PostgreSQL and Redis for the run (.data/smoke/) ...")
        env = production_env(embedded.postgres_url(), embedded.redis_url())
        phase("Production steps: compile_translations, migrate, collectstatic ...")
        manage(env, "compile_translations")
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        phase(
            "Data: the demo province and its cities (load_demo refuses production, so it runs as development), and a city outside it ..."
        )
        demo_env = dict(env, DJANGO_ENV="development")
        manage(demo_env, "load_demo")
        manage(
            env,
            "create_union",
            "--code",
            OTHER_CITY,
            "--name",
            "温州市总工会",
            "--level",
            "city",
            "--region",
            "330300",
            "--domain",
            host(OTHER_CITY),
        )
        manage(env, "shell", "--no-imports", "-c", SECOND_CITY)

        tls, chain, key = make_certificate()
        nginx_dir = render_site(chain, key)
        phase("Starting gunicorn, Celery worker and beat, nginx ...")
        stack.start("gunicorn", [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "config.wsgi"], env)
        stack.start("worker", celery_worker_command("--hostname", "smoke@%h"), env)
        stack.start("beat", celery_beat_command(schedule=SMOKE_DIR / "celerybeat-schedule"), env)
        test = subprocess.run(
            [
                NGINX,
                "-t",
                "-q",
                "-e",
                str(nginx_dir / "error.log"),
                "-p",
                str(nginx_dir),
                "-c",
                str(nginx_dir / "nginx.conf"),
            ],
            capture_output=True,
            text=True,
        )
        if test.returncode != 0:
            raise SmokeFailure(f"nginx -t refused the site:\n{test.stderr}")
        stack.start(
            "nginx",
            [
                NGINX,
                "-e",
                str(nginx_dir / "error.log"),
                "-p",
                str(nginx_dir),
                "-c",
                str(nginx_dir / "nginx.conf"),
                "-g",
                "daemon off;",
            ],
            env,
            stop_signal=signal.SIGQUIT,
        )
        waited = subprocess.run(
            [
                sys.executable,
                "deploy/wait_healthy.py",
                "--url",
                f"http://127.0.0.1:{GUNICORN_PORT}/healthz",
                "--host",
                BASE_DOMAIN,
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if waited.returncode != 0:
            raise SmokeFailure(f"gunicorn never became healthy: {waited.stderr}")

        client = Client(tls)
        tokens = run_checks(client, env, stack)
        check_logs(stack)

        measure(client, tokens, env, figures)
    except SmokeFailure as error:
        failure = str(error)
    finally:
        killed = stack.stop()
        embedded.stop_all()
    if failure:
        report_failure(stack, failure)
    running = leftovers()
    if killed or running:
        say(f"make smoke: had to kill {killed}; still running: {running}")
    say(
        f"\nmake smoke: {'FAILED' if failure or running else 'passed'} in {time.monotonic() - started:.1f} s wall time"
        " (everything it started is stopped)."
    )
    return 1 if failure or running else 0


if __name__ == "__main__":
    sys.exit(main())
