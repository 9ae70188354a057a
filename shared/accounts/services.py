from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from shared.core.exceptions import ApplicationError
from shared.unions.models import Union

from .models import Membership, Role, User
from .selectors import membership_for


def token_issue(*, request, union: Union | None, username: str, password: str) -> Token:
    """A token for a member of this union; anyone else is refused, with the same answer whether or
    not they belong to some other union."""
    user = authenticate(request=request, username=username, password=password)
    if user is None or not user.is_active:
        raise ApplicationError(_("Wrong username or password."), code="invalid_credentials", status=400)
    if membership_for(user=user, union=union) is None:
        raise ApplicationError(_("You are not a member of this union."), code="permission_denied", status=403)
    token, _created = Token.objects.get_or_create(user=user)
    return token


def user_create(*, username: str, password: str, full_name: str = "", email: str = "") -> User:
    user = User(username=username, full_name=full_name, email=email)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def membership_grant(*, user: User, union: Union, role: str) -> Membership:
    if role not in Role.values:
        raise ApplicationError(_("Unknown role."), fields={"role": [_("Choose admin, staff or viewer.")]})
    membership, _created = Membership.objects.update_or_create(user=user, union=union, defaults={"role": role})
    return membership
