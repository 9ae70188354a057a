"""Files of a year's assessment: .xlsx (summary + one sheet per union with its breakdown and the events
behind it), .csv (summary, UTF-8 with BOM so that Excel reads the Chinese) and a PDF 通报.

These are one-off documents built by a Celery task, so reading each union's held events from its own
schema (schema_context) is fine here; request paths never do that. `export_run` is the write the task calls;
`services.export_request` records an export and enqueues the task (services -> tasks -> exports, one way).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_tenants.utils import schema_context

from shared.unions.models import Union
from tenants.events.models import Event, EventStatus

from .models import Export, ExportStatus
from .scoring import RATE_METRICS, metric_display, metric_label, veto_reasons
from .selectors import assessment_view

# The first key of the exports' advisory locks (the second is the export's id); any constant no other
# advisory lock of the project uses.
EXPORT_LOCK_SPACE = 7401
# A pending export whose message has not started this long after it was requested was lost on the way
# (broker down when it was requested): `exports_reap` sends it again.
LOST_MESSAGE_AFTER = datetime.timedelta(minutes=2)
PDF_FONT = "STSong-Light"  # reportlab's built-in CID font for Simplified Chinese: nothing to download


def _kind_label(kind: str) -> str:
    labels = {
        "normal": pgettext("assessment item kind", "Normal"),
        "bonus": pgettext("assessment item kind", "Bonus"),
        "veto": pgettext("assessment item kind", "Veto"),
    }
    return labels.get(kind, kind)


def held_events(*, union: Union, year: int) -> list[dict]:
    """The events `union` held in `year`, read from its schema."""
    with schema_context(union.schema_name):
        events = (
            Event.objects.filter(status=EventStatus.HELD, held_date__year=year)
            .select_related("topic")
            .annotate(linked_enterprises=Count("enterprises", distinct=True), case_count=Count("cases", distinct=True))
            .order_by("held_date", "number")
        )
        return [
            {
                "number": event.number,
                "title": event.title,
                "topic": event.topic.name if event.topic else "",
                "held_date": event.held_date,
                "venue": event.venue_name or event.get_venue_kind_display(),
                "enterprises": event.linked_enterprises + event.unregistered_enterprise_count,
                "workers": event.worker_attendance,
                "cases": event.case_count,
            }
            for event in events
        ]


def _title(view: dict, city: Union) -> str:
    return _("%(city)s %(year)d annual assessment of the Worker-Affairs Express programme") % {
        "city": city.name,
        "year": view["year"],
    }


def _status_line(view: dict) -> str:
    if view["published"]:
        return _("Published at %(when)s.") % {
            "when": timezone.localtime(datetime.datetime.fromisoformat(view["published_at"])).strftime("%Y-%m-%d %H:%M")
        }
    return _("Preliminary result (not published).")


def _summary_header(view: dict) -> list[str]:
    items = [item for item in view["scheme"] if item["kind"] != "veto"]
    return (
        [pgettext("assessment", "Rank"), pgettext("assessment", "Union"), pgettext("assessment", "Total")]
        + [item["label"] for item in items]
        + [pgettext("assessment", "Adjustments"), pgettext("assessment", "Veto")]
    )


def _summary_rows(view: dict) -> list[list]:
    keys = [item["key"] for item in view["scheme"] if item["kind"] != "veto"]
    rows = []
    for row in view["rows"]:
        points = {line["key"]: line["points"] for line in row["breakdown"]}
        veto = "；".join(veto_reasons(items=view["scheme"], breakdown=row["breakdown"]))
        rows.append(
            [
                row["rank"],
                row["union_name"],
                row["total"],
                *[points.get(k, 0) for k in keys],
                row["adjustment_total"],
                veto,
            ]
        )
    return rows


def _sheet_title(name: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]\*\?/\\:]", "", name)[:31] or "union"
    candidate, n = title, 2
    while candidate in used:
        suffix = f"({n})"
        candidate, n = title[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def _local_moment(value) -> str:
    """An ISO timestamp (UTC in the selectors' dicts) as local time, 2026-11-25 03:51."""
    if not value:
        return ""
    moment = datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _display_width(value) -> int:
    """Columns of a cell's text, CJK characters counting two (what Excel needs to show it unclipped)."""
    text = value.strftime("%Y-%m-%d") if isinstance(value, datetime.date) else str(value if value is not None else "")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit_columns(sheet, *, skip_rows: int = 0, maximum: int = 60) -> None:
    """Widths from the longest cell of each column (title lines above `skip_rows` left out)."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=skip_rows + 1):
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), _display_width(cell.value))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), maximum)


def build_xlsx(*, city: Union, view: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    summary = workbook.active
    summary.title = pgettext("assessment", "Summary")
    summary.append([_title(view, city)])
    summary.append([_status_line(view)])
    summary.append(_summary_header(view))
    for cell in summary[3]:
        cell.font = Font(bold=True)
    for row in _summary_rows(view):
        summary.append(row)

    used = {summary.title}
    unions = {union.id: union for union in Union.objects.filter(id__in=[row["union_id"] for row in view["rows"]])}
    for row in view["rows"]:
        sheet = workbook.create_sheet(_sheet_title(row["union_name"], used))
        sheet.append(
            [
                row["union_name"],
                pgettext("assessment", "Rank"),
                row["rank"],
                pgettext("assessment", "Total"),
                row["total"],
            ]
        )
        sheet.append([])
        sheet.append(
            [
                pgettext("assessment", "Item"),
                pgettext("assessment", "Kind"),
                pgettext("assessment", "Metric"),
                pgettext("assessment", "Value"),
                pgettext("assessment", "Points"),
                pgettext("assessment", "Max points"),
                pgettext("assessment", "Veto"),
            ]
        )
        for line in row["breakdown"]:
            sheet.append(
                [
                    line["label"],
                    _kind_label(line["kind"]),
                    metric_label(line["metric"]),
                    line["value"],
                    line["points"],
                    line["max_points"],
                    pgettext("assessment", "Yes") if line.get("vetoed") else "",
                ]
            )
            if line["metric"] in RATE_METRICS:  # a rate stays a number for Excel, shown as a percentage
                sheet.cell(row=sheet.max_row, column=4).number_format = "0.0%"
        sheet.append([])
        sheet.append(
            [
                pgettext("assessment", "Adjustments"),
                pgettext("assessment", "Points ±"),
                pgettext("assessment", "Reason"),
                pgettext("assessment", "By"),
                pgettext("assessment", "At"),
            ]
        )
        for adjustment in row["adjustments"]:
            sheet.append(
                [
                    "",
                    adjustment["points"],
                    adjustment["reason"],
                    adjustment["created_by"],
                    _local_moment(adjustment["created_at"]),
                ]
            )
        sheet.append([])
        sheet.append([pgettext("assessment", "Events held")])
        sheet.append(
            [
                pgettext("assessment", "No."),
                pgettext("assessment", "Theme"),
                pgettext("assessment", "Topic"),
                pgettext("assessment", "Held on"),
                pgettext("assessment", "Venue"),
                pgettext("assessment", "Enterprises"),
                pgettext("assessment", "Workers"),
                pgettext("assessment", "Cases"),
            ]
        )
        for event in held_events(union=unions[row["union_id"]], year=view["year"]):
            sheet.append(
                [
                    event["number"],
                    event["title"],
                    event["topic"],
                    event["held_date"],
                    event["venue"],
                    event["enterprises"],
                    event["workers"],
                    event["cases"],
                ]
            )
            sheet.cell(row=sheet.max_row, column=4).number_format = "yyyy-mm-dd"
        _fit_columns(sheet, skip_rows=1)
    _fit_columns(summary, skip_rows=2)
    summary.freeze_panes = "C4"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def build_csv(*, city: Union, view: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_summary_header(view))
    writer.writerows(_summary_rows(view))
    return out.getvalue().encode("utf-8-sig")


def _points(value) -> str:
    """Points with at most two decimals and no trailing zeros (73.5, 95)."""
    return metric_display("points", round(float(value), 2))


def _markup(text) -> str:
    """Text for a reportlab Paragraph, whose mini-markup would choke on a name or reason with < or &."""
    return escape(str(text))


def build_pdf(*, city: Union, view: dict) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    title_style = ParagraphStyle("title", fontName=PDF_FONT, fontSize=16, leading=22, alignment=1)
    heading_style = ParagraphStyle("heading", fontName=PDF_FONT, fontSize=12, leading=18, spaceBefore=6)
    body_style = ParagraphStyle("body", fontName=PDF_FONT, fontSize=10.5, leading=16)
    cell_style = ParagraphStyle("cell", fontName=PDF_FONT, fontSize=8, leading=10)

    out = io.BytesIO()
    margin = 12 * mm
    page_width = landscape(A4)[0] - 2 * margin
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=_title(view, city),
    )
    table_style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONT", (0, 0), (-1, -1), PDF_FONT, 8),
        ]
    )

    # Scores: numbers are plain strings in fixed-width right-aligned columns, so they never wrap;
    # only the headers and the union's name are paragraphs.
    items = [item for item in view["scheme"] if item["kind"] != "veto"]
    header = [pgettext("assessment", "Rank"), pgettext("assessment", "Union"), pgettext("assessment", "Total")]
    header += [item["label"] for item in items] + [pgettext("assessment", "Adjustments"), _("Not eligible")]
    table_data = [[Paragraph(_markup(text), cell_style) for text in header]]
    for row in view["rows"]:
        points = {line["key"]: line["points"] for line in row["breakdown"]}
        table_data.append(
            [
                str(row["rank"]),
                Paragraph(_markup(row["union_name"]), cell_style),
                _points(row["total"]),
                *[_points(points.get(item["key"], 0)) for item in items],
                _points(row["adjustment_total"]),
                pgettext("assessment", "Yes") if row["veto"] else "",
            ]
        )
    fixed = [10 * mm, 34 * mm, 16 * mm]
    tail = [16 * mm, 16 * mm]
    item_width = (page_width - sum(fixed) - sum(tail)) / max(len(items), 1)
    scores = Table(table_data, colWidths=fixed + [item_width] * len(items) + tail, repeatRows=1)
    scores.setStyle(table_style)
    scores.setStyle(TableStyle([("ALIGN", (2, 1), (-2, -1), "RIGHT"), ("ALIGN", (0, 1), (0, -1), "CENTER")]))

    story = [
        Paragraph(_markup(_title(view, city)), title_style),
        Spacer(1, 6 * mm),
        Paragraph(_markup(_status_line(view)), body_style),
        Paragraph(
            _markup(
                _(
                    "%(count)d unions were assessed; ranks follow the total score, ties broken by the on-site resolution rate and then by events held."
                )
                % {"count": len(view["rows"])}
            ),
            body_style,
        ),
        Spacer(1, 4 * mm),
        scores,
    ]

    vetoed = [row for row in view["rows"] if row["veto"]]
    if vetoed:
        story.append(Paragraph(_markup(_("Not eligible for commendation (veto items)")), heading_style))
        for row in vetoed:
            reasons = "；".join(veto_reasons(items=view["scheme"], breakdown=row["breakdown"]))
            story.append(Paragraph(_markup(f"{row['union_name']}：{reasons}"), body_style))

    adjustments = [(row["union_name"], adjustment) for row in view["rows"] for adjustment in row["adjustments"]]
    if adjustments:
        story.append(Paragraph(_markup(pgettext("assessment", "Adjustments")), heading_style))
        rows = [
            [
                Paragraph(_markup(text), cell_style)
                for text in (
                    pgettext("assessment", "Union"),
                    pgettext("assessment", "Points ±"),
                    pgettext("assessment", "Reason"),
                    pgettext("assessment", "By"),
                    pgettext("assessment", "At"),
                )
            ]
        ]
        for union_name, adjustment in adjustments:
            points = float(adjustment["points"])
            rows.append(
                [
                    Paragraph(_markup(union_name), cell_style),
                    ("+" if points > 0 else "") + _points(points),
                    Paragraph(_markup(adjustment["reason"]), cell_style),
                    Paragraph(_markup(adjustment["created_by"] or ""), cell_style),
                    _local_moment(adjustment["created_at"]),
                ]
            )
        widths = [34 * mm, 16 * mm, 0, 30 * mm, 28 * mm]
        widths[2] = page_width - sum(widths)
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(table_style)
        table.setStyle(TableStyle([("ALIGN", (1, 1), (1, -1), "RIGHT")]))
        story.append(table)
    document.build(story)
    return out.getvalue()


BUILDERS = {"xlsx": build_xlsx, "csv": build_csv, "pdf": build_pdf}


def build_export(*, city: Union, year: int, format: str) -> tuple[str, ContentFile]:
    """(file name, content) of the city's `year` in `format`, always in the site's language (Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        view = assessment_view(city=city, year=year)
        content = BUILDERS[format](city=city, view=view)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    return f"assessment-{city.code}-{year}-{stamp}.{format}", ContentFile(content)


class ExportBusy(Exception):
    """Another process holds the export's build lock: it is being built right now (or its builder has just
    died and PostgreSQL has not yet noticed). The task tries again shortly."""


def _build_lock(export_id: int) -> bool:
    """Take the export's build lock: a session-level advisory lock, held by the building process's
    connection and released by PostgreSQL when that process dies, however it dies. So "running" with the
    lock free means its builder is gone."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [EXPORT_LOCK_SPACE, export_id])
        return cursor.fetchone()[0]


def _build_unlock(export_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [EXPORT_LOCK_SPACE, export_id])


def export_run(*, export_id: int) -> Export | None:
    """Build the file of an export. Idempotent: a finished export is left as it is; a message delivered
    twice builds the file once (the second finds the build lock taken: ExportBusy); an export left
    "running" by a worker that died is built again by the redelivered message (task_reject_on_worker_lost)
    or marked failed by `exports_reap`."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).select_related("city").first()
        if export is None or export.status == ExportStatus.DONE:
            return export
        if not _build_lock(export_id):
            raise ExportBusy(export_id)
        export.status = ExportStatus.RUNNING
        export.save(update_fields=["status"])
    try:
        return _build_and_save(export)
    finally:
        _build_unlock(export_id)


def _build_and_save(export: Export) -> Export:
    try:
        name, content = build_export(city=export.city, year=export.year, format=export.format)
    except Exception as error:  # recorded for the user; the task itself does not retry a broken build
        export.status = ExportStatus.FAILED
        export.error = f"{type(error).__name__}: {error}"[:2000]
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "error", "finished_at"])
        return export
    if export.file:
        export.file.delete(save=False)
    export.file.save(name, content, save=False)
    export.status = ExportStatus.DONE
    export.error = ""
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "error", "finished_at"])
    return export


