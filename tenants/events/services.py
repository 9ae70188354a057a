"""Writes for events (期): create with the next number, edit, preparation checklist, record held, cancel,
media reports. Every rule of the event's life is checked here and broken rules raise ApplicationError."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared.audit.context import records_actor
from shared.catalogues.models import Department, Topic
from shared.core.concurrency import ensure_unchanged
from shared.core.exceptions import ApplicationError
from shared.unions.models import Union
from shared.unions.selectors import union_invitable
from tenants.enterprises.models import Enterprise

from .models import NOT_YET_HELD_STATUSES, Event, EventCounter, EventStatus, MediaReport, VenueKind
from .selectors import event_record_missing_parts

# The most a held event's record may count: far beyond any real event (the programme's busiest drew a few
# hundred workers), well within the database's integer columns, so a mistyped or forged figure is refused
# with a field error instead of overflowing the column. The page's form shows the same limits.
MAX_WORKER_ATTENDANCE = 1_000_000
MAX_UNREGISTERED_ENTERPRISES = 100_000

EDITABLE_FIELDS = ("title", "topic", "planned_date", "venue_kind", "venue_name", "departments", "invited_unions")


def _invalid_transition(message) -> ApplicationError:
    return ApplicationError(message, code="invalid_transition")


def _field_error(field: str, message, *, code: str = "invalid") -> ApplicationError:
    return ApplicationError(_("Some fields are not valid."), code=code, fields={field: [message]})


def _objects(model, values: Iterable, field: str) -> list:
    """Model instances from instances or primary keys; unknown keys are a field error."""
    values = list(values or ())
    ids = [value.pk if isinstance(value, model) else value for value in values]
    found = {obj.pk: obj for obj in model.objects.filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise _field_error(field, _("Unknown ids: %(ids)s.") % {"ids": ", ".join(missing)})
    return [found[pk] for pk in dict.fromkeys(ids)]


def _one(model, value, field: str):
    if value is None or value == "":
        return None
    return _objects(model, [value], field)[0]


def _invited_unions(values) -> list[Union]:
    """Invited unions (city demonstration events) come from the same city: union_invitable says which."""
    unions = _objects(Union, values, "invited_unions")
    if not unions:
        return unions
    own = Union.objects.select_related("parent").get(schema_name=connection.schema_name)
    allowed = set(union_invitable(union=own).values_list("pk", flat=True))
    outsiders = [u.name for u in unions if u.pk not in allowed]
    if outsiders:
        raise _field_error(
            "invited_unions",
            _("Only other unions of the same city can be invited: %(names)s.") % {"names": ", ".join(outsiders)},
        )
    return unions


def _next_number() -> int:
    """Take the union's next event number. The counter row is locked (SELECT … FOR UPDATE) until the
    caller's transaction ends, so two concurrent creations wait for each other: no gaps, no duplicates."""
    counter = EventCounter.objects.select_for_update().filter(pk=1).first()
    if counter is None:  # a schema made without the data migration; created once, then locked as usual
        EventCounter.objects.get_or_create(pk=1, defaults={"last_number": Event.objects.count()})
        counter = EventCounter.objects.select_for_update().get(pk=1)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _check_basics(*, title: str, planned_date, venue_kind: str) -> None:
    errors: dict[str, list] = {}
    if not (title or "").strip():
        errors["title"] = [_("The theme is required.")]
    if not isinstance(planned_date, datetime.date):
        errors["planned_date"] = [_("A planned date is required.")]
    if venue_kind not in VenueKind.values:
        errors["venue_kind"] = [_("Unknown venue kind.")]
    if errors:
        raise ApplicationError(_("Some fields are not valid."), fields=errors)


@transaction.atomic
@records_actor
def event_create(
    *,
    actor,
    title: str,
    planned_date: datetime.date,
    venue_kind: str,
    venue_name: str = "",
    topic=None,
    departments=(),
    invited_unions=(),
) -> Event:
    """A planned event with the union's next number (第N期)."""
    _check_basics(title=title, planned_date=planned_date, venue_kind=venue_kind)
    topic = _one(Topic, topic, "topic")
    departments = _objects(Department, departments, "departments")
    invited_unions = _invited_unions(invited_unions)
    event = Event(
        number=_next_number(),
        title=title.strip(),
        topic=topic,
        planned_date=planned_date,
        venue_kind=venue_kind,
        venue_name=(venue_name or "").strip(),
        created_by=actor,
    )
    event.save()
    event.departments.set(departments)
    event.invited_unions.set(invited_unions)
    return event


