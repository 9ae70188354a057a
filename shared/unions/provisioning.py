"""Provisioning a union's schema by replaying the template schema's captured DDL.

django-tenants' ``clone_schema`` SQL function reads ``information_schema`` views, which scan the catalogue of
every schema, for each table it copies: creating a union took longer with every union there was (0.2 s at 10,
2.7 s at 100, 9.7 s at 300). Here the template's structure is read once, whenever the template is migrated,
and kept as SQL (``TemplateSnapshot``); creating a union replays that SQL into the new schema, in the caller's
transaction, and copies the template's few rows (its ``django_migrations`` records). Replaying touches only
the new schema's own catalogue rows, so its cost does not grow with the number of unions.

The capture reads the catalogue with ``search_path`` set to the template alone, so PostgreSQL prints the
template's own objects unqualified and everything else (public tables, types) qualified; the replay runs
with ``search_path`` set to the new schema alone, so the same text creates the new schema's objects.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import connection, transaction

if TYPE_CHECKING:
    from .models import TemplateSnapshot

logger = logging.getLogger(__name__)

# Kinds of objects the capture does not reproduce; a template holding one is provisioned the slow way
# (django-tenants' clone_schema), with a warning, rather than half-copied.
UNSUPPORTED_OBJECTS_SQL = """
SELECT 'relation ' || c.relname || ' (kind ' || c.relkind::text || ')' FROM pg_class c
    WHERE c.relnamespace = %(ns)s AND c.relkind NOT IN ('r', 'i', 'S', 't')
UNION ALL SELECT 'function ' || p.proname FROM pg_proc p WHERE p.pronamespace = %(ns)s
UNION ALL SELECT 'type ' || t.typname FROM pg_type t
    WHERE t.typnamespace = %(ns)s AND t.typtype IN ('e', 'd', 'r', 'm')
UNION ALL SELECT 'policy ' || pol.polname FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid
    WHERE c.relnamespace = %(ns)s
UNION ALL SELECT 'rule ' || r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
    WHERE c.relnamespace = %(ns)s
UNION ALL SELECT 'statistics ' || s.stxname FROM pg_statistic_ext s WHERE s.stxnamespace = %(ns)s
UNION ALL SELECT 'trigger ' || tg.tgname FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
    WHERE c.relnamespace = %(ns)s AND NOT tg.tgisinternal
UNION ALL SELECT 'row level security on ' || c.relname FROM pg_class c
    WHERE c.relnamespace = %(ns)s AND c.relrowsecurity
"""

TABLES_SQL = """
SELECT c.oid, quote_ident(c.relname), c.relpersistence, c.reloptions
FROM pg_class c WHERE c.relnamespace = %(ns)s AND c.relkind = 'r' ORDER BY c.oid
"""

# Sequence options as CREATE SEQUENCE / identity clauses spell them (an identity's type is its column's).
SEQUENCE_OPTIONS = """
    'INCREMENT BY ' || s.seqincrement || ' MINVALUE ' || s.seqmin
    || ' MAXVALUE ' || s.seqmax || ' START WITH ' || s.seqstart || ' CACHE ' || s.seqcache
    || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END
