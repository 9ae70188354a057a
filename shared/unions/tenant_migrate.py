"""The migrate command django-tenants runs in each union's schema (TENANT_BASE_MIGRATE_COMMAND).

Two savings, both because every union's schema has the same structure and the same migrations applied:

- Django's migrate first builds and renders the project state of every applied migration. A process that
  migrates many schemas (django-tenants' executors run them one after another in each worker) renders that
  state once and hands each schema a copy, keyed by the exact set of applied migrations.
- Applying a migration then renders the model states again, before and after each operation and for the
  post_migrate signal: about 1 s of Python a schema for a one-column migration, and the SQL it runs is the
  same in every schema. So for a plan of purely structural operations (fields, indexes, constraints — no new
  or removed models, no RunPython/RunSQL, atomic), the first schema a process migrates has the plan's SQL
  collected (Django's own ``collect_sql``, what ``sqlmigrate`` prints: unqualified names, so the
  search_path decides the schema) and is then migrated the normal way; every further schema with the same
  applied migrations and the same plan gets that SQL and the migration records in one transaction.
  post_migrate is not sent for those: with no model added or removed it has nothing to create.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.commands import migrate
from django.db import connections, transaction
from django.db.migrations import operations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django_tenants.utils import get_public_schema_name

_original_create_project_state = MigrationExecutor._create_project_state
_rendered: dict[frozenset, object] = {}  # applied migrations → their rendered ProjectState (one entry)
_collected: dict[tuple, tuple] = {}  # (applied migrations, MIGRATION_MODULES) → (pending plan, its SQL)

# Operations whose whole effect on a schema is the SQL collect_sql prints (no data, no model added or removed).
REPLAYABLE_OPERATIONS = (
    operations.AddField,
    operations.AlterField,
    operations.RemoveField,
    operations.RenameField,
    operations.AddIndex,
    operations.RemoveIndex,
    operations.AddConstraint,
    operations.RemoveConstraint,
    operations.AlterModelOptions,
)


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


def _replayable(plan) -> bool:
    return bool(plan) and all(
        not backwards and migration.atomic and all(isinstance(op, REPLAYABLE_OPERATIONS) for op in migration.operations)
        for migration, backwards in plan
    )


def replay_or_collect(*, database: str) -> bool:
    """Apply the pending plan in the connection's schema from SQL collected in an earlier schema, and return
    True; or, when there is none yet, collect it here for the next schemas and return False (the caller then
    migrates this schema the normal way). False too when the plan is empty or not replayable."""
    connection = connections[database]
    # Only unions' schemas (the template's too) share SQL. public holds the same migration records, but the
    # router lets other apps touch it: its SQL (none for a union's app, a public table's for a shared app)
    # replayed in a union's schema would leave the union without the change, or fail.
    if connection.schema_name == get_public_schema_name():
        return False
    recorder = MigrationRecorder(connection)
    # The schema's records decide; the same records mean the same plan, so a schema like the first one is
    # replayed without loading the migration graph again (one query instead of about 0.1 s of Python).
    # (Keyed by MIGRATION_MODULES too: it names where the migrations on disk are, e.g. bench_scale's
    # temporary migration exists only while it points elsewhere.)
    applied = frozenset(recorder.applied_migrations()), repr(sorted(settings.MIGRATION_MODULES.items()))
    if applied in _collected:
        plan, statements = _collected[applied]
    else:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not _replayable(plan):
            return False
        _collected.clear()
        _collected[applied] = plan, executor.loader.collect_sql(plan)
        return False
    with transaction.atomic(using=database), connection.cursor() as cursor:
        # One round trip; collect_sql's "-- Add field ..." comment lines go along harmlessly.
        if any(not line.startswith("--") for statement in statements for line in statement.splitlines()):
            cursor.execute("\n".join(statements))
        for migration, _backwards in plan:
            for app_label, name in migration.replaces or [(migration.app_label, migration.name)]:
                recorder.record_applied(app_label, name)
    return True


class Command(migrate.Command):
    def handle(self, *args, **options):
        plain = not (
            options.get("app_label")
            or options.get("migration_name")
            or options.get("fake")
            or options.get("fake_initial")
            or options.get("plan")
            or options.get("prune")
            or options.get("run_syncdb")
            or options.get("check_unapplied")
        )
        if plain and replay_or_collect(database=options["database"]):
            return None
        MigrationExecutor._create_project_state = _create_project_state_once
        try:
            return super().handle(*args, **options)
        finally:
            MigrationExecutor._create_project_state = _original_create_project_state
