"""Connects committed changes to a union's events and cases to a debounced roll-up refresh (see tasks.py).

Which years: those the change touches — an event's planned and held dates, a case's raised_on date — both
before and after the change, so moving an event from one year to another refreshes both rows.
"""

from __future__ import annotations

import logging
from functools import partial, update_wrapper

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from tenants.cases.models import Case, CaseTransition
from tenants.events.models import Event, MediaReport

from .tasks import rollup_schedule_refresh

logger = logging.getLogger(__name__)


def _event_years(event: Event) -> set[int]:
    return {d.year for d in (event.planned_date, event.held_date) if d}


def _queued_in_this_block() -> set[tuple[str, int]]:
    """(schema, year) pairs whose refresh the current atomic block already queued. Read from Django's own
    list of on-commit callbacks (which drops those of a savepoint that rolls back), so nothing of ours can
    go stale."""
    savepoints = set(connection.savepoint_ids)
    return {
        (func.keywords["schema_name"], func.keywords["year"])
        for callback_savepoints, func, _robust in connection.run_on_commit
        if callback_savepoints == savepoints and isinstance(func, partial) and func.func is rollup_schedule_refresh
    }


def _schedule(years) -> None:
    """Queue one refresh per year after commit. A service saves a case, its transitions and its dispute in
    one atomic block; each save lands here, but the (schema, year) is queued once."""
    schema_name = connection.schema_name
    if schema_name == get_public_schema_name():
        return
    queued = _queued_in_this_block() if connection.in_atomic_block else set()
    for year in {y for y in years if y}:
        if (schema_name, year) not in queued:
            callback = partial(rollup_schedule_refresh, schema_name=schema_name, year=year)
            # Django's robust on-commit handler logs a failure with the callback's __qualname__, which a bare
            # partial lacks: the logging itself would then raise after the commit.
            transaction.on_commit(update_wrapper(callback, rollup_schedule_refresh), robust=True)


@receiver(pre_save, sender=Event, dispatch_uid="rollup_event_pre_save")
def _event_before(sender, instance: Event, raw=False, **kwargs):
    instance._rollup_old_years = set()
    if instance.pk and not raw:
        old = Event.objects.filter(pk=instance.pk).values_list("planned_date", "held_date").first()
        instance._rollup_old_years = {d.year for d in (old or ()) if d}


@receiver(post_save, sender=Event, dispatch_uid="rollup_event_saved")
@receiver(post_delete, sender=Event, dispatch_uid="rollup_event_deleted")
def _event_changed(sender, instance: Event, **kwargs):
    _schedule(_event_years(instance) | getattr(instance, "_rollup_old_years", set()))


@receiver(pre_save, sender=Case, dispatch_uid="rollup_case_pre_save")
def _case_before(sender, instance: Case, raw=False, **kwargs):
    instance._rollup_old_years = set()
    if instance.pk and not raw:
        old = Case.objects.filter(pk=instance.pk).values_list("raised_on", flat=True).first()
        instance._rollup_old_years = {old.year} if old else set()


@receiver(post_save, sender=Case, dispatch_uid="rollup_case_saved")
@receiver(post_delete, sender=Case, dispatch_uid="rollup_case_deleted")
def _case_changed(sender, instance: Case, **kwargs):
    years = getattr(instance, "_rollup_old_years", set())
    if instance.raised_on:
        years = years | {instance.raised_on.year}
    _schedule(years)


@receiver(post_save, sender=CaseTransition, dispatch_uid="rollup_transition_saved")
@receiver(post_delete, sender=CaseTransition, dispatch_uid="rollup_transition_deleted")
def _transition_changed(sender, instance: CaseTransition, **kwargs):
    try:
        case = instance.case
    except Case.DoesNotExist:  # deleted along with its case, which schedules the refresh itself
        return
    _schedule({case.raised_on.year} if case.raised_on else set())


@receiver(post_save, sender=MediaReport, dispatch_uid="rollup_media_saved")
@receiver(post_delete, sender=MediaReport, dispatch_uid="rollup_media_deleted")
def _media_changed(sender, instance: MediaReport, **kwargs):
    try:
        event = instance.event
    except Event.DoesNotExist:  # deleted along with its event
        return
    _schedule(_event_years(event))


def _m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:
        if action != "pre_clear":
            _schedule(_event_years(instance))
        return
    # From the other side (an enterprise's or a department's events): the events named, or all of them
    # before a clear.
    if action == "pre_clear":
        events = Event.objects.filter(**{sender_field(sender, instance): instance})
    elif action == "post_clear":
        return
    else:
        events = Event.objects.filter(pk__in=pk_set or ())
    years: set[int] = set()
    for planned, held in events.values_list("planned_date", "held_date"):
        years |= {d.year for d in (planned, held) if d}
    _schedule(years or {timezone.localdate().year})


def sender_field(through, instance) -> str:
    """The through model's field pointing at `instance`'s model, as an Event lookup (e.g. "enterprises")."""
    for field in (Event.enterprises.field, Event.departments.field):
        if field.remote_field.through is through:
            return field.name
    raise LookupError(through)


for _through in (Event.enterprises.through, Event.departments.through):
    m2m_changed.connect(_m2m_changed, sender=_through, dispatch_uid=f"rollup_m2m_{_through._meta.label}")
