"""Backup of one union into one file, and its restore as a NEW union (new code, schema and domain).

Why COPY through the application's connection and not pg_dump: pg_dump writes the schema's name into every
statement (a restore under another code would mean rewriting SQL text), must not be older than the server
(the embedded pgserver and the system's client binaries differ in version), and knows nothing of the public
rows a union needs nor of how another deployment numbers its users and catalogues. PostgreSQL's COPY text
format is exact for every type, runs in the one REPEATABLE READ transaction that reads everything (a
consistent picture), and needs no binary. The schema's structure is not copied: a restore provisions the
new union from the template like any union, and refuses a backup whose migration records differ from the
template's (restore it with the code version that made it, then migrate).

Ids inside the schema are kept; the columns that point at public tables are mapped by natural key (users by
username, topics and departments by name, unions by code, the union itself to the new one). Users missing
here are created from the backup (password hash kept, never staff or superuser); existing users are reused
unchanged and, unless memberships are left out, get the same role in the new union as in the backed-up one.
"""

from __future__ import annotations

import datetime
import io
import logging
import zipfile
from dataclasses import astuple

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.assessment.models import Adjustment, PublishedScore
from oversight.rollup.models import UnionYearStats
from shared.accounts.models import Membership, User
from shared.catalogues.models import Department, Topic
from shared.core.exceptions import ApplicationError
from shared.core.public_references import tenant_links_into_public
from shared.unions.models import Union
from shared.unions.services import union_create, union_set_event_record_days

from .archive import FORMAT, MANIFEST, PUBLIC, VERSION, BackupArchive, HashingWriter, archive_open, dumps, sha256

logger = logging.getLogger(__name__)

# Public tables a union's tables may point at, and the natural key that finds the same row elsewhere.
NATURAL_KEYS = {
    User._meta.db_table: (User, "username", ("email", "full_name", "first_name", "last_name", "password", "is_active")),
    Topic._meta.db_table: (Topic, "name", ("sort_order", "is_active")),
    Department._meta.db_table: (Department, "name", ("sort_order", "is_active")),
    Union._meta.db_table: (Union, "code", ()),
}
SKIPPED_TABLES = {"django_migrations"}  # the new schema has the template's records, checked equal

TABLES_SQL = """
SELECT c.relname,
       array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attnum > 0 AND NOT a.attisdropped
                                                        AND a.attgenerated = '')
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r'
GROUP BY c.relname ORDER BY c.relname
"""

PUBLIC_REFERENCES_SQL = """
SELECT c.relname, a.attname, fc.relname, a.attnotnull
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_class fc ON fc.oid = con.confrelid
JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
WHERE con.contype = 'f' AND c.relnamespace = %s::regnamespace AND fc.relnamespace = 'public'::regnamespace
ORDER BY c.relname, a.attname
"""

