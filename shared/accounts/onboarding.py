"""A new union with an invitation for its first administrator, all or nothing: a union nobody can sign in to
is what this prevents."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shared.core.exceptions import ApplicationError
from shared.unions.models import Union
from shared.unions.services import union_create

from .invitations import invitation_check, invitation_create
from .models import Invitation, Role, User

ADMIN_FIELDS = {"username": "admin_username", "email": "admin_email"}


def union_onboard(
    *,
    code: str,
    name: str,
    level: str,
    region_code: str,
    domain: str,
    parent_code: str | None = None,
    admin_username: str,
    admin_email: str,
    admin_name: str = "",
    invited_by: User | None = None,
    origin: str | None = None,
) -> tuple[Union, Invitation, str]:
    """Create the union and invite its first administrator. Returns the union, the invitation and its link.
    Field errors of the administrator are named admin_username / admin_email."""
    errors = {
        ADMIN_FIELDS.get(name, name): reasons
        for name, reasons in invitation_check(username=admin_username, email=admin_email, role=Role.ADMIN).items()
    }
    with transaction.atomic():
        # The union's own checks run too, so one answer names every field that is wrong; raising inside the
        # transaction removes the union (and its schema) again.
        try:
            union = union_create(
                code=code, name=name, level=level, parent_code=parent_code, region_code=region_code, domain=domain
            )
        except ApplicationError as error:
            raise ApplicationError(error.message, code=error.code, fields={**error.fields, **errors}) from error
        if errors:
            raise ApplicationError(_("The first administrator cannot be invited."), fields=errors)
        invitation, url = invitation_create(
            union=union,
            username=admin_username,
            email=admin_email,
            full_name=admin_name,
            role=Role.ADMIN,
            invited_by=invited_by,
            origin=origin,
        )
    return union, invitation, url
