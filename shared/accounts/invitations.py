"""Invitations: a one-time link, valid for a few days, by which a person joins a union and sets a password.

Writes (services) and the link helpers live here; the pages and the create_union command call them.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shared.core.exceptions import ApplicationError
from shared.unions.models import Union

from .models import Invitation, Role, User
from .services import _password_errors, membership_grant

INVITE_PATH = "/invite/{token}/"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def domain_origin(*, domain: str, scheme: str | None = None, port: str | None = None) -> str:
    """scheme://domain[:port]; settings give the scheme and port outside a request."""
    scheme = scheme or settings.SITE_SCHEME
    port = settings.SITE_PORT if port is None else str(port)
    suffix = "" if not port or port in ("80", "443") else f":{port}"
    return f"{scheme}://{domain.strip().lower()}{suffix}"


def union_origin(*, union: Union, scheme: str | None = None, port: str | None = None) -> str:
    """The origin of the union's primary domain."""
    domain = union.domains.order_by("-is_primary", "pk").values_list("domain", flat=True).first()
    return domain_origin(domain=domain, scheme=scheme, port=port)


def request_origin(request) -> str:
    """The origin the person used, so a link made in a page works from the same place."""
    return f"{request.scheme}://{request.get_host()}"


def invitation_url(*, invitation: Invitation, token: str, origin: str | None = None) -> str:
    return (origin or union_origin(union=invitation.union)) + INVITE_PATH.format(token=token)


def invitation_check(*, username: str, email: str, role: str) -> dict[str, list]:
    """The field errors an invitation with these values would have (empty when it may be made)."""
    errors: dict[str, list] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("The username is required.")]
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError as error:
            errors["username"] = list(error.messages)
        else:
            if User.objects.filter(username__iexact=username).exists():
                errors["username"] = [_("This username is taken; add the existing account instead.")]
            elif invitation_pending_qs().filter(username__iexact=username).exists():
                errors["username"] = [_("Someone has already been invited with this username.")]
    try:
        validate_email((email or "").strip())
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    if role not in Role.values:
        errors["role"] = [_("Choose admin, staff or viewer.")]
    return errors


def invitation_pending_qs():
    return Invitation.objects.filter(accepted_at__isnull=True, closed_at__isnull=True, expires_at__gt=timezone.now())


def _send(*, invitation: Invitation, url: str) -> None:
    if not invitation.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"invitation": invitation, "url": url, "days": settings.INVITATION_DAYS}
        subject = render_to_string("web/account/invitation_subject.txt", context).strip()
        body = render_to_string("web/account/invitation_email.txt", context)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[invitation.email])


def invitation_create(
    *,
    union: Union,
    username: str,
    email: str,
    role: str,
    full_name: str = "",
    invited_by: User | None = None,
    origin: str | None = None,
) -> tuple[Invitation, str]:
    """Invite a new person to the union with a role. Returns the invitation and its link (the only place
    the link's token ever appears); the link is emailed once the transaction commits."""
    username, email = (username or "").strip(), (email or "").strip()
    errors = invitation_check(username=username, email=email, role=role)
    if errors:
        raise ApplicationError(_("Some fields are not valid."), fields=errors)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        union=union,
        username=username,
        full_name=(full_name or "").strip(),
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by=invited_by if invited_by and invited_by.is_authenticated else None,
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    url = invitation_url(invitation=invitation, token=token, origin=origin)
    transaction.on_commit(lambda: _send(invitation=invitation, url=url))
    return invitation, url


def invitation_for_token(*, union: Union | None, token: str) -> Invitation | None:
    """The invitation of this link on this union's host; a link of another union is no invitation here."""
    if union is None or not token:
        return None
    return Invitation.objects.filter(union=union, token_hash=_hash(token)).select_related("union").first()


def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Make the account with the chosen password and give it the invited role, once."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_pending(timezone.now()):
            raise ApplicationError(_("This invitation link is no longer valid."), code="invitation_invalid")
        if User.objects.filter(username__iexact=invitation.username).exists():
            raise ApplicationError(
                _("The username “%(username)s” has been taken meanwhile; ask for a new invitation.")
                % {"username": invitation.username},
                code="username_taken",
            )
        user = User(username=invitation.username, email=invitation.email, full_name=invitation.full_name)
        problems = _password_errors(password, user)
        if problems:
            raise ApplicationError(_("Choose another password."), fields={"password": problems})
        user.set_password(password)
        user.save()
        membership_grant(user=user, union=invitation.union, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user"])
    return user


def invitation_renew(*, invitation: Invitation, origin: str | None = None) -> Invitation:
    """Send a fresh link for an expired, unused invitation, to the address it was sent to (never shown to
    whoever holds the old link). The old link then stops counting, so it can be renewed only once."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.closed_at is not None:
            raise ApplicationError(_("This invitation cannot be renewed."), code="invitation_invalid")
        if invitation.expires_at > timezone.now():
            raise ApplicationError(_("This invitation is still valid."), code="invitation_valid")
        invitation.closed_at = timezone.now()
        invitation.save(update_fields=["closed_at"])
        fresh, _url = invitation_create(
            union=invitation.union,
            username=invitation.username,
            email=invitation.email,
            role=invitation.role,
            full_name=invitation.full_name,
            invited_by=invitation.invited_by,
            origin=origin,
        )
    return fresh


def invitation_withdraw(*, invitation: Invitation) -> None:
    if invitation.accepted_at is None and invitation.closed_at is None:
        invitation.closed_at = timezone.now()
        invitation.save(update_fields=["closed_at"])
