"""The development runner behind `make demo` and `make test`.

It starts the embedded PostgreSQL and Redis unless DATABASE_URL / CELERY_BROKER_URL are set, compiles
the translations, and then either runs the demo (migrate, demo data, web server, Celery worker and
beat) or the test suite. Ctrl-C stops everything it started; the data stays in .data/ for next time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import embedded  # noqa: E402
from deploy.processes import celery_beat_command, celery_worker_command  # noqa: E402

PYTHON = sys.executable


def compile_messages() -> None:
    """Compile .po files to .mo with polib, so no system gettext is needed."""
    from web.translations import compile_translations

    compile_translations([ROOT / "locale"])


def prepare_environment(*, test: bool = False) -> tuple[dict, bool]:
    """Environment for the children; True when this runner started embedded services."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    env["PYTHONUNBUFFERED"] = "1"
    if test:
        env.setdefault("DJANGO_ENV", "test")
    started = embedded.fill_environment(env)
    compile_messages()
    return env, started


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def run_demo() -> int:
    env, started = prepare_environment()
    # The demo is shown to people: the product's own error pages, not Django's debug pages listing every
    # route. WhiteNoise serves the static files without DEBUG (WHITENOISE_USE_FINDERS outside production).
    env.setdefault("DEBUG", "false")
    port = env.get("PORT", "8000")
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "load_demo")
    children = [
        subprocess.Popen([PYTHON, "manage.py", "runserver", f"0.0.0.0:{port}"], cwd=ROOT, env=env),
        subprocess.Popen(celery_worker_command(), cwd=ROOT, env=env),
        subprocess.Popen(celery_beat_command(schedule=embedded.DATA_DIR / "celerybeat-schedule"), cwd=ROOT, env=env),
    ]
    time.sleep(2)
    print_banner(env, port)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        if started:
            embedded.stop_all()
        print("\nStopped. Data kept in .data/ for the next run.")
    return 0


def print_banner(env: dict, port: str) -> None:
    code = (
        "from shared.unions.selectors import union_list\n"
        "for u in union_list():\n"
        "    print(u.code, u.name, u.domains.first().domain, sep='\\t')\n"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    ).stdout
    print("\n" + "=" * 72)
    print("工情直通车 is running. Every union has its own address:")
    for line in out.strip().splitlines():
        union_code, name, domain = line.split("\t")
        print(f"  {name:<10} http://{domain}:{port}/    logins: {union_code}-admin / {union_code}-staff")
    print("  Password for every demo login: demo12345")
    print(f"  API docs: http://quzhou.localhost:{port}/api/docs/   Admin (superusers): http://localhost:{port}/admin/")
    print("Press Ctrl-C to stop the web server, the Celery worker and beat.")
    print("=" * 72 + "\n", flush=True)


def run_tests(pytest_args: list[str]) -> int:
    env, started = prepare_environment(test=True)
    try:
        return subprocess.run([PYTHON, "-m", "pytest", *pytest_args], cwd=ROOT, env=env).returncode
    finally:
        if started and env.get("CI"):
            embedded.stop_all()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "demo"
    if command == "demo":
        return run_demo()
    if command == "test":
        return run_tests(argv[1:])
    if command == "stop":
        embedded.stop_all()
        return 0
    if command == "env":
        env, _started = prepare_environment()
        print(f"export DATABASE_URL='{env['DATABASE_URL']}'\nexport CELERY_BROKER_URL='{env['CELERY_BROKER_URL']}'")
        return 0
    print(f"usage: {sys.argv[0]} demo|test [pytest args]|stop|env", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
