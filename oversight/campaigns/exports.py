"""A campaign's progress as an .xlsx file: one row per participating union, the total, the target and the share
of the target reached; a second sheet lists the linked events."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .selectors import CampaignProgress, campaign_events


def _label(indicator) -> str:
    return f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name


def campaign_progress_xlsx(*, progress: CampaignProgress, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Progress")
    campaign = progress.campaign
    sheet.append([title])
    sheet.append([_("Period"), f"{campaign.starts_on:%Y-%m-%d} – {campaign.ends_on:%Y-%m-%d}"])
    headings = [_("Union"), _("Events linked"), _("Events held"), _("Worker attendances")]
    headings += [_label(i) for i in progress.indicators]
    sheet.append(headings)
    for row in progress.rows:
        sheet.append(
            [row.union.name, row.events_linked, row.events_held, row.worker_attendance]
            + [float(v) if v is not None else None for v in row.values(progress.indicators)]
        )
    sheet.append(
        [pgettext("campaign", "Total"), progress.events_linked, progress.events_held, progress.worker_attendance]
        + [float(v) if v is not None else None for v in progress.total_values()]
    )
    sheet.append(
        [_("How the total is made"), "", "", ""] + [str(i.get_aggregation_display()) for i in progress.indicators]
    )
    sheet.append(
        [_("Target"), "", "", ""] + [float(i.target) if i.target is not None else None for i in progress.indicators]
    )
    sheet.append([_("Share of target (%)"), "", "", ""] + [share for share in progress.shares()])
    for cell in sheet[1] + sheet[3]:
        cell.font = bold
    sheet.column_dimensions["A"].width = 20
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 12
    events = workbook.create_sheet(_("Linked events"))
    events.append(
        [_("Union"), _("Number"), _("Theme"), _("Status"), _("Planned date"), _("Held on"), _("Worker attendance")]
    )
    for cell in events[1]:
        cell.font = bold
    for link in campaign_events(campaign=campaign):
        events.append(
            [
                link.union.name,
                link.number,
                link.title,
                link.get_status_display(),
                link.planned_date,
                link.held_date,
                link.worker_attendance,
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