SEQUENCES_SQL = "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'S' ORDER BY relname"


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field of the unions' own models (tenant apps that are not also public)."""
    tenant_only = set(settings.TENANT_APPS) - set(settings.SHARED_APPS)
    return [
        (model._meta.db_table, field.column)
        for config in apps.get_app_configs()
        if config.name in tenant_only
        for model in config.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def _schema_tables(cursor, schema: str) -> list[tuple[str, list[str]]]:
    cursor.execute(TABLES_SQL, [_qi(schema)])
    return [(name, columns) for name, columns in cursor.fetchall() if name not in SKIPPED_TABLES]


def _public_references(cursor, schema: str) -> list[dict]:
    cursor.execute(PUBLIC_REFERENCES_SQL, [_qi(schema)])
    # The links the models declare (the database enforces none of them: shared.core.public_references), and
    # any constrained one the catalogue shows (e.g. brought back by a third-party app's migration).
    found = set(cursor.fetchall()) | {astuple(link) for link in tenant_links_into_public()}
    references = [
        {"table": table, "column": column, "target": target, "not_null": not_null}
        for table, column, target, not_null in sorted(found)
    ]
    unknown = sorted({ref["target"] for ref in references} - set(NATURAL_KEYS))
    if unknown:
        raise ApplicationError(
            _("The union's tables point at public tables a backup cannot map yet: %(tables)s.")
            % {"tables": ", ".join(unknown)}
        )
    return references


def _referenced_rows(cursor, schema: str, references: list[dict], union: Union) -> dict[str, list[dict]]:
    """The public rows the schema points at, with their natural keys (and what recreating them needs)."""
    ids: dict[str, set[int]] = {target: set() for target in NATURAL_KEYS}
    for ref in references:
        cursor.execute(
            f"SELECT DISTINCT {_qi(ref['column'])} FROM {_qi(schema)}.{_qi(ref['table'])} "
            f"WHERE {_qi(ref['column'])} IS NOT NULL"
        )
        ids[ref["target"]].update(row[0] for row in cursor.fetchall())
    ids[User._meta.db_table].update(Membership.objects.filter(union=union).values_list("user_id", flat=True))
    ids[User._meta.db_table].update(Adjustment.objects.filter(union=union).values_list("created_by_id", flat=True))
    ids[Union._meta.db_table].add(union.id)
    rows = {}
    for target, (model, key, extra) in NATURAL_KEYS.items():
        fields = ["id", key, *extra]
        rows[target] = list(model.objects.filter(id__in=ids[target]).order_by("id").values(*fields))
    return rows


def _serialized(queryset) -> list[dict]:
    return serializers.serialize("python", queryset)


def _public_part(union: Union, referenced: dict) -> dict:
    return {
        "union": {
            "code": union.code,
            "name": union.name,
            "level": union.level,
            "parent": union.parent.code if union.parent_id else None,
            "region_code": union.region_code,
            "archived_on": union.archived_on,
            "event_record_days": union.event_record_days,
            "record_days_below": union.record_days_below,
            "domains": list(union.domains.order_by("-is_primary", "domain").values_list("domain", flat=True)),
        },
        "references": referenced,
        "memberships": list(
            Membership.objects.filter(union=union).order_by("id").values("user_id", "role", "created_at")
        ),
        "rollup": _serialized(UnionYearStats.objects.filter(union=union).order_by("year")),
        "adjustments": _serialized(Adjustment.objects.filter(union=union).order_by("id")),
        # Lines of the city's frozen publications: kept as a record, never written back into a publication.
        "published_scores": _serialized(PublishedScore.objects.filter(union=union).order_by("id")),
    }


def _write_tables(archive, cursor, schema: str, tables) -> list[dict]:
    entries = []
    for index, (table, columns) in enumerate(tables):
        member = f"tables/{index:03d}-{table}.copy"
        column_list = ", ".join(_qi(c) for c in columns)
        with archive.open(member, "w", force_zip64=True) as out:
            writer = HashingWriter(out)
            cursor.copy_expert(f"COPY {_qi(schema)}.{_qi(table)} ({column_list}) TO STDOUT", writer)
        entries.append(
            {
                "name": table,
                "columns": columns,
                "rows": writer.lines,
                "sha256": writer.digest.hexdigest(),
                "member": member,
            }
        )
    return entries


def _write_files(archive, cursor, schema: str) -> list[dict]:
    entries, seen = [], set()
    for table, column in _file_columns():
        cursor.execute(f"SELECT DISTINCT {_qi(column)} FROM {_qi(schema)}.{_qi(table)} WHERE {_qi(column)} <> ''")
        for (name,) in cursor.fetchall():
            if name in seen:
                continue
            seen.add(name)
            if not default_storage.exists(name):
                logger.warning("Backup of %s: file %s is missing from storage", schema, name)
                continue
            with default_storage.open(name, "rb") as handle:
                data = handle.read()
            member = f"files/{name}"
            archive.writestr(member, data)
            entries.append({"table": table, "column": column, "name": name, "member": member, "sha256": sha256(data)})
    return entries


def union_backup(*, code: str, path) -> dict:
    """Write the union's schema (every table) and its public rows into one file at `path`. Returns the
    manifest. Everything is read in one REPEATABLE READ transaction, so the file is one moment's picture."""
    union = Union.objects.filter(code=code).select_related("parent").first()
    if union is None:
        raise ApplicationError(_("No union has the code “%(code)s”.") % {"code": code}, fields={"code": ["?"]})
    schema = union.schema_name
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        tables = _schema_tables(cursor, schema)
        references = _public_references(cursor, schema)
        cursor.execute(f"SELECT app, name FROM {_qi(schema)}.django_migrations ORDER BY app, name")
        migrations = [list(row) for row in cursor.fetchall()]
        cursor.execute(SEQUENCES_SQL, [_qi(schema)])
        sequences = []
        for (sequence,) in cursor.fetchall():
            cursor.execute(f"SELECT last_value, is_called FROM {_qi(schema)}.{_qi(sequence)}")
            sequences.append([sequence, *cursor.fetchone()])
        public = dumps(_public_part(union, _referenced_rows(cursor, schema, references, union)))
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            table_entries = _write_tables(archive, cursor, schema, tables)
            file_entries = _write_files(archive, cursor, schema)
            archive.writestr(PUBLIC, public)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "union": union.code,
                "created_at": timezone.now(),
                "migrations": migrations,
                "tables": table_entries,
                "sequences": sequences,
                "references": references,
                "files": file_entries,
                "public_sha256": sha256(public),
            }
            archive.writestr(MANIFEST, dumps(manifest))
    return manifest


