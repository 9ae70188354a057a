"""Writes for topic planning: suggestions, the year's plan items, and adjustments (each with a reason)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shared.catalogues.models import Topic
from shared.core.exceptions import ApplicationError
from shared.core.years import year_error

from .models import PlanAdjustment, PlanItem, Suggestion, SuggestionSource

ADJUSTABLE_FIELDS = ("month", "theme", "topic", "departments")


def _invalid(fields: dict) -> ApplicationError:
    return ApplicationError(_("Some fields are not valid."), fields=fields)


def _check_year(year, errors: dict) -> None:
    if message := year_error(year):
        errors["year"] = [message]


def _check_topic(topic, errors: dict, *, unchanged_topic_id=None) -> None:
    if not isinstance(topic, Topic):
        errors["topic"] = [_("A topic is required.")]
    elif not topic.is_active and topic.pk != unchanged_topic_id:
        errors["topic"] = [_("The topic “%(name)s” is no longer in use.") % {"name": topic.name}]


def _check_departments(departments, errors: dict, *, unchanged_ids=()) -> None:
    inactive = [d.name for d in departments if not d.is_active and d.pk not in unchanged_ids]
    if inactive:
        errors["departments"] = [
            _("These departments are no longer in use: %(names)s.") % {"names": "、".join(inactive)}
        ]


def _check_month(month, errors: dict) -> None:
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        errors["month"] = [_("The month must be between 1 and 12.")]


def _check_theme(theme, errors: dict) -> str:
    theme = (theme or "").strip()
    if not theme:
        errors["theme"] = [_("A theme is required.")]
    elif len(theme) > 200:
        errors["theme"] = [_("A theme has at most 200 characters.")]
    return theme


def suggestion_create(*, actor, year: int, source: str, topic: Topic, text: str) -> Suggestion:
    errors: dict[str, list] = {}
    _check_year(year, errors)
    if source not in SuggestionSource.values:
        errors["source"] = [_("The source must be a site visit, a questionnaire or an interview.")]
    _check_topic(topic, errors)
    text = (text or "").strip()
    if not text:
        errors["text"] = [_("The suggestion text is required.")]
    if errors:
        raise _invalid(errors)
    return Suggestion.objects.create(
        year=year, source=source, topic=topic, text=text, created_by=actor if _is_user(actor) else None
    )


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _month_taken(year: int, month: int) -> ApplicationError:
    return _invalid(
        {"month": [_("The plan of %(year)d already has an item for month %(month)d.") % {"year": year, "month": month}]}
    )


@transaction.atomic
def plan_item_create(*, actor, year: int, month: int, theme: str, topic: Topic, departments=()) -> PlanItem:
    errors: dict[str, list] = {}
    departments = list(departments)
    _check_year(year, errors)
    _check_month(month, errors)
    theme = _check_theme(theme, errors)
    _check_topic(topic, errors)
    _check_departments(departments, errors)
    if not errors and PlanItem.objects.filter(year=year, month=month).exists():
        raise _month_taken(year, month)
    if errors:
        raise _invalid(errors)
    try:
        with transaction.atomic():
            item = PlanItem.objects.create(year=year, month=month, theme=theme, topic=topic)
    except IntegrityError:  # someone planned the same month at the same moment
        raise _month_taken(year, month) from None
    item.departments.set(departments)
    return item


def plan_item_snapshot(item: PlanItem) -> dict:
    """What an item says, with names kept so the record still reads right after a catalogue rename."""
    departments = sorted(item.departments.all(), key=lambda d: (d.sort_order, d.pk))
    return {
        "year": item.year,
        "month": item.month,
        "theme": item.theme,
        "topic": {"id": item.topic_id, "name": item.topic.name},
        "departments": [{"id": d.pk, "name": d.name} for d in departments],
    }


def plan_item_adjust(*, item: PlanItem, actor, reason: str, **changes) -> PlanItem:
    """Change a plan item (month, theme, topic, departments). A reason is required; the change is recorded as a
    PlanAdjustment with the item before and after, who and when."""
    unknown = set(changes) - set(ADJUSTABLE_FIELDS)
    if unknown:
        raise _invalid({name: [_("Not an adjustable field.")] for name in sorted(unknown)})
    errors: dict[str, list] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Every change to the plan needs a reason.")]
    with transaction.atomic():
        item = PlanItem.objects.select_for_update().select_related("topic").get(pk=item.pk)
        before = plan_item_snapshot(item)
        _check_changes(item, changes, before=before, errors=errors)
        if errors:
            raise _invalid(errors)
        _apply_changes(item, changes)
        after = plan_item_snapshot(item)
        if after == before:
            raise ApplicationError(_("Nothing to change: the plan item already says this."), code="no_change")
        PlanAdjustment.objects.create(
            item=item, reason=reason, before=before, after=after, actor=actor if _is_user(actor) else None
        )
    return item


def _check_changes(item: PlanItem, changes: dict, *, before: dict, errors: dict) -> None:
    """Check the changed fields (normalising `changes` in place); catalogue entries already on the item may
    stay even if deactivated since."""
    if "month" in changes:
        _check_month(changes["month"], errors)
    if "theme" in changes:
        changes["theme"] = _check_theme(changes["theme"], errors)
    if "topic" in changes:
        _check_topic(changes["topic"], errors, unchanged_topic_id=item.topic_id)
    if "departments" in changes:
        changes["departments"] = list(changes["departments"])
        current = {d["id"] for d in before["departments"]}
        _check_departments(changes["departments"], errors, unchanged_ids=current)


def _apply_changes(item: PlanItem, changes: dict) -> None:
    """Save checked changes; a month the year's plan already uses is refused, even under concurrency."""
    if "month" in changes and changes["month"] != item.month:
        if PlanItem.objects.filter(year=item.year, month=changes["month"]).exclude(pk=item.pk).exists():
            raise _month_taken(item.year, changes["month"])
    for name in ("month", "theme", "topic"):
        if name in changes:
            setattr(item, name, changes[name])
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise _month_taken(item.year, item.month) from None
    if "departments" in changes:
        item.departments.set(changes["departments"])


@transaction.atomic
def plan_item_delete(*, item: PlanItem, actor) -> None:
    """Take a month out of the year's plan (its adjustment log goes with it: the plan no longer has that
    item). Events already created from it are separate records and stay."""
    PlanItem.objects.filter(pk=item.pk).delete()
