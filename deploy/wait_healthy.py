"""Wait until /healthz answers 200 (database, Redis and broker all answer), or fail after a timeout.

Used by the systemd web unit (ExecStartPost: the start counts only once the service is healthy), by
compose's health check and by `make smoke`. Standard library only.

    python deploy/wait_healthy.py [--url http://127.0.0.1:8000/healthz] [--host BASE_DOMAIN] [--timeout 60]
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import time
from urllib.parse import urlsplit


def healthz_once(url: str, host: str, timeout: float = 5) -> tuple[int, str]:
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", parts.path or "/healthz", headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/healthz")
    parser.add_argument("--host", default=os.environ.get("UNION_BASE_DOMAIN", "localhost"))
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.timeout
    last = "no answer"
    while True:
        try:
            status, body = healthz_once(args.url, args.host)
            if status == 200:
                print(f"healthy: {body}")
                return 0
            last = f"{status} {body}"
        except OSError as error:
            last = f"{type(error).__name__}: {error}"
        if time.monotonic() > deadline:
            print(f"gongqing: not healthy after {args.timeout:.0f}s: {last}", file=sys.stderr)
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
