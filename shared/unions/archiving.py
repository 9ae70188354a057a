"""Archiving a union: it keeps its data, its hosts refuse everyone, and its city's figures leave it out from
the year it was archived; restoring brings it back. Only an archived union may be deleted for good."""

from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from shared.core.exceptions import ApplicationError

from .models import Union
from .selectors import union_below, union_children
from .services import union_discard


def _store(union: Union) -> None:
    # Saved from the public schema: TenantMixin.save() refuses to run while another union's schema is active,
    # and the registry's audit log is the public one.
    with schema_context(get_public_schema_name()):
        union.save(update_fields=["archived_on"])


def union_archive(*, union: Union, today: datetime.date | None = None) -> Union:
    if union.archived_on is not None:
        raise ApplicationError(_("This union is already archived."), code="already_archived")
    if union_children(union=union).filter(archived_on__isnull=True).exists():
        raise ApplicationError(_("Archive the unions below this one first."), code="active_children")
    union.archived_on = today or timezone.localdate()
    _store(union)
    return union


def union_restore(*, union: Union) -> Union:
    if union.archived_on is None:
        raise ApplicationError(_("This union is not archived."), code="not_archived")
    if union.parent is not None and union.parent.archived_on is not None:
        raise ApplicationError(_("Restore the union above this one first."), code="parent_archived")
    union.archived_on = None
    _store(union)
    return union


def union_delete(*, union: Union, confirmation: str) -> None:
    """Delete an archived union for good, its schema included; its code must be typed as confirmation."""
    if union.archived_on is None:
        raise ApplicationError(_("Only an archived union can be deleted."), code="not_archived")
    if (confirmation or "").strip() != union.code:
        raise ApplicationError(
            _("Some fields are not valid."),
            fields={"confirmation": [_("Type the union's code “%(code)s” to confirm.") % {"code": union.code}]},
        )
    if union_children(union=union).exists():
        raise ApplicationError(_("Delete the unions below this one first."), code="has_children")
    code, name, pk = union.code, union.name, union.pk
    union_discard(union=union)
    # The union's own log went with its schema: the registry's (public) log keeps the deletion.
    union.pk = pk
    with schema_context(get_public_schema_name()):
        LogEntry.objects.log_create(
            union,
            force_log=True,
            action=LogEntry.Action.DELETE,
            changes={"code": [code, None], "name": [name, None]},
        )


# --- Reads ------------------------------------------------------------------------------------------


def unions_counted_in(queryset: QuerySet[Union], *, year: int) -> QuerySet[Union]:
    """The unions of `queryset` that count in `year`: never archived, or archived in a later year."""
    return queryset.filter(Q(archived_on__isnull=True) | Q(archived_on__year__gt=year))


def union_counted_in(union: Union, *, year: int) -> bool:
    """What unions_counted_in says of one union already fetched: never archived, or archived in a later year."""
    return union.archived_on is None or union.archived_on.year > year


def union_children_counted(*, union: Union, year: int) -> QuerySet[Union]:
    """The children of `union` that its figures of `year` count (the roll-up, compliance, the assessment)."""
    return unions_counted_in(union_children(union=union), year=year)


def union_children_left_out(*, union: Union, year: int) -> QuerySet[Union]:
    """The children a city's figures of `year` leave out because they were archived by then."""
    return union_children(union=union).filter(archived_on__year__lte=year)


def union_below_counted(*, union: Union, year: int) -> QuerySet[Union]:
    """Every union below `union` (a province: its cities and their counties) that its figures of `year` count."""
    return unions_counted_in(union_below(union=union), year=year)


def union_below_left_out(*, union: Union, year: int) -> QuerySet[Union]:
    """The unions below `union` that its figures of `year` leave out because they were archived by then."""
    return union_below(union=union).filter(archived_on__year__lte=year)
