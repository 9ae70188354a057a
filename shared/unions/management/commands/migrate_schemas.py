from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION, MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name, get_tenant_model

from shared.unions.services import union_template_migrate

# Options under which a run over all tenants may leave out the schemas that already have every migration.
# Any of these asks for something else of each schema (faking, a plan, a check, pruning), so all are visited.
VISIT_ALL_OPTIONS = ("app_label", "migration_name", "fake", "fake_initial", "plan", "check_unapplied", "prune")


def schemas_behind(schema_names: list[str]) -> list[str]:
    """The schemas that lack at least one migration on disk (or have no migration table yet).

    Asking each schema for its records is one small query; letting django-tenants run Django's migrate in
    it (loading the migration graph, checking every record) costs far more, times a thousand unions."""
    expected = set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    behind = []
    with connection.cursor() as cursor:
        for schema in schema_names:
            cursor.execute("SELECT to_regclass(%s)", [f'"{schema}".django_migrations'])
            if cursor.fetchone()[0] is None:
                behind.append(schema)
                continue
            cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
            if not expected <= set(cursor.fetchall()):
                behind.append(schema)
    return behind


class Command(MigrateSchemasCommand):
    """django-tenants' migrate_schemas, which also keeps the template schema migrated, and on a run over every
    tenant migrates only the schemas that lack a migration (with a thousand unions, visiting each one with
    Django's migrate took minutes when there was nothing to do).

    New unions are made from the template (TENANT_BASE_SCHEMA), so it must carry every tenant
    migration; django-tenants itself only migrates the schemas listed in the tenant table.
    """

    def handle(self, *args, **options):
        sync_public = options.get("shared") or not options.get("tenant")
        sync_tenant = options.get("tenant") or not options.get("shared")
        whole_run = (
            sync_tenant and not options.get("schema_name") and not any(options.get(o) for o in VISIT_ALL_OPTIONS)
        )
        if not whole_run:
            super().handle(*args, **options)
        else:
            if sync_public:
                super().handle(*args, **{**options, "shared": True, "tenant": False})
            self._migrate_tenants_behind(*args, **options)
        # Only a run over all tenants (not one named schema, not a rollback to a named migration)
        # moves the template along with them.
        if sync_tenant and not options.get("schema_name") and not options.get("migration_name"):
            union_template_migrate(verbosity=options.get("verbosity", 1))

    def _migrate_tenants_behind(self, *args, **options):
        options = {**options, "shared": False, "tenant": True}
        public = get_public_schema_name()
        schemas = list(
            get_tenant_model().objects.exclude(schema_name=public).order_by("pk").values_list("schema_name", flat=True)
        )
        behind = schemas_behind(schemas)
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(f"{len(schemas) - len(behind)} of {len(schemas)} union schemas are up to date.")
        if behind:
            GET_EXECUTOR_FUNCTION(codename=options.get("executor"))(args, options).run_migrations(tenants=behind)
        connection.set_schema_to_public()