"""

COLUMNS_SQL = f"""
SELECT a.attrelid, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN
           (SELECT quote_ident(n.nspname) || '.' || quote_ident(co.collname)
            FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace WHERE co.oid = a.attcollation)
       END,
       (SELECT 'SEQUENCE NAME ' || quote_ident(sc.relname) || ' ' || {SEQUENCE_OPTIONS}
        FROM pg_depend dep JOIN pg_class sc ON sc.oid = dep.objid JOIN pg_sequence s ON s.seqrelid = sc.oid
        WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
          AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i')
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY(%(tables)s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

# Sequences that are not an identity column's: serial columns' and free-standing ones.
SEQUENCES_SQL = f"""
SELECT quote_ident(c.relname), 'AS ' || format_type(s.seqtypid, NULL) || ' ' || {SEQUENCE_OPTIONS},
       (SELECT quote_ident(tc.relname) || '.' || quote_ident(ta.attname)
        FROM pg_depend dep JOIN pg_class tc ON tc.oid = dep.refobjid
        JOIN pg_attribute ta ON ta.attrelid = dep.refobjid AND ta.attnum = dep.refobjsubid
        WHERE dep.objid = c.oid AND dep.classid = 'pg_class'::regclass AND dep.deptype = 'a')
FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
WHERE c.relnamespace = %(ns)s AND c.relkind = 'S'
  AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = c.oid AND dep.deptype = 'i')
ORDER BY c.oid
"""

# Primary keys, unique, check and exclusion constraints go into their CREATE TABLE, foreign keys into one
# ALTER TABLE per table once every table exists (fewer statements: each one locks and reloads its table).
CONSTRAINTS_SQL = """
SELECT con.conrelid, con.contype = 'f', 'CONSTRAINT ' || quote_ident(con.conname) || ' ' || pg_get_constraintdef(con.oid)
FROM pg_constraint con
WHERE con.conrelid = ANY(%(tables)s) AND con.contype IN ('p', 'u', 'c', 'x', 'f')
ORDER BY con.oid
"""

# Indexes that no constraint made (those come with their constraint).
INDEXES_SQL = """
SELECT pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = ANY(%(tables)s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                  AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indexrelid
"""

COMMENTS_SQL = """
SELECT 'COMMENT ON ' || CASE WHEN d.objsubid = 0 THEN 'TABLE ' || quote_ident(c.relname)
       ELSE 'COLUMN ' || quote_ident(c.relname) || '.' || quote_ident(a.attname) END
       || ' IS ' || quote_literal(d.description)
FROM pg_description d JOIN pg_class c ON c.oid = d.objoid
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
WHERE d.classoid = 'pg_class'::regclass AND d.objoid = ANY(%(tables)s)
ORDER BY d.objoid, d.objsubid
"""


class TemplateNotReplayable(Exception):
    """The template holds objects the capture does not reproduce."""


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column_sql(name, type_sql, not_null, default, identity, generated, collation, identity_options) -> str:
    parts = [name, type_sql]
    if collation:
        parts.append(f"COLLATE {collation}")
    if identity:
        kind = "ALWAYS" if identity == "a" else "BY DEFAULT"
        parts.append(f"GENERATED {kind} AS IDENTITY ({identity_options})")
    elif generated == "s":
        parts.append(f"GENERATED ALWAYS AS ({default}) STORED")
    elif default is not None:
        parts.append(f"DEFAULT {default}")
    if not_null:
        parts.append("NOT NULL")
    return " ".join(parts)


def _rows_and_sequences(cursor, template: str, tables: list[tuple]) -> tuple[list[str], list[str]]:
    """Statements copying the template's rows (e.g. django_migrations) and its sequences' positions.

    They read the template when replayed, so the new schema gets the rows as they are then."""
    copies = []
    for oid, name, _persistence, _options in tables:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_qi(template)}.{name})")
        if cursor.fetchone()[0]:
            cursor.execute(
                "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
                "WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped AND attgenerated = ''",
                [oid],
            )
            columns = cursor.fetchone()[0]
            copies.append(
                f"INSERT INTO {name} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} FROM {_qi(template)}.{name}"
            )
    cursor.execute(
        "SELECT quote_ident(relname) FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'S' "
        "ORDER BY oid",
        [_qi(template)],
    )
    positions = [
        f"SELECT setval({_literal(sequence)}, last_value, is_called) FROM {_qi(template)}.{sequence}"
        for (sequence,) in cursor.fetchall()
    ]
    return copies, positions


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def template_capture_sql(*, template: str) -> str:
    """Read the template schema's structure from the catalogue and return it as SQL that, run with
    ``search_path`` set to an empty schema, rebuilds it there (rows and sequence positions included).

    Raises TemplateNotReplayable if the template holds objects this does not reproduce.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        previous = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('search_path', %s, true)", [_qi(template)])
        cursor.execute("SELECT %s::regnamespace::oid", [_qi(template)])
        params = {"ns": cursor.fetchone()[0]}
        cursor.execute(UNSUPPORTED_OBJECTS_SQL, params)
        unsupported = [row[0] for row in cursor.fetchall()]
        if unsupported:
            raise TemplateNotReplayable(", ".join(unsupported))

        cursor.execute(TABLES_SQL, params)
        tables = cursor.fetchall()
        params["tables"] = [oid for oid, *_ in tables]
        cursor.execute(SEQUENCES_SQL, params)
        sequences = cursor.fetchall()
        cursor.execute(COLUMNS_SQL, params)
        columns: dict[int, list[str]] = {}
        for oid, *column in cursor.fetchall():
            columns.setdefault(oid, []).append(_column_sql(*column))
        cursor.execute(CONSTRAINTS_SQL, params)
        foreign_keys: dict[int, list[str]] = {}
        for oid, is_foreign_key, definition in cursor.fetchall():
            (foreign_keys if is_foreign_key else columns).setdefault(oid, []).append(definition)
        # pg_get_indexdef always names the table with its schema: drop it, the replay's search_path decides.
        cursor.execute("SELECT quote_ident(%s)", [template])
        on_template = f" ON {cursor.fetchone()[0]}."
        cursor.execute(INDEXES_SQL, params)
        indexes = [definition.replace(on_template, " ON ", 1) for (definition,) in cursor.fetchall()]
        cursor.execute(COMMENTS_SQL, params)
        comments = [row[0] for row in cursor.fetchall()]
        copies, positions = _rows_and_sequences(cursor, template, tables)
        # Inside an outer transaction the local setting would outlive this block: put the caller's back.
        cursor.execute("SELECT set_config('search_path', %s, true)", [previous])

    statements = [f"CREATE SEQUENCE {name} {options}" for name, options, _owner in sequences]
    for oid, name, persistence, options in tables:
        unlogged = "UNLOGGED " if persistence == "u" else ""
        with_options = f" WITH ({', '.join(options)})" if options else ""
        statements.append(f"CREATE {unlogged}TABLE {name} ({', '.join(columns.get(oid, []))}){with_options}")
    statements += [f"ALTER SEQUENCE {name} OWNED BY {owner}" for name, _options, owner in sequences if owner]
    names = {oid: name for oid, name, _persistence, _options in tables}
    statements += [f"ALTER TABLE {names[oid]} ADD {', ADD '.join(keys)}" for oid, keys in foreign_keys.items()]
    statements += indexes + comments + copies + positions
    return ";\n".join(statements) + ";\n"


# --- the snapshot: captured when the template is migrated, replayed when a union is created -------------

MIGRATIONS_DIGEST_SQL = (
    "SELECT md5(coalesce(string_agg(app || '.' || name, ',' ORDER BY id), '')) FROM {}.django_migrations"
)

# Replays are the same SQL for every union until the template changes: keep the text per digest.
_sql_by_digest: dict[str, str] = {}


def template_digest(*, template: str) -> str:
    """A fingerprint of the template's migration records: it changes whenever the template is migrated."""
    with connection.cursor() as cursor:
        cursor.execute(MIGRATIONS_DIGEST_SQL.format(_qi(template)))
        return cursor.fetchone()[0]


