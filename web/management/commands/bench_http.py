"""Requests per second through gunicorn, the way production serves them:

    python manage.py bench_http [--union kecheng] [--user kecheng-admin] [--seconds 5] [--clients 4]

Starts gunicorn with 2 sync workers (DEBUG off, database connections kept for CONN_MAX_AGE=60 s as in
production) on --port, then, in one run, calls for --seconds each: the health check on the bare base domain,
and on the union's host /api/v1/me/, the events list and the cases list (20 a page) with the user's API
token; --clients threads keep it busy. The paths take turns in --rounds rounds, so a change in the machine's
load during the run weighs on every path alike. Prints requests per second and each one as a share of
/healthz. Needs a union with data (e.g. `make demo`'s); refuses to run in production.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shared.accounts.models import User

PATHS = [
    ("healthz", None, "/healthz"),
    ("me", "union", "/api/v1/me/"),
    ("events list", "union", "/api/v1/events/?page_size=20"),
    ("cases list", "union", "/api/v1/cases/?page_size=20"),
]


def _get(port: int, host: str, path: str, headers: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host, **headers})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _hammer(port: int, host: str, path: str, headers: dict, seconds: float, clients: int) -> tuple[float, int]:
    """Requests per second over `seconds` with `clients` threads, and how many answers were not 200."""
    done, failures, lock = [0], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        count = failed = 0
        while time.perf_counter() < deadline:
            failed += _get(port, host, path, headers) != 200
            count += 1
        with lock:
            done[0] += count
            failures[0] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - started), failures[0]


class Command(BaseCommand):
    help = "Requests per second of /healthz, /api/v1/me/ and the events and cases lists through gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--union", default="kecheng", help="code of the union whose host is called")
        parser.add_argument("--user", default="kecheng-admin", help="a member of that union")
        parser.add_argument("--seconds", type=float, default=5.0, help="seconds per path (default 5)")
        parser.add_argument("--clients", type=int, default=4, help="concurrent client threads (default 4)")
        parser.add_argument("--rounds", type=int, default=5, help="rounds the paths take turns in (default 5)")
        parser.add_argument("--port", type=int, default=8129)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("bench_http starts its own gunicorn; run it outside production.")
        from rest_framework.authtoken.models import Token

        from shared.unions.models import Domain

        user = User.objects.filter(username=options["user"]).first()
        domain = Domain.objects.filter(tenant__code=options["union"], is_primary=True).first()
        if user is None or domain is None:
            raise CommandError("Unknown --user or --union (load the demo data first: make demo).")
        token, _ = Token.objects.get_or_create(user=user)
        port = options["port"]
        env = {**os.environ, "DEBUG": "False", "GUNICORN_BIND": f"127.0.0.1:{port}"}
        env.setdefault("CONN_MAX_AGE", "60")  # production's default: no new connection per request
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi",
             "--workers", str(options["workers"]), "--access-logfile", "/dev/null", "--log-level", "warning"],
            cwd=settings.BASE_DIR, env=env,
        )  # fmt: skip
        try:
            self._wait_for(port)
            headers = {"Authorization": f"Token {token.key}"}
            hosts = {None: settings.UNION_BASE_DOMAIN, "union": domain.domain}
            for _name, host, path in PATHS:  # warm every worker's caches
                for _ in range(10):
                    _get(port, hosts[host], path, headers)
            rounds = max(1, options["rounds"])
            totals = {name: [0.0, 0.0, 0] for name, _host, _path in PATHS}  # seconds, requests, failures
            for _round in range(rounds):
                for name, host, path in PATHS:
                    seconds = options["seconds"] / rounds
                    rate, failures = _hammer(port, hosts[host], path, headers, seconds, options["clients"])
                    totals[name][0] += seconds
                    totals[name][1] += rate * seconds
                    totals[name][2] += failures
            results = {name: (done / seconds, failures) for name, (seconds, done, failures) in totals.items()}
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        base = results["healthz"][0]
        self.stdout.write(
            f"Through gunicorn, {options['workers']} workers, {options['clients']} clients, "
            f"{options['seconds']:g} s per path in {rounds} rounds, union {options['union']}, "
            f"CONN_MAX_AGE={env['CONN_MAX_AGE']}, load average {os.getloadavg()[0]:.1f}:"
        )
        for name, (rate, failures) in results.items():
            note = f"  ({failures} answers not 200)" if failures else ""
            self.stdout.write(f"  {name:<12} {rate:8.1f} req/s  {rate / base * 100:5.1f}% of /healthz{note}")
        if any(failures for _rate, failures in results.values()):
            raise CommandError("Some answers were not 200.")

    def _wait_for(self, port: int) -> None:
        for _ in range(100):
            try:
                _get(port, settings.UNION_BASE_DOMAIN, "/healthz", {})
                return
            except OSError:
                time.sleep(0.1)
        raise CommandError(f"gunicorn did not answer on port {port}.")
