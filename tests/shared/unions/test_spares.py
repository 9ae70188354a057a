"""Spare schemas: made ahead from the template, renamed when a union is created."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django_tenants.utils import schema_context, schema_exists

from shared.unions import provisioning
from shared.unions.provisioning import spare_schemas, spare_schemas_fill, template_digest
from tests.shared.unions.test_provisioning import schema_shape, tcity_county

TEMPLATE = settings.TENANT_BASE_SCHEMA


def current_spares() -> list[str]:
    return spare_schemas(digest=template_digest(template=TEMPLATE))


@pytest.fixture
def forbid_replay(monkeypatch):
    """forbid_replay(): from then on, creating a union must not replay the template (it renames a spare)."""

    def refuse(**kwargs):
        raise AssertionError("the template was replayed")

    return lambda: monkeypatch.setattr(provisioning, "schema_replay", refuse)


def test_a_union_made_from_a_spare_matches_a_freshly_migrated_schema(world, monkeypatch):
    assert spare_schemas_fill(count=2, template=TEMPLATE) == 2
    spares = current_spares()
    monkeypatch.setattr(provisioning, "schema_replay", lambda **kwargs: pytest.fail("replayed"))
    union = tcity_county("sparecheck", "备用县总工会", "339906")
    monkeypatch.undo()
    assert current_spares() == spares[1:], "the oldest spare was renamed"
    assert not schema_exists(spares[0])
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        migrated = tcity_county("sparemigrated", "迁移备用县总工会", "339907")
    spare_shape, migrated_shape = schema_shape(union.schema_name), schema_shape(migrated.schema_name)
    assert any(kind == "f" for _table, _name, kind, _def in spare_shape["constraints"]), "foreign keys kept"
    for part in ("columns", "indexes", "constraints", "sequences", "migrations"):
        assert spare_shape[part] == migrated_shape[part], part


def test_a_union_made_from_a_spare_works_in_its_own_schema(world, forbid_replay):
    from tenants.enterprises.models import Enterprise

    spare_schemas_fill(count=1, template=TEMPLATE)
    forbid_replay()
    union = tcity_county("sparewrite", "备用写入县总工会", "339912")
    with schema_context(union.schema_name):
        assert Enterprise.objects.create(name="备用企业").pk == 1
    with schema_context(TEMPLATE):
        assert not Enterprise.objects.exists()


def test_without_spares_the_template_is_replayed(world):
    assert current_spares() == []
    union = tcity_county("nospare", "无备用县总工会", "339913")
    assert schema_shape(union.schema_name)["migrations"] == schema_shape(TEMPLATE)["migrations"]


def test_a_spare_made_before_the_template_was_migrated_is_never_used_and_the_next_fill_drops_it(world):
    spare_schemas_fill(count=1, template=TEMPLATE)
    (spare,) = current_spares()
    stale = provisioning.SPARE_PREFIX + "0" * 16 + "_old"
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{spare}" RENAME TO "{stale}"')
    union = tcity_county("stalespare", "旧备用县总工会", "339914")
    assert schema_exists(union.schema_name) and schema_exists(stale), "replayed, the stale spare untouched"
    assert spare_schemas_fill(count=1, template=TEMPLATE) == 1
    assert not schema_exists(stale) and len(current_spares()) == 1


def test_a_spare_another_creation_is_renaming_is_skipped(world, forbid_replay):
    """Two creations at once: the one that finds the oldest spare locked takes the next one."""
    import psycopg2

    spare_schemas_fill(count=2, template=TEMPLATE)
    forbid_replay()
    first, second = current_spares()
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [first])
        tcity_county("sparerace", "并发县总工会", "339915")
        assert current_spares() == [first] and not schema_exists(second)
    finally:
        other.close()


def test_a_failed_creation_gives_the_spare_back(world, forbid_replay, monkeypatch):
    from shared.unions.models import Domain

    spare_schemas_fill(count=1, template=TEMPLATE)
    forbid_replay()
    spares = current_spares()

    def broken(*args, **kwargs):
        raise RuntimeError("domain failed")

    monkeypatch.setattr(Domain.objects, "create", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        tcity_county("sparefail", "失败县总工会", "339916")
    assert current_spares() == spares and not schema_exists("sparefail")


def test_creating_a_union_tops_the_spares_up(world, celery_eager, django_capture_on_commit_callbacks):
    with override_settings(UNION_SPARE_SCHEMAS=2), django_capture_on_commit_callbacks(execute=True):
        tcity_county("sparerefill", "补充县总工会", "339917")
    assert len(current_spares()) == 2


def test_spare_schemas_command(world, capsys):
    call_command("spare_schemas", "--count", "2")
    assert "2 spare schema(s) made; 2 ready." in capsys.readouterr().out
    call_command("spare_schemas", "--count", "2")
    assert "0 spare schema(s) made; 2 ready." in capsys.readouterr().out
