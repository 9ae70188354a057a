"""Import enterprises from an .xlsx sheet: a row-by-row report, one savepoint per row.

The first row is the header. Columns are matched by their Chinese label (企业名称, 统一社会信用代码, 行业,
乡镇(街道)/园区, 职工人数, 是否建会, 和谐企业等级) or by the English field name. A row whose credit code is
already known updates that enterprise; any other row creates one. A bad row is reported and skipped: it never
stops the good rows and never leaves half a row saved.
"""

from __future__ import annotations

import copy
import re
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shared.core.exceptions import ApplicationError

from .models import Enterprise, HarmonyLevel
from .services import enterprise_create, enterprise_update
from .validators import normalize_credit_code

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

# Header label -> field. Labels are compared after _normalize_label (no blanks, half-width brackets, lower case).
COLUMN_LABELS = {
    "name": ["企业名称", "名称", "企业", "name"],
    "credit_code": ["统一社会信用代码", "社会信用代码", "信用代码", "credit_code"],
    "industry": ["行业", "所属行业", "industry"],
    "town": ["乡镇(街道)/园区", "乡镇(街道)", "乡镇/街道/园区", "乡镇街道/园区", "所在乡镇(街道)/园区", "town"],
    "employees": ["职工人数", "员工人数", "职工数", "employees"],
    "union_established": ["是否建会", "已建会", "union_established"],
    "harmony_level": ["和谐企业等级", "和谐企业", "harmony_level"],
}
YES = {"是", "已建", "已建会", "有", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "未建", "未建会", "无", "n", "no", "false", "0", "×", ""}
HARMONY_LABELS = {
    "": HarmonyLevel.NONE,
    "无": HarmonyLevel.NONE,
    "否": HarmonyLevel.NONE,
    "county": HarmonyLevel.COUNTY,
    "县级": HarmonyLevel.COUNTY,
    "县级和谐企业": HarmonyLevel.COUNTY,
    "区级": HarmonyLevel.COUNTY,
    "县(市、区)级": HarmonyLevel.COUNTY,
    "city": HarmonyLevel.CITY,
    "市级": HarmonyLevel.CITY,
    "市级和谐企业": HarmonyLevel.CITY,
    "province": HarmonyLevel.PROVINCE,
    "省级": HarmonyLevel.PROVINCE,
    "省级和谐企业": HarmonyLevel.PROVINCE,
}


def _normalize_label(value) -> str:
    text = str(value or "").strip().replace("（", "(").replace("）", ")").replace("／", "/")
    return re.sub(r"\s+", "", text).lower()


_LABEL_TO_FIELD = {_normalize_label(label): name for name, labels in COLUMN_LABELS.items() for label in labels}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[dict] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "rejected": self.rejected,
            "ignored_columns": self.ignored_columns,
        }


class RowError(Exception):
    def __init__(self, fields: dict[str, list]):
        self.fields = fields


def _file_error(message) -> ApplicationError:
    return ApplicationError(message, code="invalid_file", fields={"file": [message]})


def _read_rows(file) -> tuple[list, list[tuple[int, tuple]]]:
    """(header, [(sheet row number, values)]) of the first sheet; refuses anything but a sane .xlsx."""
    workbook = _open_workbook(file)
    try:
        header, data = _sheet_rows(workbook.worksheets[0])
    except ApplicationError:
        raise
    except Exception:  # a corrupt part inside an otherwise valid zip
        raise _file_error(_("The file is not a readable .xlsx workbook.")) from None
    finally:
        workbook.close()
    if header is None:
        raise _file_error(_("The sheet is empty."))
    return header, data