def template_snapshot_capture(*, template: str) -> TemplateSnapshot | None:
    """Capture the template's SQL and keep it (replacing an older capture). None if it cannot be replayed."""
    from .models import TemplateSnapshot

    try:
        sql = template_capture_sql(template=template)
    except TemplateNotReplayable as error:
        logger.warning("Template schema %s cannot be replayed (%s); unions will be cloned instead.", template, error)
        TemplateSnapshot.objects.filter(schema=template).delete()
        return None
    snapshot, _created = TemplateSnapshot.objects.update_or_create(
        schema=template, defaults={"digest": template_digest(template=template), "sql": sql}
    )
    return snapshot


def template_snapshot_sql(*, template: str) -> str | None:
    """The SQL that rebuilds the template as it is now: the kept capture, captured again if the template was
    migrated since (e.g. one schema migrated by name). None if the template cannot be replayed."""
    from .models import TemplateSnapshot

    digest = template_digest(template=template)
    if digest in _sql_by_digest:
        return _sql_by_digest[digest]
    snapshot = TemplateSnapshot.objects.filter(schema=template, digest=digest).first()
    if snapshot is None:
        snapshot = template_snapshot_capture(template=template)
    if snapshot is None:
        return None
    _sql_by_digest.clear()
    _sql_by_digest[digest] = snapshot.sql
    return snapshot.sql


