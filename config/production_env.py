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


def _problem(environ: Mapping[str, str]) -> str | None:
    """The first thing wrong with the production environment, as 'NAME reason', or None."""
    for name in ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "UNION_BASE_DOMAIN"):
        if not environ.get(name, "").strip():
            return f"{name} is not set (required in production; see deploy/production.env.example)"
    secret = environ["SECRET_KEY"]
    if len(secret) < 50 or len(set(secret)) < 5 or secret.startswith(EXAMPLE_SECRET):
        return "SECRET_KEY is too short or an example value (use at least 50 random characters)"
    if _scheme(environ["DATABASE_URL"]) not in ("postgres", "postgresql", "pgsql"):
        return "DATABASE_URL must be a postgres:// URL"
    redis_schemes = ("redis", "rediss", "redis+socket", "unix")
    if _scheme(environ["CELERY_BROKER_URL"]) not in redis_schemes:
        return "CELERY_BROKER_URL must be a redis:// URL"
    for name in ("CACHE_URL", "CELERY_RESULT_BACKEND"):
        if environ.get(name) and _scheme(environ[name]) not in redis_schemes:
            return f"{name} must be a redis:// URL"
    if not HOSTNAME.match(environ["UNION_BASE_DOMAIN"].strip().lower()):
        return "UNION_BASE_DOMAIN must be a domain name such as gongqing.example.cn"
    if environ.get("DEBUG", "").strip().lower() in ("1", "true", "yes", "on"):
        return "DEBUG must not be on in production"
    for proxy in filter(None, (p.strip() for p in environ.get("TRUSTED_PROXIES", "").split(","))):
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            return f"TRUSTED_PROXIES has {proxy!r}, which is not an address or network"
    for origin in filter(None, (o.strip() for o in environ.get("CSRF_TRUSTED_ORIGINS", "").split(","))):
        if not origin.startswith("https://"):
            return f"CSRF_TRUSTED_ORIGINS has {origin!r}; origins start with https://"
    whole = ("CONN_MAX_AGE", "SECURE_HSTS_SECONDS", "INTAKE_DEVICE_LIMIT", "INTAKE_ADDRESS_LIMIT", "AXES_FAILURE_LIMIT")
    for name in (*whole, "AXES_COOLOFF_MINUTES"):
        if environ.get(name) and not environ[name].strip().isdigit():
            return f"{name} must be a whole number"
    return None


def require_production_environment(environ: Mapping[str, str]) -> None:
    problem = _problem(environ)
    if problem:
        raise SystemExit(f"gongqing: configuration error: {problem}")
