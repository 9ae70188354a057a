"""A union's tables point at a few public tables (users, topics, departments, unions) without foreign-key
constraints in the database (``db_constraint=False``).

Why: a constraint from a union's schema into a public table puts two triggers on the public table, one pair
per union. At 1,000 unions ``accounts_user`` carried about 14,000 of them. Every creation, removal or spare
fill of a union adds or drops some, and each time every connection rebuilds its cache of those tables —
reading every trigger — the next time it touches them: creating a union got slower with every union there
was, and so did each request right after one was created. Without the constraints the public tables' catalogue
does not change when a union comes or goes, so provisioning stays flat (``manage.py bench_scale``).

What keeps the references sound instead: the rows they point at are never deleted. Accounts, topics and
departments are deactivated (the services offer nothing else), and a union is removed only with its own schema
(``union_discard``). Inside a union's schema Django still applies ``on_delete`` (PROTECT, SET_NULL) as before.
``tenant_links_into_public`` lists these references from the models: the backup maps them by natural key and
``tests/deploy/test_citus.py`` checks them against the reference tables of ``deploy/citus.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings


@dataclass(frozen=True, order=True)
class PublicLink:
    table: str  # the union's table
    column: str
    target: str  # the public table
    not_null: bool


def tenant_links_into_public() -> list[PublicLink]:
    """Every column of a union's tables that holds the key of a row in a public-only table, from the models:
    the tenant apps' models, and the models of apps in both lists (e.g. django-auditlog's log entry), whose
    copy in a union's schema points at public accounts."""
    tenant_apps, public_only = set(settings.TENANT_APPS), set(settings.SHARED_APPS) - set(settings.TENANT_APPS)
    links = {
        PublicLink(model._meta.db_table, field.column, field.related_model._meta.db_table, not field.null)
        for config in apps.get_app_configs()
        if config.name in tenant_apps
        for model in config.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if field.many_to_one and field.related_model._meta.app_config.name in public_only
    }
    return sorted(links)


def drop_constraints_into_public_sql(*tables: str) -> str:
    """SQL for a migration: drop the foreign-key constraints that `tables` of the current schema have into
    public tables, found by what they reference rather than by their generated names. A no-op in ``public``
    (apps that are both shared and tenant apps run their migrations there too).

    Checks still pending in the transaction (e.g. a union created in it) are run first: PostgreSQL refuses to
    alter a table with pending trigger events."""
    names = ", ".join("'" + table.replace("'", "''") + "'" for table in tables)
    return f"""
SET CONSTRAINTS ALL IMMEDIATE;
DO $$
DECLARE link record;
BEGIN
    FOR link IN
        SELECT c.relname AS table_name, con.conname
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_class target ON target.oid = con.confrelid
        WHERE con.contype = 'f' AND current_schema() <> 'public'
          AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
          AND target.relnamespace = 'public'::regnamespace
          AND c.relname = ANY(ARRAY[{names}])
    LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', link.table_name, link.conname);
    END LOOP;
END $$;
SET CONSTRAINTS ALL DEFERRED;
"""
