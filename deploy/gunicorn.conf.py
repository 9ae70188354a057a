"""Gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

The application is loaded once in the master (preload_app): a missing or wrong variable stops the start
with one line, and uncompiled translations are refused before a worker serves English.
"""

import multiprocessing
import os
import sys

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Threads, not only processes: a request spends much of its time waiting on PostgreSQL and Redis, and the
# password hasher (hashlib's PBKDF2) releases the GIL, so one slow sign-in no longer holds up the requests
# queued behind it in that worker. Django, DRF, django-tenants (a connection per thread) and auditlog
# (context variables) keep their per-request state per thread; each thread keeps its own database connection.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Threaded workers keep connections alive, sync ones did not. The idle time must outlast the client's: nginx
# keeps its upstream connections 60 s (deploy/nginx), and a request sent on a connection the server is closing
# at that moment is lost (a POST is not retried: the user sees an error). Seen with 2 s, gunicorn's default.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
preload_app = True
# Django writes one access line per request with the union's code (config.logging); gunicorn's own access
# log cannot know the union, so it stays off. Errors go to stderr (journald under systemd).
accesslog = None
errorlog = "-"
# Only nginx on this host may tell gunicorn the scheme (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def on_starting(server):
    import django
    from django.core import checks

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    errors = checks.run_checks(tags=["translations"])
    if errors:
        sys.exit(f"gongqing: {errors[0].msg} {errors[0].hint}")
