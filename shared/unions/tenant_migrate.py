"""The migrate command django-tenants runs in each union's schema (TENANT_BASE_MIGRATE_COMMAND).

Django's migrate first builds and renders the project state of every applied migration — about a third of the
time it spends in a schema for a small migration. Every union's schema has the same migrations applied, so a
process that migrates many schemas (django-tenants' executors run them one after another in each worker)
renders that state once and hands each schema a copy, keyed by the exact set of applied migrations.
"""

from __future__ import annotations

from django.core.management.commands import migrate
from django.db.migrations.executor import MigrationExecutor

_original_create_project_state = MigrationExecutor._create_project_state
_rendered: dict[frozenset, object] = {}  # applied migrations → their rendered ProjectState (one entry)


def _create_project_state_once(self, with_applied_migrations=False):
    if not with_applied_migrations:
        return _original_create_project_state(self, with_applied_migrations)
    key = frozenset(self.loader.applied_migrations)
    state = _rendered.get(key)
    if state is None:
        state = _original_create_project_state(self, with_applied_migrations=True)
        state.apps  # noqa: B018  (render now, once: the copies share it)
        _rendered.clear()
        _rendered[key] = state
    # Django's migrate changes the state it gets (and the copy it hands on); the kept one stays untouched.
    return state.clone()


class Command(migrate.Command):
    def handle(self, *args, **options):
        MigrationExecutor._create_project_state = _create_project_state_once
        try:
            return super().handle(*args, **options)
        finally:
            MigrationExecutor._create_project_state = _original_create_project_state
