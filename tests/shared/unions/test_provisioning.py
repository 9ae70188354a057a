"""Provisioning unions by replaying the migrated template schema's captured SQL."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings
from django_tenants.utils import schema_context, schema_exists

from shared.core.exceptions import ApplicationError
from shared.unions.models import Domain, TemplateSnapshot, Union
from shared.unions.provisioning import TemplateNotReplayable, template_capture_sql, template_digest
from shared.unions.services import union_create


def schema_shape(schema: str) -> dict:
    """Tables → columns (name, type, nullability, default, identity), index and constraint definitions,
    sequences and migration records, with the schema's own name taken out of every definition."""

    def local(text: str) -> str:
        return text.replace(f"{schema}.", "")

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, ''),
                   is_identity, coalesce(identity_generation, '')
            FROM information_schema.columns WHERE table_schema = %s
            ORDER BY table_name, ordinal_position
            """,
            [schema],
        )
        columns: dict[str, list] = {}
        for table, column, data_type, nullable, default, identity, generation in cursor.fetchall():
            columns.setdefault(table, []).append((column, data_type, nullable, local(default), identity, generation))
        cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = %s", [schema])
        indexes = sorted((table, local(definition)) for table, definition in cursor.fetchall())
        cursor.execute(
            """
            SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            WHERE c.relnamespace = %s::regnamespace
            """,
            [schema],
        )
        constraints = sorted(
            (table, name, kind, local(definition)) for table, name, kind, definition in cursor.fetchall()
        )
        cursor.execute(
            """
            SELECT sequencename, data_type::text, start_value, min_value, max_value, increment_by, cycle, cache_size
            FROM pg_sequences WHERE schemaname = %s
            """,
            [schema],
        )
        sequences = sorted(cursor.fetchall())
        cursor.execute(
            f"SELECT app, name FROM {connection.ops.quote_name(schema)}.django_migrations ORDER BY app, name"
        )
        migrations = cursor.fetchall()
    return {
        "columns": columns,
        "indexes": indexes,
        "constraints": constraints,
        "sequences": sequences,
        "migrations": migrations,
    }


def tcity_county(code: str, name: str, region_code: str):
    """Provision a county of the test city, served at <code>.localhost."""
    return union_create(
        code=code, name=name, level="county", parent_code="tcity", region_code=region_code, domain=f"{code}.localhost"
    )


def all_schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata")
        return {row[0] for row in cursor.fetchall()}


def registry_counts() -> tuple[int, int, int]:
    return Union.objects.count(), Domain.objects.count(), len(all_schemas())


def test_template_schema_exists_and_is_migrated(world):
    assert schema_exists(settings.TENANT_BASE_SCHEMA)
    assert schema_shape(settings.TENANT_BASE_SCHEMA)["migrations"]


def test_replayed_union_matches_a_freshly_migrated_schema(world):
    """The schema made by replaying the template's captured SQL is the schema migrations make."""
    replayed = tcity_county("clonecheck", "克隆县总工会", "339903")
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        migrated = tcity_county("migratecheck", "迁移县总工会", "339904")
    # It was made by the replay, from a capture of the template as it is now.
    snapshot = TemplateSnapshot.objects.get(schema=settings.TENANT_BASE_SCHEMA)
    assert snapshot.digest == template_digest(template=settings.TENANT_BASE_SCHEMA)
    replayed_shape, migrated_shape = schema_shape(replayed.schema_name), schema_shape(migrated.schema_name)
    assert replayed_shape["columns"], "the replayed schema has tables"
    assert replayed_shape["sequences"], "the replayed schema has sequences"
    assert any(kind == "f" for _table, _name, kind, _def in replayed_shape["constraints"]), "and foreign keys"
    for part in ("columns", "indexes", "constraints", "sequences", "migrations"):
        assert replayed_shape[part] == migrated_shape[part], part


def test_replayed_union_works_and_stays_in_its_own_schema(world):
    """Rows go into the new schema's tables (their identity sequences start at 1), not the template's."""
    from tenants.enterprises.models import Enterprise

    union = tcity_county("replaywrite", "回放县总工会", "339911")
    with schema_context(union.schema_name):
        first = Enterprise.objects.create(name="回放企业")
        assert first.pk == 1
    with schema_context(settings.TENANT_BASE_SCHEMA):
        assert not Enterprise.objects.exists()


def test_template_with_objects_the_capture_cannot_copy_is_refused(world):
    """A view in the template is not reproduced, so the capture says so instead of copying half of it;
    provisioning then falls back to django-tenants' clone (see TemplateSnapshot)."""
    template = settings.TENANT_BASE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE VIEW "{template}".zview AS SELECT 1 AS one')
    with pytest.raises(TemplateNotReplayable, match="zview"):
        template_capture_sql(template=template)


def _latest_tenant_migration() -> tuple[str, str, str]:
    """(app label, latest migration, the one before it) of a tenant app with at least two migrations."""
    loader = MigrationLoader(connection)
    tenant_labels = {app.rsplit(".", 1)[-1] for app in settings.TENANT_APPS}
    for app_label in sorted(tenant_labels, reverse=True):
        names = sorted(name for (label, name) in loader.disk_migrations if label == app_label)
        if len(names) >= 2:
            return app_label, names[-1], names[-2]
    pytest.fail("no tenant app has two migrations to roll back")


