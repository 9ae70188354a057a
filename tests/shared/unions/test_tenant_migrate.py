"""Migrating many unions' schemas: a structural migration's SQL is collected in the first schema and replayed
in the next ones, with the same result as Django's migrate."""

import pytest
from django.core.management import call_command
from django.core.management.commands import migrate

from oversight.rollup import scale
from shared.unions import tenant_migrate
from tests.shared.unions.test_provisioning import schema_shape


def test_the_replayed_migration_leaves_the_schema_django_leaves(world, monkeypatch):
    first, second = world.union("tcounty1").schema_name, world.union("tcounty2").schema_name
    assert schema_shape(first) == schema_shape(second)
    with scale.temporary_migration() as name:
        call_command("migrate_schemas", schema_name=first, interactive=False, verbosity=0)  # collected, then Django

        def refuse(self, *args, **options):
            raise AssertionError("Django's migrate ran instead of the replay")

        monkeypatch.setattr(migrate.Command, "handle", refuse)
        call_command("migrate_schemas", schema_name=second, interactive=False, verbosity=0)
        monkeypatch.undo()
        assert scale.migration_missing_in(schemas=[first, second]) == []
    replayed, migrated = schema_shape(second), schema_shape(first)
    assert (scale.ADD_APP, name) in replayed["migrations"]
    for part in ("columns", "indexes", "constraints", "sequences", "migrations"):
        assert replayed[part] == migrated[part], part


@pytest.mark.parametrize(
    "operation, replayable",
    [
        ("AddField", True),
        ("AddIndex", True),
        ("CreateModel", False),  # post_migrate has content types to make
        ("RunPython", False),  # not SQL
        ("RunSQL", False),
    ],
)
def test_only_structural_plans_are_replayed(operation, replayable):
    from django.db import migrations

    op = getattr(migrations, operation).__new__(getattr(migrations, operation))
    migration = migrations.Migration("0099_x", "events")
    migration.operations = [op]
    assert tenant_migrate._replayable([(migration, False)]) is replayable
    assert tenant_migrate._replayable([(migration, True)]) is False  # never backwards


def test_what_public_migrates_is_never_replayed_in_a_union(world):
    """public and a union's schema hold the same migration records, but the router lets different apps touch
    each: SQL collected in public (none for a union's app, a public table's index for a shared app) must not
    be replayed in a union's schema. `manage.py migrate` migrates public first, in the same process."""
    schema = world.union("tcounty1").schema_name
    tenant_migrate._collected.clear()
    with scale.temporary_migration():
        call_command("migrate_schemas", schema_name="public", interactive=False, verbosity=0)
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
        assert scale.migration_missing_in(schemas=[schema]) == []
