from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from shared.core.exceptions import ApplicationError
from shared.unions.models import Union

from .models import Membership, Role, User
from .selectors import membership_for


def token_issue(*, request, union: Union | None, username: str, password: str) -> Token:
    """A token for a member of this union; anyone else is refused, with the same answer whether or
    not they belong to some other union."""
    # The Django request itself (not DRF's wrapper): the sign-in lockout marks it, and its middleware answers.
    user = authenticate(request=getattr(request, "_request", request), username=username, password=password)
    if user is None or not user.is_active:
        raise ApplicationError(_("Wrong username or password."), code="invalid_credentials", status=400)
    if membership_for(user=user, union=union) is None:
        raise ApplicationError(_("You are not a member of this union."), code="permission_denied", status=403)
    token, _created = Token.objects.get_or_create(user=user)
    return token


def membership_grant(*, user: User, union: Union, role: str) -> Membership:
    if role not in Role.values:
        raise ApplicationError(_("Unknown role."), fields={"role": [_("Choose admin, staff or viewer.")]})
    membership, _created = Membership.objects.update_or_create(user=user, union=union, defaults={"role": role})
    return membership


def _password_errors(password: str, user: User) -> list[str]:

    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


def member_add(
    *, union: Union, username: str, role: str, password: str = "", full_name: str = "", email: str = ""
) -> Membership:
    """Give a person a role in the union. A new username makes a new account (a password is then
    required); an existing account keeps its password and simply gains this membership."""
    errors: dict[str, list] = {}
    if role not in Role.values:
        errors["role"] = [_("Choose admin, staff or viewer.")]
    username = (username or "").strip()
    user = User.objects.filter(username=username).first() if username else None
    if not username:
        errors["username"] = [_("The username is required.")]
    elif user is None:
        user = User(username=username, full_name=full_name.strip(), email=email.strip())
        if not password:
            errors["password"] = [_("A new account needs a password.")]
        else:
            problems = _password_errors(password, user)
            if problems:
                errors["password"] = problems
    elif Membership.objects.filter(user=user, union=union).exists():
        errors["username"] = [_("This person is already a member of the union.")]
    if errors:
        raise ApplicationError(_("Some fields are not valid."), fields=errors)
    if user.pk is None:
        user.set_password(password)
        user.save()
    return Membership.objects.create(user=user, union=union, role=role)


def _ensure_an_admin_remains(membership: Membership) -> None:
    if membership.role == Role.ADMIN and not (
        Membership.objects.filter(union=membership.union, role=Role.ADMIN).exclude(pk=membership.pk).exists()
    ):
        raise ApplicationError(_("A union keeps at least one administrator."), code="last_admin")


def member_change_role(*, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ApplicationError(_("Some fields are not valid."), fields={"role": [_("Choose admin, staff or viewer.")]})
    if role != Role.ADMIN:
        _ensure_an_admin_remains(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def member_remove(*, membership: Membership) -> None:
    """End a membership. The account stays (it may belong to other unions); its API token is kept only
    if it still belongs somewhere."""
    _ensure_an_admin_remains(membership)
    user = membership.user
    membership.delete()
    if not user.memberships.exists():
        Token.objects.filter(user=user).delete()


def member_add_existing(*, union: Union, username: str, role: str) -> Membership:
    """Give an existing account a role in the union (people without an account are invited instead)."""
    username = (username or "").strip()
    if username and not User.objects.filter(username=username).exists():
        raise ApplicationError(
            _("Some fields are not valid."),
            fields={"username": [_("No account has this username; invite the person by email instead.")]},
        )
    return member_add(union=union, username=username, role=role)