def exports_reap(*, now: datetime.datetime | None = None) -> dict[str, list[int]]:
    """Nothing stays "running" or "pending" for ever. A running export nobody is building (its build lock
    is free: the worker died and its message is gone) is marked failed, so the user sees it and starts
    it again; a pending export whose message was lost is sent again. Returns the ids of each."""
    from .tasks import assessment_export_task  # tasks import this module

    now = now or timezone.now()
    failed, resent = [], []
    for export_id in Export.objects.filter(status=ExportStatus.RUNNING).values_list("pk", flat=True):
        with transaction.atomic():
            export = Export.objects.select_for_update(skip_locked=True).filter(pk=export_id).first()
            if export is None or export.status != ExportStatus.RUNNING or not _build_lock(export_id):
                continue
            try:
                export.status = ExportStatus.FAILED
                export.error = "The worker building this export stopped. Start the export again."
                export.finished_at = now
                export.save(update_fields=["status", "error", "finished_at"])
            finally:
                _build_unlock(export_id)
            failed.append(export_id)
    stale = Export.objects.filter(status=ExportStatus.PENDING, created_at__lt=now - LOST_MESSAGE_AFTER)
    for export_id in stale.values_list("pk", flat=True):
        assessment_export_task.delay(export_id)
        resent.append(export_id)
    return {"failed": failed, "resent": resent}