@transaction.atomic
@records_actor
def event_update(*, event: Event, actor, expected_updated_at: datetime.datetime | None = None, **fields) -> Event:
    """Change what was planned (theme, topic, date, venue, departments, invited unions). A cancelled event
    is closed for edits. With `expected_updated_at` (the version the editor read), a change saved by someone
    else in between is refused with a conflict instead of being overwritten."""
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)}, code="not_editable"
        )
    event = Event.objects.select_for_update().get(pk=event.pk)
    ensure_unchanged(current=event.updated_at, expected=expected_updated_at)
    if event.status == EventStatus.CANCELLED:
        raise _invalid_transition(_("A cancelled event cannot be changed."))
    for name in ("title", "planned_date", "venue_kind", "venue_name"):
        if name in fields:
            setattr(event, name, fields[name] if name != "venue_name" else (fields[name] or "").strip())
    if "title" in fields:
        event.title = (event.title or "").strip()
    if "topic" in fields:
        event.topic = _one(Topic, fields["topic"], "topic")
    _check_basics(title=event.title, planned_date=event.planned_date, venue_kind=event.venue_kind)
    event.save()
    if "departments" in fields:
        event.departments.set(_objects(Department, fields["departments"], "departments"))
    if "invited_unions" in fields:
        event.invited_unions.set(_invited_unions(fields["invited_unions"]))
    return event


@transaction.atomic
@records_actor
def event_tick_preparation(*, event: Event, actor, items: dict[str, bool]) -> Event:
    """Tick or untick checklist items (keys of Event.PREPARATION_FIELDS). All ticked: prepared; one
    unticked again: back to planned. Only before the event is held or cancelled."""
    unknown = sorted(set(items) - set(Event.PREPARATION_FIELDS))
    if unknown:
        raise _field_error("items", _("Unknown preparation items: %(items)s.") % {"items": ", ".join(unknown)})
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status not in NOT_YET_HELD_STATUSES:
        raise _invalid_transition(_("Preparation can only be ticked before the event is held or cancelled."))
    for name, value in items.items():
        setattr(event, name, bool(value))
    event.status = EventStatus.PREPARED if event.is_prepared else EventStatus.PLANNED
    event.save()
    return event


@transaction.atomic
@records_actor
def event_record_held(
    *,
    event: Event,
    actor,
    held_date: datetime.date,
    enterprises=(),
    unregistered_enterprise_count: int = 0,
    worker_attendance: int = 0,
    summary: str = "",
) -> Event:
    """Record what happened on the day. Recording again corrects the figures of a held event; a cancelled
    event cannot be held; the held date cannot be in the future; counts are never negative."""
    errors: dict[str, list] = {}
    if not isinstance(held_date, datetime.date):
        errors["held_date"] = [_("The held date is required.")]
    elif held_date > timezone.localdate():
        errors["held_date"] = [_("The held date cannot be in the future.")]
    for name, value, most in (
        ("unregistered_enterprise_count", unregistered_enterprise_count, MAX_UNREGISTERED_ENTERPRISES),
        ("worker_attendance", worker_attendance, MAX_WORKER_ATTENDANCE),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[name] = [_("A count cannot be negative.")]
        elif value > most:
            errors[name] = [_("A count cannot be more than %(most)d.") % {"most": most}]
    if errors:
        raise ApplicationError(_("Some fields are not valid."), fields=errors)
    enterprises = _objects(Enterprise, enterprises, "enterprises")
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        raise _invalid_transition(_("A cancelled event cannot be held."))
    event.status = EventStatus.HELD
    event.held_date = held_date
    event.unregistered_enterprise_count = unregistered_enterprise_count
    event.worker_attendance = worker_attendance
    event.summary = (summary or "").strip()
    event.save()
    event.enterprises.set(enterprises)
    return event_record_mark_complete(event=event)


def event_record_mark_complete(*, event: Event) -> Event:
    """Stamp today as the day the held event's record became complete, the first time it is (see
    selectors.event_record_missing_parts). Called after every write that can complete it: recording the
    event, and a case raised there leaving "raised". Idempotent; never clears the stamp."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.HELD and event.record_completed_on is None:
        if not event_record_missing_parts(event=event):
            event.record_completed_on = timezone.localdate()
            event.save(update_fields=["record_completed_on", "updated_at"])
    return event


@transaction.atomic
@records_actor
def event_cancel(*, event: Event, actor, reason: str) -> Event:
    """Cancel a planned or prepared event; the reason is required and its number stays taken."""
    reason = (reason or "").strip()
    if not reason:
        raise _field_error("reason", _("A reason is required to cancel an event."))
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.HELD:
        raise _invalid_transition(_("A held event cannot be cancelled."))
    if event.status == EventStatus.CANCELLED:
        raise _invalid_transition(_("The event is already cancelled."))
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason
    event.save()
    return event


@transaction.atomic
@records_actor
def media_report_add(
    *, event: Event, actor, outlet: str, title: str, published_on: datetime.date, url: str = ""
) -> MediaReport:
    """A newspaper or web report about a held event."""
    errors: dict[str, list] = {}
    if not (outlet or "").strip():
        errors["outlet"] = [_("The outlet is required.")]
    if not (title or "").strip():
        errors["title"] = [_("The title is required.")]
    if not isinstance(published_on, datetime.date):
        errors["published_on"] = [_("The publication date is required.")]
    elif published_on > timezone.localdate():
        errors["published_on"] = [_("The publication date cannot be in the future.")]
    if errors:
        raise ApplicationError(_("Some fields are not valid."), fields=errors)
    if event.status != EventStatus.HELD:
        raise _invalid_transition(_("Media reports can only be added to a held event."))
    report = MediaReport(
        event=event, outlet=outlet.strip(), title=title.strip(), published_on=published_on, url=url or ""
    )
    report.full_clean(exclude=["event"])
    report.save()
    return report