# --- restore -------------------------------------------------------------------------------------------


def _check_migrations(archive: BackupArchive) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {_qi(settings.TENANT_BASE_SCHEMA)}.django_migrations")
        here = {tuple(row) for row in cursor.fetchall()}
    there = {tuple(row) for row in archive.manifest["migrations"]}
    if here != there:
        missing, extra = sorted(there - here), sorted(here - there)
        raise ApplicationError(
            _(
                "The backup was made at another schema version (%(missing)d migrations unknown here, "
                "%(extra)d not yet applied there). Restore it with the code version that made it, then migrate."
            )
            % {"missing": len(missing), "extra": len(extra)},
            code="bad_backup",
        )


def _map_public(archive: BackupArchive, union: Union) -> dict[str, dict[int, int | None]]:
    """Old public id -> id here, per public table. Missing users, topics and departments are created; a
    union that does not exist here maps to None (the new union stands for the backed-up one)."""
    source_code = archive.public["union"]["code"]
    mapping: dict[str, dict[int, int | None]] = {}
    for target, (model, key, extra) in NATURAL_KEYS.items():
        rows = archive.public["references"].get(target, [])
        existing = dict(model.objects.filter(**{f"{key}__in": [r[key] for r in rows]}).values_list(key, "id"))
        mapping[target] = {}
        for row in rows:
            if model is Union:
                mapping[target][row["id"]] = union.id if row[key] == source_code else existing.get(row[key])
                continue
            if row[key] not in existing:
                values = {field: row[field] for field in extra}
                existing[row[key]] = model.objects.create(**{key: row[key]}, **values).id
            mapping[target][row["id"]] = existing[row[key]]
    return mapping


def _load_tables(archive: BackupArchive, schema: str, mapping: dict) -> dict[str, int]:
    """COPY every table's rows into the new schema, then map the columns that point at public tables."""
    dropped: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        here = dict(_schema_tables(cursor, schema))
        for table in archive.manifest["tables"]:
            if sorted(here.get(table["name"]) or []) != sorted(table["columns"]):
                raise ApplicationError(
                    _("Table %(table)s of the backup does not match this version's.") % {"table": table["name"]},
                    code="bad_backup",
                )
            cursor.execute(f"DELETE FROM {_qi(schema)}.{_qi(table['name'])}")  # the template's rows
            column_list = ", ".join(_qi(c) for c in table["columns"])
            cursor.copy_expert(
                f"COPY {_qi(schema)}.{_qi(table['name'])} ({column_list}) FROM STDIN",
                io.BytesIO(archive.table_data(table)),
            )
        cursor.execute("DROP TABLE IF EXISTS pg_temp.restore_id_map")
        cursor.execute("CREATE TEMP TABLE restore_id_map (target text, old_id bigint, new_id bigint)")
        for target, ids in mapping.items():
            cursor.executemany(
                "INSERT INTO pg_temp.restore_id_map VALUES (%s, %s, %s)",
                [(target, old, new) for old, new in ids.items() if new is not None],
            )
        for ref in archive.manifest["references"]:
            lost = _map_column(cursor, schema, ref)
            if lost:
                dropped[f"{ref['table']}.{ref['column']}"] = lost
        for name, last_value, is_called in archive.manifest["sequences"]:
            cursor.execute("SELECT setval(%s, %s, %s)", [f"{_qi(schema)}.{_qi(name)}", last_value, is_called])
        cursor.execute("DROP TABLE pg_temp.restore_id_map")
    return dropped