def schema_replay(*, schema_name: str, sql: str) -> None:
    """Create the schema and replay the template's SQL into it, all in one transaction (a savepoint when
    the caller has one open): a failure leaves no schema behind."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        previous = cursor.fetchone()[0]
        cursor.execute(f"CREATE SCHEMA {_qi(schema_name)}")
        cursor.execute("SELECT set_config('search_path', %s, true)", [_qi(schema_name)])
        cursor.execute(sql)
        cursor.execute("SELECT set_config('search_path', %s, true)", [previous])


# --- spare schemas: made ahead, renamed when a union is created ---------------------------------------------
#
# Replaying the template is about a hundred DDL statements (0.1 s); a spare schema is that replay done ahead of
# time, off the request path (``spare_schemas_fill``: a command, and a Celery task after each creation).
# Creating a union then renames a spare (ALTER SCHEMA ... RENAME: one catalogue row, whatever the number of
# unions). Neither touches the public tables' catalogue: a union's tables reference them without constraints
# (shared.core.public_references), which is what keeps both flat in the number of unions. A spare's name
# carries the template's digest, so a spare made before the template was migrated is never used (and the next
# fill drops it).

SPARE_PREFIX = "spare_"

# Any fixed 64-bit number: the lock schema creation, removal and the spares' fill share. They used to add and
# drop foreign keys on public tables and could deadlock; a union's tables hold none now, but a third-party
# app's migration could bring one back (tests/shared/core/test_public_references.py would say), and
# serialising schema DDL costs nothing noticeable.
SCHEMA_DDL_LOCK_KEY = 0x6A71_C0DE


def schema_ddl_lock() -> None:
    """Hold, until the transaction ends, the lock that schema creation, removal and spare fills share."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEMA_DDL_LOCK_KEY])


def _spare_prefix(digest: str) -> str:
    return f"{SPARE_PREFIX}{digest[:16]}_"


def spare_schemas(*, digest: str | None = None) -> list[str]:
    """The spare schemas there are (made from the template at `digest` when given), oldest name first."""
    pattern = (_spare_prefix(digest) if digest else SPARE_PREFIX).replace("_", r"\_") + "%"
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY nspname", [pattern])
        return [row[0] for row in cursor.fetchall()]


def spare_schemas_fill(*, count: int, template: str) -> int:
    """Make spares until `count` fit the template as it is now, after dropping those that do not; each one
    in its own transaction. Returns how many were made."""
    import uuid

    sql = template_snapshot_sql(template=template)
    if sql is None:
        return 0
    digest = template_digest(template=template)
    for stale in set(spare_schemas()) - set(spare_schemas(digest=digest)):
        with transaction.atomic(), connection.cursor() as cursor:
            schema_ddl_lock()
            cursor.execute(f"DROP SCHEMA IF EXISTS {_qi(stale)} CASCADE")
    made = 0
    while len(spare_schemas(digest=digest)) < count:
        with transaction.atomic():
            schema_ddl_lock()
            # Time-ordered names: the oldest spare is claimed first.
            schema_replay(schema_name=f"{_spare_prefix(digest)}{uuid.uuid1().hex[:8]}{uuid.uuid4().hex[:8]}", sql=sql)
        made += 1
    return made


def spare_schema_claim(*, schema_name: str, template: str) -> bool:
    """Rename a spare made from the template as it is now to `schema_name`, in the caller's transaction (a
    rollback gives it back). False when there is none. Two creations at once never take the same spare: each
    holds a transaction-level advisory lock on the spare it renames, and checks it still exists once it has it.
    """
    digest = template_digest(template=template)
    with connection.cursor() as cursor:
        for spare in spare_schemas(digest=digest):
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [spare])
            if not cursor.fetchone()[0]:
                continue
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s)", [spare])
            if cursor.fetchone()[0]:
                cursor.execute(f"ALTER SCHEMA {_qi(spare)} RENAME TO {_qi(schema_name)}")
                return True
    return False
