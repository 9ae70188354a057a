"""Template helpers of the pages: navigation by role, badges, and charts drawn as SVG on the server."""

from __future__ import annotations

import datetime

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext as _

from oversight.assessment import scoring
from tenants.cases import masking

register = template.Library()

PACE_COLOURS = {"done": "#2e7d32", "on_track": "#1565c0", "at_risk": "#ef8f00", "missed": "#c62828"}


@register.simple_tag(takes_context=True)
def nav_items(context):
    """The menu of the signed-in member: county work for every union, oversight for a city or province union."""
    request = context["request"]
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    items = [("web:home", _("Home"))]
    if membership.union.is_city:
        items += [("web:city-dashboard", _("City dashboard")), ("web:city-assessment", _("Assessment"))]
    elif membership.union.is_province:
        items.append(("web:city-dashboard", _("Province dashboard")))
    items += [
        ("web:event-list", _("Events")),
        ("web:event-calendar", _("Calendar")),
        ("web:case-list", _("Cases")),
        ("web:liaison-list", _("Liaisons")),
        ("web:enterprise-list", _("Enterprises")),
        ("web:planning", _("Topic planning")),
        ("web:campaign-list", _("Campaigns")),
    ]
    if not membership.union.oversees:
        items.append(("web:my-assessment", _("Assessment")))
    if membership.is_admin:
        items += [("web:member-list", _("Members")), ("web:audit-log", _("Audit log"))]
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    result = []
    for name, label in items:
        try:
            url = reverse(name)
        except NoReverseMatch:  # a page not wired (yet)
            continue
        if name == "web:home":
            active = current == name
        else:
            prefix = name.rsplit("-", 1)[0] if name.endswith("-list") else name
            active = current == name or (name.endswith("-list") and current.startswith(prefix + "-"))
            if name == "web:event-list" and current == "web:event-calendar":
                active = False
        result.append({"url": url, "label": label, "active": active})
    return result


@register.filter
def local(value):
    """A date or a moment as Chinese readers write it (2026年11月25日 03:51), in local time (Asia/Shanghai).

    Takes datetimes, dates and the ISO strings the selectors' dicts carry (published_at...), so that no
    page ever shows a raw UTC timestamp.
    """
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = parse_datetime(value) or parse_date(value)
        if value is None:
            return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


@register.simple_tag(takes_context=True)
def unread_notice_count(context):
    """How many of the signed-in member's notices about this union are unread (the top bar's mark)."""
    from oversight.rollup.selectors import notice_list

    request = context["request"]
    if getattr(request, "membership", None) is None:
        return 0
    return notice_list(user=request.user, union=request.tenant).filter(read_at__isnull=True).count()


@register.simple_tag
def veto_reasons(row, scheme):
    """Which veto rule (不予评先) fired for an assessment row, with the figure that fired it."""
    return scoring.veto_reasons(items=scheme or [], breakdown=row.get("breakdown") or [])


@register.filter
def metric_value(line):
    """A breakdown line's figure, rates as percentages."""
    return scoring.metric_display(line.get("metric", ""), line.get("value"))


@register.filter
def veto_rule(item):
    """A veto item's condition, e.g. "< 100%"."""
    sign = scoring.OP_SIGNS.get(item.get("op"), item.get("op", ""))
    return f"{sign} {scoring.metric_display(item.get('metric', ''), item.get('threshold'))}"


@register.filter
def points(value):
    """Points as the assessment writes them: at most two decimals, no trailing zeros (89.5, 30)."""
    if value in (None, ""):
        return ""
    return scoring.metric_display("points", round(float(value), 2))


@register.filter
def metric_of(value, metric):
    """A figure or threshold of `metric` as readers expect it (a rate's 0.25 as 25%)."""
    return scoring.metric_display(metric or "", value)


@register.filter
def metric_name(metric):
    return scoring.metric_label(metric)


@register.filter
def tel(phone):
    """A phone number as a tap-to-call link (a phone dials it); only for numbers shown whole."""
    phone = (phone or "").strip()
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    if not digits:
        return phone
    return format_html('<a class="tel" href="tel:{}">{}</a>', digits, phone)


@register.inclusion_tag("web/charts/progress.svg.html")
def progress_chart(value, quota, pace="", label=""):
    """A horizontal bar: held events against the quota, coloured by pace; a tick marks the quota."""
    value = int(value or 0)
    quota = int(quota or 0)
    scale = max(quota, value, 1)
    width = 300
    filled = round(width * value / scale, 1)
    tick = round(width * quota / scale, 1) if quota else None
    return {
        "width": width,
        "filled": filled,
        "tick": tick,
        "colour": PACE_COLOURS.get(pace, "#c62828" if not pace else "#90a4ae"),
        "value": value,
        "quota": quota,
        "label": label,
    }


@register.inclusion_tag("web/charts/trend.svg.html")
def trend_chart(values, title=""):
    """Twelve monthly bars with a polyline over them (events held per month)."""
    values = [int(v or 0) for v in (values or [])][:12]
    values += [0] * (12 - len(values))
    top = max(max(values), 1)
    left, bottom, plot_w, plot_h = 28, 150, 360, 120
    step = plot_w / 12
    bars, points = [], []
    for index, value in enumerate(values):
        height = round(plot_h * value / top, 1)
        x = round(left + index * step + step * 0.15, 1)
        bars.append(
            {
                "x": x,
                "y": round(bottom - height, 1),
                "w": round(step * 0.7, 1),
                "h": height,
                "value": value,
                "month": index + 1,
                "cx": round(left + index * step + step / 2, 1),
            }
        )
        points.append(f"{round(left + index * step + step / 2, 1)},{round(bottom - height, 1)}")
    gridlines = []
    for fraction in (0, 0.5, 1):
        gridlines.append({"y": round(bottom - plot_h * fraction, 1), "label": round(top * fraction, 1)})
    for line in gridlines:
        if float(line["label"]).is_integer():
            line["label"] = int(line["label"])
    return {
        "bars": bars,
        "points": " ".join(points),
        "grid": gridlines,
        "left": left,
        "right": left + plot_w,
        "bottom": bottom,
        "title": title,
        "total": sum(values),
    }


@register.filter
def mask_phone(value):
    """13812345678 -> 138****5678 (lists never show a submitter's number whole)."""
    return masking.mask_phone(str(value or ""))


@register.filter
def mask_name(value):
    return masking.mask_name(str(value or ""))


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (None when absent), e.g. a union's figure for one indicator."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def attachment_max_mb():
    """The largest accepted photo or file, in MB (ATTACHMENT_MAX_MB), for the upload forms' hint."""
    return settings.ATTACHMENT_MAX_MB
