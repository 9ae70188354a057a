"""A union's tables point at public tables without database constraints, so that a union coming or going
leaves the public tables' catalogue as it was (shared.core.public_references)."""

import pytest
from django.conf import settings
from django.db import connection

from shared.core.public_references import PublicLink, drop_constraints_into_public_sql, tenant_links_into_public
from shared.unions.services import union_create, union_discard
from tests.deploy.test_citus import foreign_keys

PUBLIC_TABLES = ("accounts_user", "catalogues_topic", "catalogues_department", "unions_union")


def constraints_into_public(schema: str) -> list[tuple[str, str]]:
    """(table, referenced table) of every foreign-key constraint from `schema` into public."""
    return [
        (table, target) for table, target_schema, target, _type in foreign_keys(schema) if target_schema == "public"
    ]


def public_triggers() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, count(t.oid) FROM pg_class c LEFT JOIN pg_trigger t ON t.tgrelid = c.oid "
            "WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(%s) GROUP BY c.relname",
            [list(PUBLIC_TABLES)],
        )
        return dict(cursor.fetchall())


def test_union_schemas_have_no_constraint_into_public(world):
    assert constraints_into_public(settings.TENANT_BASE_SCHEMA) == []
    assert constraints_into_public(world.union("tcounty1").schema_name) == []


def test_creating_and_removing_a_union_leaves_the_public_tables_triggers_alone(world):
    before = public_triggers()
    assert set(before) == set(PUBLIC_TABLES)
    union = union_create(
        code="zrefs", name="引用测试市总工会", level="city", region_code="997700", domain="zrefs.localhost"
    )
    assert public_triggers() == before
    union_discard(union=union)
    assert public_triggers() == before


def test_the_links_are_listed_from_the_models():
    links = tenant_links_into_public()
    assert PublicLink("events_event", "topic_id", "catalogues_topic", False) in links
    assert PublicLink("events_event_departments", "department_id", "catalogues_department", True) in links
    assert PublicLink("events_event_invited_unions", "union_id", "unions_union", True) in links
    assert PublicLink("liaisons_liaison", "department_id", "catalogues_department", True) in links
    # django-auditlog is a public and a tenant app: its log in a union's schema points at public accounts.
    assert PublicLink("auditlog_logentry", "actor_id", "accounts_user", False) in links
    # Links inside a union's schema are not listed (contenttypes is a tenant app too).
    assert not [link for link in links if link.target in {"events_event", "django_content_type"}]


@pytest.mark.django_db
def test_the_migration_sql_drops_only_constraints_into_public():
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA zrefs_probe")
        cursor.execute("CREATE TABLE zrefs_probe.local_thing (id bigint PRIMARY KEY)")
        cursor.execute(
            "CREATE TABLE zrefs_probe.probe (id bigint PRIMARY KEY, "
            "user_id bigint REFERENCES public.accounts_user (id) DEFERRABLE INITIALLY DEFERRED, "
            "thing_id bigint REFERENCES zrefs_probe.local_thing (id))"
        )
        cursor.execute("SET search_path TO zrefs_probe")
        cursor.execute(drop_constraints_into_public_sql("probe"))
        cursor.execute("SET search_path TO public")
        cursor.execute(
            "SELECT confrelid::regclass::text FROM pg_constraint WHERE conrelid = 'zrefs_probe.probe'::regclass "
            "AND contype = 'f'"
        )
        assert [row[0] for row in cursor.fetchall()] == ["zrefs_probe.local_thing"]
        # In public (apps that are both shared and tenant apps migrate there too) it changes nothing.
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace")
        public_constraints = cursor.fetchone()[0]
        cursor.execute(drop_constraints_into_public_sql("auditlog_logentry", "accounts_membership"))
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace")
        assert cursor.fetchone()[0] == public_constraints
