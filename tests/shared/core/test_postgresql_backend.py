"""The backend's table list (shared.core.postgresql_backend) answers what Django's own query answers, in a
union's schema, the template and public, views, partitions and the session's temporary tables included."""

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.postgresql_backend.introspection import DatabaseSchemaIntrospection
from django_tenants.utils import get_public_schema_name, schema_context

from shared.core.postgresql_backend.base import SchemaIntrospection


def both_lists(schema: str) -> tuple[set, set]:
    with schema_context(schema), connection.cursor() as cursor:
        assert isinstance(connection.introspection, SchemaIntrospection)
        ours = connection.introspection.get_table_list(cursor)
        djangos = DatabaseSchemaIntrospection(connection).get_table_list(cursor)
    return set(ours), set(djangos)


@pytest.mark.parametrize("which", ["union", "template", "public"])
def test_table_list_equals_djangos(world, which):
    schema = {
        "union": world.union("tcounty1").schema_name,
        "template": settings.TENANT_BASE_SCHEMA,
        "public": get_public_schema_name(),
    }[which]
    ours, djangos = both_lists(schema)
    assert ours == djangos
    names = {table.name for table in ours}
    assert "django_migrations" in names
    assert ("events_event" in names) == (which != "public")
    assert ("unions_union" in names) == (which == "public")


def test_views_partitions_and_temporary_tables_are_listed_like_djangos(world):
    schema = world.union("tcounty1").schema_name
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE VIEW "{schema}".zview_held AS SELECT id FROM "{schema}".events_event')
        cursor.execute(
            f'CREATE MATERIALIZED VIEW "{schema}".zview_counted AS SELECT count(*) FROM "{schema}".events_event'
        )
        cursor.execute(f'CREATE TABLE "{schema}".zpart (id int) PARTITION BY RANGE (id)')
        cursor.execute(f'CREATE TABLE "{schema}".zpart_1 PARTITION OF "{schema}".zpart FOR VALUES FROM (0) TO (10)')
        cursor.execute("CREATE TEMPORARY TABLE zscratch (id int)")
        cursor.execute(f"COMMENT ON VIEW \"{schema}\".zview_held IS '举办的活动'")
    ours, djangos = both_lists(schema)
    assert ours == djangos
    kinds = {table.name: (table.type, table.comment) for table in ours}
    assert kinds["zview_held"] == ("v", "举办的活动") and kinds["zview_counted"][0] == "v"
    assert kinds["zpart"][0] == "t" and kinds["zpart_1"][0] == "p" and kinds["zscratch"][0] == "t"
    other = world.union("ocounty").schema_name
    assert "zview_held" not in {table.name for table in both_lists(other)[0]}  # another union's schema
