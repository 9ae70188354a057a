"""The backup file of one union: a zip archive with a manifest, checksums and one member per table.

Members:

- ``manifest.json``: format and version, the union's code, the schema's migration records, and for every
  table of the schema its columns, row count and SHA-256; the schema's sequences; the columns that point at
  public tables; the stored files; the SHA-256 of ``public.json``.
- ``public.json``: the union's public rows (registry row and domains, the users, topics, departments and
  unions its tables point at, memberships, roll-up rows, assessment adjustments and published lines).
- ``tables/<table>.copy``: the table's rows in PostgreSQL's own COPY text format, exact for every type.
- ``files/<storage name>``: files the union's rows name (event attachments).

Reading checks the whole file (format, version, every checksum) before anything is restored, so a damaged
or foreign file is refused with a clear message and leaves nothing behind.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from shared.core.exceptions import ApplicationError

FORMAT = "gongqing-union-backup"
VERSION = 1
MANIFEST = "manifest.json"
PUBLIC = "public.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class HashingWriter(io.RawIOBase):
    """A write-only stream that passes bytes on while counting lines and hashing them (COPY writes here)."""

    def __init__(self, out) -> None:
        self.out = out
        self.digest = hashlib.sha256()
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self.out.write(data)
        self.digest.update(data)
        self.lines += data.count(b"\n")
        return len(data)


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def dumps(value) -> bytes:
    return json.dumps(value, cls=_Encoder, ensure_ascii=False, sort_keys=True, indent=1).encode()


def _bad(message: str) -> ApplicationError:
    return ApplicationError(message, code="bad_backup")


@dataclass
class BackupArchive:
    """A checked backup file, open for reading its members."""

    zip: zipfile.ZipFile
    manifest: dict
    public: dict

    def table_data(self, table: dict) -> bytes:
        return self.zip.read(table["member"])

    def file_data(self, entry: dict) -> bytes:
        return self.zip.read(entry["member"])

    def close(self) -> None:
        self.zip.close()


def _read_json(archive: zipfile.ZipFile, name: str):
    try:
        return json.loads(archive.read(name))
    except KeyError:
        raise _bad(_("The backup file has no %(member)s.") % {"member": name}) from None
    except ValueError:
        raise _bad(_("%(member)s in the backup file is not valid JSON.") % {"member": name}) from None


def _check_member(archive: zipfile.ZipFile, member: str, expected: str) -> None:
    try:
        data = archive.read(member)
    except KeyError:
        raise _bad(_("The backup file has no %(member)s.") % {"member": member}) from None
    if sha256(data) != expected:
        raise _bad(_("%(member)s in the backup file is damaged (checksum mismatch).") % {"member": member})


def archive_open(path) -> BackupArchive:
    """Open and check a backup file: format, version and the checksum of every member."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise _bad(_("No such file: %(path)s.") % {"path": path}) from None
    except (zipfile.BadZipFile, OSError):
        raise _bad(_("%(path)s is not a union backup file.") % {"path": path}) from None
    try:
        manifest = _read_json(archive, MANIFEST)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _bad(_("%(path)s is not a union backup file.") % {"path": path})
        if manifest.get("version") != VERSION:
            raise _bad(
                _("The backup file has format version %(found)s; this version reads %(expected)s.")
                % {"found": manifest.get("version"), "expected": VERSION}
            )
        _check_member(archive, PUBLIC, manifest["public_sha256"])
        for entry in manifest["tables"] + manifest["files"]:
            _check_member(archive, entry["member"], entry["sha256"])
        public = _read_json(archive, PUBLIC)
    except ApplicationError:
        archive.close()
        raise
    except (KeyError, TypeError, zipfile.BadZipFile, OSError, EOFError):
        archive.close()
        raise _bad(_("%(path)s is not a complete union backup file.") % {"path": path}) from None
    return BackupArchive(zip=archive, manifest=manifest, public=public)