def _map_column(cursor, schema: str, ref: dict) -> int:
    """Point one column at the rows here. Rows pointing at a union that does not exist here lose that link:
    the column is emptied, or the row (a link row, e.g. an event's invited union) removed. Returns how many."""
    table, column = f"{_qi(schema)}.{_qi(ref['table'])}", _qi(ref["column"])
    unmapped = (
        f"{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_temp.restore_id_map m "
        f"WHERE m.target = %s AND m.old_id = {column})"
    )
    if ref["not_null"]:
        cursor.execute(f"DELETE FROM {table} WHERE {unmapped}", [ref["target"]])
    else:
        cursor.execute(f"UPDATE {table} SET {column} = NULL WHERE {unmapped}", [ref["target"]])
    lost = cursor.rowcount
    cursor.execute(
        f"UPDATE {table} AS t SET {column} = m.new_id FROM pg_temp.restore_id_map m "
        f"WHERE m.target = %s AND m.old_id = t.{column}",
        [ref["target"]],
    )
    return lost


def _restore_public_rows(archive: BackupArchive, union: Union, users: dict, *, memberships: bool) -> dict:
    public = archive.public
    counts = {"memberships": 0, "rollup": 0, "adjustments": 0}
    if memberships:
        for row in public["memberships"]:
            Membership.objects.get_or_create(user_id=users[row["user_id"]], union=union, defaults={"role": row["role"]})
            counts["memberships"] += 1
    for item in serializers.deserialize("python", public["rollup"]):
        stats = item.object
        stats.pk, stats.union_id = None, union.id
        stats.save(force_insert=True)
        counts["rollup"] += 1
    if union.parent_id is not None:
        for item in serializers.deserialize("python", public["adjustments"]):
            adjustment, created_at = item.object, item.object.created_at
            adjustment.pk, adjustment.union_id, adjustment.city_id = None, union.id, union.parent_id
            adjustment.created_by_id = users[adjustment.created_by_id]
            adjustment.save(force_insert=True)
            Adjustment.objects.filter(pk=adjustment.pk).update(created_at=created_at)  # auto_now_add rewrote it
            counts["adjustments"] += 1
    return counts


def _restore_files(archive: BackupArchive, schema: str, written: list[str]) -> None:
    """Put the backup's files into storage where they are missing; a name storage changes is updated in
    the rows. `written` collects the new names, so a failed restore can remove them again."""
    with connection.cursor() as cursor:
        for entry in archive.manifest["files"]:
            if default_storage.exists(entry["name"]):
                continue
            name = default_storage.save(entry["name"], ContentFile(archive.file_data(entry)))
            written.append(name)
            if name != entry["name"]:
                cursor.execute(
                    f"UPDATE {_qi(schema)}.{_qi(entry['table'])} SET {_qi(entry['column'])} = %s "
                    f"WHERE {_qi(entry['column'])} = %s",
                    [name, entry["name"]],
                )


def union_restore(
    *,
    path,
    code: str,
    domain: str,
    name: str | None = None,
    parent_code: str | None = None,
    region_code: str | None = None,
    memberships: bool = True,
) -> dict:
    """Bring a backup back as a NEW union `code` at `domain` (by default with the backed-up union's name,
    parent and region). All or nothing: one transaction, the schema included; files written are removed
    again on failure. Returns a summary."""
    archive = archive_open(path)
    source = archive.public["union"]
    written: list[str] = []
    try:
        with transaction.atomic():
            _check_migrations(archive)
            union = union_create(
                code=code,
                name=name or source["name"],
                level=source["level"],
                parent_code=parent_code if parent_code is not None else source["parent"],
                region_code=region_code or source["region_code"],
                domain=domain,
            )
            if source.get("event_record_days") is not None:  # the union's own setting (None: the default)
                union = union_set_event_record_days(union=union, days=source["event_record_days"])
            if source.get("record_days_below") is not None and union.oversees:  # the days it gave the level below
                union.record_days_below = source["record_days_below"]
                union.save(update_fields=["record_days_below"])
            mapping = _map_public(archive, union)
            dropped = _load_tables(archive, union.schema_name, mapping)
            counts = _restore_public_rows(archive, union, mapping[User._meta.db_table], memberships=memberships)
            _restore_files(archive, union.schema_name, written)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a broken reference fails here, not at commit
    except BaseException:
        for stored in written:
            default_storage.delete(stored)
        raise
    finally:
        archive.close()
        connection.set_schema_to_public()
    return {
        "union": union,
        "source": source["code"],
        "tables": len(archive.manifest["tables"]),
        "rows": sum(table["rows"] for table in archive.manifest["tables"]),
        "files": len(written),
        "links_dropped": dropped,
        "published_scores_not_restored": len(archive.public["published_scores"]),
        "backup_made_at": datetime.datetime.fromisoformat(archive.manifest["created_at"].replace("Z", "+00:00")),
        **counts,
    }
