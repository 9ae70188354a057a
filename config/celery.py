"""The Celery app. tenant-schemas-celery records the current schema with every task and switches to it
in the worker, so a task runs in the union it was sent from."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("gongqing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
