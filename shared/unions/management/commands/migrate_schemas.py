from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand


class Command(MigrateSchemasCommand):
    """django-tenants' migrate_schemas, which also keeps the template schema migrated.

    New unions are cloned from the template (TENANT_BASE_SCHEMA), so it must carry every tenant
    migration; django-tenants itself only migrates the schemas listed in the tenant table.
    """

    def handle(self, *args, **options):
        super().handle(*args, **options)
        # Only a run over all tenants (not one named schema, not a rollback to a named migration)
        # moves the template along with them.
        if self.sync_tenant and not options.get("schema_name") and not options.get("migration_name"):
            from shared.unions.services import union_template_migrate

            union_template_migrate(verbosity=options.get("verbosity", 1))
