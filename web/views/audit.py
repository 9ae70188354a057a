"""The audit log of the union whose host was called (its own schema), for its administrators: who changed
what and when, filterable by person, kind of object and object."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from shared.audit.selectors import audit_actors, audit_log, audited_models
from web.access import member_required

from .common import filter_params, paginate, querystring_without_page

ACTIONS = {
    LogEntry.Action.CREATE: _("created"),
    LogEntry.Action.UPDATE: _("changed"),
    LogEntry.Action.DELETE: _("deleted"),
    LogEntry.Action.ACCESS: _("opened"),
}


def _changes(entry: LogEntry) -> list[tuple[str, str, str]]:
    """(field, before, after) for display; a many-to-many change shows what was added or removed."""
    model = entry.content_type.model_class()
    rows = []
    m2m = {}
    for name, values in (entry.changes_dict or {}).items():
        if isinstance(values, dict) and values.get("type") == "m2m":
            try:
                label = str(model._meta.get_field(name).verbose_name)
            except (FieldDoesNotExist, AttributeError):
                label = name
            objects = "、".join(str(o) for o in values.get("objects", []))
            m2m[label] = ("", objects) if values.get("operation") == "add" else (objects, "")
    for label, values in entry.changes_display_dict.items():
        if str(label) in m2m:
            continue
        before, after = (list(values) + ["", ""])[:2] if isinstance(values, (list, tuple)) else ("", str(values))
        rows.append((str(label), "" if before == "None" else str(before), "" if after == "None" else str(after)))
    rows.extend((label, before, after) for label, (before, after) in m2m.items())
    return [(label, _readable(before), _readable(after)) for label, before, after in rows]


def _readable(value: str) -> str:
    return {"True": str(_("yes")), "False": str(_("no"))}.get(value, value)


@member_required(admin=True)
def audit_log_view(request):
    filters = filter_params(request, ("actor", "model", "object"))
    if not filters.get("actor", "").isdigit():
        filters.pop("actor", None)
    if not filters.get("object", "").isdigit():
        filters.pop("object", None)
    page = paginate(request, audit_log(filters=filters), per_page=30)
    entries = []
    for entry in page:
        model = entry.content_type.model_class()
        entries.append(
            {
                "entry": entry,
                "action": ACTIONS.get(entry.action, entry.action),
                "kind": model._meta.verbose_name if model else entry.content_type.model,
                "model": f"{entry.content_type.app_label}.{entry.content_type.model}",
                "changes": _changes(entry) if model else [],
            }
        )
    context = {
        "page": page,
        "entries": entries,
        "actors": audit_actors(),
        "models": audited_models(),
        "filters": filters,
        "querystring": querystring_without_page(request),
    }
    return render(request, "web/audit/list.html", context)
