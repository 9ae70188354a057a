"""Writes of the shared catalogues. Catalogues are shared by every city of the deployment; any city union's
admin may edit them (the API enforces IsCityUnionAdmin). Entries are deactivated, never deleted: events,
cases and plans of every union keep pointing at them."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from shared.audit.context import records_actor
from shared.core.exceptions import ApplicationError

from .models import CatalogueEntry, Department, Topic

NAME_MAX_LENGTH = 60


def _clean_name(model: type[CatalogueEntry], name: str, *, instance: CatalogueEntry | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Some fields are not valid."), fields={"name": [_("A name is required.")]})
    if len(name) > NAME_MAX_LENGTH:
        raise ApplicationError(
            _("Some fields are not valid."),
            fields={"name": [_("A name has at most %(max)d characters.") % {"max": NAME_MAX_LENGTH}]},
        )
    clash = model.objects.filter(name__iexact=name)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ApplicationError(_("Some fields are not valid."), fields={"name": [_("This name is already in use.")]})
    return name


# The column is a PositiveIntegerField: a larger number would fail in PostgreSQL (a 500 found by make fuzz).
MAX_SORT_ORDER = 2_147_483_647


def _clean_sort_order(sort_order) -> int:
    if (
        sort_order is None
        or isinstance(sort_order, bool)
        or not isinstance(sort_order, int)
        or not 0 <= sort_order <= MAX_SORT_ORDER
    ):
        message = _("The sort order is a whole number from 0 to %(max)d.") % {"max": MAX_SORT_ORDER}
        raise ApplicationError(_("Some fields are not valid."), fields={"sort_order": [message]})
    return sort_order


def _save(entry: CatalogueEntry) -> CatalogueEntry:
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # the same name saved by someone else at the same moment
        raise ApplicationError(
            _("Some fields are not valid."), fields={"name": [_("This name is already in use.")]}
        ) from None
    return entry


@records_actor
def catalogue_entry_create(
    *, model: type[CatalogueEntry], actor, name: str, sort_order: int | None = None, is_active: bool = True
) -> CatalogueEntry:
    """A new entry of one catalogue (Topic or Department), at the end of the list unless a place is given."""
    name = _clean_name(model, name)
    if sort_order is None:
        sort_order = (model.objects.aggregate(last=Max("sort_order"))["last"] or 0) + 1
    return _save(model(name=name, sort_order=_clean_sort_order(sort_order), is_active=bool(is_active)))


@records_actor
def catalogue_entry_update(*, entry: CatalogueEntry, actor, **fields) -> CatalogueEntry:
    """Rename, move or take in/out of use an entry of either catalogue."""
    unknown = set(fields) - {"name", "sort_order", "is_active"}
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed."), fields={name: [_("Not an editable field.")] for name in unknown}
        )
    if "name" in fields:
        entry.name = _clean_name(type(entry), fields["name"], instance=entry)
    if "sort_order" in fields:
        entry.sort_order = _clean_sort_order(fields["sort_order"])
    if "is_active" in fields:
        entry.is_active = bool(fields["is_active"])
    return _save(entry)


def topic_create(*, actor, name: str, sort_order: int | None = None, is_active: bool = True) -> Topic:
    return catalogue_entry_create(model=Topic, actor=actor, name=name, sort_order=sort_order, is_active=is_active)


def topic_update(*, topic: Topic, actor, **fields) -> Topic:
    return catalogue_entry_update(entry=topic, actor=actor, **fields)


def topic_deactivate(*, topic: Topic, actor) -> Topic:
    return catalogue_entry_update(entry=topic, actor=actor, is_active=False)


def topic_activate(*, topic: Topic, actor) -> Topic:
    return catalogue_entry_update(entry=topic, actor=actor, is_active=True)


def department_create(*, actor, name: str, sort_order: int | None = None, is_active: bool = True) -> Department:
    return catalogue_entry_create(model=Department, actor=actor, name=name, sort_order=sort_order, is_active=is_active)


def department_update(*, department: Department, actor, **fields) -> Department:
    return catalogue_entry_update(entry=department, actor=actor, **fields)


def department_deactivate(*, department: Department, actor) -> Department:
    return catalogue_entry_update(entry=department, actor=actor, is_active=False)


def department_activate(*, department: Department, actor) -> Department:
    return catalogue_entry_update(entry=department, actor=actor, is_active=True)
