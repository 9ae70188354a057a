"""Writes for enterprises: create, update and the .xlsx import (one savepoint per row)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shared.audit.context import records_actor
from shared.core.exceptions import ApplicationError, FieldErrors

from .models import Enterprise, HarmonyLevel
from .validators import credit_code_error, normalize_credit_code

EDITABLE_FIELDS = ("name", "credit_code", "industry", "town", "employees", "union_established", "harmony_level")


def _duplicate_message(other: Enterprise):
    return _("An enterprise with this unified social credit code already exists: %(name)s.") % {"name": other.name}


def _clean(enterprise: Enterprise) -> None:
    """Validate the enterprise as it stands (tidying its text fields); raise one ApplicationError naming every
    bad field."""
    errors = FieldErrors()
    _tidy(enterprise)
    if not enterprise.name:
        errors.add("name", _("The enterprise name is required."))
    _check_credit_code(enterprise, errors)
    if enterprise.employees is not None and enterprise.employees < 0:
        errors.add("employees", _("The number of employees cannot be negative."))
    if enterprise.harmony_level not in HarmonyLevel.values:
        errors.add("harmony_level", _("Unknown harmonious-enterprise level."))
    try:
        enterprise.full_clean(exclude=["credit_code", *errors], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    errors.raise_if_any()


def _tidy(enterprise: Enterprise) -> None:
    """Strip the text fields, normalise the credit code, and store a missing level as blank."""
    for field in ("name", "industry", "town"):
        setattr(enterprise, field, (getattr(enterprise, field) or "").strip())
    enterprise.credit_code = normalize_credit_code(enterprise.credit_code)
    if enterprise.harmony_level is None:
        enterprise.harmony_level = ""


def _check_credit_code(enterprise: Enterprise, errors: FieldErrors) -> None:
    """A code, when given, has a valid GB 32100-2015 check character and no other enterprise has it."""
    if not enterprise.credit_code:
        return
    problem = credit_code_error(enterprise.credit_code)
    if problem is not None:
        errors.setdefault("credit_code", []).extend(problem.messages)
        return
    other = Enterprise.objects.filter(credit_code=enterprise.credit_code).exclude(pk=enterprise.pk).first()
    if other is not None:
        errors.add("credit_code", _duplicate_message(other))


def _save(enterprise: Enterprise) -> Enterprise:
    _clean(enterprise)
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:
        # Two people saved the same code at the same moment: the unique constraint decided.
        other = Enterprise.objects.filter(credit_code=enterprise.credit_code).exclude(pk=enterprise.pk).first()
        if other is None:
            raise
        raise ApplicationError(
            _("Some fields are not valid."), fields={"credit_code": [_duplicate_message(other)]}
        ) from None
    return enterprise


@records_actor
def enterprise_create(
    *,
    actor=None,
    name: str,
    credit_code: str = "",
    industry: str = "",
    town: str = "",
    employees: int | None = None,
    union_established: bool = False,
    harmony_level: str = "",
) -> Enterprise:
    enterprise = Enterprise(
        name=name,
        credit_code=credit_code,
        industry=industry,
        town=town,
        employees=employees,
        union_established=union_established,
        harmony_level=harmony_level,
    )
    return _save(enterprise)


@records_actor
def enterprise_update(*, enterprise: Enterprise, actor=None, **fields) -> Enterprise:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed."), fields={name: [_("Not an editable field.")] for name in unknown}
        )
    for name, value in fields.items():
        setattr(enterprise, name, value)
    return _save(enterprise)