def _open_workbook(file):
    # openpyxl is imported on first use only: every process loads this module, few ever import a sheet.
    from openpyxl import load_workbook

    name = getattr(file, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise _file_error(_("Only .xlsx files can be imported."))
    if file.size > MAX_FILE_BYTES:
        raise _file_error(_("The file is larger than %(limit)d MB.") % {"limit": MAX_FILE_BYTES // (1024 * 1024)})
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise _file_error(_("The file is not a readable .xlsx workbook.")) from None


def _is_blank(values) -> bool:
    return all(v is None or str(v).strip() == "" for v in values)


def _sheet_rows(sheet) -> tuple[list | None, list[tuple[int, tuple]]]:
    """The first non-blank row is the header; blank rows anywhere are skipped."""
    header, data = None, []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if _is_blank(values):
            continue
        if header is None:
            header = list(values)
            continue
        data.append((number, values))
        if len(data) > MAX_ROWS:
            raise _file_error(_("The sheet has more than %(limit)d rows.") % {"limit": MAX_ROWS})
    return header, data


def _columns(header: list) -> tuple[dict[int, str], list[str]]:
    columns: dict[int, str] = {}
    ignored = []
    for index, label in enumerate(header):
        if label is None or str(label).strip() == "":
            continue
        name = _LABEL_TO_FIELD.get(_normalize_label(label))
        if name is None or name in columns.values():
            ignored.append(str(label).strip())
        else:
            columns[index] = name
    if "name" not in columns.values():
        raise ApplicationError(
            _("The header row has no enterprise name column (企业名称)."),
            code="invalid_file",
            fields={"file": [_("The header row has no enterprise name column (企业名称).")]},
        )
    return columns, ignored


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class CellError(ValueError):
    """A cell whose value cannot be read; the message is for the user."""


def _employees(raw) -> int | None:
    if raw is None or _text(raw) == "":
        return None
    try:
        number = float(_text(raw).replace(",", ""))
    except ValueError:
        number = None
    if number is None or not number.is_integer():
        raise CellError(_("Not a whole number: %(value)s.") % {"value": _text(raw)})
    return int(number)


def _union_established(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("Expected 是 or 否, got %(value)s.") % {"value": _text(raw)})


def _harmony_level(raw) -> str:
    level = HARMONY_LABELS.get(_normalize_label(raw))
    if level is None:
        raise CellError(_("Unknown harmonious-enterprise level: %(value)s.") % {"value": _text(raw)})
    return level.value


# How each column's cells are read; any other column is text.
CELL_READERS = {"employees": _employees, "union_established": _union_established, "harmony_level": _harmony_level}


def _parse_row(columns: dict[int, str], values: tuple) -> dict:
    data: dict = {}
    errors: dict[str, list] = {}
    for index, name in columns.items():
        raw = values[index] if index < len(values) else None
        try:
            data[name] = CELL_READERS.get(name, _text)(raw)
        except CellError as error:
            errors[name] = [error.args[0]]
    if errors:
        raise RowError(errors)
    return data


def enterprise_import_xlsx(*, file, actor=None) -> dict:
    """Import the first sheet of an .xlsx file. Returns {created, updated, rejected: [{row, errors}], ignored_columns}.

    The whole file is read and checked (type, size, row count, header) before anything is written; then each
    row is written in its own savepoint.
    """
    header, rows = _read_rows(file)
    columns, ignored = _columns(header)
    report = ImportReport(ignored_columns=ignored)
    known = _known_enterprises(columns, rows)
    seen_codes: dict[str, int] = {}
    for number, values in rows:
        try:
            _import_row(number, values, columns=columns, known=known, seen_codes=seen_codes, report=report, actor=actor)
        except RowError as error:
            report.rejected.append({"row": number, "errors": _stringify(error.fields)})
        except ApplicationError as error:
            report.rejected.append({"row": number, "errors": _stringify(error.fields or {"row": [error.message]})})
    return report.as_dict()


def _known_enterprises(columns: dict[int, str], rows: list[tuple[int, tuple]]) -> dict[str, Enterprise]:
    """The enterprises the sheet may update, by credit code: one query instead of one per row."""
    code_columns = [index for index, name in columns.items() if name == "credit_code"]
    sheet_codes = {
        normalize_credit_code(_text(values[index]))
        for _number, values in rows
        for index in code_columns
        if index < len(values)
    }
    return {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=sheet_codes - {""})}


def _import_row(number: int, values: tuple, *, columns, known, seen_codes, report: ImportReport, actor) -> None:
    """Create or update the enterprise of one row, in its own savepoint."""
    data = _parse_row(columns, values)
    code = normalize_credit_code(data.get("credit_code"))
    if code and code in seen_codes:
        raise RowError({"credit_code": [_("The same code is already in row %(row)d.") % {"row": seen_codes[code]}]})
    with transaction.atomic():
        existing = known.get(code) if code else None
        if existing is None:
            enterprise = enterprise_create(actor=actor, **data)
            report.created += 1
        else:
            # A copy: a rejected row must not leave its values on the cached instance.
            enterprise = enterprise_update(enterprise=copy.copy(existing), actor=actor, **data)
            report.updated += 1
    if code:
        known[code] = enterprise
        seen_codes[code] = number


def _stringify(fields: dict) -> dict[str, list[str]]:
    return {name: [str(message) for message in messages] for name, messages in fields.items()}
