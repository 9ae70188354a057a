"""backup_union writes one file; restore_union brings it back as a new union, equal table by table."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation
from django_tenants.utils import schema_context, schema_exists
from PIL import Image

from oversight.assessment.models import Adjustment
from oversight.backup.services import NATURAL_KEYS, union_backup, union_restore
from oversight.rollup.models import UnionYearStats
from oversight.rollup.services import rollup_refresh
from shared.accounts.models import Membership, Role, User
from shared.core.exceptions import ApplicationError
from shared.unions.models import Domain, Union
from shared.unions.services import union_create
from tenants.attachments.services import attachment_add
from tenants.events.demo import demo_history_load
from tenants.events.models import Event
from tenants.events.services import event_create
from tenants.stats.selectors import union_year_stats

TODAY = datetime.date(2025, 6, 30)


def _qi(name: str) -> str:
    return '"' + name + '"'


def table_rows(schema: str) -> dict[str, list[tuple]]:
    """Every table of a schema (but django_migrations): its columns' values, every row, in key order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'r' ORDER BY relname",
            [_qi(schema)],
        )
        tables = [name for (name,) in cursor.fetchall() if name != "django_migrations"]
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {_qi(schema)}.{_qi(table)} ORDER BY 1")
            columns = [c.name for c in cursor.description]
            rows[table] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return rows


def union_columns(schema: str) -> set[tuple[str, str]]:
    """(table, column) of the schema's columns that point at public unions."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
            "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1] "
            "WHERE con.contype = 'f' AND c.relnamespace = %s::regnamespace AND con.confrelid = 'public.unions_union'::regclass",
            [_qi(schema)],
        )
        return set(cursor.fetchall())


@pytest.fixture
def source(world, settings, tmp_path):
    """A county of tcity with nine years of demo history, members, roll-up rows, an adjustment and a file."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    union = union_create(
        code="bkcounty",
        name="备份测试县总工会",
        level="county",
        parent_code="tcity",
        region_code="339905",
        domain="bkcounty.localhost",
    )
    admin = User.objects.create_user(username="bk-admin", password="x-secret-1", full_name="备份管理员")
    Membership.objects.create(user=admin, union=union, role=Role.ADMIN)
    Membership.objects.create(user=world.user("tcounty1-staff"), union=union, role=Role.STAFF)
    demo_history_load(union=union, seed=3, today=TODAY)
    with schema_context(union.schema_name):
        event = Event.objects.filter(status="held").order_by("id").first()
        event.invited_unions.add(world.union("tcounty2"))
        attachment_add(actor=admin, upload=_photo(), event=event, description="现场照片")
    Union.objects.filter(pk=union.pk).update(event_record_days=10)
    union.refresh_from_db()
    rollup_refresh(union=union, today=TODAY)
    Adjustment.objects.create(
        city=world.union("tcity"), union=union, year=2024, points=3, reason="承办示范活动", created_by=admin
    )
    return union


