"""Import unions from one .xlsx sheet: provinces, cities, counties and each one's first administrator.

The first non-blank row is the header; columns are matched by their Chinese label or their English name:

    代码 code · 名称 name · 级别 level (省/市/县, province/city/county) · 上级代码 parent · 行政区划代码 region ·
    域名 domain (empty: <code>.<base domain>) · 管理员用户名 admin_username · 管理员邮箱 admin_email ·
    管理员姓名 admin_name

The tree is the one `union_create` holds: a province (省总工会, region like 330000) has no parent; a city names
its province or none; a county names its city. Rows run in order, each all or nothing (the union, its schema
and its administrator's invitation), so a row may name a parent made a few rows above (or already in the
platform). A bad row is reported with its reasons and leaves nothing behind; it never stops the rows after it.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from shared.core.exceptions import ApplicationError
from shared.unions.models import UnionLevel

from .invitations import domain_origin
from .onboarding import union_onboard

MAX_ROWS = 1000

COLUMN_LABELS = {
    "code": ["代码", "工会代码", "code"],
    "name": ["名称", "工会名称", "name"],
    "level": ["级别", "层级", "level"],
    "parent_code": ["上级代码", "上级工会代码", "上级", "parent", "parent_code"],
    "region_code": ["行政区划代码", "区划代码", "region", "region_code"],
    "domain": ["域名", "网址", "domain"],
    "admin_username": ["管理员用户名", "admin_username"],
    "admin_email": ["管理员邮箱", "管理员电子邮箱", "admin_email"],
    "admin_name": ["管理员姓名", "admin_name"],
}
REQUIRED = ("code", "name", "level", "region_code", "admin_username", "admin_email")
LEVELS = {
    "省": UnionLevel.PROVINCE,
    "省级": UnionLevel.PROVINCE,
    "省总工会": UnionLevel.PROVINCE,
    "province": UnionLevel.PROVINCE,
    "市": UnionLevel.CITY,
    "市级": UnionLevel.CITY,
    "市总工会": UnionLevel.CITY,
    "city": UnionLevel.CITY,
    "县": UnionLevel.COUNTY,
    "县级": UnionLevel.COUNTY,
    "区": UnionLevel.COUNTY,
    "县(市、区)": UnionLevel.COUNTY,
    "county": UnionLevel.COUNTY,
}


def _label(value) -> str:
    text = str(value or "").strip().replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", text).lower()


_LABEL_TO_FIELD = {_label(label): name for name, labels in COLUMN_LABELS.items() for label in labels}


@dataclass
class UnionImportReport:
    created: list[dict] = field(default_factory=list)  # {row, code, name, username, url}
    rejected: list[dict] = field(default_factory=list)  # {row, errors: {field: [reasons]}}


MAX_FILE_BYTES = 5 * 1024 * 1024


def _check_file(source) -> None:
    """The name says .xlsx and the size is within the limit (source: a path, or an uploaded file)."""
    name = str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise ApplicationError(_("Only .xlsx files can be imported."), code="invalid_file")
    size = Path(source).stat().st_size if isinstance(source, (str, Path)) else getattr(source, "size", 0)
    if size > MAX_FILE_BYTES:
        raise ApplicationError(
            _("The file is larger than %(limit)d MB.") % {"limit": MAX_FILE_BYTES // (1024 * 1024)}, code="invalid_file"
        )


def _read(source) -> tuple[list, list[tuple[int, tuple]]]:
    """source: a path, or an uploaded file."""
    from openpyxl import load_workbook

    _check_file(source)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ApplicationError(_("The file is not a readable .xlsx workbook."), code="invalid_file") from None
    try:
        header, rows = None, []
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            if header is None:
                header = list(values)
                continue
            rows.append((number, values))
            if len(rows) > MAX_ROWS:
                raise ApplicationError(
                    _("The sheet has more than %(limit)d rows.") % {"limit": MAX_ROWS}, code="invalid_file"
                )
    except ApplicationError:
        raise
    except Exception:  # a corrupt part inside an otherwise valid zip
        raise ApplicationError(_("The file is not a readable .xlsx workbook."), code="invalid_file") from None
    finally:
        workbook.close()
    if header is None:
        raise ApplicationError(_("The sheet is empty."), code="invalid_file")
    return header, rows


def _columns(header: list) -> dict[int, str]:
    columns = {}
    for index, label in enumerate(header):
        name = _LABEL_TO_FIELD.get(_label(label))
        if name and name not in columns.values():
            columns[index] = name
    missing = [name for name in REQUIRED if name not in columns.values()]
    if missing:
        labels = "、".join(f"{COLUMN_LABELS[name][0]} ({name})" for name in missing)
        raise ApplicationError(
            _("The header row lacks these columns: %(columns)s.") % {"columns": labels}, code="invalid_file"
        )
    return columns


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a region code typed as a number
    return str(value).strip()


def unions_import_xlsx(
    *, path=None, file=None, invited_by=None, scheme: str | None = None, port: str | None = None
) -> UnionImportReport:
    """Import from a path (the command) or an uploaded file (the platform page, whose scheme and port the
    invitation links then use)."""
    header, rows = _read(path if path is not None else file)
    columns = _columns(header)
    report = UnionImportReport()
    for number, values in rows:
        data = {name: _text(values[index]) if index < len(values) else "" for index, name in columns.items()}
        level = LEVELS.get(_label(data.get("level")))
        if level is None:
            report.rejected.append(
                {"row": number, "errors": {"level": [_("Write 省 (province), 市 (city) or 县 (county).")]}}
            )
            continue
        code = data["code"].lower()
        domain = data.get("domain") or f"{code}.{settings.UNION_BASE_DOMAIN}"
        try:
            union, invitation, url = union_onboard(
                code=code,
                name=data["name"],
                level=level,
                parent_code=data.get("parent_code", "").lower() or None,
                region_code=data["region_code"],
                domain=domain,
                admin_username=data["admin_username"],
                admin_email=data["admin_email"],
                admin_name=data.get("admin_name", ""),
                invited_by=invited_by,
                origin=domain_origin(domain=domain, scheme=scheme, port=port),
            )
        except ApplicationError as error:
            fields = error.as_dict()["fields"] or {"row": [str(error.message)]}
            report.rejected.append({"row": number, "errors": fields})
        else:
            report.created.append(
                {"row": number, "code": union.code, "name": union.name, "username": invitation.username, "url": url}
            )
    return report


# The template's second sheet: how to fill the first (the import reads the first sheet only, so the examples
# here are never imported by mistake).
TEMPLATE_NOTES = [
    ["列", "说明"],
    ["代码", "工会代码：2–40 位小写字母、数字或下划线，以字母开头，也是默认域名的前缀"],
    ["名称", "工会全称，如 浙江省总工会、衢州市总工会、柯城区总工会"],
    ["级别", "省 / 市 / 县（也可写 province / city / county）"],
    ["上级代码", "省：留空；市：所属省总工会的代码，或留空；县：所属市总工会的代码（必填）"],
    [
        "行政区划代码",
        "六位数字；省以 0000 结尾（如 330000），市须在所属省的区划内（如 330800），县须在所属市的区划内（如 330802）",
    ],
    ["域名", "可留空：<代码>.<平台域名>"],
    ["管理员用户名 / 管理员邮箱 / 管理员姓名", "首位管理员，收到邮件邀请链接后设置密码"],
    [],
    [
        "规则",
        "按行顺序导入；上级须在平台中已存在，或在本表更靠前的行中；每一行要么全部创建，要么什么都不创建，出错的行会在报告中说明原因，不影响其他行",
    ],
    [],
    ["示例（请填写在第一张工作表中）"],
    [labels[0] for labels in COLUMN_LABELS.values()],
    ["zhejiang", "浙江省总工会", "省", "", "330000", "", "zj.admin", "zj@example.com", "张三"],
    ["quzhou", "衢州市总工会", "市", "zhejiang", "330800", "", "qz.admin", "qz@example.com", "李四"],
    ["kecheng", "柯城区总工会", "县", "quzhou", "330802", "", "kc.admin", "kc@example.com", "王五"],
]


def unions_import_template() -> bytes:
    """The .xlsx to fill in: the first sheet has the headings the import reads, the second how to fill them in,
    with an example of a province, one of its cities and one of that city's counties."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工会"
    sheet.append([labels[0] for labels in COLUMN_LABELS.values()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHI", (14, 22, 8, 12, 14, 24, 16, 24, 12), strict=True):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("说明")
    for row in TEMPLATE_NOTES:
        notes.append(row)
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width = 36
    notes.column_dimensions["B"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
