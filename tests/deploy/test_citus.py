"""deploy/citus.md stays true: every public table a union's table references (by a link of the models — the
database holds no constraint for those, see shared.core.public_references — or by a constraint) is on its
reference-table list (as is whatever those reference in turn), the list names only tables that exist, and the
project's keys are 64-bit."""

import re
from pathlib import Path

from django.conf import settings
from django.db import connection

from shared.core.public_references import tenant_links_into_public

CITUS_MD = Path(__file__).resolve().parents[2] / "deploy" / "citus.md"

# Django's own framework tables keep their 32-bit keys: a fixed handful of rows, and no union's table
# references them (deploy/citus.md, "64-bit keys").
FRAMEWORK_TABLES = {"auth_group", "auth_permission", "django_content_type", "django_admin_log"}


def reference_tables() -> set[str]:
    return set(re.findall(r"create_reference_table\('public\.(\w+)'\)", CITUS_MD.read_text()))


def foreign_keys(schema: str) -> list[tuple[str, str, str, str]]:
    """(table, referenced schema, referenced table, key column type) of every foreign key in `schema`."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, rn.nspname, rc.relname, format_type(a.atttypid, a.atttypmod)
            FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY(con.conkey)
            WHERE con.contype = 'f' AND c.relnamespace = %s::regnamespace
            """,
            [schema],
        )
        return cursor.fetchall()


def key_columns(schema: str, tables: set[str] | None = None) -> list[tuple[str, str, str, str]]:
    """(table, column, kind p/f, type) of the integer-typed primary and foreign key columns in `schema`."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, a.attname, con.contype, format_type(a.atttypid, a.atttypmod)
            FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY(con.conkey)
            WHERE con.contype IN ('p', 'f') AND c.relnamespace = %s::regnamespace
              AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
            """,
            [schema],
        )
        rows = cursor.fetchall()
    return [row for row in rows if tables is None or row[0] in tables]


def unlisted_references() -> set[tuple[str, str]]:
    """(table, public table) pairs where a union's table, or a reference table, references a public table that
    deploy/citus.md does not make a reference table."""
    listed = reference_tables()
    problems = {(table, referenced) for table, referenced in union_references() if referenced not in listed}
    problems |= {(table, referenced) for table, _schema, referenced, _type in foreign_keys("public") if table in listed}
    return {(table, referenced) for table, referenced in problems if referenced not in listed}


def union_references() -> set[tuple[str, str]]:
    """(union's table, public table) of every link from a union's tables into public ones."""
    declared = {(link.table, link.target) for link in tenant_links_into_public()}
    constrained = {
        (table, referenced)
        for table, schema, referenced, _type in foreign_keys(settings.TENANT_BASE_SCHEMA)
        if schema == "public"
    }
    return declared | constrained


def test_union_tables_reference_only_reference_tables(world):
    assert reference_tables(), "deploy/citus.md lists the reference tables"
    referenced = {table for _table, table in union_references()}
    assert {"accounts_user", "catalogues_topic", "catalogues_department", "unions_union"} <= referenced
    assert not unlisted_references(), "reference these through reference tables (deploy/citus.md)"


def test_reference_table_list_names_existing_tables(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        public = {row[0] for row in cursor.fetchall()}
    assert reference_tables() <= public, reference_tables() - public


def project_tables() -> set[str]:
    """The tables of the project's own apps (their many-to-many tables included); third-party apps' public
    tables (e.g. django-axes' sign-in log) stay local on the coordinator and are not checked."""
    from django.apps import apps

    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith(("shared.", "tenants.", "oversight."))
    }


def narrow_keys() -> list[tuple[str, str, str]]:
    """(schema, table, column) of 32-bit primary and foreign keys in every union table, every reference table
    and the project's own public tables."""
    checked_in_public = project_tables() | reference_tables()
    return [
        (schema, table, column)
        for schema in (settings.TENANT_BASE_SCHEMA, "public")
        for table, column, _kind, type_name in key_columns(schema)
        if type_name != "bigint"
        and table not in FRAMEWORK_TABLES
        and (schema != "public" or table in checked_in_public)
        and not _points_at_framework(schema, table, column)
    ]


def test_keys_are_64_bit(world):
    assert not narrow_keys()


def test_the_checks_catch_an_unlisted_reference_and_a_32_bit_key(world):
    """A union table referencing a public table off the list, with a 32-bit key, is caught by both checks."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {settings.TENANT_BASE_SCHEMA}.zcitus_probe "
            "(id integer PRIMARY KEY, membership_id bigint REFERENCES public.accounts_membership (id))"
        )
    assert ("zcitus_probe", "accounts_membership") in unlisted_references()
    assert (settings.TENANT_BASE_SCHEMA, "zcitus_probe", "id") in narrow_keys()


def _points_at_framework(schema: str, table: str, column: str) -> bool:
    """A join table's column that references one of Django's framework tables (e.g. a user's groups)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT rc.relname FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class rc ON rc.oid = con.confrelid
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY(con.conkey)
            WHERE con.contype = 'f' AND c.relnamespace = %s::regnamespace AND c.relname = %s AND a.attname = %s
            """,
            [schema, table, column],
        )
        return any(row[0] in FRAMEWORK_TABLES for row in cursor.fetchall())