def _photo() -> SimpleUploadedFile:
    """A real (tiny) PNG: the attachment service judges the type by content and makes a thumbnail."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("site.png", buffer.getvalue(), content_type="image/png")


def _restore(path, **options):
    defaults = {"code": "bkcopy", "domain": "bkcopy.localhost"}
    return union_restore(path=path, **(defaults | options))


def test_round_trip_restores_every_table_and_the_yearly_stats(source, world, tmp_path):
    path = tmp_path / "bkcounty.zip"
    call_command("backup_union", "--code", "bkcounty", "--file", str(path))
    summary = _restore(path)
    copy = summary["union"]
    assert (copy.code, copy.name, copy.parent.code, copy.region_code) == (
        "bkcopy",
        "备份测试县总工会",
        "tcity",
        "339905",
    )
    assert Domain.objects.get(tenant=copy).domain == "bkcopy.localhost"
    assert copy.event_record_days == 10

    before, after = table_rows("bkcounty"), table_rows("bkcopy")
    assert before.keys() == after.keys()
    assert sum(len(rows) for rows in before.values()) == summary["rows"] > 2000
    assert len(before["events_event"]) > 30 and len(before["cases_casetransition"]) > 300
    # Same rows, same values; columns pointing at public unions name the copy where they named the source.
    mapped = union_columns("bkcopy")
    for table, rows in before.items():
        expected = [
            {k: (copy.id if (table, k) in mapped and v == source.id else v) for k, v in row.items()} for row in rows
        ]
        assert after[table] == expected, table
    assert any(row["union_id"] == world.union("tcounty2").id for row in after["events_event_invited_unions"])

    for year in range(2017, 2026):
        with schema_context("bkcounty"):
            original = union_year_stats(year=year, today=TODAY)
        with schema_context("bkcopy"):
            restored = union_year_stats(year=year, today=TODAY)
        assert restored == original, year
    fields = [f.name for f in UnionYearStats._meta.fields if f.name not in ("id", "union")]
    assert list(UnionYearStats.objects.filter(union=copy).order_by("year").values(*fields)) == list(
        UnionYearStats.objects.filter(union=source).order_by("year").values(*fields)
    )
    assert set(Membership.objects.filter(union=copy).values_list("user__username", "role")) == {
        ("bk-admin", "admin"),
        ("tcounty1-staff", "staff"),
    }
    adjustment = Adjustment.objects.get(union=copy)
    original = Adjustment.objects.get(union=source)
    assert (adjustment.city, adjustment.points, adjustment.reason, adjustment.created_by, adjustment.created_at) == (
        original.city,
        original.points,
        original.reason,
        original.created_by,
        original.created_at,
    )
    # Sequences and the event counter continue after the restored rows: the next id and the next 第N期.
    with schema_context("bkcopy"):
        event = event_create(
            actor=world.user("tcounty1-staff"), title="恢复后的新活动", planned_date=TODAY, venue_kind="enterprise"
        )
    assert event.id > max(r["id"] for r in before["events_event"])
    assert event.number == max(r["number"] for r in before["events_event"]) + 1


def test_users_missing_here_are_created_and_existing_ones_reused(source, world, tmp_path):
    path = tmp_path / "b.zip"
    union_backup(code="bkcounty", path=path)
    # As on another deployment: bk-admin is not known here (renamed), tcounty1-staff is.
    User.objects.filter(username="bk-admin").update(username="bk-admin-renamed")
    summary = _restore(path)
    recreated = User.objects.get(username="bk-admin")
    assert recreated.check_password("x-secret-1") and not recreated.is_staff and not recreated.is_superuser
    assert Membership.objects.get(union=summary["union"], user=recreated).role == "admin"
    with schema_context("bkcopy"):
        created_by = set(Event.objects.values_list("created_by_id", flat=True)) - {None}
    assert created_by <= set(
        User.objects.filter(username__in=["bk-admin", "tcounty1-staff"]).values_list("id", flat=True)
    )
    assert Adjustment.objects.get(union=summary["union"]).created_by == recreated


def test_without_memberships_and_a_union_missing_here(source, world, tmp_path):
    path = tmp_path / "b.zip"
    union_backup(code="bkcounty", path=path)
    other = world.union("tcounty2")
    with connection.cursor() as cursor:  # as if tcounty2 were not in this deployment
        cursor.execute("UPDATE unions_union SET code = 'elsewhere' WHERE id = %s", [other.id])
    summary = _restore(path, memberships=False)
    assert not Membership.objects.filter(union=summary["union"]).exists()
    assert summary["links_dropped"] == {"events_event_invited_unions.union_id": 1}


def test_restore_refuses_a_code_or_domain_in_use_and_a_wrong_parent(source, world, tmp_path):
    path = tmp_path / "b.zip"
    union_backup(code="bkcounty", path=path)
    unions = Union.objects.count()
    for options, field in (
        ({"code": "bkcounty"}, "code"),  # never over an existing union
        ({"code": "tcounty1"}, "code"),
        ({"domain": "tcounty1.localhost"}, "domain"),
        ({"parent_code": "tcounty1"}, "parent"),  # a county under a county
        ({"parent_code": "ocity"}, "region"),  # the other city's region does not hold it
    ):
        with pytest.raises(ApplicationError) as refused:
            _restore(path, **options)
        assert field in refused.value.fields, options
    assert Union.objects.count() == unions and not schema_exists("bkcopy")
    with pytest.raises(CommandError, match="tcounty1"):
        call_command("restore_union", "--file", str(path), "--code", "tcounty1", "--domain", "x.localhost")
    with pytest.raises(CommandError, match="nosuch"):
        call_command("backup_union", "--code", "nosuch", "--file", str(tmp_path / "n.zip"))


def _rewrite(path, target, change):
    """Copy the backup with one member changed by `change(bytes) -> bytes`."""
    with zipfile.ZipFile(path) as original, zipfile.ZipFile(target, "w") as out:
        for item in original.infolist():
            data = original.read(item.filename)
            out.writestr(item.filename, change(item.filename, data))
    return target


def _leaves_nothing(unions: int, users: int):
    assert Union.objects.count() == unions and User.objects.count() == users
    assert not schema_exists("bkcopy") and not Domain.objects.filter(domain="bkcopy.localhost").exists()


def test_bad_files_are_refused_clearly_and_leave_nothing(source, tmp_path):
    path = tmp_path / "b.zip"
    manifest = union_backup(code="bkcounty", path=path)
    User.objects.filter(username="bk-admin").update(username="bk-admin-renamed")  # a restore would create it
    unions, users = Union.objects.count(), User.objects.count()
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip at all")
    events_member = next(t["member"] for t in manifest["tables"] if t["name"] == "events_event")
    damaged = _rewrite(path, tmp_path / "damaged.zip", lambda name, data: data[:-20] if name == events_member else data)
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    foreign = _rewrite(
        path,
        tmp_path / "foreign.zip",
        lambda name, data: json.dumps({"format": "other"}).encode() if name == "manifest.json" else data,
    )
    for bad, message in (
        (tmp_path / "missing.zip", "No such file"),
        (garbage, "is not a union backup file"),
        (truncated, "not a union backup file"),
        (foreign, "is not a union backup file"),
        (damaged, r"damaged \(checksum mismatch\)"),
    ):
        with translation.override("en"), pytest.raises(CommandError, match=message):
            call_command("restore_union", "--file", str(bad), "--code", "bkcopy", "--domain", "bkcopy.localhost")
        _leaves_nothing(unions, users)


def test_a_failure_midway_leaves_no_union_no_schema_no_user_no_file(source, tmp_path, monkeypatch):
    """Rows that break a constraint are only found while loading: everything made before is undone."""
    import hashlib

    path = tmp_path / "b.zip"
    manifest = union_backup(code="bkcounty", path=path)
    User.objects.filter(username="bk-admin").update(username="bk-admin-renamed")
    unions, users = Union.objects.count(), User.objects.count()
    member = next(t["member"] for t in manifest["tables"] if t["name"] == "cases_casetransition")

    def corrupt(name, data):
        if name == member:
            return data.replace(b"\t", b"\tbroken\t", 1)
        if name == "manifest.json":  # checksums made to match: only the load can find the fault
            text = json.loads(data)
            for table in text["tables"]:
                if table["member"] == member:
                    broken = zipfile.ZipFile(path).read(member).replace(b"\t", b"\tbroken\t", 1)
                    table["sha256"] = hashlib.sha256(broken).hexdigest()
            return json.dumps(text).encode()
        return data

    bad = _rewrite(path, tmp_path / "bad.zip", corrupt)
    with pytest.raises(Exception, match="broken"):  # PostgreSQL's own error about the bad row
        _restore(bad)
    _leaves_nothing(unions, users)

    # A failure after the files were written: they are removed again with everything else.
    from django.core.files.storage import default_storage

    from oversight.backup import services

    name = manifest["files"][0]["name"]
    default_storage.delete(name)  # so the restore writes it
    real = services._restore_files

    def then_fail(*args, **kwargs):
        real(*args, **kwargs)
        assert default_storage.exists(name)
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_restore_files", then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        _restore(path)
    _leaves_nothing(unions, users)
    assert not default_storage.exists(name)


def test_a_backup_from_another_schema_version_is_refused(source, tmp_path):
    path = tmp_path / "b.zip"
    union_backup(code="bkcounty", path=path)

    def older(name, data):
        if name != "manifest.json":
            return data
        text = json.loads(data)
        text["migrations"] = text["migrations"][:-1]
        return json.dumps(text).encode()

    with translation.override("en"), pytest.raises(ApplicationError, match="another schema version"):
        _restore(_rewrite(path, tmp_path / "old.zip", older))
    assert not schema_exists("bkcopy")


def test_the_restored_file_is_back_in_storage(source, tmp_path):
    from django.core.files.storage import default_storage

    path = tmp_path / "b.zip"
    manifest = union_backup(code="bkcounty", path=path)
    names = [entry["name"] for entry in manifest["files"]]
    assert len(names) == 2  # the photo and its thumbnail
    kept = {}
    for name in names:
        with default_storage.open(name, "rb") as handle:
            kept[name] = handle.read()
        default_storage.delete(name)  # lost with the old server
    summary = _restore(path)
    assert summary["files"] == 2
    for name, content in kept.items():
        with default_storage.open(name, "rb") as handle:
            assert handle.read() == content


def test_every_public_table_a_union_points_at_can_be_mapped(source):
    from oversight.backup.services import _public_references

    with connection.cursor() as cursor:
        references = _public_references(cursor, "bkcounty")
    assert {ref["target"] for ref in references} <= set(NATURAL_KEYS)
    assert len(references) >= 10