def test_union_provisioned_after_a_new_migration_has_it(world):
    """Roll the template back to before the latest tenant migration (as if that migration were new),
    run migrations as a deploy does, and provision: the new union has the migration."""
    app_label, latest, previous = _latest_tenant_migration()
    template = settings.TENANT_BASE_SCHEMA
    call_command("migrate_schemas", app_label, previous, schema_name=template, verbosity=0)
    assert (app_label, latest) not in schema_shape(template)["migrations"]

    call_command("migrate_schemas", verbosity=0)  # the deploy step: every schema, template included
    assert (app_label, latest) in schema_shape(template)["migrations"]

    union = tcity_county("aftermigration", "新县总工会", "339905")
    assert (app_label, latest) in schema_shape(union.schema_name)["migrations"]
    assert schema_shape(union.schema_name)["columns"] == schema_shape(template)["columns"]


BAD_INPUTS = [
    ({"code": "tcounty1"}, "code"),  # duplicate code
    ({"domain": "tcounty2.localhost"}, "domain"),  # duplicate domain
    ({"parent_code": "nosuchcity"}, "parent"),  # unknown parent
    ({"parent_code": "tcounty1"}, "parent"),  # a county under a county
    ({"parent_code": None}, "parent"),  # a county without a city
    ({"region_code": "33082"}, "region"),  # malformed region code
    ({"region_code": "12345a"}, "region"),
    ({"region_code": "330824"}, "region"),  # outside the parent city's region
    ({"domain": "bad domain!"}, "domain"),  # malformed domain
    ({"domain": "-x.localhost"}, "domain"),
    ({"code": "Bad-Code"}, "code"),
    ({"code": "public"}, "code"),
    ({"code": settings.TENANT_BASE_SCHEMA}, "code"),
    ({"level": "nation"}, "level"),
    ({"level": "province"}, "parent"),  # a province has no parent
    ({"level": "city"}, "parent"),  # a city under a city
]


@pytest.mark.parametrize("override, field", BAD_INPUTS)
def test_bad_input_is_refused_and_leaves_nothing(world, override, field):
    data = {
        "code": "newcounty",
        "name": "新县总工会",
        "level": "county",
        "parent_code": "tcity",
        "region_code": "339909",
        "domain": "newcounty.localhost",
    }
    data.update(override)
    before = registry_counts()
    with pytest.raises(ApplicationError) as raised:
        union_create(**data)
    assert field in raised.value.fields
    assert all(str(reason) for reason in raised.value.fields[field])
    assert registry_counts() == before
    assert not schema_exists("newcounty")


def test_city_with_parent_is_refused(world):
    with pytest.raises(ApplicationError) as raised:
        union_create(
            code="city2", name="二市", level="city", parent_code="tcity", region_code="339700", domain="city2.localhost"
        )
    assert "parent" in raised.value.fields


def test_failure_after_the_schema_was_made_leaves_nothing(world, monkeypatch):
    """If the last step fails (here the domain insert), the schema made before it is rolled back too."""
    before = registry_counts()

    def broken_save(self, *args, **kwargs):
        raise IntegrityError("simulated failure while saving the domain")

    monkeypatch.setattr(Domain, "save", broken_save)
    with pytest.raises(IntegrityError):
        tcity_county("halfway", "半途县总工会", "339906")
    assert registry_counts() == before
    assert not schema_exists("halfway")


def test_create_union_command(world):
    call_command(
        "create_union",
        "--code",
        "cmdcounty",
        "--name",
        "命令县总工会",
        "--level",
        "county",
        "--parent",
        "tcity",
        "--region",
        "339907",
        "--domain",
        "cmdcounty.localhost",
    )
    union = Union.objects.get(code="cmdcounty")
    assert union.parent.code == "tcity" and union.domains.get().domain == "cmdcounty.localhost"
    assert schema_exists("cmdcounty")


def test_create_union_command_reports_bad_input(world):
    before = registry_counts()
    with pytest.raises(CommandError, match="parent"):
        call_command(
            "create_union",
            "--code",
            "cmdbad",
            "--name",
            "坏县",
            "--level",
            "county",
            "--parent",
            "tcounty1",
            "--region",
            "339908",
            "--domain",
            "cmdbad.localhost",
        )
    assert registry_counts() == before


def test_provisioning_waits_for_another_schema_change(world):
    """Schema creation and removal queue on one advisory lock instead of deadlocking on public tables."""
    import psycopg2
    from django.db import OperationalError

    from shared.unions.services import SCHEMA_DDL_LOCK_KEY

    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [SCHEMA_DDL_LOCK_KEY])
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '300ms'")
        before = registry_counts()
        with pytest.raises(OperationalError, match="lock timeout"):
            tcity_county("queued", "排队县总工会", "339910")
        assert registry_counts() == before

        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SCHEMA_DDL_LOCK_KEY])
        union = tcity_county("queued", "排队县总工会", "339910")
        assert schema_exists(union.schema_name)
    finally:
        other.close()
