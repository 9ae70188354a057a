#!/usr/bin/env python
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def embedded_servers_unless_given() -> None:
    """Outside production, start (or reuse) the embedded PostgreSQL and Redis when DATABASE_URL /
    CELERY_BROKER_URL are not given, and pass their URLs to Django through the environment: the settings
    themselves start nothing."""
    import environ

    environ.Env.read_env(ROOT / ".env", overwrite=False)  # what the settings will read, so .env counts here too
    if os.environ.get("DJANGO_ENV", "development") == "production":
        return
    from deploy.embedded import fill_environment

    fill_environment(os.environ)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    embedded_servers_unless_given()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
