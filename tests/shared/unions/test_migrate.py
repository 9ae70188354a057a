"""migrate_schemas over every tenant migrates the schemas that lack a migration and leaves the others alone."""

from django.core.management import call_command

from shared.unions.management.commands.migrate_schemas import schemas_behind
from tests.shared.unions.test_provisioning import _latest_tenant_migration, schema_shape


def test_a_run_over_all_tenants_migrates_the_schemas_behind(world):
    """Two schemas behind are both migrated — the second from the state the first one rendered (see
    shared/unions/tenant_migrate.py) — and end up like the schemas that never fell behind."""
    app_label, latest, previous = _latest_tenant_migration()
    for schema in ("tcounty2", "ocounty"):
        call_command("migrate_schemas", app_label, previous, schema_name=schema, verbosity=0)
    assert schemas_behind(["tcounty1", "tcounty2", "ocounty"]) == ["tcounty2", "ocounty"]

    call_command("migrate_schemas", verbosity=0)
    assert schemas_behind(["tcounty1", "tcounty2", "ocounty"]) == []
    up_to_date = schema_shape("tcounty1")
    for schema in ("tcounty2", "ocounty"):
        assert (app_label, latest) in schema_shape(schema)["migrations"]
        shape = schema_shape(schema)
        for part in ("columns", "indexes", "constraints", "sequences", "migrations"):
            assert shape[part] == up_to_date[part], (schema, part)
