"""migrate_schemas over every tenant migrates the schemas that lack a migration and leaves the others alone."""

from django.core.management import call_command

from shared.unions.management.commands.migrate_schemas import schemas_behind
from tests.shared.unions.test_provisioning import _latest_tenant_migration, schema_shape


def test_a_run_over_all_tenants_migrates_the_schemas_behind(world):
    app_label, latest, previous = _latest_tenant_migration()
    call_command("migrate_schemas", app_label, previous, schema_name="tcounty2", verbosity=0)
    assert schemas_behind(["tcounty1", "tcounty2", "ocounty"]) == ["tcounty2"]

    call_command("migrate_schemas", verbosity=0)
    assert (app_label, latest) in schema_shape("tcounty2")["migrations"]
    assert schemas_behind(["tcounty1", "tcounty2", "ocounty"]) == []
    assert schema_shape("tcounty2")["columns"] == schema_shape("tcounty1")["columns"]
