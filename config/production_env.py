"""Production start-up refuses a missing or wrong variable with one line that names it.

Called by config/settings.py before anything reads the variables, so a service manager's log shows
``configuration error: DATABASE_URL ...`` instead of a traceback. Plain Python: no Django needed.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
EXAMPLE_SECRET = "change-me"


def _scheme(value: str) -> str:
    return urlsplit(value).scheme.lower()


REDIS_SCHEMES = ("redis", "rediss", "redis+socket", "unix")
WHOLE_NUMBERS = (
    "CONN_MAX_AGE",
    "SECURE_HSTS_SECONDS",
    "INTAKE_DEVICE_LIMIT",
    "INTAKE_ADDRESS_LIMIT",
    "RECEIPT_DEVICE_LIMIT",
    "RECEIPT_ADDRESS_LIMIT",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
)


def _listed(environ: Mapping[str, str], name: str) -> list[str]:
    return [item for item in (part.strip() for part in environ.get(name, "").split(",")) if item]


def _missing(environ: Mapping[str, str]) -> str | None:
    for name in ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "UNION_BASE_DOMAIN"):
        if not environ.get(name, "").strip():
            return f"{name} is not set (required in production; see deploy/production.env.example)"
    return None


def _weak_secret(environ: Mapping[str, str]) -> str | None:
    secret = environ["SECRET_KEY"]
    if len(secret) < 50 or len(set(secret)) < 5 or secret.startswith(EXAMPLE_SECRET):
        return "SECRET_KEY is too short or an example value (use at least 50 random characters)"
    return None


def _wrong_urls(environ: Mapping[str, str]) -> str | None:
    if _scheme(environ["DATABASE_URL"]) not in ("postgres", "postgresql", "pgsql"):
        return "DATABASE_URL must be a postgres:// URL"
    if _scheme(environ["CELERY_BROKER_URL"]) not in REDIS_SCHEMES:
        return "CELERY_BROKER_URL must be a redis:// URL"
    for name in ("CACHE_URL", "CELERY_RESULT_BACKEND"):
        if environ.get(name) and _scheme(environ[name]) not in REDIS_SCHEMES:
            return f"{name} must be a redis:// URL"
    return None


def _wrong_site(environ: Mapping[str, str]) -> str | None:
    if not HOSTNAME.match(environ["UNION_BASE_DOMAIN"].strip().lower()):
        return "UNION_BASE_DOMAIN must be a domain name such as gongqing.example.cn"
    if environ.get("DEBUG", "").strip().lower() in ("1", "true", "yes", "on"):
        return "DEBUG must not be on in production"
    return None


def _wrong_lists(environ: Mapping[str, str]) -> str | None:
    for proxy in _listed(environ, "TRUSTED_PROXIES"):
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            return f"TRUSTED_PROXIES has {proxy!r}, which is not an address or network"
    for origin in _listed(environ, "CSRF_TRUSTED_ORIGINS"):
        if not origin.startswith("https://"):
            return f"CSRF_TRUSTED_ORIGINS has {origin!r}; origins start with https://"
    return None


def _not_whole(environ: Mapping[str, str]) -> str | None:
    for name in WHOLE_NUMBERS:
        if environ.get(name) and not environ[name].strip().isdigit():
            return f"{name} must be a whole number"
    return None


# In this order: the first problem found is the one reported.
CHECKS = (_missing, _weak_secret, _wrong_urls, _wrong_site, _wrong_lists, _not_whole)


def _problem(environ: Mapping[str, str]) -> str | None:
    """The first thing wrong with the production environment, as 'NAME reason', or None."""
    for check in CHECKS:
        problem = check(environ)
        if problem:
            return problem
    return None


def require_production_environment(environ: Mapping[str, str]) -> None:
    problem = _problem(environ)
    if problem:
        raise SystemExit(f"gongqing: configuration error: {problem}")
