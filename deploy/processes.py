"""The command lines of the Celery processes, shared by the development runner (dev.py) and make smoke."""

from __future__ import annotations

import sys
from pathlib import Path


def celery_worker_command(*extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        "2",
        *extra,
    ]


def celery_beat_command(*, schedule: Path) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO", "--schedule", str(schedule)]
