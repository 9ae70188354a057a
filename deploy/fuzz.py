"""`make fuzz`: schemathesis over the whole OpenAPI document against a live server.

A fresh copy of a provisioned world (the demo city, its counties, their history and logins; deploy/live.py),
gunicorn with 2 workers and a Celery worker on loopback, then schemathesis runs every operation of the
document with positive and negative data as three users in turn: a county's staff, a county's viewer and
the city's admin, each on their own union's host with a token. Any server error (5xx), a response that does
not match the document, or a wrong content type fails the run. Everything started is stopped and the
database dropped at the end. FUZZ_SECONDS bounds each user's run (default 60), FUZZ_SEED fixes the data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import embedded, live  # noqa: E402

USERS = [  # (who, username, union code)
    ("county staff", "kecheng-staff", "kecheng"),
    ("county viewer", "kecheng-viewer", "kecheng"),
    ("city admin", "quzhou-admin", "quzhou"),
]
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


def host(env: dict, code: str) -> str:
    return f"{code}.{env.get('UNION_BASE_DOMAIN', 'localhost')}"


# Paths whose `{id}` names an object of the union: schemathesis cannot guess an id that exists (it gets 404s
# and goes no deeper), so each user's run takes a real one, read from the list before the run.
ID_PATHS = {
    "/api/v1/events/": r"^/api/v1/events/\{id\}/",
    "/api/v1/cases/": r"^/api/v1/cases/\{id\}/",
    "/api/v1/enterprises/": r"^/api/v1/enterprises/\{id\}/",
    "/api/v1/planning/plan/": r"^/api/v1/planning/plan/\{id\}/",
    "/api/v1/notices/": r"^/api/v1/notices/\{id\}/",
    "/api/v1/catalogues/topics/": r"^/api/v1/catalogues/topics/\{id\}/",
    "/api/v1/catalogues/departments/": r"^/api/v1/catalogues/departments/\{id\}/",
}


def known_ids(port: int, host_name: str, token: str) -> str:
    """A schemathesis configuration giving the `{id}` of each object path a real id of this union."""
    lines = []
    for listing, pattern in ID_PATHS.items():
        status, _headers, body = live.request(
            port, host_name, f"{listing}?page_size=1", headers={"Authorization": f"Token {token}"}
        )
        if status != 200:
            continue
        data = json.loads(body)
        rows = data.get("results", data) if isinstance(data, dict) else data
        if rows:
            lines += [
                "[[operations]]",
                f"include-path-regex = {json.dumps(pattern)}",
                f"parameters = {{ id = {rows[0]['id']} }}",
                "",
            ]
    lines += ["[[operations]]", 'include-path-regex = "^/api/v1/city/unions/"', 'parameters = { code = "kecheng" }', ""]
    return "\n".join(lines)


def schemathesis(schema: Path, *, port: int, host_name: str, token: str, seconds: int, seed: str, report: Path):
    config = report.with_suffix(".toml")
    config.write_text(known_ids(port, host_name, token))
    command = [str(Path(sys.executable).parent / "st"), "--config-file", str(config), "run", str(schema)]
    command += ["--url", f"http://127.0.0.1:{port}"]
    command += ["--header", f"Host: {host_name}", "--header", f"Authorization: Token {token}"]
    command += ["--checks", CHECKS, "--mode", "all", "--phases", "examples,coverage,fuzzing"]
    command += ["--max-time", str(seconds), "--workers", "1", "--seed", seed, "--request-timeout", "30"]
    # One worker: schemathesis's generator threads hit a CPython 3.11 bug in ast.parse ("AST constructor
    # recursion depth mismatch") now and then, a failure of the tool, not of the API.
    command += ["--suppress-health-check", "all", "--report", "junit", "--report-junit-path", str(report)]
    command += ["--continue-on-failure"]
    # Run in the work folder: schemathesis keeps a cache (.schemathesis/) in its working directory.
    return subprocess.run(command, cwd=report.parent, text=True, capture_output=True)


def summary(output: str) -> str:
    """From schemathesis's closing lines: operations tested, test cases tried, the verdict."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    tested = next((line for line in lines if line.startswith("Tested:")), "Tested: ?")
    cases = next((lines[n + 1] for n, line in enumerate(lines[:-1]) if line == "Test cases:"), "?")
    verdict = next((line.strip("= ") for line in reversed(lines) if line.startswith("====")), "?")
    return f"operations {tested.split(':', 1)[1].strip()}; test cases {cases}; {verdict}"


def main() -> int:
    started_at = time.monotonic()
    env, embedded_started = live.environment()
    seconds = int(os.environ.get("FUZZ_SECONDS", "60"))
    seed = os.environ.get("FUZZ_SEED", str(int(time.time())))
    server_url = env["DATABASE_URL"]
    run = uuid.uuid4().hex[:8]
    name = f"{(live.urlsplit(server_url).path.strip('/') or 'gongqing')}_fuzz_{run}"  # one database a run
    work = Path(tempfile.mkdtemp(prefix="gongqing-fuzz-"))
    processes: list[subprocess.Popen] = []
    failures = []
    try:
        env["DATABASE_URL"] = live.fresh_world(env, name=name)
        env.update(
            CACHE_KEY_PREFIX=f"fuzz-{run}",
            CELERY_TASK_DEFAULT_QUEUE=f"fuzz-{run}",
            MEDIA_ROOT=str(work / "media"),
            LOG_LEVEL="ERROR",
        )
        port = int(os.environ.get("FUZZ_PORT") or live.free_port())
        web = live.gunicorn(env, port=port, workers=2, log=work / "gunicorn.log")
        processes += [web, live.celery_worker(env, queue=env["CELERY_TASK_DEFAULT_QUEUE"], log=work / "worker.log")]
        live.wait_healthy(port, env.get("UNION_BASE_DOMAIN", "localhost"), web)
        first = host(env, "kecheng")
        status, _headers, body = live.request(
            port,
            first,
            "/api/schema/?format=json",
            headers={"Authorization": f"Token {live.token(port, first, 'kecheng-staff')}"},
        )
        if status != 200:
            raise RuntimeError(f"the OpenAPI document: {status}")
        schema = work / "openapi.json"
        schema.write_bytes(body)
        operations = sum(
            1
            for item in json.loads(body)["paths"].values()
            for method in item
            if method in {"get", "post", "put", "patch", "delete"}
        )
        print(f"fuzz: {operations} operations in the OpenAPI document; {seconds}s per user; seed {seed}", flush=True)
        for who, username, code in USERS:
            host_name = host(env, code)
            result = schemathesis(
                schema, port=port, host_name=host_name, token=live.token(port, host_name, username),
                seconds=seconds, seed=seed, report=work / f"junit-{username}.xml",
            )  # fmt: skip
            print(
                f"fuzz: {who:<13} ({username}@{host_name}): exit {result.returncode}: {summary(result.stdout)}",
                flush=True,
            )
            if result.returncode != 0:
                failures.append(who)
                print(result.stdout[-12000:], flush=True)
        errors = (work / "gunicorn.log").read_text()
        if "Traceback" in errors:
            print("fuzz: server tracebacks:\n" + errors[-6000:], flush=True)
    finally:
        for process in processes:
            live.stop(process)
        try:
            live.drop_database(server_url, name)
        except Exception as error:  # the report above matters more than the clean-up
            print(f"fuzz: could not drop {name}: {error}", flush=True)
        if embedded_started:
            embedded.stop_all()
    verdict = f"FAILED for {', '.join(failures)}" if failures else "passed"
    print(f"fuzz: {verdict} in {time.monotonic() - started_at:.0f}s (work files in {work})", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
