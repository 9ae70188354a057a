"""Removing a union that was made for a benchmark or a test, schema and all. Never used on real data."""

from __future__ import annotations

from django.db import connection, transaction
from django_tenants.utils import schema_context, schema_exists

from shared.unions.models import Union
from shared.unions.services import schema_ddl_lock


def union_discard(*, union: Union) -> None:
    """Delete a throwaway union (children first), its public rows and its schema.

    Django's delete collector follows every relation to unions, including the tenant tables' links to
    them (e.g. events' invited unions), so it runs inside the union's own schema where those tables exist.
    """
    for child in Union.objects.filter(parent=union):
        union_discard(union=child)
    with transaction.atomic():
        schema_ddl_lock()
        with connection.cursor() as cursor:
            # Run the deferred foreign-key checks now: DROP SCHEMA cannot follow pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with schema_context(union.schema_name):
            Union.objects.filter(pk=union.pk).delete()
        if schema_exists(union.schema_name):
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA "{union.schema_name}" CASCADE')
    connection.set_schema_to_public()
